// Which load an extract gets: the one place that knows both kinds of load.
#include "load/extractload.h"
#include "core/filename.h"

#include "load/pageviewsload.h"
#include "load/userssnapshotload.h"
#include "storage/loadstore.h"
#include "storage/storageerror.h"
#include "storage/warehouse.h"

#include <QDateTime>
#include <QFileInfo>

namespace pv {

LoadResult loadExtract(Warehouse &warehouse, const QString &path, const LoadOptions &options, LoadFeedback *feedback)
{
    ExtractReader reader(path);
    reader.setLayout(options.layout);
    if (!reader.open(options.kind)) {
        // Refused up front: still one run record saying why, so the operator sees it in the job tracker.
        LoadRun run;
        run.kind = options.kind;
        run.file = recordedFilePath(path);
        run.startedAtMs = run.finishedAtMs = QDateTime::currentMSecsSinceEpoch();
        run.status = RunStatus::Failed;
        run.error = reader.error().message();
        LoadResult result;
        result.outcome = LoadOutcome::Failed;
        result.message = run.error;
        if (const QString notRecorded = warehouse.loadStore()->recordRunAlone(run, true, {}); !notRecorded.isEmpty())
            result.message += QStringLiteral(" (the run could not be recorded: %1)").arg(notRecorded);
        result.run = run;
        return result;
    }
    try {
        if (reader.kind() == ExtractKind::UsersSnapshot) {
            UsersSnapshotLoad load(warehouse, reader, options, feedback);
            return load.execute();
        }
        PageviewsLoad load(warehouse, reader, options, feedback);
        return load.execute();
    } catch (const StorageError &e) {
        // The database failed before the load's transaction began (a connection lost, a server restarting):
        // nothing was written, and the same file may be tried again.
        LoadResult result;
        result.outcome = LoadOutcome::Failed;
        result.transient = true;
        result.message = QStringLiteral("%1: not loaded: the database failed before the load began (%2); nothing "
                                        "changed")
                             .arg(reader.displayName(), e.message);
        return result;
    }
}

} // namespace pv
