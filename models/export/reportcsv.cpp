#include "export/reportcsv.h"

#include "extract/extractvalidation.h"
#include "core/loadfeedback.h"

#include <QSaveFile>

namespace pv {

ReportCsvWriter::ReportCsvWriter(const ReportCsvOptions &options)
    : m_options(options)
{
}

QByteArray ReportCsvWriter::textField(const QString &text) const
{
    QByteArray utf8 = text.toUtf8();
    if (m_options.neutraliseFormulas && !utf8.isEmpty()
        && (utf8[0] == '=' || utf8[0] == '+' || utf8[0] == '-' || utf8[0] == '@' || utf8[0] == '\t' || utf8[0] == '\r'))
        utf8.prepend('\'');
    if (utf8.contains(',') || utf8.contains('"') || utf8.contains('\n') || utf8.contains('\r'))
        utf8 = '"' + utf8.replace("\"", "\"\"") + '"';
    return utf8;
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

bool ReportCsvWriter::write(const ReportTable &table, const ReportDescription &description, QIODevice *out,
                            LoadFeedback *feedback, QString *error) const
{
    constexpr qsizetype batchRows = 4096;
    QByteArray buffer;
    const auto flush = [&] {
        if (out->write(buffer) != buffer.size()) {
            *error = QStringLiteral("cannot write: %1").arg(out->errorString());
            return false;
        }
        buffer.clear();
        return true;
    };
    if (m_options.utf8Bom)
        buffer += "\xEF\xBB\xBF";
    if (m_options.headerLines)
        for (const QString &line : headerLines(description))
            buffer += textField(line) + '\n';
    buffer += table.basis ? "period_start,postcode,pageviews\n" : "period_start,postcode,current,at_time,difference\n";
    const qsizetype total = table.size();
    if (feedback) {
        feedback->setStage(QStringLiteral("writing"), total);
        if (feedback->isCancelled()) {
            *error = QStringLiteral("cancelled");
            return false;
        }
    }
    for (qsizetype i = 0; i < total; ++i) {
        if (table.basis) {
            const ReportRow &row = table.rows[i];
            buffer += formatTimestamp(row.periodStart).toLatin1() + ',' + textField(row.postcode) + ','
                      + QByteArray::number(row.pageviews) + '\n';
        } else {
            const ComparisonRow &row = table.comparison[i];
            buffer += formatTimestamp(row.periodStart).toLatin1() + ',' + textField(row.postcode) + ','
                      + QByteArray::number(row.current) + ',' + QByteArray::number(row.atTime) + ','
                      + QByteArray::number(row.difference()) + '\n';
        }
        if ((i + 1) % batchRows == 0) {
            if (!flush())
                return false;
            if (feedback) {
                feedback->setProgress(i + 1);
                if (feedback->isCancelled()) {
                    *error = QStringLiteral("cancelled");
                    return false;
                }
            }
        }
    }
    if (!flush())
        return false;
    if (feedback)
        feedback->setProgress(total);
    return true;
}

bool exportReportCsv(const QString &path, const ReportTable &table, const ReportDescription &description,
                     const ReportCsvOptions &options, LoadFeedback *feedback, QString *error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = QStringLiteral("%1: cannot write: %2").arg(path, file.errorString());
        return false;
    }
    if (!ReportCsvWriter(options).write(table, description, &file, feedback, error)) {
        file.cancelWriting();
        if (*error != QLatin1String("cancelled"))
            *error = QStringLiteral("%1: %2").arg(path, *error);
        return false;
    }
    if (!file.commit()) {
        *error = QStringLiteral("%1: cannot write: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace pv
