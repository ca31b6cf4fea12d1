#include "load/loadworker.h"
#include "core/filename.h"

#include "extract/extractpreview.h"
#include "core/loadfeedback.h"
#include "storage/warehouse.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QLocale>

#include <algorithm>
#include <QMutexLocker>
#include <QThread>
#include <QRegularExpression>

namespace pv {

namespace {
/// How long an import waits for a warehouse that went away before its load began.
constexpr qint64 unreachableWarehouseWaitMs = 30000;

const bool metaTypesRegistered = [] {
    qRegisterMetaType<pv::LoadProgress>();
    qRegisterMetaType<pv::LoadResult>();
    qRegisterMetaType<pv::LoadRequest>();
    return true;
}();
} // namespace

QString loadAnywayText()
{
    return QObject::tr("Load anyway (force)");
}

QString replaceEarlierText()
{
    return QObject::tr("Replace the hour's earlier file");
}

QString desktopMessage(QString message)
{
    message.replace(QLatin1String("load it again with --replace"),
                    QObject::tr("import it again with “%1” ticked").arg(replaceEarlierText()));
    message.replace(QLatin1String("give that hour with --hour"), QObject::tr("import it again and set its hour"));
    message.replace(QLatin1String("load it again with --force"),
                    QObject::tr("import it again with “%1” ticked").arg(loadAnywayText()));
    message.replace(QLatin1String("give it with --as-of 'YYYY-MM-DD HH:MM:SS'"),
                    QObject::tr("import it again and set the snapshot's as-of"));
    message.replace(QLatin1String("loads with --no-header"), QObject::tr("loads with “The first line is data” ticked"));
    message.replace(QLatin1String("with --columns"), QObject::tr("in Columns"));
    message.replace(QLatin1String("give its kind (--kind users or pageviews)"), QObject::tr("choose its kind beside Separator"));
    message.replace(QLatin1String("separates the fields with --delimiter"), QObject::tr("separates the fields in Separator"));
    message.replace(QLatin1String("raise the threshold (--max-rejects)"),
                    QObject::tr("raise the file's reject threshold in the import dialog"));
    // A count stands alone: not part of a date, a time, a decimal, a name or a path, not a value quoted
    // from the file ('00012345'), not an id (user 12345, run 12345), never with a leading zero.
    static const QRegularExpression count(QStringLiteral("(?<![\\w.:/-])(?<!user )(?<!run )(?<!id )[1-9]\\d{3,}(?![\\w.:/-])"));
    static const QRegularExpression quotedValue(QStringLiteral("'[^']*'"));
    QList<std::pair<qsizetype, qsizetype>> quoted;
    for (auto it = quotedValue.globalMatch(message); it.hasNext();) {
        const QRegularExpressionMatch match = it.next();
        quoted.append({match.capturedStart(), match.capturedEnd()});
    }
    const auto insideQuotes = [&](qsizetype at) {
        return std::any_of(quoted.cbegin(), quoted.cend(), [at](const auto &span) { return at > span.first && at < span.second; });
    };
    const QLocale locale;
    QString grouped;
    qsizetype copied = 0;
    for (auto it = count.globalMatch(message); it.hasNext();) {
        const QRegularExpressionMatch match = it.next();
        bool fits = false;
        const qlonglong value = match.captured().toLongLong(&fits);
        if (!fits || insideQuotes(match.capturedStart()))
            continue;
        grouped += QStringView(message).mid(copied, match.capturedStart() - copied);
        grouped += locale.toString(value);
        copied = match.capturedEnd();
    }
    return grouped + message.mid(copied);
}

bool refusedByRemovalGuard(const LoadRun &run)
{
    // A snapshot refused for want of an as-of never got as far as counting removals.
    return run.status == RunStatus::Refused && run.kind == ExtractKind::UsersSnapshot && run.usersRemoved > 0;
}

LoadRequest loadAnywayRequest(const LoadRun &run)
{
    LoadRequest request{run.file, {}};
    request.options.kind = run.kind;
    request.options.asOf = run.asOf;
    request.options.force = true;
    request.options.expectedContentHash = run.contentHash;
    request.forcedRemovals = run.usersRemoved;
    return request;
}

std::optional<LoadRequest> retryRequest(const LoadRun &run)
{
    const bool didNotLoad = run.status == RunStatus::Failed || run.status == RunStatus::Refused
        || run.status == RunStatus::Interrupted || run.status == RunStatus::Cancelled;
    if (!didNotLoad || run.file == recordedFilePath(QStringLiteral("-")))
        return std::nullopt;
    return LoadRequest{run.file, {}};
}

LoadQueue::LoadQueue(QObject *parent)
    : QObject(parent)
{
    Q_UNUSED(metaTypesRegistered)
    m_thread.setObjectName(QStringLiteral("pvadmin-loads"));
    m_worker = new LoadWorker;
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &LoadWorker::fileStarted, this, &LoadQueue::fileStarted);
    connect(m_worker, &LoadWorker::progressChanged, this, &LoadQueue::progressChanged);
    connect(m_worker, &LoadWorker::fileFinished, this, &LoadQueue::onFileFinished);
    m_thread.start();
}

LoadQueue::~LoadQueue()
{
    m_worker->cancel();
    m_thread.quit();
    m_thread.wait();
}

