#include "extract/extractvalidation.h"

#include "core/utf8.h"

#include <QFileInfo>
#include <QRegularExpression>

#include <array>
#include <cstdio>
#include <cstring>
#include <limits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace pv {

namespace {

constexpr quint64 MaxUserId = static_cast<quint64>(std::numeric_limits<qint64>::max());
constexpr qsizetype MaxQuotedValue = 80;

bool isBlank(char c)
{
    return c == ' ' || c == '\t';
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

bool isUpper(char c)
{
    return c >= 'A' && c <= 'Z';
}

char toUpper(char c)
{
    return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

std::string_view trimmed(std::string_view text)
{
    while (!text.empty() && isBlank(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && isBlank(text.back()))
        text.remove_suffix(1);
    return text;
}

// The value as an operator should see it in a message: quoted, cut short when very long, and each control
// byte (but tab and line feed) or byte that is not UTF-8 written as \xHH, so that a NUL is not taken for a
// space or the end of the text, and nothing in it can drive a terminal.
QString quoted(std::string_view text)
{
    const size_t shown = text.size() > size_t{MaxQuotedValue} ? size_t{MaxQuotedValue} - 3 : text.size();
    QString out(QLatin1Char('\''));
    for (size_t i = 0; i < shown;) {
        const auto c = static_cast<unsigned char>(text[i]);
        const size_t length = utf8SequenceLength(text.substr(i));
        if (length == 0 || i + length > text.size() || (c < 0x20 && c != '\t' && c != '\n') || c == 0x7F) {
            out += QStringLiteral("\\x%1").arg(c, 2, 16, QLatin1Char('0'));
            ++i;
        } else {
            out += QString::fromUtf8(text.data() + i, static_cast<qsizetype>(length));
            i += length;
        }
    }
    return out + (shown < text.size() ? QLatin1String("...'") : QLatin1String("'"));
}

void setReason(QString *reason, const QString &text)
{
    if (reason)
        *reason = text;
}

// A99 style shapes of the outward code: A9, A99, AA9, AA99, A9A, AA9A.
bool isOutwardCode(std::string_view s)
{
    switch (s.size()) {
    case 2:
        return isUpper(s[0]) && isDigit(s[1]);
    case 3:
        return isUpper(s[0])
                && ((isDigit(s[1]) && isDigit(s[2])) || (isUpper(s[1]) && isDigit(s[2]))
                    || (isDigit(s[1]) && isUpper(s[2])));
    case 4:
        return isUpper(s[0]) && isUpper(s[1]) && isDigit(s[2]) && (isDigit(s[3]) || isUpper(s[3]));
    default:
        return false;
    }
}

bool isInwardCode(std::string_view s)
{
    return s.size() == 3 && isDigit(s[0]) && isUpper(s[1]) && isUpper(s[2]);
}

bool isLeapYear(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int daysInMonth(int year, int month)
{
    static constexpr std::array<int, 12> days = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return (month == 2 && isLeapYear(year)) ? 29 : days[static_cast<size_t>(month - 1)];
}

const char *monthName(int month)
{
    static constexpr std::array<const char *, 12> names = {"January", "February", "March", "April", "May",
                                                           "June", "July", "August", "September",
                                                           "October", "November", "December"};
    return names[static_cast<size_t>(month - 1)];
}

int twoDigits(const char *p)
{
    return (p[0] - '0') * 10 + (p[1] - '0');
}

// The full check, with the reason when the value is invalid.
std::optional<quint64> parseUserIdFully(std::string_view text, QString *reason)
{
    const std::string_view value = trimmed(text);
    if (value.empty()) {
        setReason(reason, QStringLiteral("empty value: expected a positive integer"));
        return std::nullopt;
    }
    quint64 result = 0;
    bool overflow = false;
    for (const char c : value) {
        if (!isDigit(c)) {
            setReason(reason, QStringLiteral("%1 is not a positive integer").arg(quoted(value)));
            return std::nullopt;
        }
        const auto digit = static_cast<quint64>(c - '0');
        if (result > (MaxUserId - digit) / 10)
            overflow = true;
        else
            result = result * 10 + digit;
    }
    if (overflow) {
        setReason(reason, QStringLiteral("%1 is too large: the largest id is %2").arg(quoted(value)).arg(MaxUserId));
        return std::nullopt;
    }
    if (result == 0) {
        setReason(reason, QStringLiteral("%1 is not a positive integer").arg(quoted(value)));
        return std::nullopt;
    }
    return result;
}

/// Takes a zone off the end of a date and time (s longer than "YYYY-MM-DD HH:MM:SS"): UTC, GMT, or an offset
/// ±HH, ±HHMM, ±HH:MM, after a space or not. Sets *offsetSeconds (local time minus UTC) and returns
/// true when there was one; false leaves s as it was.
bool takeZone(std::string_view &s, qint64 *offsetSeconds)
{
    const auto endsWithWord = [&](std::string_view word) {
        if (s.size() < 19 + word.size())
            return false;
        for (size_t i = 0; i < word.size(); ++i)
            if ((s[s.size() - word.size() + i] | 0x20) != (word[i] | 0x20))
                return false;
        return true;
    };
    *offsetSeconds = 0;
    std::string_view rest = s;
    if (endsWithWord("UTC") || endsWithWord("GMT")) {
        rest.remove_suffix(3);
    } else {
        // An offset: its sign after the seconds (and any fraction), then hours, then optionally minutes.
        const size_t sign = rest.find_last_of("+-");
        if (sign == std::string_view::npos || sign < 19)
            return false;
        const std::string_view digits = rest.substr(sign + 1);
        const auto twoDigitsAt = [&](size_t at) {
            return isDigit(digits[at]) && isDigit(digits[at + 1]) ? (digits[at] - '0') * 10 + (digits[at + 1] - '0') : -1;
        };
        int hours = -1, minutes = 0;
        if (digits.size() == 2) {
            hours = twoDigitsAt(0);
        } else if (digits.size() == 4) {
            hours = twoDigitsAt(0);
            minutes = twoDigitsAt(2);
        } else if (digits.size() == 5 && digits[2] == ':') {
            hours = twoDigitsAt(0);
            minutes = twoDigitsAt(3);
        }
        if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59)
            return false;
        *offsetSeconds = (rest[sign] == '-' ? -1 : 1) * (hours * qint64{3600} + minutes * 60);
        rest = rest.substr(0, sign);
    }
    if (rest.size() > 19 && rest.back() == ' ')
        rest.remove_suffix(1);
    s = rest;
    return true;
}

std::optional<qint64> parseTimestampFully(std::string_view text, QString *reason, bool *zoned)
{
    std::string_view value = trimmed(text);
    if (value.empty()) {
        setReason(reason, QStringLiteral("empty value: expected a date and time as YYYY-MM-DD HH:MM:SS"));
        return std::nullopt;
    }
    const auto badFormat = [&]() {
        // A zone given by name reads as a date and time followed by a word: say which words are understood.
        const size_t space = value.find_last_of(' ');
        if (value.size() > 20 && space >= 19 && space + 1 < value.size() && !isDigit(value[space + 1]))
            setReason(reason, QStringLiteral("%1 has a zone pvadmin does not convert: give UTC, Z or an offset such as "
                                             "+01:00").arg(quoted(value)));
        else
            setReason(reason, QStringLiteral("%1 is not a date and time as YYYY-MM-DD HH:MM:SS").arg(quoted(value)));
        return std::nullopt;
    };

    std::string_view s = value;
    // A trailing Z is the contract's own mark of UTC, allowed beside naive times; any other zone is not.
    if (s.back() == 'Z' || s.back() == 'z')
        s.remove_suffix(1);
    qint64 offsetSeconds = 0;
    const bool hasZone = takeZone(s, &offsetSeconds);
    if (zoned)
        *zoned = hasZone;
    if (s.size() < 19)
        return badFormat();
    const char *p = s.data();
    for (const int i : {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18}) {
        if (!isDigit(p[i]))
            return badFormat();
    }
    if (p[4] != '-' || p[7] != '-' || (p[10] != ' ' && p[10] != 'T' && p[10] != 't') || p[13] != ':'
        || p[16] != ':') {
        return badFormat();
    }
    if (s.size() > 19) {
        if (p[19] != '.' || s.size() == 20)
            return badFormat();
        for (size_t i = 20; i < s.size(); ++i) {
            if (!isDigit(p[i]))
                return badFormat();
        }
    }

    const int year = twoDigits(p) * 100 + twoDigits(p + 2);
    const int month = twoDigits(p + 5);
    const int day = twoDigits(p + 8);
    const int hour = twoDigits(p + 11);
    const int minute = twoDigits(p + 14);
    const int second = twoDigits(p + 17);

    if (year < 1) {
        setReason(reason, QStringLiteral("%1 has year 0000: expected 0001 to 9999").arg(quoted(value)));
        return std::nullopt;
    }
    if (month < 1 || month > 12) {
        setReason(reason, QStringLiteral("%1 has month %2: expected 01 to 12").arg(quoted(value)).arg(month));
        return std::nullopt;
    }
    if (day < 1 || day > daysInMonth(year, month)) {
        setReason(reason, QStringLiteral("%1 is not a valid date: %2 %3 has no day %4")
                                  .arg(quoted(value), QLatin1String(monthName(month)))
                                  .arg(year)
                                  .arg(day));
        return std::nullopt;
    }
    if (hour > 23) {
        setReason(reason, QStringLiteral("%1 has hour %2: expected 00 to 23").arg(quoted(value)).arg(hour));
        return std::nullopt;
    }
    if (minute > 59) {
        setReason(reason, QStringLiteral("%1 has minute %2: expected 00 to 59").arg(quoted(value)).arg(minute));
        return std::nullopt;
    }
    if (second > 59) {
        setReason(reason, QStringLiteral("%1 has second %2: expected 00 to 59").arg(quoted(value)).arg(second));
        return std::nullopt;
    }
    return daysFromCivil(year, month, day) * secondsPerDay + hour * secondsPerHour + minute * 60 + second - offsetSeconds;
}

// daysFromCivil() for years from 1 on, in unsigned arithmetic.
qint64 daysFromCivilAD(unsigned year, unsigned month, unsigned day)
{
    const unsigned y = year - (month <= 2 ? 1 : 0);
    const unsigned era = y / 400;
    const unsigned yearOfEra = y - era * 400;
    const unsigned dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    const unsigned dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    return static_cast<qint64>(era) * 146097 + dayOfEra - 719468;
}

} // namespace

std::optional<quint64> parseUserId(std::string_view text, QString *reason)
{
    // The common case, 1 to 18 digits and nothing else, cannot overflow.
    if (!text.empty() && text.size() <= 18) {
        quint64 result = 0;
        size_t i = 0;
        for (; i < text.size(); ++i) {
            const unsigned digit = static_cast<unsigned char>(text[i]) - unsigned{'0'};
            if (digit > 9)
                break;
            result = result * 10 + digit;
        }
        if (i == text.size() && result != 0)
            return result;
    }
    return parseUserIdFully(text, reason);
}

int normalisePostcodeInto(std::string_view text, char *out, QString *reason)
{
    const std::string_view value = trimmed(text);
    if (value.empty()) {
        setReason(reason, QStringLiteral("empty value: expected a UK postcode"));
        return 0;
    }
    const auto notAPostcode = [&]() {
        setReason(reason, QStringLiteral("%1 is not a UK postcode (expected an outward code like SW19 "
                                         "or a full postcode like SW1A 1AA)")
                                  .arg(quoted(value)));
        return 0;
    };

    // Upper-case and collapse inner runs of blanks to one space.
    std::array<char, MaxPostcodeLength> buffer{};
    size_t length = 0;
    size_t space = 0;
    int spaces = 0;
    for (size_t i = 0; i < value.size(); ++i) {
        const char c = value[i];
        if (isBlank(c)) {
            if (isBlank(value[i - 1]))
                continue;
            ++spaces;
            space = length;
        }
        if (length == buffer.size())
            return notAPostcode();
        buffer[length++] = isBlank(c) ? ' ' : toUpper(c);
    }
    const std::string_view normal(buffer.data(), length);

    if (normal == "UNKNOWN") {
        setReason(reason, QStringLiteral("%1 is reserved for users without a known postcode").arg(quoted(value)));
        return 0;
    }

    std::string_view outward;
    std::string_view inward;
    if (spaces == 0) {
        if (length <= 4) {
            outward = normal;
        } else {
            outward = normal.substr(0, length - 3);
            inward = normal.substr(length - 3);
        }
    } else if (spaces == 1) {
        outward = normal.substr(0, space);
        inward = normal.substr(space + 1);
        if (inward.empty())
            return notAPostcode();
    } else {
        return notAPostcode();
    }

    const bool girobank = outward == "GIR" && inward == "0AA";
    if (!girobank && (!isOutwardCode(outward) || (!inward.empty() && !isInwardCode(inward))))
        return notAPostcode();

    size_t n = 0;
    for (const char c : outward)
        out[n++] = c;
    if (!inward.empty()) {
        out[n++] = ' ';
        for (const char c : inward)
            out[n++] = c;
    }
    return static_cast<int>(n);
}

std::optional<QByteArray> normalisePostcode(std::string_view text, QString *reason)
{
    std::array<char, MaxPostcodeLength> buffer{};
    const int length = normalisePostcodeInto(text, buffer.data(), reason);
    if (length == 0)
        return std::nullopt;
    return QByteArray(buffer.data(), length);
}

std::optional<qint64> parseTimestamp(std::string_view text, QString *reason, bool *zoned)
{
    if (zoned)
        *zoned = false;
    // The common case, exactly "YYYY-MM-DD HH:MM:SS" and valid; anything else takes the full path.
    if (text.size() == 19) {
        const auto *p = reinterpret_cast<const unsigned char *>(text.data());
        const auto digit = [p](int i) { return static_cast<unsigned>(p[i]) - unsigned{'0'}; };
        const bool digits = (digit(0) <= 9) & (digit(1) <= 9) & (digit(2) <= 9) & (digit(3) <= 9) & (digit(5) <= 9)
                & (digit(6) <= 9) & (digit(8) <= 9) & (digit(9) <= 9) & (digit(11) <= 9) & (digit(12) <= 9)
                & (digit(14) <= 9) & (digit(15) <= 9) & (digit(17) <= 9) & (digit(18) <= 9);
        const bool separators = (p[4] == '-') & (p[7] == '-') & (p[10] == ' ' || p[10] == 'T') & (p[13] == ':')
                & (p[16] == ':');
        const unsigned year = digit(0) * 1000 + digit(1) * 100 + digit(2) * 10 + digit(3);
        const unsigned month = digit(5) * 10 + digit(6);
        const unsigned day = digit(8) * 10 + digit(9);
        const unsigned hour = digit(11) * 10 + digit(12);
        const unsigned minute = digit(14) * 10 + digit(15);
        const unsigned second = digit(17) * 10 + digit(18);
        if (digits && separators && year >= 1 && month >= 1 && month <= 12 && day >= 1
            && day <= static_cast<unsigned>(daysInMonth(static_cast<int>(year), static_cast<int>(month)))
            && hour < 24 && minute < 60 && second < 60) {
            return daysFromCivilAD(year, month, day) * secondsPerDay + hour * secondsPerHour + minute * 60 + second;
        }
    }
    return parseTimestampFully(text, reason, zoned);
}

bool isUtf8Text(std::string_view text, QString *reason)
{
    // Sixteen bytes at a time while they are ASCII without NUL; the last block may overlap the one before it.
    size_t i = 0;
#ifdef __SSE2__
    const auto isPlainAscii = [&text](size_t at) {
        const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i *>(text.data() + at));
        return _mm_movemask_epi8(_mm_or_si128(bytes, _mm_cmpeq_epi8(bytes, _mm_setzero_si128()))) == 0;
    };
    if (text.size() >= 16) {
        while (i + 16 < text.size() && isPlainAscii(i))
            i += 16;
        if (i + 16 >= text.size() && isPlainAscii(text.size() - 16))
            return true;
    }
#endif
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == 0) {
            setReason(reason, QStringLiteral("%1 has a NUL byte at position %2").arg(quoted(text), QString::number(i + 1)));
            return false;
        }
        if (c < 0x80) {
            ++i;
            continue;
        }
        const size_t length = utf8SequenceLength(text.substr(i));
        if (length == 0 || i + length > text.size()) {
            // One arg() call: a url's own %2F must not be taken for a placeholder.
            setReason(reason, QStringLiteral("%1 is not valid UTF-8 (byte 0x%2 at position %3): save the file as UTF-8")
                                      .arg(quoted(text), QStringLiteral("%1").arg(c, 2, 16, QLatin1Char('0')),
                                           QString::number(i + 1)));
            return false;
        }
        i += length;
    }
    return true;
}

