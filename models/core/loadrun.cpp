#include "core/loadrun.h"

namespace pv {

QString interruptedRunError()
{
    return QStringLiteral("the load stopped before it finished (the process crashed or was killed); nothing it read was kept");
}

QVariant runSortValue(const LoadRun &run, RunOrder order)
{
    switch (order) {
    case RunOrder::Kind: return extractKindName(run.kind);
    case RunOrder::Status: return runStatusName(run.status);
    case RunOrder::File: return run.file;
    case RunOrder::WindowOrAsOf: return run.windowHour ? *run.windowHour : run.asOf ? *run.asOf : qint64(-1);
    case RunOrder::Started: return run.startedAtMs;
    case RunOrder::Duration: return run.finishedAtMs > 0 ? run.durationMs() : qint64(-1);
    case RunOrder::RowsRead: return run.rowsRead;
    case RunOrder::RowsLoaded: return run.rowsLoaded;
    case RunOrder::RowsRejected: return run.rowsRejected;
    case RunOrder::LateRows: return run.lateRows;
    case RunOrder::Id: break;
    }
    return run.id;
}

} // namespace pv