void LoadQueue::enqueue(const QString &warehousePath, const QList<LoadRequest> &requests)
{
    if (m_pending == 0) {
        m_batchDone = 0;
        m_batchSize = 0;
    }
    m_batchSize += int(requests.size());
    const int generation = m_worker->generation();
    for (const LoadRequest &request : requests) {
        ++m_pending;
        const int fileNumber = m_batchDone + m_pending;
        const int fileCount = m_batchSize;
        QMetaObject::invokeMethod(m_worker, [worker = m_worker, warehousePath, request, generation, fileNumber, fileCount] {
            worker->run(warehousePath, request, generation, fileNumber, fileCount);
        }, Qt::QueuedConnection);
    }
}

void LoadQueue::cancel()
{
    m_worker->cancel();
}

void LoadQueue::onFileFinished(const QString &path, const LoadResult &result)
{
    --m_pending;
    ++m_batchDone;
    emit fileFinished(path, result);
    if (m_pending == 0)
        emit idle();
}

void LoadWorker::cancel()
{
    m_generation.fetch_add(1);
    QMutexLocker locker(&m_mutex);
    if (m_feedback)
        m_feedback->cancel();
}

void LoadWorker::run(const QString &warehousePath, const LoadRequest &request, int generation, int fileNumber,
                     int fileCount)
{
    if (generation != m_generation.load()) {
        LoadResult skipped;
        skipped.outcome = LoadOutcome::Cancelled;
        skipped.run.kind = request.options.kind;
        skipped.run.file = recordedFilePath(request.path);
        skipped.message = QStringLiteral("%1: not loaded; the queue was cancelled before it started")
                              .arg(QFileInfo(request.path).fileName());
        emit fileFinished(request.path, skipped);
        return;
    }
    emit fileStarted(request.path, fileNumber, fileCount);

    LoadProgress progress;
    progress.path = request.path;
    progress.fileNumber = fileNumber;
    progress.fileCount = fileCount;
    progress.rowsTotal = previewExtract(request.path, 0, 2000, request.options.layout).estimatedRows;

    LoadFeedback feedback;
    QElapsedTimer fileClock;
    QElapsedTimer stageClock;
    fileClock.start();
    stageClock.start();
    connect(&feedback, &LoadFeedback::stageChanged, this, [&](const QString &stage, qint64 total) {
        if (progress.stage == QLatin1String("reading") && progress.rowsTotal > 0)
            progress.rowsDone = progress.rowsTotal; // reading is over: every row is read
        progress.stage = stage;
        progress.total = total;
        progress.done = 0;
        progress.stageMsLeft = -1;
        progress.elapsedMs = fileClock.elapsed();
        stageClock.restart();
        emit progressChanged(progress);
    });
    connect(&feedback, &LoadFeedback::progressChanged, this, [&](qint64 done, qint64 total) {
        progress.done = done;
        progress.total = total;
        progress.elapsedMs = fileClock.elapsed();
        const qint64 stageMs = stageClock.elapsed();
        if (progress.stage == QLatin1String("reading") && total > 0 && progress.rowsTotal > 0) {
            progress.rowsDone = qint64(double(progress.rowsTotal) * double(done) / double(total));
            // Over a fifth of a second at least: the first chunk read in a millisecond is no rate.
            if (stageMs >= 200)
                progress.rowsPerSecond = double(progress.rowsDone) * 1000.0 / double(stageMs);
        }
        if (total > 0 && done > 0 && stageMs > 200)
            progress.stageMsLeft = qint64(double(stageMs) * double(total - done) / double(done));
        emit progressChanged(progress);
    });
    {
        QMutexLocker locker(&m_mutex);
        m_feedback = &feedback;
        // A cancel that came between the generation check and now still counts.
        if (generation != m_generation.load())
            feedback.cancel();
    }

    // A server restarting or a connection cut before the load began changed nothing: the desktop tries
    // again for a while, showing that it waits (and may be cancelled), as watch does, rather than failing
    // an import the operator would only have to start again.
    LoadResult result;
    QElapsedTimer waitClock;
    for (;;) {
        bool nothingBegan = false;
        {
            Warehouse warehouse;
            QString error;
            if (!warehouse.open(warehousePath, &error)) {
                result = LoadResult{};
                result.outcome = LoadOutcome::Failed;
                result.run.file = recordedFilePath(request.path);
                result.message = QStringLiteral("%1: not loaded: %2").arg(QFileInfo(request.path).fileName(), error);
                nothingBegan = warehouse.serverWasUnreachable();
            } else {
                result = loadExtract(warehouse, request.path, request.options, &feedback);
                nothingBegan = result.transient && result.run.id == 0;
            }
        }
        if (!nothingBegan || feedback.isCancelled())
            break;
        if (!waitClock.isValid())
            waitClock.start();
        if (waitClock.elapsed() >= unreachableWarehouseWaitMs)
            break;
        feedback.setStage(QStringLiteral("waiting for the warehouse"));
        for (int slept = 0; slept < 1000 && !feedback.isCancelled(); slept += 100)
            QThread::msleep(100);
        if (feedback.isCancelled()) {
            result.outcome = LoadOutcome::Cancelled;
            result.transient = false;
            result.message = QStringLiteral("%1: not loaded; cancelled while waiting for the warehouse, and nothing changed")
                                 .arg(QFileInfo(request.path).fileName());
            break;
        }
    }
    {
        QMutexLocker locker(&m_mutex);
        m_feedback = nullptr;
    }
    emit fileFinished(request.path, result);
}

} // namespace pv
