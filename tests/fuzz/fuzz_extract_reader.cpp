// libFuzzer target of the extract reader (docs/fuzzing.md): CsvRecordReader and ExtractReader, in small chunks.
//
// Input: two selector bytes, then the file's bytes.
//   byte 0 & 3            expected kind: 0 Unknown, 1 users snapshot, 2 pageviews, 3 Unknown
//   (byte 0 >> 2) & 3     0, 1: the bytes as they are, named .csv; 2: the bytes gzip-compressed by the harness,
//                         named .csv.gz; 3: the bytes as they are, named .csv.gz (so the fuzzer also mutates the
//                         gzip container: corrupt, truncated, not gzip at all)
//   (byte 0 >> 4) & 3     the separator given: none (told from the header), tab, '|', ';'
//   byte 0 & 0x40         no header line
//   byte 0 & 0x80         the file's own names and numbers for some columns
//   byte 1 & 7            decompressed bytes read at a time: 1, 2, 3, 7, 16, 64, 1024, or the production size
//   (byte 1 >> 3) & 3     the file's name: extract (0, 1), pageviews (2), users (3)
//   (byte 1 >> 3) == 31   read from a real file under /dev/shm (one input in 32); else from memory
// The reader reads the bytes exactly as a load reads a file (every row accepted, rejected, or the read fails),
// and every invariant of docs/fuzzing.md is checked; a broken one stops the process with __builtin_trap(), so
// libFuzzer saves the input as a crash. When the chunks split the content, the same bytes are read once more
// in one chunk, as the production chunk size reads any input the fuzzer makes, and both reads must give the
// same rows and errors.

#include "fuzzcheck.h"

#include "core/extractkind.h"
#include "core/time.h"
#include "extract/csvrecordreader.h"
#include "extract/extractreader.h"
#include "extract/extractvalidation.h"

#include <QByteArray>
#include <QCryptographicHash>
#include <QString>
#include <QStringList>

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

namespace {

using pv::ExtractKind;
using pv::ExtractReader;
using pvfuzz::checkShown;
using pvfuzz::str;

// --- what the reader should read -----------------------------------------------------------------------------

// The decompressed content the harness holds at most; beyond it only the invariants that need no content hold.
constexpr size_t ContentLimit = size_t{16} << 20;

// The content the reader reads from some bytes, stated independently of it: the bytes as they are, or, when they
// start with gzip's magic bytes 1F 8B, what gzip -d makes of them.
struct Expected
{
    std::string content;
    // The content is held (it decompresses to at most ContentLimit).
    bool known = true;
    // The bytes are plain, or gzip members one after another and then at most zero bytes (padding, which
    // gzip -d skips): the reader may read them to their end. Otherwise the data is cut short, corrupt, or
    // followed by something else, and content is what gzip -d writes before it stops.
    bool whole = true;
    // zlib found the compressed data corrupt: how many records come before the failure depends on the chunks.
    bool corrupt = false;
};

bool startsGzip(std::string_view bytes)
{
    return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1F
            && static_cast<unsigned char>(bytes[1]) == 0x8B;
}

// gzip -d: each member inflated to its end; after one, the end of the data, only zero bytes, or another member
// (its magic bytes); anything else (zero bytes followed by more data too) is trailing garbage.
Expected gunzip(std::string_view bytes)
{
    Expected out;
    static std::vector<unsigned char> piece(1 << 16);
    // One inflater for the process, reset for each member: its 40 KiB of state are allocated once (in place:
    // zlib's state points back to its z_stream).
    static z_stream stream{};
    static const bool ready = inflateInit2(&stream, 16 + MAX_WBITS) == Z_OK;
    if (!ready)
        std::abort();
    for (;;) {
        if (inflateReset(&stream) != Z_OK)
            std::abort();
        stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(bytes.data()));
        stream.avail_in = static_cast<uInt>(bytes.size());
        int code = Z_OK;
        while (code == Z_OK) {
            stream.next_out = piece.data();
            stream.avail_out = static_cast<uInt>(piece.size());
            code = inflate(&stream, Z_NO_FLUSH);
            out.content.append(reinterpret_cast<const char *>(piece.data()), piece.size() - stream.avail_out);
            if (out.content.size() > ContentLimit) {
                out.known = false;
                out.content.clear();
                return out;
            }
        }
        const size_t used = bytes.size() - stream.avail_in;
        if (code != Z_STREAM_END) {
            // Z_BUF_ERROR: no more input, the member is cut short. Anything else: the data is corrupt.
            out.whole = false;
            out.corrupt = code != Z_BUF_ERROR;
            return out;
        }
        bytes.remove_prefix(used);
        if (std::all_of(bytes.begin(), bytes.end(), [](char byte) { return byte == 0; }))
            return out;
        if (!startsGzip(bytes)) {
            out.whole = false;
            return out;
        }
    }
}

