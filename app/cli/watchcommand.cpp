#include "arguments.h"
#include "command.h"
#include "load/extractload.h"
#include "core/filename.h"
#include "core/loadfeedback.h"
#include "terminal.h"
#include "storage/warehouse.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QSet>
#include <QThread>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include <dirent.h>
#include <sys/stat.h>

namespace pv::cli {

namespace {

/// A file waiting in the watched folder.
struct Incoming
{
    QString path; ///< absolute; its bytes need not be UTF-8 (core/filename.h)
    qint64 size = 0;
    qint64 modifiedNs = 0;
};

/// The extracts in folder (*.csv and *.csv.gz, any case; regular files, or links to them; not hidden), by name.
/// Read by the names' bytes: QDir leaves out a name that is not UTF-8, and such a file would wait unseen.
std::vector<Incoming> incomingExtracts(const QString &folder)
{
    std::vector<Incoming> files;
    DIR *listing = ::opendir(encodeFileName(folder).constData());
    if (!listing)
        return files;
    while (const dirent *entry = ::readdir(listing)) {
        const QString name = decodeFileName(entry->d_name);
        if (name.startsWith(QLatin1Char('.'))
            || !(name.endsWith(QLatin1String(".csv"), Qt::CaseInsensitive) || name.endsWith(QLatin1String(".csv.gz"), Qt::CaseInsensitive)))
            continue;
        const QString path = folder + QLatin1Char('/') + name;
        struct stat st;
        if (::stat(encodeFileName(path).constData(), &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        files.push_back({path, qint64(st.st_size), qint64(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec});
    }
    ::closedir(listing);
    std::sort(files.begin(), files.end(), [](const Incoming &a, const Incoming &b) { return a.path < b.path; });
    return files;
}

int runWatch(const Invocation &invocation)
{
    const QString folder = absoluteFileName(invocation.positional.first());
    if (hasUndecodableBytes(folder))
        return failure(QStringLiteral("%1: not a folder pvadmin can watch: its name is not UTF-8 (each \\xHH is a byte "
                                      "that is not); the files in it may be named in any bytes")
                           .arg(shownFileName(folder)));
    const QDir dir(folder);
    if (!dir.exists())
        return failure(QStringLiteral("%1: no such folder").arg(dir.path()));
    bool ok = false;
    const int interval = invocation.value(QStringLiteral("interval")).toInt(&ok);
    if (!ok || interval < 1)
        return invocation.usageError(QStringLiteral("--interval must be a whole number of seconds, at least 1"));
    // A folder fed by one pipeline: its files share one layout.
    LoadOptions options;
    if (QString error; !layoutOptions(invocation, &options.layout, &error))
        return invocation.usageError(error);
    const bool once = invocation.isSet(QStringLiteral("once"));

    const bool keep = invocation.isSet(QStringLiteral("keep"));

    Warehouse warehouse;
    // A server can be down, restarting or unreachable for a while: watch waits for it (saying so once), and
    // once it is back the files that waited are tried at once. A file's warehouse, or --once, fails as before.
    const bool waitForServer = !once && Warehouse::isServerLocation(invocation.warehousePath);
    if (!waitForServer && !invocation.openWarehouse(warehouse))
        return ExitFailed;
    if (QString malformed; waitForServer && !Warehouse::isWellFormedLocation(invocation.warehousePath, &malformed))
        return failure(malformed);
    // A file is loaded once its size and time have stayed the same for one interval (or at once with
    // --once): a file still being written waits. Names ending in .part and hidden files are never looked at,
    // so a writer that renames into place when done is never seen half-written.
    QHash<QString, QPair<qint64, qint64>> seen;
    QSet<QString> done;
    // A failure of the database's (locked, disk full) is tried again after a back-off that doubles, up to
    // an hour; a failure of the file's (malformed, refused) never is.
    struct Retry
    {
        int attempts = 0;
        QDateTime next;
    };
    QHash<QString, Retry> retries;
    int exitCode = ExitOk;
    LoadFeedback stop;
    const CancelOnInterrupt stopOnInterrupt(&stop);
    const auto stamp = [] { return QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")); };
    // While the server cannot be reached: said once when it goes, once when it is back. A server that answers
    // and refuses (a login or database that does not exist, a warehouse this pvadmin cannot use) is no outage:
    // watch stops, exit 1, as the other commands do.
    enum class Reach { Open, Waiting, Refused };
    bool outage = false;
    const auto reachWarehouse = [&]() -> Reach {
        if (warehouse.isOpen())
            return Reach::Open;
        QString error;
        if (warehouse.open(invocation.warehousePath, &error, Warehouse::Role::Main, Warehouse::Creation::CreateIfMissing)) {
            if (outage)
                printErr(QStringLiteral("%1 pvadmin: the warehouse is reachable again\n").arg(stamp()));
            outage = false;
            retries.clear(); // what failed while it was away is tried at once
            return Reach::Open;
        }
        if (!warehouse.serverWasUnreachable()) {
            printErr(QStringLiteral("%1 pvadmin: %2\n").arg(stamp(), error));
            return Reach::Refused;
        }
        if (!outage)
            printErr(QStringLiteral("%1 pvadmin: %2; trying again every %3 s\n").arg(stamp(), error).arg(interval));
        outage = true;
        return Reach::Waiting;
    };
    if (waitForServer && reachWarehouse() == Reach::Refused)
        return ExitFailed;
    // Handled files leave DIR: loaded/ (or already loaded) and failed/ (malformed or refused); with --keep
    // they stay and are remembered for as long as the watch runs.
    const auto putAway = [&](const QString &path, const QString &into) -> QString {
        done.insert(path);
        if (keep)
            return {};
        if (!dir.mkpath(into))
            return QStringLiteral("; cannot create %1, the file stays").arg(dir.filePath(into));
        const QString target = dir.filePath(into) + QLatin1Char('/') + QFileInfo(path).fileName();
        // rename() replaces a file of that name already there (one loaded before, then sent again).
        if (::rename(encodeFileName(path).constData(), encodeFileName(target).constData()) != 0)
            return QStringLiteral("; cannot move it to %1 (%2), it stays")
                .arg(shownFileName(target), QString::fromLocal8Bit(std::strerror(errno)));
        return QStringLiteral("; moved to %1/").arg(into);
    };
    for (;;) {
        for (const Incoming &file : incomingExtracts(folder)) {
            if (stop.isCancelled())
                break;
            const QString &path = file.path;
            if (done.contains(path))
                continue;
            if (const auto retry = retries.constFind(path); retry != retries.cend() && QDateTime::currentDateTimeUtc() < retry->next)
                continue;
            const QPair<qint64, qint64> state{file.size, file.modifiedNs};
            if (!once && seen.value(path) != state) {
                seen[path] = state;
                continue;
            }
            // Files that arrived while the server was away are seen meanwhile, and load as soon as it is back.
            if (waitForServer) {
                const Reach reach = reachWarehouse();
                if (reach == Reach::Refused)
                    return ExitFailed;
                if (reach == Reach::Waiting)
                    break;
            }
            LoadFeedback feedback;
            LoadResult result;
            {
                const CancelOnInterrupt cancel(&feedback);
                result = loadExtract(warehouse, path, options, &feedback);
            }
            if (feedback.isCancelled()) {
                stop.cancel();
                printErr(QStringLiteral("%1 pvadmin: %2\n").arg(stamp(), result.message));
                break;
            }
            if (result.outcome == LoadOutcome::Loaded || result.outcome == LoadOutcome::AlreadyLoaded) {
                retries.remove(path);
                printOut(QStringLiteral("%1 %2%3\n").arg(stamp(), result.message, putAway(path, QStringLiteral("loaded"))));
            } else if (result.transient && once) {
                printErr(QStringLiteral("%1 pvadmin: %2; the file stays for the next run\n").arg(stamp(), result.message));
                exitCode = ExitFailed;
            } else if (result.transient) {
                if (waitForServer) {
                    // The connection may be what failed: the next file, or this one again, gets a new one.
                    warehouse.close();
                    const Reach reach = reachWarehouse();
                    if (reach == Reach::Refused)
                        return ExitFailed;
                    if (reach == Reach::Waiting) {
                        printErr(QStringLiteral("%1 pvadmin: %2; it is tried again when the warehouse is back\n")
                                     .arg(stamp(), result.message));
                        break;
                    }
                }
                Retry &retry = retries[path];
                const qint64 wait = std::min<qint64>(qint64(interval) << std::min(retry.attempts, 12), 3600);
                ++retry.attempts;
                retry.next = QDateTime::currentDateTimeUtc().addSecs(wait);
                printErr(QStringLiteral("%1 pvadmin: %2; trying again in %3 s\n").arg(stamp(), result.message).arg(wait));
            } else {
                retries.remove(path);
                printErr(QStringLiteral("%1 pvadmin: %2%3\n").arg(stamp(), result.message, putAway(path, QStringLiteral("failed"))));
                exitCode = ExitFailed;
            }
            std::fflush(stdout);
        }
        if (once || stop.isCancelled())
            break;
        // During an outage the server is asked every interval, also when no file waits, so the log says when
        // it is back.
        if (waitForServer && outage && reachWarehouse() == Reach::Refused)
            return ExitFailed;
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
                           "Files named *.part and hidden files are left alone: write NAME.csv.part and rename it when "
                           "done. Each file is loaded as pvadmin load would, with its kind, as-of and hour from the "
                           "file, and logged in one line with the time (UTC). A loaded (or already loaded) file moves to "
                           "DIR/loaded/, a malformed or refused one to DIR/failed/ and is never tried again; a failure "
                           "of the database's (locked, disk full) is tried again after a back-off that doubles from one "
                           "interval up to an hour. A PostgreSQL server that is down, restarting or unreachable, at the start or "
                           "later, is waited for (said once) and tried every interval; the files that waited are loaded as "
                           "soon as it is back."),
            QList<OptionSpec>{{QStringLiteral("interval"), QStringLiteral("SECONDS"), QStringLiteral("how often DIR is looked at"),
              QStringLiteral("10")},
             {QStringLiteral("once"), QString(), QStringLiteral("load what is there now, then stop")},
             {QStringLiteral("keep"), QString(), QStringLiteral("leave handled files where they are (remembered while the watch runs)")}}
                + layoutOptionSpecs(),
            Arity::One, WarehouseUse::CreateIfMissing, &runWatch};
}

} // namespace pv::cli
