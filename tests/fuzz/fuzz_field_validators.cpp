// libFuzzer target of the field validators of models/extract/extractvalidation.h (docs/fuzzing.md).
//
// Input: one value, as a field of an extract holds it (and, read as UTF-8, as a file name). Each validator
// is run on it and checked against an independent statement of its rule (docs/contract.md §4); the
// reader's target (fuzz_extract_reader.cpp) checks how the reader uses them. A broken invariant stops the
// process with __builtin_trap(), so libFuzzer saves the input as a crash.

#include "fuzzcheck.h"

#include "core/time.h"
#include "core/utf8.h"
#include "extract/extractvalidation.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QDate>
#include <QString>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace {

using pvfuzz::checkShown;
using pvfuzz::str;

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

// Seconds since 1970-01-01 00:00:00 of a date and time, by Qt's calendar; nullopt unless it is a real date of
// the years 0001 to 9999 and a real second of the day.
std::optional<qint64> instant(int year, int month, int day, int hour, int minute, int second)
{
    if (year < 1 || year > 9999 || !QDate::isValid(year, month, day) || hour < 0 || hour > 23 || minute < 0
        || minute > 59 || second < 0 || second > 59)
        return std::nullopt;
    return QDate(1970, 1, 1).daysTo(QDate(year, month, day)) * 86400 + hour * 3600 + minute * 60 + second;
}

std::string shown(const std::optional<qint64> &value)
{
    return value ? std::to_string(*value) : std::string("invalid");
}

// --- user ids ------------------------------------------------------------------------------------------------

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

// --- postcodes -----------------------------------------------------------------------------------------------

// Whether text has the shape of pattern: 'A' a letter A-Z, '9' a digit.
bool hasShape(std::string_view text, std::string_view pattern)
{
    if (text.size() != pattern.size())
        return false;
    for (size_t i = 0; i < text.size(); ++i) {
        const bool letter = text[i] >= 'A' && text[i] <= 'Z';
        const bool digit = text[i] >= '0' && text[i] <= '9';
        if (pattern[i] == 'A' ? !letter : !digit)
            return false;
    }
    return true;
}

// The rule (docs/contract.md §4): blanks around are dropped, letters upper-cased, a run of blanks inside is one
// space. Then an outward code alone (A9, A99, AA9, AA99, A9A, AA9A) or with an inward code (9AA), after a space
// or, without one, as the last three characters; or GIR 0AA. UNKNOWN is reserved. The normal form is the
// outward code, a space and the inward code.
std::optional<std::string> expectedPostcode(std::string_view text)
{
    std::string normal;
    for (const char c : trimmed(text)) {
        if (isBlank(c)) {
            if (normal.back() != ' ')
                normal += ' ';
        } else {
            normal += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
        }
    }
    if (normal.empty() || normal == "UNKNOWN")
        return std::nullopt;
    std::string outward;
    std::string inward;
    if (const size_t space = normal.find(' '); space != std::string::npos) {
        if (normal.find(' ', space + 1) != std::string::npos)
            return std::nullopt;
        outward = normal.substr(0, space);
        inward = normal.substr(space + 1);
    } else if (normal.size() <= 4) {
        outward = normal;
    } else {
        outward = normal.substr(0, normal.size() - 3);
        inward = normal.substr(normal.size() - 3);
    }
    const bool girobank = outward == "GIR" && inward == "0AA";
    bool outwardShape = false;
    for (const std::string_view shape : {"A9", "A99", "AA9", "AA99", "A9A", "AA9A"})
        outwardShape = outwardShape || hasShape(outward, shape);
    if (!girobank && (!outwardShape || (!inward.empty() && !hasShape(inward, "9AA"))))
        return std::nullopt;
    return inward.empty() ? outward : outward + ' ' + inward;
}

void checkPostcode(std::string_view text)
{
    QString reason;
    const std::optional<QByteArray> postcode = pv::normalisePostcode(text, &reason);
    char out[pv::MaxPostcodeLength];
    const int length = pv::normalisePostcodeInto(text, out, nullptr);
    const std::optional<std::string> expected = expectedPostcode(text);
    PV_CHECK(postcode.has_value() == expected.has_value()
                     && (!postcode || postcode->toStdString() == *expected),
             std::string(text) + " -> " + (postcode ? postcode->toStdString() : "invalid") + ", expected "
                     + (expected ? *expected : "invalid"));
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
    PV_CHECK(pv::normalisePostcode(joined, nullptr) == *postcode,
             "without its space normalises differently: " + joined);
}

// --- timestamps and dates ------------------------------------------------------------------------------------

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

