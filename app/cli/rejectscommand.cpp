#include "arguments.h"
#include "core/filename.h"
#include "command.h"
#include "storage/runlog.h"
#include "terminal.h"
#include "storage/warehouse.h"

#include <QFileInfo>

namespace pv::cli {

namespace {

int runRejects(const Invocation &invocation)
{
    const auto runId = positiveInteger(invocation.positional.first());
    if (!runId)
        return invocation.usageError(QStringLiteral("RUN_ID '%1' is not a run number").arg(invocation.positional.first()));
    Warehouse warehouse;
    if (!invocation.openWarehouse(warehouse))
        return ExitFailed;
    const LoadRunLog &log = warehouse.runLog();
    const auto run = log.run(*runId);
    if (!run)
        return failure(QStringLiteral("there is no run %1 (see pvadmin runs)").arg(*runId));
    QList<QStringList> rows;
    for (const RejectedLine &r : log.rejects(*runId))
        rows << QStringList{QString::number(r.line), r.reason,
                            QString::fromUtf8(r.raw).replace(QLatin1Char('\r'), QStringLiteral("\\r")).replace(QLatin1Char('\n'), QStringLiteral("\\n"))};
    printOut(QStringLiteral("run %1 (%2, %3): %4 rejected of %5 rows read\n")
                 .arg(run->id)
                 .arg(shownFileName(QFileInfo(run->file).fileName()), runStatusName(run->status))
                 .arg(run->rowsRejected)
                 .arg(run->rowsRead));
    if (!rows.isEmpty())
        printOut(formatTable({QStringLiteral("LINE"), QStringLiteral("REASON"), QStringLiteral("RAW")}, rows));
    if (run->rowsRejected > rows.size())
        printOut(QStringLiteral("(only the first %1 rejected lines were kept)\n").arg(rows.size()));
    return ExitOk;
}

} // namespace

CommandSpec rejectsCommand()
{
    return {QStringLiteral("rejects"), QStringLiteral("RUN_ID"), QStringLiteral("the lines a run rejected"),
            QStringLiteral("Lists the lines run RUN_ID quarantined: line number, reason and raw text (the first "
                           "100,000 of a run are kept; the count stays exact)."),
            {}, Arity::One, WarehouseUse::Read, &runRejects};
}

} // namespace pv::cli
