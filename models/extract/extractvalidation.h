#pragma once

#include "core/time.h"

#include <QByteArray>
#include <QString>

#include <optional>
#include <string_view>

namespace pv {

/// Field validation and normalisation shared by every extract (docs/contract.md §4). Each returns nullopt
/// and sets *reason to a sentence an operator can act on when the value is invalid.

/// A positive 64-bit integer, digits only (surrounding spaces allowed): "0", "-5", "1e3", "12a" are invalid.
std::optional<quint64> parseUserId(std::string_view text, QString *reason);

/// Trims, upper-cases and collapses inner spaces, then accepts a UK outward code ("SW19", "EC1A", "W1")
/// or a full postcode ("SW1A 1AA"; "SW1A1AA" is normalised to "SW1A 1AA"). "UNKNOWN" is reserved and invalid.
std::optional<QByteArray> normalisePostcode(std::string_view text, QString *reason);

/// The longest normalised postcode ("AA9A 9AA").
inline constexpr int MaxPostcodeLength = 8;

/// normalisePostcode() without allocating, for the per-row path: writes the normalised postcode to out
/// (room for MaxPostcodeLength bytes) and returns its length, or 0 when the value is invalid.
int normalisePostcodeInto(std::string_view text, char *out, QString *reason);

/// "YYYY-MM-DD HH:MM:SS", also with a 'T' separator, fractional seconds and a trailing 'Z'.
/// Returns seconds since the Unix epoch (naive UTC); fractional seconds are dropped.
std::optional<qint64> parseTimestamp(std::string_view text, QString *reason);

/// Text that can be stored and shown: UTF-8 without NUL bytes. CsvRecordReader checks the first 64 KiB of a
/// file this way as a whole; a free-text field (the url) is checked here wherever it is in the file.
/// Cheap on ASCII: eight bytes at a time.
bool isUtf8Text(std::string_view text, QString *reason);

/// The length (1 to 4) of the UTF-8 sequence that text starts with, judged on the bytes text has: longer
/// than text when text ends inside the sequence; 0 when the bytes are not UTF-8 (a stray continuation byte,
/// an overlong form, a surrogate, a code point past U+10FFFF) or text is empty.
size_t utf8SequenceLength(std::string_view text);

/// The as-of in a users snapshot's file name ("users_extract_2024-03-01.csv" → 2024-03-01 00:00:00),
/// if it has one.
std::optional<qint64> asOfFromFileName(const QString &fileName);

} // namespace pv
