#pragma once

#include "core/extracterror.h"
#include "core/extractkind.h"
#include "extract/extractlayout.h"

#include <QByteArray>
#include <QString>

#include <functional>
#include <memory>
#include <string_view>

namespace pv {

/// A validated users snapshot row. postcode is normalised and points into the reader's buffer:
/// it stays valid only until the next call to next*().
struct UserRecord
{
    quint64 userId = 0;
    std::string_view postcode;
    qint64 line = 0;
    /// The row's value in the snapshot's date column (ExtractReader::datedColumn()), trimmed; empty when the
    /// file has none. Valid until the next call to next*().
    std::string_view dated;
};

/// A validated pageviews row; viewedAt is seconds since the Unix epoch (naive UTC).
struct PageviewRecord
{
    quint64 userId = 0;
    qint64 viewedAt = 0;
    qint64 line = 0;
};

/// Streams one extract file (plain CSV or .csv.gz; "-" reads standard input): RFC 4180 records,
/// UTF-8 with or without BOM, LF or CRLF, header matched by name. Validates and normalises each row;
/// a row that fails validation comes back as a RejectedLine, the rest as records. Memory use does not
/// depend on the size of the file. The SHA-256 of the decompressed content is computed on the way.
class ExtractReader
{
public:
    explicit ExtractReader(const QString &path);
    /// Reads content held in memory exactly as the file it would be, named displayName (which stands for the
    /// file's name: ".gz" promises gzip data, and a file without a header is told by it). path() is empty:
    /// a load, which may read its file twice, takes a path.
    ExtractReader(const QByteArray &content, const QString &displayName);
    ~ExtractReader();
    ExtractReader(const ExtractReader &) = delete;
    ExtractReader &operator=(const ExtractReader &) = delete;

    /// From the next open() on, reads this content as the constructor above does, in place of what the reader
    /// was made for. The reader keeps its buffer: the fuzz harness reads many inputs with one reader.
    void setContent(const QByteArray &content, const QString &displayName);

    /// How the file is laid out when it is not in the contract's shape; set before open().
    void setLayout(const ExtractLayout &layout);
    /// Decompressed bytes read at a time (CsvRecordReader::ChunkBytes unless set); set before open(). For
    /// tests and the fuzz harness, which set small chunks to put chunk boundaries inside the records.
    void setChunkBytes(size_t bytes);
    /// The separator in use once open() succeeded (given, or told from the header line).
    char delimiter() const;
    /// For each column read, in the reader's order (id, postcode or user_id, url, pageview_datetime): how
    /// messages name it, "url", or "url (page_url)" when the file calls it otherwise.
    QStringList columnLabels() const;
    /// A users snapshot's column that says its date, as the file names it: the layout's asOfColumn, else the
    /// first of extract_date, load_date, snapshot_date and as_of the header has; empty when none.
    QString datedColumn() const;

    /// Opens the file and reads its header. With expected == Unknown the kind comes from the header.
    /// Fails (see error()) on a missing/unreadable/empty/binary/UTF-16 file, an unrecognised header,
    /// a missing required column, or a header of the other kind than expected.
    bool open(ExtractKind expected = ExtractKind::Unknown);
    /// Asked while the input gives nothing: true fails the read (see CsvRecordReader::setCancelCheck).
    void setCancelCheck(std::function<bool()> cancelled);

    ExtractKind kind() const;
    /// The fatal error that stopped open() or a next*() call returning Failed.
    const ExtractError &error() const;

    enum class Result { Record, Rejected, End, Failed };
    /// Only for a users snapshot.
    Result nextUser(UserRecord &record, RejectedLine &rejected);
    /// Only for a pageviews extract.
    Result nextPageview(PageviewRecord &record, RejectedLine &rejected);

    /// Data records read so far (the header and blank lines are not counted).
    qint64 rowsRead() const;
    /// Bytes consumed from the underlying file (compressed bytes for .gz): for progress against sizeBytes().
    qint64 bytesRead() const;
    /// File size in bytes when known (0 for standard input; the content's size for content in memory).
    qint64 sizeBytes() const;
    /// Lower-case hex SHA-256 of the decompressed content; complete once a next*() call returned End.
    QByteArray contentHash() const;

    QString path() const;
    /// The file name without directories, or "<stdin>" for "-".
    QString displayName() const;

private:
    class Private;
    std::unique_ptr<Private> d;
};

} // namespace pv
