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

/// "YYYY-MM-DD HH:MM:SS", also with a 'T' separator, fractional seconds and a trailing 'Z', naive (taken as
/// UTC) or with a zone: "UTC" or "GMT" (after a space or not), or an offset +HH, +HHMM or +HH:MM (or -), as
/// PostgreSQL, pandas and BigQuery write them; a time with a zone is converted to UTC. Returns seconds since
/// the Unix epoch; fractional seconds are dropped. *zoned (when given) says whether the text had a zone
/// ('Z' is the contract's own mark of UTC and counts as naive).
std::optional<qint64> parseTimestamp(std::string_view text, QString *reason, bool *zoned = nullptr);

/// A date as a pipeline writes a snapshot's date in a column: "YYYY-MM-DD" (its midnight, UTC) or a timestamp
/// as parseTimestamp() reads it.
std::optional<qint64> parseDateValue(std::string_view text, QString *reason);

/// Text that can be stored and shown: UTF-8 without NUL bytes. CsvRecordReader checks the first 64 KiB of a
/// file this way as a whole; a free-text field (the url) is checked here wherever it is in the file.
/// Cheap on ASCII: eight bytes at a time.
bool isUtf8Text(std::string_view text, QString *reason);

/// A value from a file as a message shows it: quoted, cut short when very long, control bytes and bytes that
/// are not UTF-8 written as \xHH.
QString quotedValue(std::string_view text);

/// The as-of in a users snapshot's file name ("users_extract_2024-03-01.csv" → 2024-03-01 00:00:00),
/// if it has one.
std::optional<qint64> asOfFromFileName(const QString &fileName);

/// The hour in a pageviews extract's file name, if it names one: "pageviews_2024-03-01T10.csv",
/// "pageview_extract_2024030110.csv", "views_2024-03-01_10-15.csv" → 2024-03-01 10:00:00. A date alone names
/// no hour. A pipeline names each hourly file for its hour, also when it cuts the hour elsewhere than at :00.
std::optional<qint64> hourFromFileName(const QString &fileName);

} // namespace pv
