#pragma once

#include <QByteArray>
#include <QString>

#include <functional>
#include <memory>
#include <string_view>
#include <vector>

namespace pv {

/// Streams RFC 4180 records from a plain or gzip-compressed file ("-" reads standard input), or from
/// bytes in memory read the same way: quoted fields with commas, doubled quotes and line breaks; LF or
/// CRLF; a UTF-8 byte-order mark skipped; a missing final newline accepted; blank lines skipped. Gzip
/// members one after another are read as one stream (as gzip -d reads them); anything else after the last
/// member fails the read. Reads in large chunks, so memory use does not depend on the size of the file,
/// and computes the SHA-256 of the decompressed content on the way.
/// It knows nothing of what the columns mean.
class CsvRecordReader
{
public:
    /// Decompressed bytes read at a time, unless setChunkBytes() says otherwise.
    static constexpr unsigned ChunkBytes = 4u << 20;

    CsvRecordReader();
    ~CsvRecordReader();
    CsvRecordReader(const CsvRecordReader &) = delete;
    CsvRecordReader &operator=(const CsvRecordReader &) = delete;

    /// Opens the file and checks that it starts as UTF-8 text. Fails (see errorString()) when the file
    /// cannot be read, its gzip data is corrupt, it is encoded as UTF-16/UTF-32, or it has a NUL byte or
    /// invalid UTF-8 in its first 64 KiB.
    bool open(const QString &path);
    /// Reads content held in memory as the file it would be: the same chunks, gzip detection and checks
    /// as open(path). name stands for the file's name (a name ending in .gz promises gzip data).
    bool openContent(const QByteArray &content, const QString &name);
    void close();
    /// Decompressed bytes read at a time (from 1; ChunkBytes by default); set before open(). Only a test
    /// or the fuzz harness sets it: small chunks put every chunk boundary inside the records of a small
    /// input. What is read does not depend on it, except how many records come before corrupt gzip data
    /// stops the read (the chunk it is found in is never parsed).
    void setChunkBytes(size_t bytes) { m_chunkBytes = bytes > 0 ? bytes : 1; }
    size_t chunkBytes() const { return m_chunkBytes; }
    /// Asked about five times a second while the input gives nothing (a pipe whose writer went quiet):
    /// true fails the read with "cancelled while reading".
    void setCancelCheck(std::function<bool()> cancelled);

    /// The field separator (a comma unless set); set before the first next() or before rewindRecord().
    void setDelimiter(char delimiter) { m_delimiter = delimiter; }
    char delimiter() const { return m_delimiter; }

    enum class Status { Record, End, Failed };
    /// Reads the next record, skipping lines that are empty or only blanks. A malformed record (an
    /// unterminated quote, text after a closing quote) is still returned, with isMalformed() set.
    Status next();

    /// Makes the next next() return the current record again, parsed anew (with another separator, or as
    /// data after it was taken for a header).
    void rewindRecord();

    /// The fields of the current record, unquoted. They point into the reader's buffers and stay
    /// valid until the next call to next().
    const std::vector<std::string_view> &fields() const { return m_fields; }
    /// The current record as it stands in the file, without its line break.
    std::string_view raw() const { return m_raw; }
    /// The 1-based physical line where the current record starts.
    qint64 line() const { return m_line; }
    bool isMalformed() const { return m_malformed; }
    /// Why the current record is malformed, for an operator.
    const QString &malformation() const { return m_malformation; }

    /// Why open() or next() failed.
    QString errorString() const { return m_error; }
    /// The line being read when next() failed (0 when not tied to a line).
    qint64 errorLine() const { return m_errorLine; }

    /// Bytes consumed from the file: compressed bytes for gzip data.
    qint64 fileBytesRead() const { return m_fileBytesRead; }
    /// Decompressed bytes read so far.
    qint64 contentBytesRead() const { return m_contentBytesRead; }
    /// Lower-case hex SHA-256 of the decompressed content; empty until next() returned End.
    QByteArray contentHash() const { return m_contentHash; }

private:
    class ContentHash;
    class Input;
    enum class Parse { Record, Blank, NeedMore };

    void reset();
    bool start(std::unique_ptr<Input> input, const QString &name);
    bool fill();
    /// Room for m_end + extra bytes, the bytes so far kept.
    void reserve(size_t extra);
    bool checkText();
    bool fail(const QString &reason, qint64 line = 0);
    Parse parseRecord();
    Parse parseQuotedRecord(const char *begin, const char *end);

    std::unique_ptr<Input> m_input;
    std::function<bool()> m_cancelled;
    /// Decompressed content: allocated once (reused by the next open()), grown for a long record, never
    /// cleared; bytes from m_end on are not content.
    std::unique_ptr<char[]> m_buffer;
    size_t m_bufferSize = 0;
    size_t m_chunkBytes = ChunkBytes;
    size_t m_pos = 0;
    size_t m_end = 0;
    bool m_eof = false;
    bool m_failed = false;
    /// Why the gzip data ended badly (cut short, or followed by other data): said once the records before
    /// it are read.
    QString m_badEnding;

    char m_delimiter = ',';
    /// Where the current record starts in m_buffer (valid until the next fill()).
    size_t m_recordStart = 0;
    std::vector<std::string_view> m_fields;
    std::vector<char> m_scratch;
    std::string_view m_raw;
    qint64 m_line = 0;
    qint64 m_nextLine = 1;
    bool m_malformed = false;
    QString m_malformation;

    QString m_error;
    qint64 m_errorLine = 0;
    qint64 m_fileBytesRead = 0;
    qint64 m_contentBytesRead = 0;
    std::unique_ptr<ContentHash> m_hash;
    QByteArray m_contentHash;
};

} // namespace pv