Expected expectedContent(std::string_view bytes)
{
    if (startsGzip(bytes))
        return gunzip(bytes);
    Expected out;
    out.content = std::string(bytes);
    return out;
}

// --- how the bytes reach the reader --------------------------------------------------------------------------

// One scratch folder per process, under /dev/shm when there is one (no disk writes), made once, for the inputs
// read from a real file. Kept in a plain array: the clean-up at exit runs after static std::strings are gone.
char scratchPath[64];
char scratchFile[128];

void removeScratch()
{
    if (scratchFile[0])
        std::remove(scratchFile);
    rmdir(scratchPath);
}

std::string writeScratch(const std::string &name, std::string_view bytes)
{
    if (scratchPath[0] == 0) {
        std::snprintf(scratchPath, sizeof scratchPath, "%s/pvadmin-fuzz-XXXXXX",
                      access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
        if (!mkdtemp(scratchPath)) {
            std::perror("mkdtemp");
            std::abort();
        }
        std::atexit(removeScratch); // a crash leaves a folder of one small file behind
    }
    if (scratchFile[0])
        std::remove(scratchFile);
    std::snprintf(scratchFile, sizeof scratchFile, "%s/%s", scratchPath, name.c_str());
    FILE *f = std::fopen(scratchFile, "wb");
    const bool written = f && (bytes.empty() || std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size());
    if (!f || std::fclose(f) != 0 || !written) {
        std::perror(scratchFile);
        std::abort();
    }
    return scratchFile;
}

// The content gzip-compressed in memory, as one member.
std::string_view gzipped(std::string_view content)
{
    static std::vector<unsigned char> out;
    // One deflater for the process, reset for each input: its 260 KiB of state are allocated once (in place).
    static z_stream stream{};
    static const bool ready =
            deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK;
    if (!ready)
        std::abort();
    if (deflateReset(&stream) != Z_OK)
        std::abort();
    out.resize(deflateBound(&stream, static_cast<uLong>(content.size())) + 64);
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(content.data()));
    stream.avail_in = static_cast<uInt>(content.size());
    stream.next_out = out.data();
    stream.avail_out = static_cast<uInt>(out.size());
    if (deflate(&stream, Z_FINISH) != Z_STREAM_END)
        std::abort();
    const size_t size = out.size() - stream.avail_out;
    return std::string_view(reinterpret_cast<const char *>(out.data()), size);
}

// The bytes the reader is given, and how.
struct Source
{
    std::string_view bytes;
    std::string name;
    // Empty: from memory.
    std::string path;
};

// A reader of the source in chunks of chunkBytes. The production size's reader is made once and given each
// input in turn, so that its 8 MiB buffer is allocated once (under ASan a fresh one costs a millisecond);
// the other sizes have a reader of their own for each input, whose small buffer grows for a long record.
ExtractReader &readerFor(const Source &source, size_t chunkBytes, std::optional<ExtractReader> &fresh)
{
    const QByteArray content(source.bytes.data(), static_cast<qsizetype>(source.bytes.size()));
    const QString name = QString::fromStdString(source.name);
    if (source.path.empty() && chunkBytes == pv::CsvRecordReader::ChunkBytes) {
        static ExtractReader production{QByteArray(), QString()};
        production.setContent(content, name);
        return production;
    }
    if (source.path.empty())
        fresh.emplace(content, name);
    else
        fresh.emplace(QString::fromStdString(source.path));
    fresh->setChunkBytes(chunkBytes);
    return *fresh;
}