// A snapshot's date column: exactly "YYYY-MM-DD", a real date, is its midnight; anything else is read as a
// timestamp, with the same refusal.
void checkDateValue(std::string_view text)
{
    QString reason;
    const std::optional<qint64> value = pv::parseDateValue(text, &reason);
    const auto d = [&](size_t i) { return text[i] >= '0' && text[i] <= '9'; };
    if (text.size() == 10 && d(0) && d(1) && d(2) && d(3) && text[4] == '-' && d(5) && d(6) && text[7] == '-' && d(8)
        && d(9)) {
        const auto num = [&](size_t i, size_t n) { return std::stoi(std::string(text.substr(i, n))); };
        if (const std::optional<qint64> midnight = instant(num(0, 4), num(5, 2), num(8, 2), 0, 0, 0)) {
            PV_CHECK(value == midnight, std::string(text) + " read as " + shown(value));
            return;
        }
    }
    QString timestampReason;
    const std::optional<qint64> timestamp = pv::parseTimestamp(text, &timestampReason);
    PV_CHECK(value == timestamp,
             std::string(text) + " read as " + shown(value) + ", as a timestamp " + shown(timestamp));
    PV_CHECK(value || reason == timestampReason, "another reason than the timestamp's: " + str(reason));
}

// --- UTF-8 text --------------------------------------------------------------------------------------------

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

// The rule of RFC 3629: a lead byte says the length (0xxxxxxx 1, 110xxxxx 2, 1110xxxx 3, 11110xxx 4), the
// others are 10xxxxxx, and the code point is the shortest form's, not a surrogate (U+D800 to U+DFFF), at most
// U+10FFFF. A sequence cut off by the end of the text is whole when some continuation makes it so.
size_t expectedSequenceLength(std::string_view text)
{
    if (text.empty())
        return 0;
    const auto lead = static_cast<unsigned char>(text[0]);
    if (lead < 0x80)
        return 1;
    const size_t length = (lead & 0xE0) == 0xC0 ? 2 : (lead & 0xF0) == 0xE0 ? 3 : (lead & 0xF8) == 0xF0 ? 4 : 0;
    if (length == 0)
        return 0;
    // The code points the sequence can stand for, given the bytes it has: from low to high.
    uint32_t low = lead & (0x7Fu >> length);
    uint32_t high = low;
    for (size_t k = 1; k < length; ++k) {
        if (k < text.size()) {
            const auto next = static_cast<unsigned char>(text[k]);
            if ((next & 0xC0) != 0x80)
                return 0;
            low = low << 6 | (next & 0x3Fu);
            high = high << 6 | (next & 0x3Fu);
        } else {
            low <<= 6;
            high = high << 6 | 0x3Fu;
        }
    }
    const uint32_t shortest = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000;
    low = std::max(low, shortest);
    high = std::min<uint32_t>(high, 0x10FFFF);
    if (low > high || (low >= 0xD800 && high <= 0xDFFF))
        return 0;
    return length;
}

void checkSequenceLengths(std::string_view text)
{
    for (size_t i = 0; i <= text.size(); ++i) {
        const std::string_view rest = text.substr(i);
        const size_t length = pv::utf8SequenceLength(rest);
        PV_CHECK(length == expectedSequenceLength(rest), "utf8SequenceLength " + std::to_string(length) + " at byte "
                                                                 + std::to_string(i) + " of " + std::string(text));
    }
}

// A value in a message: quoted, without control characters (nor DEL); a short value that is UTF-8 text without
// them is shown as it is, but for any U+FEFF (a byte-order mark, invisible), which is dropped; a value longer
// than 80 bytes is cut short, with "...".
void checkQuotedValue(std::string_view text)
{
    const QString quoted = pv::quotedValue(text);
    PV_CHECK(quoted.size() >= 2 && quoted.front() == u'\'' && quoted.back() == u'\'', str(quoted));
    checkShown(quoted, text);
    PV_CHECK(!quoted.contains(QChar(0x7F)), "a DEL shown as it is: " + str(quoted));
    const QByteArrayView bytes(text.data(), static_cast<qsizetype>(text.size()));
    bool plain = bytes.isValidUtf8();
    for (const char c : text)
        plain = plain && (static_cast<unsigned char>(c) >= 0x20 || c == '\t' || c == '\n') && c != 0x7F;
    if (text.size() > 80)
        PV_CHECK(quoted.endsWith(QLatin1String("...'")), "a long value shown whole: " + str(quoted));
    else if (plain)
        PV_CHECK(quoted == QLatin1Char('\'') + QString::fromUtf8(bytes).remove(QChar(0xFEFF)) + QLatin1Char('\''),
                 "a plain value shown otherwise: " + str(quoted));
}

// --- times in file names -------------------------------------------------------------------------------------

bool isAsciiDigit(const QString &text, qsizetype i)
{
    return i >= 0 && i < text.size() && text[i] >= u'0' && text[i] <= u'9';
}

bool digitsAt(const QString &text, qsizetype i, qsizetype n)
{
    for (qsizetype k = 0; k < n; ++k) {
        if (!isAsciiDigit(text, i + k))
            return false;
    }
    return true;
}

bool charIn(const QString &text, qsizetype i, std::u16string_view set)
{
    return i >= 0 && i < text.size() && set.find(text[i].unicode()) != std::u16string_view::npos;
}

