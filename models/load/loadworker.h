#pragma once

#include "load/extractload.h"

#include <QList>
#include <QMetaType>
#include <QMutex>
#include <QObject>
#include <QString>
#include <QThread>

#include <atomic>

namespace pv {

class LoadFeedback;
class LoadWorker;

/// One file waiting in the load queue, with what the operator said about it.
struct LoadRequest
{
    QString path;
    LoadOptions options;
    /// A refused snapshot loaded anyway: the users of the previous snapshot missing from it, whom the load
    /// will mark removed (the desktop asks before it does).
    qint64 forcedRemovals = 0;
};

/// What the desktop calls forcing a users snapshot past the removal guard: the import dialog's checkbox,
/// the progress panel's and run details' action, and the advice in every message say it in these words.
QString loadAnywayText();
/// What the desktop calls replacing an hour's earlier load from a file of another name (--replace).
QString replaceEarlierText();
/// An engine message (written for the command line) as the desktop shows it: its advice names the import
/// dialog's options instead of command-line flags, and its counts are grouped as QLocale groups them.
QString desktopMessage(QString message);
/// Whether the removal guard refused this run: a users snapshot that would have removed too many users.
bool refusedByRemovalGuard(const LoadRun &run);
/// The request that loads a refused run's file again at the same as-of, forced past the removal guard.
LoadRequest loadAnywayRequest(const LoadRun &run);
/// The request that loads the file of a run that did not load (failed, refused, interrupted, cancelled)
/// again, read as an import of it is: its kind, hour or as-of from its name and header, never forced.
/// nullopt for a run that loaded, is running, or read standard input.
std::optional<LoadRequest> retryRequest(const LoadRun &run);

/// Where the running load is: the file, its stage, and rates and estimates derived from them.
struct LoadProgress
{
    QString path;
    int fileNumber = 0;        ///< 1-based position of the file in the current batch
    int fileCount = 0;         ///< files in the current batch
    QString stage;             ///< the engine's stage name: "reading", "attributing", ...
    qint64 done = 0;           ///< work done in the stage (bytes while reading)
    qint64 total = 0;          ///< 0 when the stage does not know its size
    qint64 rowsDone = 0;       ///< rows read so far (estimated from the bytes while reading)
    qint64 rowsTotal = 0;      ///< estimated rows in the file (0 when unknown)
    double rowsPerSecond = 0;  ///< reading rate, rows per second
    qint64 elapsedMs = 0;      ///< since the file started
    qint64 stageMsLeft = -1;   ///< estimate for the current stage, -1 when unknown
};

/// Runs loads on its own thread, one file at a time, in the order they were queued. The thread opens its
/// own connection to the warehouse for every file (a connection belongs to the thread that opened it), so
/// the GUI thread only ever sees queued signals. Cancel stops the running load (which rolls back) and drops
/// the files still waiting. The destructor cancels, stops the thread and waits for it.
class LoadQueue : public QObject
{
    Q_OBJECT
public:
    explicit LoadQueue(QObject *parent = nullptr);
    ~LoadQueue() override;

    /// Appends files for the warehouse at warehousePath; they start when the files before them end.
    void enqueue(const QString &warehousePath, const QList<LoadRequest> &requests);
    /// Cancels the running load and every file still waiting.
    void cancel();
    bool isBusy() const { return m_pending > 0; }
    int pendingCount() const { return m_pending; }

signals:
    void fileStarted(const QString &path, int fileNumber, int fileCount);
    void progressChanged(const pv::LoadProgress &progress);
    /// A file ended: loaded, already loaded, failed, refused, cancelled, or skipped because the queue was
    /// cancelled before it started (outcome Cancelled, run.id 0).
    void fileFinished(const QString &path, const pv::LoadResult &result);
    /// The last queued file ended.
    void idle();

private:
    void onFileFinished(const QString &path, const pv::LoadResult &result);

    QThread m_thread;
    LoadWorker *m_worker = nullptr;
    int m_pending = 0;
    int m_batchDone = 0;
    int m_batchSize = 0;
};

/// The object living on LoadQueue's thread that runs one file at a time; used through LoadQueue.
class LoadWorker : public QObject
{
    Q_OBJECT
public:
    LoadWorker() = default;

    void run(const QString &warehousePath, const pv::LoadRequest &request, int generation, int fileNumber,
             int fileCount);
    void cancel();
    int generation() const { return m_generation.load(); }

signals:
    void fileStarted(const QString &path, int fileNumber, int fileCount);
    void progressChanged(const pv::LoadProgress &progress);
    void fileFinished(const QString &path, const pv::LoadResult &result);

private:
    std::atomic<int> m_generation{0};
    QMutex m_mutex;
    LoadFeedback *m_feedback = nullptr; // guarded by m_mutex
};

} // namespace pv

Q_DECLARE_METATYPE(pv::LoadProgress)
Q_DECLARE_METATYPE(pv::LoadResult)
Q_DECLARE_METATYPE(pv::LoadRequest)
