#pragma once

#include <QString>

#include <optional>

namespace pv::cli {

struct Invocation;

/// "YYYY-MM-DD HH:MM:SS" and its variants, or a bare date for midnight.
std::optional<qint64> parseDateTimeArgument(const QString &text, QString *reason);

/// The option's date and time into *out when it is set; false with *error naming the option otherwise.
bool dateTimeOption(const Invocation &invocation, const QString &name, std::optional<qint64> *out, QString *error);

/// A whole number above zero (a run or user id), or nothing.
std::optional<qint64> positiveInteger(const QString &text);

} // namespace pv::cli
