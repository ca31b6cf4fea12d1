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

QList<OptionSpec> layoutOptionSpecs()
{
    return {{QStringLiteral("delimiter"), QStringLiteral("SEP"),
             QStringLiteral("the field separator: one character, or comma, tab, pipe, semicolon (default: a comma, "
                            "else the one of tab, | and ; the first line holds)")},
            {QStringLiteral("columns"), QStringLiteral("COLUMN=NAME,..."),
             QStringLiteral("the file's own names (or numbers, from 1) for the columns read, as in "
                            "url=page_url,pageview_datetime=timestamp")},
            {QStringLiteral("no-header"), QString(),
             QStringLiteral("the first line is data: the columns are in the contract's order unless --columns numbers "
                            "them; the kind comes from --kind or the file name")}};
}

bool layoutOptions(const Invocation &invocation, ExtractLayout *layout, QString *error)
{
    if (invocation.isSet(QStringLiteral("delimiter"))) {
        QString reason;
        const std::optional<char> delimiter = parseDelimiter(invocation.value(QStringLiteral("delimiter")), &reason);
        if (!delimiter) {
            *error = QStringLiteral("--delimiter: %1").arg(reason);
            return false;
        }
        layout->delimiter = *delimiter;
    }
    if (invocation.isSet(QStringLiteral("columns"))) {
        QString reason;
        const auto columns = parseColumnMapping(invocation.value(QStringLiteral("columns")), &reason);
        if (!columns) {
            *error = QStringLiteral("--columns: %1").arg(reason);
            return false;
        }
        layout->columns = *columns;
    }
    layout->headerless = invocation.isSet(QStringLiteral("no-header"));
    return true;
}

} // namespace pv::cli
