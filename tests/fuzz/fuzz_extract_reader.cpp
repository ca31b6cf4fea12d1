// libFuzzer harness of the extract reader and the field validators (docs/fuzzing.md).
//
// Input: the first byte is a selector, the rest is the file's content.
//   selector & 3          expected kind: 0 Unknown, 1 users snapshot, 2 pageviews, 3 Unknown
//   (selector >> 2) & 3   how the file is written: 0, 1 plain "extract.csv"; 2 the content gzip-compressed by the
//                         harness as "extract.csv.gz"; 3 the bytes as they are, named "extract.csv.gz" (so the
//                         fuzzer also mutates the gzip container: corrupt, truncated, not gzip at all)
// The file is read to the end exactly as a load reads it (every row accepted, rejected, or the read fails),
// and the validators are run directly on the content's comma/line separated pieces. Every invariant that is
// broken stops the process with __builtin_trap(), so libFuzzer saves the input as a crash.

#include "core/extractkind.h"
#include "core/time.h"
#include "extract/extractreader.h"
#include "extract/extractvalidation.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QCryptographicHash>
#include <QDate>
#include <QString>

#include <zlib.h>

#include <algorithm>
#include <cctype>
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

// Reports which invariant broke (the stack follows from the trap), then stops.
[[noreturn]] void broken(const char *what, const std::string &detail = std::string())
{
    std::fprintf(stderr, "\n*** fuzz_extract_reader: invariant broken: %s%s%s\n", what, detail.empty() ? "" : ": ",
                 detail.c_str());
    std::fflush(stderr);
    __builtin_trap();
}

