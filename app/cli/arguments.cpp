#include "arguments.h"

#include "command.h"
#include "core/time.h"
#include "extract/extractvalidation.h"

namespace pv::cli {

std::optional<qint64> parseDateTimeArgument(const QString &text, QString *reason)
{
    QString value = text.trimmed();
    if (value.size() == 10)
        value += QStringLiteral(" 00:00:00");
    const QByteArray utf8 = value.toUtf8();
    return parseTimestamp(std::string_view(utf8.constData(), size_t(utf8.size())), reason);
}

bool dateTimeOption(const Invocation &invocation, const QString &name, std::optional<qint64> *out, QString *error)
{
    if (!invocation.isSet(name))
        return true;
    QString reason;
    *out = parseDateTimeArgument(invocation.value(name), &reason);
    if (!*out) {
        *error = QStringLiteral("--%1 '%2': %3").arg(name, invocation.value(name), reason);
        return false;
    }
    return true;
}

bool hourRangeOptions(const Invocation &invocation, std::optional<qint64> *from, std::optional<qint64> *to, QString *error)
{
    if (!dateTimeOption(invocation, QStringLiteral("from"), from, error)
        || !dateTimeOption(invocation, QStringLiteral("to"), to, error))
        return false;
    if (*from && *to && **from > **to) {
        *error = QStringLiteral("--from is after --to");
        return false;
    }
    // Pageviews are counted per hour, so a bound inside an hour could not be honoured exactly.
    for (const auto &[option, bound] : {std::pair{"from", *from}, std::pair{"to", *to}})
        if (bound && !isOnTheHour(*bound)) {
            *error = QStringLiteral("--%1 must be on the hour (HH:00:00): pageviews are counted per hour")
                         .arg(QLatin1String(option));
            return false;
        }
    return true;
}

std::optional<qint64> positiveInteger(const QString &text)
{
    bool ok = false;
    const qint64 value = text.toLongLong(&ok);
    if (!ok || value <= 0)
        return std::nullopt;
    return value;
}

} // namespace pv::cli
