#include "extract/csvrecordreader.h"

#include "core/filename.h"
#include "core/heldfiles.h"
#include "core/utf8.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <functional>
#include <initializer_list>

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace pv {

namespace {

constexpr unsigned GzipBufferSize = 1u << 20;
// The line scanner reads up to 16 bytes past the data, into this padding.
constexpr size_t ScanPadding = 16;
constexpr size_t MaxRecordBytes = size_t{16} << 20;
constexpr size_t SniffBytes = size_t{64} << 10;

} // namespace

// SHA-256 of a stream of bytes, through OpenSSL (which uses the CPU's SHA instructions: about ten times
// QCryptographicHash's speed here, which would otherwise cost more than parsing the file).
class CsvRecordReader::ContentHash
{
public:
    ContentHash()
        : m_context(EVP_MD_CTX_new())
    {
        if (!m_context || EVP_DigestInit_ex(m_context, EVP_sha256(), nullptr) != 1)
            qFatal("OpenSSL cannot provide SHA-256");
    }
    ~ContentHash() { EVP_MD_CTX_free(m_context); }
    ContentHash(const ContentHash &) = delete;
    ContentHash &operator=(const ContentHash &) = delete;

    void add(const char *data, size_t size) { EVP_DigestUpdate(m_context, data, size); }

    QByteArray hexResult()
    {
        unsigned char digest[EVP_MAX_MD_SIZE];
        unsigned int length = 0;
        EVP_MD_CTX *copy = EVP_MD_CTX_new();
        EVP_MD_CTX_copy_ex(copy, m_context);
        EVP_DigestFinal_ex(copy, digest, &length);
        EVP_MD_CTX_free(copy);
        return QByteArray(reinterpret_cast<const char *>(digest), static_cast<qsizetype>(length)).toHex();
    }

private:
    EVP_MD_CTX *m_context;
};

// The file's bytes: gunzipped when they start with gzip's magic bytes, else as they are (as zlib's gzread()
// reads them). Gzip members one after another are one stream, as gzip -d reads them; anything else after the
// last member is an error, where gzread() would end the content there without a word.
// The bytes come from a file descriptor, or from memory as if read(2) gave them: all the rest is the same.
class CsvRecordReader::Input
{
public:
    enum class State { Reading, End, EndedBadly, Failed };

    explicit Input(int fd)
        : m_fd(fd)
        , m_compressedSize(GzipBufferSize)
        , m_compressed(std::make_unique_for_overwrite<unsigned char[]>(m_compressedSize))
    {
    }
    // Content in memory is read ahead whole when it is smaller than GzipBufferSize, as a file of it would be.
    explicit Input(const QByteArray &content)
        : m_memory(content)
        , m_compressedSize(std::clamp<size_t>(static_cast<size_t>(content.size()), 2, GzipBufferSize))
        , m_compressed(std::make_unique_for_overwrite<unsigned char[]>(m_compressedSize))
    {
    }
    ~Input()
    {
        if (m_mode == Mode::Gzip)
            inflateEnd(&m_stream);
        if (m_fd >= 0)
            ::close(m_fd);
    }
    Input(const Input &) = delete;
    Input &operator=(const Input &) = delete;

    // Up to size bytes of content into out: fewer only at the end of the content or on an error (state()).
    size_t read(char *out, size_t size);
    // Asked while the input gives nothing: true stops the read with an error.
    void setCancelCheck(std::function<bool()> cancelled) { m_cancelled = std::move(cancelled); }
    State state() const { return m_state; }
    // Why the input failed or ended badly.
    const QString &problem() const { return m_problem; }
    // The file has bytes, and they are not gzip data.
    bool isPlain() const { return m_mode == Mode::Plain && m_fileBytes > 0; }
    // Bytes of the file used: compressed bytes for gzip data.
    qint64 fileBytesRead() const { return m_fileBytes - static_cast<qint64>(m_stream.avail_in); }

private:
    enum class Mode { Undecided, Plain, Gzip };

    ssize_t readFile(void *into, size_t size);
    size_t readMemory(void *into, size_t size);
    bool readMoreCompressed();
    size_t readPlain(char *out, size_t size);
    size_t inflateInto(char *out, size_t size);
    void afterMember();
    bool startsMember() const
    {
        return m_stream.avail_in >= 2 && m_stream.next_in[0] == 0x1F && m_stream.next_in[1] == 0x8B;
    }
    void stop(State state, const QString &problem)
    {
        m_state = state;
        m_problem = problem;
    }

    int m_fd = -1;
    /// The content when it is read from memory (m_fd is -1), and how much of it was read.
    QByteArray m_memory;
    qsizetype m_memoryRead = 0;
    std::function<bool()> m_cancelled;
    /// Room for compressed bytes read ahead (not cleared: only what was read is used).
    size_t m_compressedSize;
    std::unique_ptr<unsigned char[]> m_compressed;
    z_stream m_stream{};
    Mode m_mode = Mode::Undecided;
    State m_state = State::Reading;
    QString m_problem;
    bool m_fileEnd = false;
    qint64 m_fileBytes = 0;
};

// One read(2), again when a signal interrupts it: the count, 0 at the end of the file, -1 on an error.
// Input that gives nothing for a while (a pipe whose writer went quiet) is waited for in short steps,
// so that a cancel is seen.
ssize_t CsvRecordReader::Input::readFile(void *into, size_t size)
{
    if (m_fd < 0)
        return static_cast<ssize_t>(readMemory(into, size));
    while (m_cancelled) {
        pollfd waiting{m_fd, POLLIN, 0};
        const int ready = ::poll(&waiting, 1, 200);
        if (ready > 0 || (ready < 0 && errno != EINTR))
            break;
        if (m_cancelled()) {
            stop(State::Failed, QStringLiteral("cancelled while reading"));
            return -1;
        }
    }
    ssize_t count = 0;
    do {
        count = ::read(m_fd, into, size);
    } while (count < 0 && errno == EINTR);
    if (count < 0) {
        const int error = errno;
        stop(State::Failed, QStringLiteral("the file cannot be read: %1").arg(QString::fromLocal8Bit(std::strerror(error))));
    } else if (count == 0) {
        m_fileEnd = true;
    } else {
        m_fileBytes += count;
    }
    return count;
}

// As readFile(), from the content in memory: what is left of it, up to size bytes.
size_t CsvRecordReader::Input::readMemory(void *into, size_t size)
{
    const size_t count = std::min(size, static_cast<size_t>(m_memory.size() - m_memoryRead));
    if (count == 0) {
        m_fileEnd = true;
        return 0;
    }
    std::memcpy(into, m_memory.constData() + m_memoryRead, count);
    m_memoryRead += static_cast<qsizetype>(count);
    m_fileBytes += static_cast<qint64>(count);
    return count;
}

// Appends the file's next bytes to the compressed bytes not used yet; false at the end of the file or on an error.
bool CsvRecordReader::Input::readMoreCompressed()
{
    if (m_fileEnd || m_state != State::Reading)
        return false;
    if (m_stream.avail_in > 0 && m_stream.next_in != m_compressed.get())
        std::memmove(m_compressed.get(), m_stream.next_in, m_stream.avail_in);
    m_stream.next_in = m_compressed.get();
    const ssize_t count = readFile(m_compressed.get() + m_stream.avail_in, m_compressedSize - m_stream.avail_in);
    if (count <= 0)
        return false;
    m_stream.avail_in += static_cast<uInt>(count);
    return true;
}

size_t CsvRecordReader::Input::read(char *out, size_t size)
{
    if (m_mode == Mode::Undecided) {
        // Two bytes decide, as in gzread(): a file of fewer is text.
        while (m_stream.avail_in < 2 && readMoreCompressed()) {
        }
        if (m_state != State::Reading)
            return 0;
        m_mode = startsMember() ? Mode::Gzip : Mode::Plain;
        if (m_mode == Mode::Gzip && inflateInit2(&m_stream, 16 + MAX_WBITS) != Z_OK) {
            m_mode = Mode::Plain;
            stop(State::Failed, QStringLiteral("not enough memory to decompress the gzip data"));
            return 0;
        }
    }
    if (m_state != State::Reading)
        return 0;
    return m_mode == Mode::Gzip ? inflateInto(out, size) : readPlain(out, size);
}

size_t CsvRecordReader::Input::readPlain(char *out, size_t size)
{
    // What deciding the mode read first, then straight from the file into out.
    size_t done = std::min<size_t>(m_stream.avail_in, size);
    if (done > 0) {
        std::memcpy(out, m_stream.next_in, done);
        m_stream.next_in += done;
        m_stream.avail_in -= static_cast<uInt>(done);
    }
    while (done < size && !m_fileEnd && m_state == State::Reading) {
        const ssize_t count = readFile(out + done, size - done);
        if (count > 0)
            done += static_cast<size_t>(count);
    }
    if (m_fileEnd && m_stream.avail_in == 0 && m_state == State::Reading)
        m_state = State::End;
    return done;
}

size_t CsvRecordReader::Input::inflateInto(char *out, size_t size)
{
    m_stream.next_out = reinterpret_cast<Bytef *>(out);
    m_stream.avail_out = static_cast<uInt>(size);
    while (m_stream.avail_out > 0 && m_state == State::Reading) {
        // At the end of the file inflate() is still called: when the output was full, zlib may hold decompressed
        // bytes back (the rest of a match), which come out without more input.
        const bool fileEnded = m_stream.avail_in == 0 && !readMoreCompressed();
        if (m_state != State::Reading)
            break;
        const uInt room = m_stream.avail_out;
        const int code = inflate(&m_stream, Z_NO_FLUSH);
        if (code == Z_STREAM_END) {
            afterMember();
        } else if (code == Z_MEM_ERROR) {
            stop(State::Failed, QStringLiteral("not enough memory to decompress the gzip data"));
        } else if (code != Z_OK && code != Z_BUF_ERROR) {
            stop(State::Failed, QStringLiteral("the gzip data is corrupt (%1)")
                                        .arg(QString::fromLatin1(m_stream.msg ? m_stream.msg : zError(code))));
        } else if (fileEnded && m_stream.avail_out == room) {
            stop(State::EndedBadly, QStringLiteral("the gzip data ends unexpectedly: the file is truncated or was still "
                                                   "being written"));
        }
    }
    return size - m_stream.avail_out;
}

// A gzip member has ended: so does the file, or another member follows, or something that is not gzip data.
void CsvRecordReader::Input::afterMember()
{
    while (m_stream.avail_in < 2 && readMoreCompressed()) {
    }
    // Zero bytes after the last member (a tape block's padding) are not data: gzip -d skips them too. Anything
    // after them, another member too, is what gzip -d ignores as trailing garbage.
    bool padded = false;
    while (m_state == State::Reading && m_stream.avail_in > 0 && m_stream.next_in[0] == 0) {
        padded = true;
        while (m_stream.avail_in > 0 && m_stream.next_in[0] == 0) {
            ++m_stream.next_in;
            --m_stream.avail_in;
        }
        while (m_stream.avail_in < 2 && readMoreCompressed()) {
        }
    }
    if (m_state != State::Reading)
        return;
    if (m_stream.avail_in == 0) {
        m_state = State::End;
    } else if (!padded && startsMember()) {
        inflateReset(&m_stream);
    } else {
        stop(State::EndedBadly, QStringLiteral("there is data after the end of the compressed (gzip) stream, at byte %1 "
                                               "of the file: the file is damaged, or something was appended to it")
                                        .arg(fileBytesRead() + 1));
    }
}

CsvRecordReader::CsvRecordReader() = default;

void CsvRecordReader::setCancelCheck(std::function<bool()> cancelled)
{
    m_cancelled = std::move(cancelled);
    if (m_input)
        m_input->setCancelCheck(m_cancelled);
}

CsvRecordReader::~CsvRecordReader()
{
    close();
}

void CsvRecordReader::close()
{
    m_input.reset();
}

void CsvRecordReader::reset()
{
    close();
    m_pos = m_end = 0;
    m_eof = m_failed = m_malformed = false;
    m_fields.clear();
    m_raw = {};
    m_line = 0;
    m_nextLine = 1;
    m_malformation.clear();
    m_error.clear();
    m_errorLine = 0;
    m_fileBytesRead = m_contentBytesRead = 0;
    m_contentHash.clear();
    m_badEnding.clear();
}

bool CsvRecordReader::open(const QString &path)
{
    reset();
    int fd = -1;
    if (path == QLatin1String("-")) {
        fd = ::fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 0);
        if (fd < 0) {
            const int error = errno;
            return fail(QStringLiteral("cannot read standard input: %1").arg(QString::fromLocal8Bit(std::strerror(error))));
        }
    } else {
        // By the name's own bytes, which need not be UTF-8.
        const QByteArray name = encodeFileName(path);
        struct stat st;
        if (::stat(name.constData(), &st) != 0 && errno == ENOENT)
            return fail(QStringLiteral("the file does not exist (%1)")
                            .arg(shownFileName(absoluteFileName(path))));
        if (S_ISDIR(st.st_mode))
            return fail(QStringLiteral("this is a directory, not an extract file"));
        // Opening it at all would drop the locks this process's connections hold on it.
        if (const QString warehouse = HeldFile::holderOf(path); !warehouse.isEmpty())
            return fail(QStringLiteral("this is the open warehouse %1 or one of its own files, not an extract; it is "
                                       "never read as one")
                            .arg(QDir::toNativeSeparators(warehouse)));
        fd = ::open(name.constData(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            const int error = errno;
            if (error == EACCES)
                return fail(QStringLiteral("the file cannot be read: permission denied"));
            return fail(QStringLiteral("the file cannot be read: %1").arg(QString::fromLocal8Bit(std::strerror(error))));
        }
    }
    return start(std::make_unique<Input>(fd), path);
}

bool CsvRecordReader::openContent(const QByteArray &content, const QString &name)
{
    reset();
    return start(std::make_unique<Input>(content), name);
}

bool CsvRecordReader::start(std::unique_ptr<Input> input, const QString &name)
{
    m_input = std::move(input);
    m_input->setCancelCheck(m_cancelled);
    // Room for a record across two chunks (the buffer of an earlier open() is kept).
    if (m_bufferSize < 2 * m_chunkBytes + ScanPadding) {
        m_buffer = std::make_unique_for_overwrite<char[]>(2 * m_chunkBytes + ScanPadding);
        m_bufferSize = 2 * m_chunkBytes + ScanPadding;
    }
    m_hash = std::make_unique<ContentHash>();
    // The start of the content that checkText() looks at, and the rest of a UTF-8 sequence begun in it (the
    // first chunk already holds them unless chunks are set small).
    do {
        if (!fill())
            return false;
    } while (m_end < SniffBytes + 3 && !m_eof);
    // A file that is not gzip is read as it is: a name that says .gz promises compression.
    if (name.endsWith(QLatin1String(".gz"), Qt::CaseInsensitive) && m_input->isPlain())
        return fail(QStringLiteral("the name ends in .gz but the file is not gzip-compressed: compress it, or name it .csv"));
    return checkText();
}

bool CsvRecordReader::fail(const QString &reason, qint64 line)
{
    m_failed = true;
    m_error = reason;
    m_errorLine = line;
    return false;
}

bool CsvRecordReader::fill()
{
    if (m_pos > 0) {
        const size_t rest = m_end - m_pos;
        if (rest > 0)
            std::memmove(m_buffer.get(), m_buffer.get() + m_pos, rest);
        m_pos = 0;
        m_end = rest;
    }
    reserve(m_chunkBytes + ScanPadding);

    const size_t count = m_input->read(m_buffer.get() + m_end, m_chunkBytes);
    if (m_input->state() == Input::State::Failed)
        return fail(m_input->problem(), m_nextLine);
    // Gzip data cut short or followed by other data: what came before is read on, and the error is said at
    // the line where the records run out (not at the line the reader had reached when it read ahead).
    if (m_input->state() == Input::State::EndedBadly)
        m_badEnding = m_input->problem();
    if (count > 0) {
        m_hash->add(m_buffer.get() + m_end, count);
        m_end += count;
        m_contentBytesRead += static_cast<qint64>(count);
    }
    // read() comes up short only at the end of the input.
    m_eof = m_input->state() != Input::State::Reading;
    m_fileBytesRead = m_input->fileBytesRead();
    return true;
}

void CsvRecordReader::reserve(size_t extra)
{
    if (m_bufferSize - m_end >= extra)
        return;
    // Twice the size at least, so that a record many chunks long is copied a few times, not once a chunk.
    const size_t size = std::max(2 * m_bufferSize, m_end + extra);
    std::unique_ptr<char[]> grown = std::make_unique_for_overwrite<char[]>(size);
    if (m_end > 0)
        std::memcpy(grown.get(), m_buffer.get(), m_end);
    m_buffer = std::move(grown);
    m_bufferSize = size;
}

bool CsvRecordReader::checkText()
{
    const auto *bytes = reinterpret_cast<const unsigned char *>(m_buffer.get());
    const size_t size = m_end;
    const auto startsWith = [&](std::initializer_list<unsigned char> prefix) {
        return size >= prefix.size() && std::equal(prefix.begin(), prefix.end(), bytes);
    };

    if (startsWith({0xFF, 0xFE, 0x00, 0x00}) || startsWith({0x00, 0x00, 0xFE, 0xFF}))
        return fail(QStringLiteral("the file is encoded as UTF-32; save it as UTF-8"));
    if (startsWith({0xFF, 0xFE}) || startsWith({0xFE, 0xFF}))
        return fail(QStringLiteral("the file is encoded as UTF-16; save it as UTF-8"));
    if (startsWith({0xEF, 0xBB, 0xBF}))
        m_pos = 3;

    const auto binaryAt = [&](size_t offset, const QString &why) {
        return fail(QStringLiteral("not a text CSV file: binary data at byte %1 (%2)").arg(offset + 1).arg(why));
    };
    const size_t limit = std::min(size, SniffBytes);
    for (size_t i = m_pos; i < limit;) {
        const unsigned char c = bytes[i];
        if (c < 0x80) {
            if (c == 0) {
                if (size >= 4
                    && ((bytes[0] != 0 && bytes[1] == 0 && bytes[2] != 0 && bytes[3] == 0)
                        || (bytes[0] == 0 && bytes[1] != 0 && bytes[2] == 0 && bytes[3] != 0))) {
                    return fail(QStringLiteral("the file is encoded as UTF-16 (without a byte-order mark); "
                                               "save it as UTF-8"));
                }
                if (startsWith({'P', 'K', 0x03, 0x04}))
                    return binaryAt(i, QStringLiteral("it looks like a ZIP archive or a spreadsheet: export it as CSV"));
                return binaryAt(i, QStringLiteral("a NUL byte"));
            }
            ++i;
            continue;
        }
        const size_t length = utf8SequenceLength(std::string_view(m_buffer.get() + i, size - i));
        // A sequence cut off by the end of the chunk, not of the file, is judged on the bytes it has.
        if (length == 0 || (i + length > size && m_eof)) {
            return binaryAt(i, QStringLiteral("0x%1 is not valid UTF-8; if this is text, save it as UTF-8")
                                       .arg(c, 2, 16, QLatin1Char('0')));
        }
        i += length;
    }
    return true;
}

CsvRecordReader::Status CsvRecordReader::next()
{
    if (m_failed || !m_input)
        return Status::Failed;
    if (m_malformed) {
        m_malformed = false;
        m_malformation.clear();
    }
    for (;;) {
        if (m_pos == m_end) {
            if (m_eof && !m_badEnding.isEmpty()) {
                fail(QStringLiteral("after line %1: %2").arg(QString::number(m_nextLine - 1), m_badEnding), m_nextLine);
                return Status::Failed;
            }
            if (m_eof) {
                if (m_contentHash.isEmpty())
                    m_contentHash = m_hash->hexResult();
                return Status::End;
            }
            if (!fill())
                return Status::Failed;
            continue;
        }
        switch (parseRecord()) {
        case Parse::Record:
            return Status::Record;
        case Parse::Blank:
            break;
        case Parse::NeedMore:
            if (m_end - m_pos >= MaxRecordBytes) {
                fail(QStringLiteral("a record starting on this line is longer than %1 MiB: most likely a quote "
                                    "that is never closed, or a file without line breaks")
                             .arg(MaxRecordBytes >> 20),
                     m_nextLine);
                return Status::Failed;
            }
            if (!fill())
                return Status::Failed;
            break;
        }
    }
}

void CsvRecordReader::rewindRecord()
{
    m_pos = m_recordStart;
    m_nextLine = m_line;
}

CsvRecordReader::Parse CsvRecordReader::parseRecord()
{
    const char *data = m_buffer.get();
    const char *begin = data + m_pos;
    const char *end = data + m_end;
    const char delimiter = m_delimiter;
    m_recordStart = m_pos;

    // One pass over the line for commas, quotes and its end; a quote hands over to the full parser.
    m_fields.clear();
    const char *fieldStart = begin;
    const char *newline = nullptr;
#ifdef __SSE2__
    const __m128i newlines = _mm_set1_epi8('\n');
    const __m128i commas = _mm_set1_epi8(delimiter);
    const __m128i quotes = _mm_set1_epi8('"');
    for (const char *block = begin; block < end && !newline; block += 16) {
        const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i *>(block));
        auto mask = static_cast<unsigned>(_mm_movemask_epi8(
                _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(bytes, newlines), _mm_cmpeq_epi8(bytes, commas)),
                             _mm_cmpeq_epi8(bytes, quotes))));
        if (end - block < 16)
            mask &= (1u << (end - block)) - 1;
        for (; mask != 0; mask &= mask - 1) {
            const char *special = block + __builtin_ctz(mask);
            if (*special == delimiter) {
                m_fields.emplace_back(fieldStart, static_cast<size_t>(special - fieldStart));
                fieldStart = special + 1;
            } else if (*special == '\n') {
                newline = special;
                break;
            } else {
                return parseQuotedRecord(begin, end);
            }
        }
    }