#define PV_CHECK(condition, detail)                                                                               \
    do {                                                                                                          \
        if (!(condition))                                                                                         \
            broken(#condition, detail);                                                                           \
    } while (false)

std::string str(const QString &text)
{
    return text.toStdString();
}

// One scratch folder per process, under /dev/shm when there is one (no disk writes), made once. Kept in a
// plain array: the clean-up at exit runs after static std::strings are gone.
char scratchPath[64];

void removeScratch()
{
    char file[96];
    std::snprintf(file, sizeof file, "%s/extract.csv", scratchPath);
    std::remove(file);
    std::snprintf(file, sizeof file, "%s/extract.csv.gz", scratchPath);
    std::remove(file);
    rmdir(scratchPath);
}

std::string scratchDir()
{
    if (scratchPath[0] == 0) {
        std::snprintf(scratchPath, sizeof scratchPath, "%s/pvadmin-fuzz-XXXXXX",
                      access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
        if (!mkdtemp(scratchPath)) {
            std::perror("mkdtemp");
            std::abort();
        }
        std::atexit(removeScratch); // a crash leaves a folder of two small files behind
    }
    return scratchPath;
}

void writeFile(const std::string &path, const uint8_t *data, size_t size)
{
    FILE *f = std::fopen(path.c_str(), "wb");
    if (!f || (size > 0 && std::fwrite(data, 1, size, f) != size) || std::fclose(f) != 0) {
        std::perror(path.c_str());
        std::abort();
    }
}

void writeGzip(const std::string &path, const uint8_t *data, size_t size)
{
    gzFile f = gzopen(path.c_str(), "wb");
    if (!f || (size > 0 && gzwrite(f, data, static_cast<unsigned>(size)) != static_cast<int>(size))
        || gzclose(f) != Z_OK) {
        std::fprintf(stderr, "cannot write %s\n", path.c_str());
        std::abort();
    }
}

// What zlib's gzread() gives for the file (the reader inflates with zlib too), up to the first error; nullopt
// when that is more than the harness cares to hold. gzread() ends the content without an error at other data
// after the last gzip member, where the reader fails.
std::optional<std::string> decompressed(const std::string &path)
{
    constexpr size_t Limit = 16u << 20;
    gzFile f = gzopen(path.c_str(), "rb");
    if (!f)
        return std::nullopt;
    std::string out;
    std::vector<char> chunk(1 << 16);
    for (;;) {
        const int n = gzread(f, chunk.data(), static_cast<unsigned>(chunk.size()));
        if (n <= 0)
            break;
        out.append(chunk.data(), static_cast<size_t>(n));
        if (out.size() > Limit) {
            gzclose(f);
            return std::nullopt;
        }
    }
    gzclose(f);
    return out;
}

bool isBlank(char c)
{
    return c == ' ' || c == '\t';
}

std::string_view trimmed(std::string_view text)
{
    while (!text.empty() && isBlank(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && isBlank(text.back()))
        text.remove_suffix(1);
    return text;
}

bool allDigits(std::string_view text)
{
    for (const char c : text) {
        if (c < '0' || c > '9')
            return false;
    }
    return true;
}

// --- the validators, each against an independent statement of its rule ---------------------------------

// A reason shows the value it quotes without control characters (a NUL as \x00): only tab and line feed stay.
void checkShown(const QString &reason, std::string_view text)
{
    for (const QChar c : reason) {
        PV_CHECK(c.unicode() >= 0x20 || c == u'\t' || c == u'\n',
                 "a control character in the reason for '" + std::string(text) + "': " + str(reason));
    }
}

void checkUserId(std::string_view text)
{
    QString reason;
    const std::optional<quint64> id = pv::parseUserId(text, &reason);
    PV_CHECK(id == pv::parseUserId(text, nullptr), "parseUserId depends on whether a reason is asked for");

    // The rule: blanks around, then only digits, a value from 1 to 2^63-1.
    std::optional<quint64> expected;
    std::string_view value = trimmed(text);
    if (!value.empty() && allDigits(value)) {
        while (value.size() > 1 && value.front() == '0')
            value.remove_prefix(1);
        constexpr std::string_view Max = "9223372036854775807";
        if (value != "0" && (value.size() < Max.size() || (value.size() == Max.size() && value <= Max)))
            expected = std::stoull(std::string(value));
    }
    PV_CHECK(id == expected, std::string(text) + " -> " + (id ? std::to_string(*id) : "invalid") + ", expected "
                                     + (expected ? std::to_string(*expected) : "invalid"));
    if (!id) {
        PV_CHECK(!reason.isEmpty(), "an invalid id without a reason: " + std::string(text));
        checkShown(reason, text);
    }
}

void checkPostcode(std::string_view text)
{
    QString reason;
    const std::optional<QByteArray> postcode = pv::normalisePostcode(text, &reason);
    char out[pv::MaxPostcodeLength];
    const int length = pv::normalisePostcodeInto(text, out, nullptr);
    if (!postcode) {
        PV_CHECK(!reason.isEmpty(), "an invalid postcode without a reason: " + std::string(text));
        checkShown(reason, text);
        PV_CHECK(length == 0, "normalisePostcodeInto accepts what normalisePostcode refuses: " + std::string(text));
        return;
    }
    const std::string normal = postcode->toStdString();
    PV_CHECK(length == static_cast<int>(normal.size()) && std::string_view(out, size_t(length)) == normal,
             "normalisePostcodeInto and normalisePostcode disagree on " + std::string(text));
    PV_CHECK(normal.size() >= 2 && normal.size() <= size_t{pv::MaxPostcodeLength}, normal);
    int spaces = 0;
    for (const char c : normal) {
        PV_CHECK((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ', normal);
        spaces += c == ' ' ? 1 : 0;
    }
    PV_CHECK(spaces <= 1 && normal.front() != ' ' && normal.back() != ' ', normal);
    PV_CHECK(normal != "UNKNOWN", "the reserved UNKNOWN accepted");
    // A normalised postcode is its own normal form, also written in lower case or without its space.
    PV_CHECK(pv::normalisePostcode(normal, nullptr) == *postcode, "does not re-normalise to itself: " + normal);
    std::string lower = normal;
    for (char &c : lower)
        c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    PV_CHECK(pv::normalisePostcode(lower, nullptr) == *postcode, "lower case normalises differently: " + lower);
    std::string joined;
    for (const char c : normal) {
        if (c != ' ')
            joined += c;
    }
    PV_CHECK(pv::normalisePostcode(joined, nullptr) == *postcode, "without its space normalises differently: " + joined);
}

void checkTimestamp(std::string_view text)
{
    QString reason;
    const std::optional<qint64> at = pv::parseTimestamp(text, &reason);
    PV_CHECK(at == pv::parseTimestamp(text, nullptr), "parseTimestamp depends on whether a reason is asked for");

    // The rule: blanks around; "YYYY-MM-DD", ' '/'T', "HH:MM:SS", optionally '.' and digits, optionally 'Z';
    // or, instead of the 'Z', a zone after an optional space: UTC or GMT in any case, or an offset +HH, +HHMM or
    // +HH:MM (or -) of at most 23:59; a real date of years 0001 to 9999 and a real second of the day.
    std::string_view s = trimmed(text);
    bool shape = false;
    if (!s.empty() && (s.back() == 'Z' || s.back() == 'z'))
        s.remove_suffix(1);
    qint64 offset = 0;
    bool zone = false;
    const auto endsWithNoCase = [&](std::string_view word) {
        if (s.size() < 19 + word.size())
            return false;
        for (size_t i = 0; i < word.size(); ++i)
            if (std::tolower(static_cast<unsigned char>(s[s.size() - word.size() + i])) != word[i])
                return false;
        return true;
    };
    if (endsWithNoCase("utc") || endsWithNoCase("gmt")) {
        s.remove_suffix(3);
        zone = true;
    } else if (const size_t sign = s.find_last_of("+-"); sign != std::string_view::npos && sign >= 19) {
        const std::string_view digits = s.substr(sign + 1);
        int hours = -1, minutes = 0;
        if ((digits.size() == 2 || digits.size() == 4 || (digits.size() == 5 && digits[2] == ':'))
            && allDigits(digits.substr(0, 2)) && (digits.size() == 2 || allDigits(digits.substr(digits.size() - 2)))) {
            hours = std::stoi(std::string(digits.substr(0, 2)));
            minutes = digits.size() == 2 ? 0 : std::stoi(std::string(digits.substr(digits.size() - 2)));
        }
        if (hours >= 0 && hours <= 23 && minutes <= 59) {
            offset = (s[sign] == '-' ? -1 : 1) * (hours * 3600 + minutes * 60);
            s = s.substr(0, sign);
            zone = true;
        }
    }
    if (zone && s.size() > 19 && s.back() == ' ')
        s.remove_suffix(1);
    if (s.size() >= 19) {
        const auto d = [&](size_t i) { return s[i] >= '0' && s[i] <= '9'; };
        shape = d(0) && d(1) && d(2) && d(3) && s[4] == '-' && d(5) && d(6) && s[7] == '-' && d(8) && d(9)
                && (s[10] == ' ' || s[10] == 'T' || s[10] == 't') && d(11) && d(12) && s[13] == ':' && d(14) && d(15)
                && s[16] == ':' && d(17) && d(18)
                && (s.size() == 19 || (s[19] == '.' && s.size() > 20 && allDigits(s.substr(20))));
    }
    bool valid = false;
    if (shape) {
        const auto num = [&](size_t i, size_t n) { return std::stoi(std::string(s.substr(i, n))); };
        const int year = num(0, 4);
        valid = year >= 1 && QDate::isValid(year, num(5, 2), num(8, 2)) && num(11, 2) < 24 && num(14, 2) < 60
                && num(17, 2) < 60;
    }
    PV_CHECK(at.has_value() == valid, std::string(text) + (at ? " accepted" : " refused"));
    if (!at) {
        PV_CHECK(!reason.isEmpty(), "an invalid timestamp without a reason: " + std::string(text));
        checkShown(reason, text);
        return;
    }
    // On a real calendar second: the instant written back is the text that was read (up to the separator).
    std::string expected(s.substr(0, 19));
    expected[10] = ' ';
    // A zone's offset is taken away: the local time it gave is the instant plus the offset.
    const std::string written = str(pv::formatTimestamp(*at + offset));
    PV_CHECK(written == expected, std::string(text) + " read as " + std::to_string(*at) + " = " + written);
    PV_CHECK(pv::parseTimestamp(written, nullptr) == *at + offset, written);
}

// The rule for a url: UTF-8 (as Qt judges it) without NUL bytes.
void checkText(std::string_view text)
{
    QString reason;
    const bool valid = pv::isUtf8Text(text, &reason);
    const bool expected = QByteArrayView(text.data(), static_cast<qsizetype>(text.size())).isValidUtf8()
            && text.find('\0') == std::string_view::npos;
    PV_CHECK(valid == expected, std::string(text) + (valid ? " accepted" : " refused") + " as UTF-8 text");
    PV_CHECK(valid == pv::isUtf8Text(text, nullptr), "isUtf8Text depends on whether a reason is asked for");
    if (!valid) {
        PV_CHECK(!reason.isEmpty(), "text refused without a reason: " + std::string(text));
        checkShown(reason, text);
    }
}

void checkValidators(std::string_view content)
{
    if (content.size() <= 64) {
        checkUserId(content);
        checkPostcode(content);
        checkTimestamp(content);
    }
    checkText(content);
    // The pieces between commas and line breaks: what the reader hands the validators in a file.
    int pieces = 0;
    size_t start = 0;
    for (size_t i = 0; i <= content.size() && pieces < 512; ++i) {
        if (i == content.size() || content[i] == ',' || content[i] == '\n') {
            std::string_view piece = content.substr(start, i - start);
            if (!piece.empty() && piece.back() == '\r')
                piece.remove_suffix(1);
            checkUserId(piece);
            checkPostcode(piece);
            checkTimestamp(piece);
            checkText(piece);
            ++pieces;
            start = i + 1;
        }
    }
}

// --- the reader ------------------------------------------------------------------------------------------

// Whether the bytes are gzip members one after another, then at most zero padding, by zlib's inflate.
bool onlyGzipMembers(const uint8_t *data, size_t size)
{
    while (size > 0) {
        if (std::all_of(data, data + size, [](uint8_t byte) { return byte == 0; }))
            return true;
        z_stream stream{};
        if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK)
            std::abort();
        stream.next_in = const_cast<Bytef *>(data);
        stream.avail_in = static_cast<uInt>(size);
        std::vector<Bytef> out(1 << 16);
        int code = Z_OK;
        while (code == Z_OK) {
            stream.next_out = out.data();
            stream.avail_out = static_cast<uInt>(out.size());
            code = inflate(&stream, Z_NO_FLUSH);
        }
        const size_t used = size - stream.avail_in;
        inflateEnd(&stream);
        if (code != Z_STREAM_END)
            return false;
        data += used;
        size -= used;
    }
    return true;
}

void checkRecordLine(qint64 line, qint64 &lastLine, qint64 lines)
{
    PV_CHECK(line >= 1, "a row at line " + std::to_string(line));
    PV_CHECK(lines < 0 || line <= lines,
             "a row at line " + std::to_string(line) + " of a file of " + std::to_string(lines) + " lines");
    PV_CHECK(line > lastLine, "line " + std::to_string(line) + " after line " + std::to_string(lastLine));
    lastLine = line;
}

// Reads the file as a load does and checks what comes back; true when the read reached its end.
bool checkReader(const std::string &path, ExtractKind expected, const pv::ExtractLayout &layout,
                 const std::optional<std::string> &content, qint64 fileSize)
{
    // Physical lines of the content (1 + line feeds), and where each starts; unknown (-1) when the
    // decompressed content is too large to hold.
    qint64 lines = -1;
    std::vector<size_t> lineStarts;
    bool bom = false;
    if (content) {
        lineStarts.push_back(0);
        for (size_t i = 0; i < content->size(); ++i) {
            if ((*content)[i] == '\n')
                lineStarts.push_back(i + 1);
        }
        lines = static_cast<qint64>(lineStarts.size());
        bom = content->size() >= 3 && content->compare(0, 3, "\xEF\xBB\xBF") == 0;
    }

    ExtractReader reader(QString::fromStdString(path));
    reader.setLayout(layout);
    if (!reader.open(expected)) {
        const pv::ExtractError &error = reader.error();
        PV_CHECK(!error.reason.isEmpty(), "open() failed without a reason");
        PV_CHECK(error.line >= 0 && (lines < 0 || error.line <= lines),
                 "open() failed at line " + std::to_string(error.line) + " of " + std::to_string(lines));
        PV_CHECK(reader.kind() == ExtractKind::Unknown, "a kind after a failed open()");
        return false;
    }
    PV_CHECK(reader.error().isNull(), "open() succeeded with an error: " + str(reader.error().message()));
    const ExtractKind kind = reader.kind();
    PV_CHECK(kind == ExtractKind::UsersSnapshot || kind == ExtractKind::Pageviews, "open() without a kind");
    PV_CHECK(expected == ExtractKind::Unknown || kind == expected, "open() gave another kind than expected");
    PV_CHECK(reader.sizeBytes() == fileSize, "sizeBytes " + std::to_string(reader.sizeBytes()));

    // As a load reads (models/load/extractload.cpp): row after row until End or Failed.
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
            }
        }
        if (result == ExtractReader::Result::Record) {
            ++accepted;
            checkRecordLine(recordLine, lastLine, lines);
        } else if (result == ExtractReader::Result::Rejected) {
            ++rejectedRows;
            checkRecordLine(rejected.line, lastLine, lines);
            PV_CHECK(!rejected.reason.isEmpty(), "a rejected line without a reason");
            checkShown(rejected.reason, rejected.raw.toStdString());
            // The raw text is the file's own, from the start of the line the reject names.
            if (content) {
                size_t offset = lineStarts[static_cast<size_t>(rejected.line - 1)];
                if (rejected.line == 1 && bom)
                    offset = 3;
                const std::string raw = rejected.raw.toStdString();
                PV_CHECK(content->compare(offset, raw.size(), raw) == 0,
                         "the raw text of line " + std::to_string(rejected.line) + " is not the file's: " + raw);
            }
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
        return false;
    }
    PV_CHECK(result == ExtractReader::Result::End, "the read stopped on neither End nor Failed");
    PV_CHECK(reader.error().isNull(), "End with an error: " + str(reader.error().message()));
    const QByteArray hash = reader.contentHash();
    PV_CHECK(hash.size() == 64, "a content hash of " + std::to_string(hash.size()) + " characters");
    if (content) {
        const QByteArray sha = QCryptographicHash::hash(QByteArray::fromStdString(*content), QCryptographicHash::Sha256)
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
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const uint8_t selector = data[0];
    const uint8_t *body = data + 1;
    const size_t bodySize = size - 1;

    static const ExtractKind kinds[4] = {ExtractKind::Unknown, ExtractKind::UsersSnapshot, ExtractKind::Pageviews,
                                         ExtractKind::Unknown};
    const ExtractKind expected = kinds[selector & 3];
    const int mode = (selector >> 2) & 3;

    const std::string plainPath = scratchDir() + "/extract.csv";
    const std::string gzPath = scratchDir() + "/extract.csv.gz";
    std::optional<std::string> content;
    std::string path;
    if (mode <= 1) {
        path = plainPath;
        writeFile(path, body, bodySize);
        content = std::string(reinterpret_cast<const char *>(body), bodySize);
    } else if (mode == 2) {
        path = gzPath;
        writeGzip(path, body, bodySize);
        content = std::string(reinterpret_cast<const char *>(body), bodySize);
    } else {
        path = gzPath;
        writeFile(path, body, bodySize);
        content = decompressed(path);
    }
    FILE *f = std::fopen(path.c_str(), "rb");
    std::fseek(f, 0, SEEK_END);
    const qint64 fileSize = std::ftell(f);
    std::fclose(f);

    // Other pipelines' layouts: a separator given or told (bits 4-5), no header (bit 6), the file's own names and
    // numbers for some columns (bit 7).
    pv::ExtractLayout layout;
    static const char delimiters[4] = {0, '\t', '|', ';'};
    layout.delimiter = delimiters[(selector >> 4) & 3];
    layout.headerless = (selector & 0x40) != 0;
    if (selector & 0x80)
        layout.columns = {{QStringLiteral("url"), QStringLiteral("page_url")},
                          {QStringLiteral("postcode"), QStringLiteral("2")},
                          {QStringLiteral("pageview_datetime"), QStringLiteral("3")}};
    const bool readToEnd = checkReader(path, expected, layout, content, fileSize);
    // A file that starts as gzip data is read to its end only when it is gzip members and zero padding.
    if (readToEnd && mode == 3 && bodySize >= 2 && body[0] == 0x1F && body[1] == 0x8B)
        PV_CHECK(onlyGzipMembers(body, bodySize), "a .gz read to its end with other data after its gzip members");
    checkValidators(std::string_view(reinterpret_cast<const char *>(body), bodySize));
    return 0;
}
