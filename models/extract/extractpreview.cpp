#include "extract/extractpreview.h"

#include "core/time.h"
#include "extract/extractvalidation.h"

#include <QFile>
#include <QFileInfo>

#include <map>

namespace pv {

namespace {

/// Lines in a plain CSV file, extrapolated from its first 256 KiB (the header line left out); 0 for a
/// compressed file, whose size says little about its rows.
qint64 estimateLines(const QString &path, qint64 sizeBytes)
{
    if (path.endsWith(QLatin1String(".gz"), Qt::CaseInsensitive) || sizeBytes <= 0)
        return 0;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray head = file.read(256 * 1024);
    const qsizetype lines = head.count('\n');
    if (lines < 2)
        return 0;
    return qint64(double(lines) * double(sizeBytes) / double(head.size())) - 1;
}
} // namespace

ExtractPreview previewExtract(const QString &path, int shownRows, int sampleRows, const ExtractLayout &layout,
                              ExtractKind expected)
{
    ExtractPreview preview;
    preview.path = path;
    preview.fileName = QFileInfo(path).fileName();
    preview.sizeBytes = QFileInfo(path).size();

    ExtractReader reader(path);
    reader.setLayout(layout);
    if (!reader.open(expected)) {
        preview.error = reader.error().message();
        return preview;
    }
    preview.kind = reader.kind();
    preview.delimiter = reader.delimiter();
    preview.delimiterDetected = layout.delimiter == 0;
    preview.columnsRead = reader.columnLabels();
    preview.sizeBytes = reader.sizeBytes();
    const QString ok = QStringLiteral("ok");
    std::map<qint64, int> rowsPerHour;
    RejectedLine rejected;
    if (preview.kind == ExtractKind::UsersSnapshot) {
        preview.columns = QStringList{QStringLiteral("Line")} + preview.columnsRead + QStringList{QStringLiteral("Parsed as")};
        preview.asOf = asOfFromFileName(preview.fileName);
        UserRecord record;
        for (int i = 0; i < sampleRows; ++i) {
            const ExtractReader::Result result = reader.nextUser(record, rejected);
            if (result == ExtractReader::Result::End || result == ExtractReader::Result::Failed)
                break;
            ++preview.rowsRead;
            const bool isRecord = result == ExtractReader::Result::Record;
            preview.rowsRejected += isRecord ? 0 : 1;
            if (preview.rows.size() >= shownRows)
                continue;
            if (isRecord)
                preview.rows.append({QString::number(record.line), QString::number(record.userId),
                                     QString::fromLatin1(record.postcode.data(), qsizetype(record.postcode.size())), ok});
            else
                preview.rows.append({QString::number(rejected.line), QString::fromUtf8(rejected.raw), QString(),
                                     QStringLiteral("rejected: ") + rejected.reason});
        }
    } else {
        preview.columns = {QStringLiteral("Line"), preview.columnsRead.value(0),
                           preview.columnsRead.value(2) + QStringLiteral(", UTC"), QStringLiteral("Parsed as")};
        PageviewRecord record;
        for (int i = 0; i < sampleRows; ++i) {
            const ExtractReader::Result result = reader.nextPageview(record, rejected);
            if (result == ExtractReader::Result::End || result == ExtractReader::Result::Failed)
                break;
            ++preview.rowsRead;
            const bool isRecord = result == ExtractReader::Result::Record;
            preview.rowsRejected += isRecord ? 0 : 1;
            if (isRecord)
                ++rowsPerHour[startOfHour(record.viewedAt)];
            if (preview.rows.size() >= shownRows)
                continue;
            if (isRecord)
                preview.rows.append({QString::number(record.line), QString::number(record.userId),
                                     formatTimestamp(record.viewedAt), ok});
            else
                preview.rows.append({QString::number(rejected.line), QString::fromUtf8(rejected.raw), QString(),
                                     QStringLiteral("rejected: ") + rejected.reason});
        }
        preview.windowHour = hourFromFileName(preview.fileName);
        preview.windowFromFileName = preview.windowHour.has_value();
        int best = 0;
        for (const auto &[hour, count] : rowsPerHour)
            if (!preview.windowFromFileName && count > best) {
                best = count;
                preview.windowHour = hour;
            }
    }
    if (!reader.error().isNull()) {
        preview.error = reader.error().message();
        return preview;
    }
    if (preview.rowsRead == 0) {
        preview.error = QStringLiteral("%1: no data rows after the header").arg(preview.fileName);
        return preview;
    }
    if (preview.rowsRead < sampleRows)
        preview.estimatedRows = preview.rowsRead; // the whole file was read
    else
        preview.estimatedRows = estimateLines(path, preview.sizeBytes);
    return preview;
}

std::optional<RemovalForecast> forecastRemovals(const ExtractPreview &preview, std::optional<qint64> asOf,
                                                const std::map<qint64, qint64> &snapshotUsers, double guardPercent)
{
    if (preview.kind != ExtractKind::UsersSnapshot || !asOf || preview.estimatedRows <= 0)
        return std::nullopt;
    auto previous = snapshotUsers.upper_bound(*asOf);
    if (previous == snapshotUsers.begin())
        return std::nullopt;
    --previous;
    RemovalForecast forecast;
    forecast.previousAsOf = previous->first;
    forecast.previousUsers = previous->second;
    forecast.fileRows = preview.estimatedRows;
    forecast.estimated = preview.estimatedRows != preview.rowsRead;
    forecast.removedAtLeast = std::max<qint64>(0, forecast.previousUsers - forecast.fileRows);
    forecast.refused = forecast.previousUsers > 0
        && double(forecast.removedAtLeast) * 100.0 > guardPercent * double(forecast.previousUsers);
    return forecast;
}

} // namespace pv