int number(const QString &text, qsizetype i, qsizetype n)
{
    return text.mid(i, n).toInt();
}

// The first date in the name (the part after the last '/'): four digits, optionally '-', two, optionally '-',
// two; then optionally a time: 'T', ' ', '_' or '-' or nothing, two digits of the hour, optionally ':' and
// two of the minute, optionally ':' and two of the second. Nothing is asked of what is around it.
std::optional<qint64> expectedAsOf(const QString &name)
{
    const QString base = name.mid(name.lastIndexOf(u'/') + 1);
    for (qsizetype i = 0; i < base.size(); ++i) {
        qsizetype p = i;
        if (!digitsAt(base, p, 4))
            continue;
        const int year = number(base, p, 4);
        p += 4;
        p += charIn(base, p, u"-") ? 1 : 0;
        if (!digitsAt(base, p, 2))
            continue;
        const int month = number(base, p, 2);
        p += 2;
        p += charIn(base, p, u"-") ? 1 : 0;
        if (!digitsAt(base, p, 2))
            continue;
        const int day = number(base, p, 2);
        p += 2;
        int hour = 0, minute = 0, second = 0;
        const qsizetype h = p + (charIn(base, p, u"T _-") ? 1 : 0);
        if (digitsAt(base, h, 2)) {
            hour = number(base, h, 2);
            const qsizetype m = h + 2 + (charIn(base, h + 2, u":") ? 1 : 0);
            if (digitsAt(base, m, 2)) {
                minute = number(base, m, 2);
                const qsizetype s = m + 2 + (charIn(base, m + 2, u":") ? 1 : 0);
                if (digitsAt(base, s, 2))
                    second = number(base, s, 2);
            }
        }
        return instant(year, month, day, hour, minute, second);
    }
    return std::nullopt;
}

// The first date and hour in the name (the part after the last '/') that no digit touches: four digits, two
// and two, with '-' between all three or neither; 'T', ' ', '_' or '-' or nothing; two digits of the hour;
// optionally minutes and seconds, two digits each after ':', '-' or nothing; then no digit.
std::optional<qint64> expectedHour(const QString &name)
{
    const QString base = name.mid(name.lastIndexOf(u'/') + 1);
    for (qsizetype i = 0; i < base.size(); ++i) {
        if (isAsciiDigit(base, i - 1) || !digitsAt(base, i, 4))
            continue;
        qsizetype p = i + 4;
        const bool dashes = charIn(base, p, u"-");
        p += dashes ? 1 : 0;
        if (!digitsAt(base, p, 2))
            continue;
        const int month = number(base, p, 2);
        p += 2;
        if (dashes) {
            if (!charIn(base, p, u"-"))
                continue;
            ++p;
        }
        if (!digitsAt(base, p, 2))
            continue;
        const int day = number(base, p, 2);
        p += 2;
        p += charIn(base, p, u"T _-") ? 1 : 0;
        if (!digitsAt(base, p, 2))
            continue;
        const int hour = number(base, p, 2);
        p += 2;
        // Where the match may end: after the hour, the minutes or the seconds; it must not end before a digit.
        bool ends = !isAsciiDigit(base, p);
        for (const qsizetype m : {p, p + 1}) {
            if (m == p + 1 && !charIn(base, p, u":-"))
                continue;
            if (!digitsAt(base, m, 2))
                continue;
            ends = ends || !isAsciiDigit(base, m + 2);
            for (const qsizetype s : {m + 2, m + 3}) {
                if (s == m + 3 && !charIn(base, m + 2, u":-"))
                    continue;
                if (digitsAt(base, s, 2))
                    ends = ends || !isAsciiDigit(base, s + 2);
            }
        }
        if (!ends)
            continue;
        return instant(number(base, i, 4), month, day, hour, 0, 0);
    }
    return std::nullopt;
}

void checkFileNameTimes(const QString &name)
{
    const std::optional<qint64> asOf = pv::asOfFromFileName(name);
    const std::optional<qint64> expectedAsOfValue = expectedAsOf(name);
    PV_CHECK(asOf == expectedAsOfValue, "asOfFromFileName(" + str(name) + ") = " + shown(asOf) + ", expected "
                                                + shown(expectedAsOfValue));
    const std::optional<qint64> hour = pv::hourFromFileName(name);
    const std::optional<qint64> expectedHourValue = expectedHour(name);
    PV_CHECK(hour == expectedHourValue, "hourFromFileName(" + str(name) + ") = " + shown(hour) + ", expected "
                                                + shown(expectedHourValue));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string_view value(reinterpret_cast<const char *>(data), size);
    checkUserId(value);
    checkPostcode(value);
    checkTimestamp(value);
    checkDateValue(value);
    checkText(value);
    checkSequenceLengths(value);
    checkQuotedValue(value);
    checkFileNameTimes(QString::fromUtf8(value.data(), static_cast<qsizetype>(value.size())));
    return 0;
}
