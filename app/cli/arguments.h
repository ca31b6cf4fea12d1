#pragma once

#include "command.h"
#include "extract/extractlayout.h"

#include <QList>
#include <QString>

#include <optional>

namespace pv::cli {

struct Invocation;

/// "YYYY-MM-DD HH:MM:SS" and its variants, or a bare date for midnight.
std::optional<qint64> parseDateTimeArgument(const QString &text, QString *reason);

/// The option's date and time into *out when it is set; false with *error naming the option otherwise.
bool dateTimeOption(const Invocation &invocation, const QString &name, std::optional<qint64> *out, QString *error);

/// --from and --to as a range of whole hours [from, to): each, when set, a date and time on the hour, and
/// from not after to; false with *error saying which is wrong otherwise.
bool hourRangeOptions(const Invocation &invocation, std::optional<qint64> *from, std::optional<qint64> *to, QString *error);

/// --delimiter, --columns and --no-header: how the files of another pipeline are laid out (load and watch).
QList<OptionSpec> layoutOptionSpecs();
/// Those options into *layout; false with *error naming the option otherwise.
bool layoutOptions(const Invocation &invocation, ExtractLayout *layout, QString *error);

/// A whole number above zero (a run or user id), or nothing.
std::optional<qint64> positiveInteger(const QString &text);

} // namespace pv::cli
