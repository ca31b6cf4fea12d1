#include "arguments.h"
#include "core/extractkind.h"
#include "core/filename.h"
#include "command.h"
#include "storage/runlog.h"
#include "itemmodels/loadrunsmodel.h"
#include "terminal.h"
#include "storage/warehouse.h"
#include "core/time.h"

#include <QDateTime>
#include <QFileInfo>

namespace pv::cli {

namespace {

int runRuns(const Invocation &invocation)
{
    Warehouse warehouse;
    if (!invocation.openWarehouse(warehouse))
        return ExitFailed;
    QList<QStringList> rows;
    for (const LoadRun &run : warehouse.runLog().runs()) {
        QString when = QStringLiteral("-");
        if (run.windowHour)
            when = QStringLiteral("hour ") + formatTimestamp(*run.windowHour);
        else if (run.asOf)
            when = QStringLiteral("as of ") + formatTimestamp(*run.asOf);
        QString note = run.error;
        if (run.replacedBy)
            note = QStringLiteral("replaced by run %1").arg(run.replacedBy);
        else if (run.replacedRun)
            note = QStringLiteral("replaced run %1").arg(run.replacedRun);
        if (run.lateRows > 0 && run.status == RunStatus::Succeeded)
            note += (note.isEmpty() ? QString() : QStringLiteral("; ")) + QStringLiteral("%1 late rows").arg(run.lateRows);
        rows << QStringList{QString::number(run.id),
                            extractKindName(run.kind),
                            runStatusName(run.status),
                            when,
                            QDateTime::fromMSecsSinceEpoch(run.startedAtMs, Qt::UTC).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")),
                            run.finishedAtMs > 0 ? durationText(run.durationMs()) : QStringLiteral("-"),
                            QString::number(run.rowsRead),
                            QString::number(run.rowsLoaded),
                            QString::number(run.rowsRejected),
                            shownFileName(QFileInfo(run.file).fileName()),
                            note};
    }
    printOut(formatTable({QStringLiteral("RUN"), QStringLiteral("KIND"), QStringLiteral("STATUS"),
                          QStringLiteral("WINDOW/AS-OF"), QStringLiteral("STARTED (UTC)"), QStringLiteral("DURATION"),
                          QStringLiteral("READ"), QStringLiteral("LOADED"), QStringLiteral("REJECTED"),
                          QStringLiteral("FILE"), QStringLiteral("NOTE")},
                         rows));
    return ExitOk;
}

} // namespace

CommandSpec runsCommand()
{
    return {QStringLiteral("runs"), QString(), QStringLiteral("every load run"),
            QStringLiteral("Lists every load run, oldest first: kind, status (running, succeeded, failed, cancelled, "
                           "interrupted), the hour or as-of it loaded, timings, rows read, loaded and rejected, the file, "
                           "and what it replaced or why it failed."),
            {}, Arity::None, WarehouseUse::Read, &runRuns};
}

} // namespace pv::cli
