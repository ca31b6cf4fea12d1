#include "arguments.h"
#include "command.h"
#include "core/loadfeedback.h"
#include "core/time.h"
#include "query/pageviewquery.h"
#include "terminal.h"
#include "storage/warehouse.h"

namespace pv::cli {

namespace {

int runCheck(const Invocation &invocation)
{
    std::optional<qint64> from, to;
    QString error;
    if (!hourRangeOptions(invocation, &from, &to, &error))
        return invocation.usageError(error);
    // A range open at one end reaches as far as any data could.
    std::optional<HourSpan> hours;
    if (from || to)
        hours = HourSpan{firstHourFrom(from), endHourFrom(to)};
    Warehouse warehouse;
    if (!invocation.openWarehouse(warehouse))
        return ExitFailed;
    LoadFeedback feedback;
    const TerminalProgress progress(&feedback, QStringLiteral("check"));
    const CancelOnInterrupt cancel(&feedback);
    const CheckReport report = warehouse.check(&feedback, hours);
    if (report.cancelled)
        return failure(QStringLiteral("check cancelled"));
    if (!report.ok()) {
        for (const QString &d : report.differences)
            printOut(d + QLatin1Char('\n'));
        return failure(QStringLiteral("check failed: %1 difference(s) between the stored answers and a recomputation "
                                      "from facts and history")
                           .arg(report.differences.size()));
    }
    const QString range = hours ? QStringLiteral(" from %1 to %2").arg(from ? formatTimestamp(*from) : QStringLiteral("the start"),
                                                                       to ? formatTimestamp(*to) : QStringLiteral("the end"))
                                : QString();
    printOut(QStringLiteral("check passed%1: %2 facts, %3 hours, %4 users agree with a recomputation from scratch; "
                            "%5 postcodes match what the loads wrote\n")
                 .arg(range)
                 .arg(report.factsChecked)
                 .arg(report.hoursChecked)
                 .arg(report.usersChecked)
                 .arg(report.postcodesChecked));
    printOut(report.storageStructure.isEmpty()
                 ? QStringLiteral("storage structure: not checked with --from/--to (a whole check runs the engine's own check)\n")
                 : QStringLiteral("storage structure: %1\n").arg(report.storageStructure));
    return ExitOk;
}

} // namespace

CommandSpec checkCommand()
{
    return {QStringLiteral("check"), QString(), QStringLiteral("recompute everything from facts and history and compare"),
            QStringLiteral("Recomputes both hourly aggregates and their day rollups from the pageview facts and the "
                           "postcode history, from scratch and by code independent of the loads, compares them with the "
                           "stored answers, checks every fact's at-time postcode, the history's links and the user "
                           "directory, proves the postcode dictionary (every id the loads handed out, each with the text its load "
                           "wrote, by its seal), and reconciles every hour (pageviews loaded = in facts = sum at-time = sum "
                           "current). A whole check also runs the engine's own check of its structure: SQLite's quick_check, "
                           "or PostgreSQL's amcheck where that extension is installed. "
                           "With --from/--to only the facts and aggregates of those hours are checked (day rollups of "
                           "the days wholly inside), in time proportional to the range; the history and the users are "
                           "always checked whole. Prints every difference and exits 1 when there is one. Ctrl-C cancels."),
            {{QStringLiteral("from"), QStringLiteral("DATETIME"), QStringLiteral("the first hour checked, on the hour (default: the first loaded)")},
             {QStringLiteral("to"), QStringLiteral("DATETIME"), QStringLiteral("the hour after the last checked, on the hour (default: after the last loaded)")}}, Arity::None, WarehouseUse::Read, &runCheck};
}

} // namespace pv::cli
