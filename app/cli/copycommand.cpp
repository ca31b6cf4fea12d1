// pvadmin copy --to DEST: the warehouse copied to another location, between engines or within one.

#include "command.h"
#include "terminal.h"
#include "core/loadfeedback.h"
#include "storage/warehouse.h"
#include "storage/warehousecopy.h"

#include <QLocale>

namespace pv::cli {

namespace {

int runCopy(const Invocation &invocation)
{
    const QString destination = invocation.value(QStringLiteral("to"));
    if (destination.isEmpty())
        return invocation.usageError(QStringLiteral("copy needs --to DEST, the warehouse to copy into"));
    Warehouse from;
    if (!invocation.openWarehouse(from))
        return ExitFailed;
    Warehouse to;
    QString error;
    if (!to.open(destination, &error))
        return failure(error);
    LoadFeedback feedback;
    const TerminalProgress progress(&feedback, QStringLiteral("copy"));
    const CancelOnInterrupt cancel(&feedback);
    const CopyOutcome outcome = copyWarehouse(from, to, &feedback);
    if (!outcome.ok)
        return failure(outcome.error);
    printOut(QStringLiteral("copied %1 to %2: %3 rows\n").arg(from.path(), to.path(), QLocale::c().toString(outcome.rows)));
    return ExitOk;
}

} // namespace

CommandSpec copyCommand()
{
    return {QStringLiteral("copy"), QString(), QStringLiteral("copy the warehouse to another location or engine"),
            QStringLiteral("Copies every table of the warehouse (runs, rejected lines, history, facts, aggregates, "
                           "settings) to DEST, a SQLite file or a PostgreSQL URL, keeping every id, in one transaction: "
                           "DEST gets the whole warehouse or nothing. DEST must be new or hold no runs. The source is "
                           "read as of one moment while loads go on. Reports and check give the same answers on both ends. "
                           "Ctrl-C cancels."),
            {{QStringLiteral("to"), QStringLiteral("DEST"), QStringLiteral("the warehouse to copy into (a file or a PostgreSQL URL)")}},
            Arity::None, WarehouseUse::Read, &runCopy};
}

} // namespace pv::cli
