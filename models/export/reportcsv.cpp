#include "export/reportcsv.h"

#include "export/csvwriter.h"
#include "export/savefile.h"
#include "core/time.h"
#include "core/loadfeedback.h"

namespace pv {

ReportCsvWriter::ReportCsvWriter(const ReportCsvOptions &options)
    : m_options(options)
{
}

QStringList ReportCsvWriter::headerLines(const ReportDescription &description) const
{
    const ReportQuery &query = description.query;
    static const QString current = QStringLiteral("current = each pageview counted under the user's most recent known postcode");
    static const QString atTime = QStringLiteral("at-time = each pageview counted under the postcode the user had when it happened");
    QStringList lines;
    lines << QStringLiteral("# pvadmin report");
    if (description.bothBases)
        lines << QStringLiteral("# basis: both; %1; %2; difference = current - at_time").arg(current, atTime);
    else
        lines << QStringLiteral("# basis: %1").arg(query.basis == Basis::Current ? current : atTime);
    lines << QStringLiteral("# grain: %1 (times UTC; ISO weeks start on Monday; months are calendar months)")
                 .arg(grainName(query.grain));
    lines << QStringLiteral("# range: [%1; %2) on pageview time")
                 .arg(query.from ? formatTimestamp(*query.from) : QStringLiteral("beginning"),
                      query.to ? formatTimestamp(*query.to) : QStringLiteral("end"));
    lines << QStringLiteral("# postcodes: %1")
                 .arg(query.postcodes.isEmpty() ? QStringLiteral("all") : query.postcodes.join(QStringLiteral("; ")));
    lines << QStringLiteral("# data: %1").arg(description.freshness.describe());
    lines << QStringLiteral("# exported: %1 UTC").arg(formatTimestamp(description.exportedAt));
    return lines;
}

WriteOutcome ReportCsvWriter::write(const ReportTable &table, const ReportDescription &description, QIODevice *out,
                                    LoadFeedback *feedback, QString *error) const
{
    constexpr qsizetype batchRows = 4096;
    CsvWriter csv(out, m_options.neutraliseFormulas ? CsvWriter::Formulas::Neutralise : CsvWriter::Formulas::Keep);
    const auto cancelled = [&] { return feedback && feedback->isCancelled(); };
    const auto writeFailed = [&] {
        *error = QStringLiteral("cannot write: %1").arg(csv.errorString());
        return WriteOutcome::Failed;
    };
    if (m_options.utf8Bom)
        csv.addUtf8Bom();
    if (m_options.headerLines)
        for (const QString &line : headerLines(description))
            csv.addText(line).endRow();
    static const QStringList oneBasis{QStringLiteral("period_start"), QStringLiteral("postcode"), QStringLiteral("pageviews")};
    static const QStringList bothBases{QStringLiteral("period_start"), QStringLiteral("postcode"), QStringLiteral("current"),
                                       QStringLiteral("at_time"), QStringLiteral("difference")};
    for (const QString &column : table.basis ? oneBasis : bothBases)
        csv.addText(column);
    if (m_options.hoursLoaded)
        csv.addText(QStringLiteral("hours_loaded")).addText(QStringLiteral("period_hours"));
    csv.endRow();
    const qsizetype total = table.size();
    if (feedback)
        feedback->setStage(QStringLiteral("writing"), total);
    if (cancelled())
        return WriteOutcome::Cancelled;
    for (qsizetype i = 0; i < total; ++i) {
        if (table.basis) {
            const ReportRow &row = table.rows[i];
            csv.addText(formatTimestamp(row.periodStart)).addText(row.postcode).addNumber(row.pageviews);
        } else {
            const ComparisonRow &row = table.comparison[i];
            csv.addText(formatTimestamp(row.periodStart)).addText(row.postcode).addNumber(row.current)
                .addNumber(row.atTime).addNumber(row.difference());
        }
        if (m_options.hoursLoaded) {
            const PeriodCoverage coverage = table.periodCoverage(table.periodStartAt(i));
            csv.addNumber(coverage.hoursLoaded).addNumber(coverage.hours);
        }
        if (!csv.endRow())
            return writeFailed();
        if ((i + 1) % batchRows == 0 && feedback) {
            feedback->setProgress(i + 1);
            if (cancelled())
                return WriteOutcome::Cancelled;
        }
    }
    if (!csv.finish())
        return writeFailed();
    if (feedback)
        feedback->setProgress(total);
    return WriteOutcome::Written;
}

WriteOutcome exportReportCsv(const QString &path, const ReportTable &table, const ReportDescription &description,
                     const ReportCsvOptions &options, LoadFeedback *feedback, QString *error)
{
    return saveWholeFile(path, [&](QIODevice *out, QString *reason) {
        return ReportCsvWriter(options).write(table, description, out, feedback, reason);
    }, error);
}

WriteOutcome writeRankingCsv(const QList<PostcodeRanking> &ranking, QIODevice *out, QString *reason)
{
    CsvWriter csv(out, CsvWriter::Formulas::Neutralise);
    csv.addText(QStringLiteral("postcode")).addText(QStringLiteral("current")).addText(QStringLiteral("at_time"))
        .addText(QStringLiteral("difference")).endRow();
    for (const PostcodeRanking &r : ranking)
        csv.addText(r.postcode).addNumber(r.current).addNumber(r.atTime).addNumber(r.current - r.atTime).endRow();
    if (csv.finish())
        return WriteOutcome::Written;
    *reason = QStringLiteral("cannot write: %1").arg(csv.errorString());
    return WriteOutcome::Failed;
}

} // namespace pv
