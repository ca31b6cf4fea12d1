#pragma once

#include "extract/extractreader.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <map>
#include <optional>

namespace pv {

/// The first rows of an extract as the reader parses them, before anything is loaded: what the import
/// dialog shows, and the row estimate a load's progress uses.
struct ExtractPreview
{
    QString path;
    QString fileName;
    ExtractKind kind = ExtractKind::Unknown;
    qint64 sizeBytes = 0;
    /// The separator the file is read with, and whether it was told from the header line rather than given.
    char delimiter = ',';
    bool delimiterDetected = false;
    /// The columns read, as messages name them: "url", or "url (page_url)" when the file calls it otherwise.
    QStringList columnsRead;
    /// Column titles of rows (the parsed fields, then the outcome).
    QStringList columns;
    /// One entry per data row read: its line, its parsed fields, and "ok" or the reason it would be rejected.
    QList<QStringList> rows;
    int rowsRead = 0;
    int rowsRejected = 0;
    /// Rows in the whole file, extrapolated from the bytes the first rows took (0 when unknown).
    qint64 estimatedRows = 0;
    /// Users snapshot: the as-of in the file name.
    std::optional<qint64> asOf;
    /// Pageviews: the hour the file is for (seconds since the epoch): the one in its name, else the hour most
    /// of the rows read fall in, as the load decides it.
    std::optional<qint64> windowHour;
    bool windowFromFileName = false;
    /// Empty when the file can be read; otherwise why not ("FILE:LINE: reason").
    QString error;

    bool isValid() const { return error.isEmpty(); }
};

/// Opens path with an ExtractReader laid out as layout says, expecting the kind given (Unknown: the header's),
/// and parses up to sampleRows rows; rows keeps the first shownRows.
ExtractPreview previewExtract(const QString &path, int shownRows = 20, int sampleRows = 2000,
                              const ExtractLayout &layout = {}, ExtractKind expected = ExtractKind::Unknown);

/// What the removal guard will make of a users snapshot, told before it loads: the users of the snapshot
/// before it against the rows in the file. Every user missing from the file is removed, so at least
/// previousUsers - fileRows are (more when the file brings new users).
struct RemovalForecast
{
    qint64 previousAsOf = 0;  ///< the latest snapshot at or before the file's as-of
    qint64 previousUsers = 0; ///< its users
    qint64 fileRows = 0;      ///< the file's data rows (ExtractPreview::estimatedRows)
    bool estimated = false;   ///< fileRows is extrapolated: the preview did not read the whole file
    qint64 removedAtLeast = 0;
    bool refused = false;     ///< more than guardPercent of previousUsers: refused unless forced
};

/// The forecast for preview at asOf, given the users of each loaded snapshot by as-of (seconds → users);
/// none when it is not a users snapshot, its as-of or row count is unknown, or no snapshot comes before it.
std::optional<RemovalForecast> forecastRemovals(const ExtractPreview &preview, std::optional<qint64> asOf,
                                                const std::map<qint64, qint64> &snapshotUsers, double guardPercent);

} // namespace pv
