#include "arguments.h"
#include "command.h"
#include "core/loadfeedback.h"
#include "terminal.h"
#include "storage/warehouse.h"

namespace pv::cli {

namespace {

int runCheck(const Invocation &invocation)
{
    Warehouse warehouse;
    if (!invocation.openWarehouse(warehouse))
        return ExitFailed;
    LoadFeedback feedback;
    const TerminalProgress progress(&feedback, QStringLiteral("check"));
    const CancelOnInterrupt cancel(&feedback);
    const CheckReport report = warehouse.check(&feedback);
    if (report.cancelled)
        return failure(QStringLiteral("check cancelled"));
    if (!report.ok()) {
        for (const QString &d : report.differences)
            printOut(d + QLatin1Char('\n'));
        return failure(QStringLiteral("check failed: %1 difference(s) between the stored answers and a recomputation "
                                      "from facts and history")
                           .arg(report.differences.size()));
    }
    printOut(QStringLiteral("check passed: %1 facts, %2 hours, %3 users agree with a recomputation from scratch\n")
                 .arg(report.factsChecked)
                 .arg(report.hoursChecked)
                 .arg(report.usersChecked));
    return ExitOk;
}

} // namespace

CommandSpec checkCommand()
{
    return {QStringLiteral("check"), QString(), QStringLiteral("recompute everything from facts and history and compare"),
            QStringLiteral("Recomputes both hourly aggregates from the pageview facts and the postcode history, from "
                           "scratch and by code independent of the loads, compares them with the stored answers, and "
                           "reconciles every hour (pageviews loaded = sum at-time = sum current). Prints every "
                           "difference and exits 1 when there is one. Ctrl-C cancels."),
            {}, Arity::None, WarehouseUse::Read, &runCheck};
}

} // namespace pv::cli
