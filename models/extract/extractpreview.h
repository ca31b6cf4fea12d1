#pragma once

#include "extract/extractreader.h"

#include <QList>
#include <QString>
#include <QStringList>

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
    /// Pageviews: the hour most of the rows read fall in (seconds since the epoch).
    std::optional<qint64> windowHour;
    /// Empty when the file can be read; otherwise why not ("FILE:LINE: reason").
    QString error;

    bool isValid() const { return error.isEmpty(); }
};

/// Opens path with an ExtractReader and parses up to sampleRows rows; rows keeps the first shownRows.
ExtractPreview previewExtract(const QString &path, int shownRows = 20, int sampleRows = 2000);

} // namespace pv