#else
    for (const char *p = begin; p != end && !newline; ++p) {
        if (*p == delimiter) {
            m_fields.emplace_back(fieldStart, static_cast<size_t>(p - fieldStart));
            fieldStart = p + 1;
        } else if (*p == '\n') {
            newline = p;
        } else if (*p == '"') {
            return parseQuotedRecord(begin, end);
        }
    }
#endif
    if (!newline && !m_eof)
        return Parse::NeedMore;

    const char *contentEnd = newline ? newline : end;
    if (contentEnd != begin && contentEnd[-1] == '\r')
        --contentEnd;
    m_pos = newline ? static_cast<size_t>(newline + 1 - data) : m_end;
    const qint64 line = m_nextLine++;
    if (m_fields.empty()) {
        const char *p = begin;
        while (p != contentEnd && (*p == ' ' || *p == '\t' || *p == '\r'))
            ++p;
        if (p == contentEnd)
            return Parse::Blank;
    }
    m_fields.emplace_back(fieldStart, static_cast<size_t>(contentEnd - fieldStart));
    m_line = line;
    m_raw = std::string_view(begin, static_cast<size_t>(contentEnd - begin));
    return Parse::Record;
}

CsvRecordReader::Parse CsvRecordReader::parseQuotedRecord(const char *begin, const char *end)
{
    const char delimiter = m_delimiter;
    m_fields.clear();
    const auto available = static_cast<size_t>(end - begin);
    if (m_scratch.size() < available)
        m_scratch.resize(available);
    char *scratch = m_scratch.data();

    enum class Defect { None, Unterminated, TextAfterQuote };
    Defect defect = Defect::None;
    size_t defectField = 0;
    qint64 newlines = 0;
    qint64 openQuoteNewlines = 0;
    const char *p = begin;
    const char *contentEnd = nullptr;
    const char *nextRecord = nullptr;

    for (;;) {
        if (p != end && *p == '"') {
            openQuoteNewlines = newlines;
            const char *start = ++p;
            char *unescaped = nullptr;
            bool closed = false;
            for (;;) {
                const auto *quote = static_cast<const char *>(std::memchr(p, '"', static_cast<size_t>(end - p)));
                const char *stop = quote ? quote : end;
                newlines += std::count(p, stop, '\n');
                if (unescaped) {
                    std::memcpy(scratch, p, static_cast<size_t>(stop - p));
                    scratch += stop - p;
                }
                p = stop;
                if (!quote)
                    break;
                if (p + 1 == end || p[1] != '"') {
                    closed = true;
                    break;
                }
                if (!unescaped) {
                    unescaped = scratch;
                    std::memcpy(scratch, start, static_cast<size_t>(p - start));
                    scratch += p - start;
                }
                *scratch++ = '"';
                p += 2;
            }
            if (!closed && !m_eof)
                return Parse::NeedMore;
            if (unescaped)
                m_fields.emplace_back(unescaped, static_cast<size_t>(scratch - unescaped));
            else
                m_fields.emplace_back(start, static_cast<size_t>(p - start));
            if (!closed) {
                defect = Defect::Unterminated;
                contentEnd = nextRecord = end;
                break;
            }
            ++p;
            if (p == end) {
                if (!m_eof)
                    return Parse::NeedMore;
                contentEnd = nextRecord = end;
                break;
            }
            if (*p == delimiter) {
                ++p;
                continue;
            }
            if (*p == '\n') {
                contentEnd = p;
                nextRecord = p + 1;
                break;
            }
            if (*p == '\r') {
                if (p + 1 == end && !m_eof)
                    return Parse::NeedMore;
                if (p + 1 == end || p[1] == '\n') {
                    contentEnd = p;
                    nextRecord = p + 1 == end ? end : p + 2;
                    break;
                }
            }
            if (defect == Defect::None) {
                defect = Defect::TextAfterQuote;
                defectField = m_fields.size();
            }
            while (p != end && *p != delimiter && *p != '\n')
                ++p;
            if (p == end && !m_eof)
                return Parse::NeedMore;
            if (p != end && *p == delimiter) {
                ++p;
                continue;
            }
            contentEnd = (p != end && p[-1] == '\r') ? p - 1 : p;
            nextRecord = p == end ? end : p + 1;
            break;
        }

        const char *start = p;
        while (p != end && *p != delimiter && *p != '\n')
            ++p;
        if (p == end && !m_eof)
            return Parse::NeedMore;
        if (p != end && *p == delimiter) {
            m_fields.emplace_back(start, static_cast<size_t>(p - start));
            ++p;
            continue;
        }
        const char *fieldEnd = (p != start && p[-1] == '\r') ? p - 1 : p;
        m_fields.emplace_back(start, static_cast<size_t>(fieldEnd - start));
        contentEnd = fieldEnd;
        nextRecord = p == end ? end : p + 1;
        break;
    }

    m_line = m_nextLine;
    m_nextLine += newlines + 1;
    m_pos = static_cast<size_t>(nextRecord - m_buffer.get());
    if (defect == Defect::Unterminated) {
        if (contentEnd != begin && contentEnd[-1] == '\n')
            --contentEnd;
        if (contentEnd != begin && contentEnd[-1] == '\r')
            --contentEnd;
    }
    m_raw = std::string_view(begin, static_cast<size_t>(contentEnd - begin));
    if (defect == Defect::Unterminated) {
        m_malformed = true;
        m_malformation = QStringLiteral("the quote opened on line %1 is never closed (the field runs to the end "
                                        "of the file)")
                                 .arg(m_line + openQuoteNewlines);
    } else if (defect == Defect::TextAfterQuote) {
        m_malformed = true;
        m_malformation = QStringLiteral("field %1 has text after its closing quote (a quote inside a quoted "
                                        "field must be doubled)")
                                 .arg(defectField);
    }
    return Parse::Record;
}

} // namespace pv
