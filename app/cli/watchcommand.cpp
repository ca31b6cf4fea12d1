#include "arguments.h"
#include "command.h"
#include "load/extractload.h"
#include "core/loadfeedback.h"
#include "terminal.h"
#include "storage/warehouse.h"

#include <QDateTime>
#include <QDir>
#include <QHash>
#include <QSet>
#include <QThread>

#include <cstdio>

namespace pv::cli {

namespace {

int runWatch(const Invocation &invocation)
{
    const QDir dir(invocation.positional.first());
    if (!dir.exists())
        return failure(QStringLiteral("%1: no such folder").arg(dir.path()));
    bool ok = false;
    const int interval = invocation.value(QStringLiteral("interval")).toInt(&ok);
    if (!ok || interval < 1)
        return invocation.usageError(QStringLiteral("--interval must be a whole number of seconds, at least 1"));
    const bool once = invocation.isSet(QStringLiteral("once"));

    Warehouse warehouse;
    if (!invocation.openWarehouse(warehouse))
        return ExitFailed;
    // A file is loaded once its size and time have stayed the same for one interval (or at once with --once).
    QHash<QString, QPair<qint64, QDateTime>> seen;
    QSet<QString> done;
    int exitCode = ExitOk;
    LoadFeedback stop;
    const CancelOnInterrupt stopOnInterrupt(&stop);
    for (;;) {
        const QFileInfoList files = dir.entryInfoList({QStringLiteral("*.csv"), QStringLiteral("*.csv.gz")},
                                                      QDir::Files, QDir::Name);
        for (const QFileInfo &file : files) {
            if (stop.isCancelled())
                break;
            const QString path = file.absoluteFilePath();
            if (done.contains(path))
                continue;
            const QPair<qint64, QDateTime> state{file.size(), file.lastModified()};
            if (!once && seen.value(path) != state) {
                seen[path] = state;
                continue;
            }
            done.insert(path);
            LoadFeedback feedback;
            LoadResult result;
            {
                const CancelOnInterrupt cancel(&feedback);
                result = loadExtract(warehouse, path, {}, &feedback);
            }
            if (feedback.isCancelled())
                stop.cancel();
            if (result.outcome == LoadOutcome::Loaded || result.outcome == LoadOutcome::AlreadyLoaded) {
                printOut(result.message + QLatin1Char('\n'));
            } else {
                printErr(QStringLiteral("pvadmin: %1\n").arg(result.message));
                exitCode = ExitFailed;
            }
            std::fflush(stdout);
        }
        if (once || stop.isCancelled())
            break;
        for (int i = 0; i < interval * 10 && !stop.isCancelled(); ++i)
            QThread::msleep(100);
    }
    return stop.isCancelled() && !once ? ExitOk : exitCode;
}

} // namespace

CommandSpec watchCommand()
{
    return {QStringLiteral("watch"), QStringLiteral("DIR"), QStringLiteral("load extracts as they arrive in DIR"),
            QStringLiteral("Loads every *.csv and *.csv.gz file in DIR, in name order, once its size and modification "
                           "time have stayed the same for one interval, and keeps watching until Ctrl-C or SIGTERM. "
                           "Each file is loaded as pvadmin load would, with its kind, as-of and hour from the file."),
            {{QStringLiteral("interval"), QStringLiteral("SECONDS"), QStringLiteral("how often DIR is looked at"),
              QStringLiteral("10")},
             {QStringLiteral("once"), QString(), QStringLiteral("load what is there now, then stop")}},
            Arity::One, WarehouseUse::CreateIfMissing, &runWatch};
}

} // namespace pv::cli