std::optional<qint64> asOfFromFileName(const QString &fileName)
{
    static const QRegularExpression pattern(QStringLiteral(
        R"((\d{4})-?(\d{2})-?(\d{2})(?:[T _-]?(\d{2})(?::?(\d{2})(?::?(\d{2}))?)?)?)"));
    const QRegularExpressionMatch m = pattern.match(QFileInfo(fileName).fileName());
    if (!m.hasMatch())
        return std::nullopt;
    const int year = m.captured(1).toInt(), month = m.captured(2).toInt(), day = m.captured(3).toInt();
    const int hour = m.captured(4).toInt(), minute = m.captured(5).toInt(), second = m.captured(6).toInt();
    const QString text = QStringLiteral("%1-%2-%3 %4:%5:%6")
                             .arg(year, 4, 10, QLatin1Char('0'))
                             .arg(month, 2, 10, QLatin1Char('0'))
                             .arg(day, 2, 10, QLatin1Char('0'))
                             .arg(hour, 2, 10, QLatin1Char('0'))
                             .arg(minute, 2, 10, QLatin1Char('0'))
                             .arg(second, 2, 10, QLatin1Char('0'));
    QString reason;
    const QByteArray utf8 = text.toUtf8();
    return parseTimestamp(std::string_view(utf8.constData(), size_t(utf8.size())), &reason);
}