// --- reading as a load reads ---------------------------------------------------------------------------------

void checkRecordLine(qint64 line, qint64 &lastLine, qint64 lines)
{
    PV_CHECK(line >= 1, "a row at line " + std::to_string(line));
    PV_CHECK(lines < 0 || line <= lines,
             "a row at line " + std::to_string(line) + " of a file of " + std::to_string(lines) + " lines");
    PV_CHECK(line > lastLine, "line " + std::to_string(line) + " after line " + std::to_string(lastLine));
    lastLine = line;
}

void noteError(std::string &transcript, const pv::ExtractError &error)
{
    transcript += "error " + std::to_string(error.line) + ' ' + str(error.file) + ": " + str(error.reason) + '\n';
}

// Reads the bytes as a load does (models/load/extractload.cpp), checks every invariant, and returns a transcript
// of what was read: the rows, the errors, the hash.
std::string checkReader(const Source &source, size_t chunkBytes, ExtractKind expected, const pv::ExtractLayout &layout,
                        const Expected &want)
{
    // Physical lines of the content (1 + line feeds), and where each starts; unknown (-1) when the content is
    // not held.
    qint64 lines = -1;
    std::vector<size_t> lineStarts;
    bool bom = false;
    if (want.known) {
        lineStarts.push_back(0);
        for (size_t i = 0; i < want.content.size(); ++i) {
            if (want.content[i] == '\n')
                lineStarts.push_back(i + 1);
        }
        lines = static_cast<qint64>(lineStarts.size());
        bom = want.content.compare(0, 3, "\xEF\xBB\xBF") == 0;
    }
    const auto fileSize = static_cast<qint64>(source.bytes.size());
    std::string transcript;

    std::optional<ExtractReader> fresh;
    ExtractReader &reader = readerFor(source, chunkBytes, fresh);
    reader.setLayout(layout);
    if (!reader.open(expected)) {
        const pv::ExtractError &error = reader.error();
        PV_CHECK(!error.reason.isEmpty(), "open() failed without a reason");
        // Up to one past the last line: gzip data cut short after the lines before the header, all blank.
        PV_CHECK(error.line >= 0 && (lines < 0 || error.line <= lines + 1),
                 "open() failed at line " + std::to_string(error.line) + " of " + std::to_string(lines));
        PV_CHECK(reader.kind() == ExtractKind::Unknown, "a kind after a failed open()");
        transcript += "open failed\n";
        noteError(transcript, error);
        return transcript;
    }
    // A name that says .gz promises gzip data.
    const bool gzName = source.name.ends_with(".gz");
    PV_CHECK(!gzName || source.bytes.empty() || startsGzip(source.bytes), "a .gz name opened without gzip data");
    PV_CHECK(reader.error().isNull(), "open() succeeded with an error: " + str(reader.error().message()));
    const ExtractKind kind = reader.kind();
    PV_CHECK(kind == ExtractKind::UsersSnapshot || kind == ExtractKind::Pageviews, "open() without a kind");
    PV_CHECK(expected == ExtractKind::Unknown || kind == expected, "open() gave another kind than expected");
    PV_CHECK(reader.sizeBytes() == fileSize, "sizeBytes " + std::to_string(reader.sizeBytes()));
    transcript += "kind " + std::to_string(static_cast<int>(kind)) + " separator " + reader.delimiter() + " columns "
            + str(reader.columnLabels().join(QLatin1Char('|'))) + " dated " + str(reader.datedColumn()) + '\n';

    // As a load reads: row after row until End or Failed.
    qint64 accepted = 0;
    qint64 rejectedRows = 0;
    qint64 lastLine = 0;
    pv::RejectedLine rejected;
    ExtractReader::Result result = ExtractReader::Result::End;
    for (;;) {
        rejected = pv::RejectedLine();
        qint64 recordLine = 0;
        if (kind == ExtractKind::UsersSnapshot) {
            pv::UserRecord record;
            result = reader.nextUser(record, rejected);
            if (result == ExtractReader::Result::Record) {
                recordLine = record.line;
                PV_CHECK(record.userId >= 1, "an accepted user with id 0");
                const std::string postcode(record.postcode);
                PV_CHECK(pv::normalisePostcode(postcode, nullptr) == QByteArray::fromStdString(postcode),
                         "an accepted postcode that does not re-normalise to itself: " + postcode);
                transcript += "user " + std::to_string(record.line) + ' ' + std::to_string(record.userId) + ' '
                        + postcode + ' ' + std::string(record.dated) + '\n';
            }
        } else {
            pv::PageviewRecord record;
            result = reader.nextPageview(record, rejected);
            if (result == ExtractReader::Result::Record) {
                recordLine = record.line;
                PV_CHECK(record.userId >= 1, "an accepted pageview with user id 0");
                const std::string written = str(pv::formatTimestamp(record.viewedAt));
                PV_CHECK(pv::parseTimestamp(written, nullptr) == record.viewedAt,
                         "an accepted pageview not on a calendar second: " + std::to_string(record.viewedAt));
                transcript += "pageview " + std::to_string(record.line) + ' ' + std::to_string(record.userId) + ' '
                        + std::to_string(record.viewedAt) + '\n';
            }
        }
        if (result == ExtractReader::Result::Record) {
            ++accepted;
            checkRecordLine(recordLine, lastLine, lines);
        } else if (result == ExtractReader::Result::Rejected) {
            ++rejectedRows;
            checkRecordLine(rejected.line, lastLine, lines);
            PV_CHECK(!rejected.reason.isEmpty(), "a rejected line without a reason");
            const std::string raw = rejected.raw.toStdString();
            checkShown(rejected.reason, raw);
            // The raw text is the file's own, from the start of the line the reject names.
            if (want.known) {
                size_t offset = lineStarts[static_cast<size_t>(rejected.line - 1)];
                if (rejected.line == 1 && bom)
                    offset = 3;
                PV_CHECK(want.content.compare(offset, raw.size(), raw) == 0,
                         "the raw text of line " + std::to_string(rejected.line) + " is not the file's: " + raw);
            }
            transcript += "rejected " + std::to_string(rejected.line) + ' ' + std::to_string(rejected.userId) + ' '
                    + str(rejected.reason) + " <" + raw + ">\n";
        } else {
            break;
        }
        PV_CHECK(reader.rowsRead() == accepted + rejectedRows, "rowsRead " + std::to_string(reader.rowsRead()));
    }
    PV_CHECK(reader.rowsRead() == accepted + rejectedRows,
             "rowsRead " + std::to_string(reader.rowsRead()) + " != accepted " + std::to_string(accepted)
                     + " + rejected " + std::to_string(rejectedRows));
    PV_CHECK(reader.bytesRead() >= 0 && reader.bytesRead() <= fileSize,
             "bytesRead " + std::to_string(reader.bytesRead()) + " of " + std::to_string(fileSize));

    if (result == ExtractReader::Result::Failed) {
        const pv::ExtractError &error = reader.error();
        PV_CHECK(!error.reason.isEmpty(), "a failed read without a reason");
        // 0 is "not tied to a line" (core/extracterror.h); otherwise a line of the file, at or after the last row
        // (one past the last line when the gzip data is cut after a whole last line).
        PV_CHECK(error.line >= 0 && (lines < 0 || error.line <= lines + 1),
                 "a failure at line " + std::to_string(error.line) + " of " + std::to_string(lines));
        PV_CHECK(error.line == 0 || error.line > lastLine || (error.line == lastLine && lastLine > 0),
                 "a failure at line " + std::to_string(error.line) + " before the last row, line "
                         + std::to_string(lastLine));
        transcript += "failed\n";
        noteError(transcript, error);
        return transcript;
    }
    PV_CHECK(result == ExtractReader::Result::End, "the read stopped on neither End nor Failed");
    PV_CHECK(reader.error().isNull(), "End with an error: " + str(reader.error().message()));
    // Read to its end only when gzip -d reads the bytes without a complaint.
    PV_CHECK(want.whole, "read to the end, where gzip -d finds the data cut short, corrupt or followed by other data");
    const QByteArray hash = reader.contentHash();
    PV_CHECK(hash.size() == 64, "a content hash of " + std::to_string(hash.size()) + " characters");
    if (want.known) {
        const QByteArray sha = QCryptographicHash::hash(QByteArrayView(want.content.data(),
                                                                       static_cast<qsizetype>(want.content.size())),
                                                        QCryptographicHash::Sha256)
                                       .toHex();
        PV_CHECK(hash == sha, "the content hash is not the SHA-256 of the content");
    }
    // After End the reader stays at the end.
    pv::UserRecord user;
    pv::PageviewRecord pageview;
    const ExtractReader::Result again = kind == ExtractKind::UsersSnapshot ? reader.nextUser(user, rejected)
                                                                            : reader.nextPageview(pageview, rejected);
    PV_CHECK(again == ExtractReader::Result::End, "a read after End did not give End");
    PV_CHECK(reader.rowsRead() == accepted + rejectedRows, "rows counted after End");
    transcript += "end " + hash.toStdString() + '\n';
    return transcript;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const uint8_t selector = data[0];
    const uint8_t reading = data[1];
    const std::string_view body(reinterpret_cast<const char *>(data + 2), size - 2);

    static constexpr std::array<ExtractKind, 4> kinds = {ExtractKind::Unknown, ExtractKind::UsersSnapshot,
                                                         ExtractKind::Pageviews, ExtractKind::Unknown};
    const ExtractKind expected = kinds[selector & 3];
    const int mode = (selector >> 2) & 3;

    // Other pipelines' layouts: a separator given, no header, the file's own names and numbers for some columns.
    pv::ExtractLayout layout;
    static constexpr std::array<char, 4> delimiters = {0, '\t', '|', ';'};
    layout.delimiter = delimiters[(selector >> 4) & 3];
    layout.headerless = (selector & 0x40) != 0;
    if (selector & 0x80)
        layout.columns = {{QStringLiteral("url"), QStringLiteral("page_url")},
                          {QStringLiteral("postcode"), QStringLiteral("2")},
                          {QStringLiteral("pageview_datetime"), QStringLiteral("3")}};

    static constexpr std::array<size_t, 8> chunkSizes = {1, 2, 3, 7, 16, 64, 1024, pv::CsvRecordReader::ChunkBytes};
    static constexpr std::array<const char *, 4> names = {"extract", "extract", "pageviews", "users"};

    Source source;
    source.name = std::string(names[(reading >> 3) & 3]) + (mode >= 2 ? ".csv.gz" : ".csv");
    Expected want;
    if (mode == 2) {
        source.bytes = gzipped(body);
        want.content = std::string(body);
    } else {
        // Bytes that start as gzip data are decompressed whatever the name says.
        source.bytes = body;
        want = expectedContent(body);
    }
    if ((reading >> 3) == 31)
        source.path = writeScratch(source.name, source.bytes);

    // Small chunks, but not so small that a large content (gzip data decompresses up to a thousand times) is
    // read in millions of them, each parsing its record again from the start.
    const size_t length = want.known ? want.content.size() : ContentLimit;
    const size_t atLeast = std::min<size_t>((length >> 12) * (length >> 12), pv::CsvRecordReader::ChunkBytes);
    const size_t chunkBytes = std::max(chunkSizes[reading & 7], atLeast);
    const std::string transcript = checkReader(source, chunkBytes, expected, layout, want);

    // The chunks do not change what is read: the same bytes from memory in one chunk give the same transcript.
    // Not for corrupt gzip data: the chunk it is found in is never parsed, so the records before the failure
    // depend on where the chunks end.
    const size_t oneChunk = std::min<size_t>(length + 1, pv::CsvRecordReader::ChunkBytes);
    if (want.known && !want.corrupt && (chunkBytes < oneChunk || !source.path.empty())) {
        Source memory = source;
        memory.path.clear();
        const std::string whole = checkReader(memory, oneChunk, expected, layout, want);
        PV_CHECK(transcript == whole, "read in chunks of " + std::to_string(chunkBytes)
                                              + (source.path.empty() ? "" : " from a file") + ":\n" + transcript
                                              + "read in one chunk:\n" + whole);
    }
    return 0;
}
