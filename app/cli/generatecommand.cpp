#include "arguments.h"
#include "command.h"
#include "generate/extractgenerator.h"
#include "core/loadfeedback.h"
#include "terminal.h"
#include "core/time.h"

#include <QDir>

#include <cstdio>

namespace pv::cli {

namespace {

int runGenerate(const Invocation &invocation)
{
    GeneratorOptions options;
    QString invalid;
    auto integer = [&](const char *option, qint64 *out) {
        bool valid = false;
        *out = invocation.value(QString::fromLatin1(option)).toLongLong(&valid);
        if (!valid && invalid.isEmpty())
            invalid = QStringLiteral("--%1 must be a whole number").arg(QString::fromLatin1(option));
    };
    auto rate = [&](const char *option, double *out) {
        bool valid = false;
        *out = invocation.value(QString::fromLatin1(option)).toDouble(&valid);
        if ((!valid || *out < 0 || *out > 1) && invalid.isEmpty())
            invalid = QStringLiteral("--%1 must be a fraction between 0 and 1").arg(QString::fromLatin1(option));
    };
    qint64 days = 0, hoursPerDay = 0, seed = 0, day = 0, hour = 0;
    integer("users", &options.users);
    integer("days", &days);
    integer("hours-per-day", &hoursPerDay);
    integer("pageviews-per-hour", &options.pageviewsPerHour);
    integer("seed", &seed);
    integer("day", &day);
    integer("hour", &hour);
    rate("move-rate", &options.moveRate);
    rate("new-rate", &options.newRate);
    rate("remove-rate", &options.removeRate);
    rate("late-rate", &options.lateRate);
    rate("unknown-rate", &options.unknownRate);
    if (!invalid.isEmpty())
        return invocation.usageError(invalid);
    options.days = int(days);
    options.hoursPerDay = int(hoursPerDay);
    options.seed = quint64(seed);
    if (invocation.isSet(QStringLiteral("start"))) {
        QString reason;
        const auto start = parseDateTimeArgument(invocation.value(QStringLiteral("start")), &reason);
        if (!start || dayOf(*start) * secondsPerDay != *start)
            return invocation.usageError(QStringLiteral("--start must be a date (YYYY-MM-DD)"));
        options.startEpoch = *start;
    }

    if (invocation.isSet(QStringLiteral("stdout"))) {
        // One extract to standard output, for `pvadmin generate --stdout ... | pvadmin load -`.
        const QString kind = invocation.value(QStringLiteral("stdout"));
        if (kind != QLatin1String("users") && kind != QLatin1String("pageviews"))
            return invocation.usageError(QStringLiteral("--stdout must be users or pageviews"));
        options.days = std::max<int>(options.days, int(day) + 1);
        ExtractGenerator generator(options);
        if (const QString wrong = generator.validate(); !wrong.isEmpty())
            return invocation.usageError(wrong);
        if (day < 0 || hour < 0 || hour > 23)
            return invocation.usageError(QStringLiteral("--day must be 0 or more and --hour 0 to 23"));
        QString error;
        const WriteOutcome written = kind == QLatin1String("users")
            ? generator.writeUsersSnapshot(int(day), stdout, nullptr, &error)
            : generator.writePageviewsHour(int(day), int(hour), stdout, nullptr, &error);
        std::fflush(stdout);
        return written == WriteOutcome::Written ? ExitOk : failure(error);
    }

    if (!invocation.isSet(QStringLiteral("out")))
        return invocation.usageError(QStringLiteral("generate needs --out DIR (or --stdout users|pageviews)"));
    options.outDir = invocation.value(QStringLiteral("out"));
    if (const QString wrong = ExtractGenerator(options).validate(); !wrong.isEmpty())
        return invocation.usageError(wrong);
    LoadFeedback feedback;
    const TerminalProgress progress(&feedback, QStringLiteral("generate"));
    const CancelOnInterrupt cancel(&feedback);
    QString error;
    switch (generate(options, &feedback, &error)) {
    case WriteOutcome::Written:
        break;
    case WriteOutcome::Cancelled:
        return failure(QStringLiteral("generate cancelled: the files already written are whole, the one in progress was removed"));
    case WriteOutcome::Failed:
        return failure(error);
    }
    printOut(QStringLiteral("wrote %1 users snapshots and %2 pageviews extracts to %3\n")
                 .arg(options.days)
                 .arg(options.days * options.hoursPerDay)
                 .arg(QDir(options.outDir).absolutePath()));
    return ExitOk;
}

} // namespace

CommandSpec generateCommand()
{
    auto option = [](const char *optionName, const char *valueName, const char *description, const char *defaultValue = "") {
        return OptionSpec{QString::fromLatin1(optionName), QString::fromLatin1(valueName), QString::fromLatin1(description),
                          QString::fromLatin1(defaultValue)};
    };
    return {QStringLiteral("generate"), QString(), QStringLiteral("write synthetic extracts"),
            QStringLiteral("Writes synthetic extracts from a simulated population of users who move, arrive and leave: "
                           "with --out, one users snapshot a day (users_extract_DATE.csv) and one pageviews file an "
                           "hour (pageviews_DATE'T'HH.csv); with --stdout, the one extract chosen by --day and --hour, "
                           "for pvadmin generate --stdout users | pvadmin load -. The same options and seed give the "
                           "same files. Needs no warehouse."),
            {option("out", "DIR", "write every extract into DIR (created if missing)"),
             option("stdout", "users|pageviews", "write one extract to standard output instead"),
             option("day", "D", "with --stdout: the day, counted from 0", "0"),
             option("hour", "H", "with --stdout: the hour of a pageviews extract, 0 to 23", "0"),
             option("users", "N", "users in the first snapshot", "1000"),
             option("days", "D", "days of snapshots and pageviews", "2"),
             option("hours-per-day", "H", "pageviews files per day, from midnight", "24"),
             option("pageviews-per-hour", "N", "rows in each pageviews file", "1000"),
             option("move-rate", "F", "share of users whose postcode changes each day", "0.01"),
             option("new-rate", "F", "new users each day, as a share of the snapshot", "0.005"),
             option("remove-rate", "F", "share of users missing from the next snapshot", "0.001"),
             option("late-rate", "F", "share of a pageviews file's rows from the hour before", "0.01"),
             option("unknown-rate", "F", "share of pageviews by users in no snapshot", "0.001"),
             option("start", "DATE", "the first snapshot's date, YYYY-MM-DD", "2024-03-01"),
             option("seed", "S", "the random seed", "1")},
            Arity::None, WarehouseUse::None, &runGenerate};
}

} // namespace pv::cli