std::optional<qint64> parseDateValue(std::string_view text, QString *reason)
{
    if (text.size() == 10) {
        const std::string midnight = std::string(text) + " 00:00:00";
        if (const std::optional<qint64> day = parseTimestamp(midnight, nullptr))
            return day;
    }
    return parseTimestamp(text, reason);
}

QString quotedValue(std::string_view text)
{
    return quoted(text);
}

std::optional<qint64> hourFromFileName(const QString &fileName)
{
    // The date, then the hour (after T, space, _ or -, or straight after the date's digits), then optionally
    // minutes and seconds; never more digits after them (a longer number is not a time).
    static const QRegularExpression pattern(QStringLiteral(
        R"((?<!\d)(\d{4})(-?)(\d{2})\2(\d{2})[T _-]?(\d{2})(?:[:-]?\d{2}(?:[:-]?\d{2})?)?(?!\d))"));
    const QRegularExpressionMatch m = pattern.match(QFileInfo(fileName).fileName());
    if (!m.hasMatch())
        return std::nullopt;
    const QString text = QStringLiteral("%1-%2-%3 %4:00:00").arg(m.captured(1), m.captured(3), m.captured(4), m.captured(5));
    QString reason;
    const QByteArray utf8 = text.toUtf8();
    return parseTimestamp(std::string_view(utf8.constData(), size_t(utf8.size())), &reason);
}

} // namespace pv
