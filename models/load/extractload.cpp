#include "load/extractload.h"

#include "core/filename.h"
#include "core/loadfeedback.h"
#include "load/postcodedictionary.h"
#include "storage/loadstore.h"
#include "storage/storageerror.h"
#include "storage/warehouse.h"

#include <QDateTime>
#include <QFileInfo>

namespace pv {

namespace {
constexpr qint64 progressEvery = 1 << 16;
/// Rejected lines kept per run; the count stays exact beyond it.
constexpr size_t maxStoredRejects = 100000;
/// The bytes of a rejected line kept: enough to see what is wrong with a row; a line of megabytes (a binary
/// file, a missing line break) would otherwise fill the warehouse with what nobody reads.
constexpr qsizetype maxStoredRejectBytes = 1024;

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

QString percent(double value)
{
    return QString::number(value, 'g', 3) + QLatin1Char('%');
}
} // namespace

ExtractLoad::ExtractLoad(Warehouse &warehouse, ExtractReader &reader, const LoadOptions &options,
                         LoadFeedback *feedback)
    : m_warehouse(warehouse)
    , m_reader(reader)
    , m_options(options)
    , m_feedback(feedback)
    , m_store(warehouse.loadStore())
{
    m_run.kind = reader.kind();
    m_run.file = recordedFilePath(reader.path());
    m_run.startedAtMs = nowMs();
    // A cancel reaches a read waiting on a quiet pipe too, so that the run records it.
    if (feedback)
        m_reader.setCancelCheck([feedback] { return feedback->isCancelled(); });
}

ExtractLoad::~ExtractLoad() = default;

void ExtractLoad::readUserDirectory()
{
    stage(QStringLiteral("reading the user directory"));
    if (m_earlyDirectory.valid()) {
        try {
            UserDirectoryCopy copy = m_earlyDirectory.get();
            // Another load may have committed a snapshot between that read and this transaction.
            if (copy.generation == m_store->userDirectoryGeneration()) {
                m_directory = std::move(copy.directory);
                return;
            }
        } catch (const StorageError &) {
            // Read it here instead, where an error fails the load with its message.
        }
    }
    m_store->readUserDirectory(m_directory);
}

void ExtractLoad::reject(RejectedLine line)
{
    ++m_run.rowsRejected;
    if (m_rejects.size() >= maxStoredRejects)
        return;
    if (line.raw.size() > maxStoredRejectBytes) {
        line.reason += QStringLiteral(" (a line of %1 bytes: its first %2 are kept)").arg(line.raw.size()).arg(maxStoredRejectBytes);
        line.raw = line.raw.first(maxStoredRejectBytes); // a copy: truncate() would keep the whole line's memory
    }
    m_rejects.push_back(std::move(line));
}

void ExtractLoad::checkCancelled() const
{
    if (m_feedback && m_feedback->isCancelled())
        throw Cancelled{};
}

void ExtractLoad::stage(const QString &name, qint64 total) const
{
    if (m_feedback)
        m_feedback->setStage(name, total);
}

void ExtractLoad::progress(qint64 done) const
{
    if (m_feedback)
        m_feedback->setProgress(done);
}

LoadResult ExtractLoad::execute()
{
    // A reader's role or a read-only file: said before anything is read, and not recorded (it cannot be).
    if (const QString readOnly = m_store->whyReadOnly(); !readOnly.isEmpty()) {
        LoadResult result;
        result.outcome = LoadOutcome::Refused;
        result.run = m_run;
        result.run.status = RunStatus::Refused;
        result.message = QStringLiteral("%1: not loaded: %2").arg(m_reader.displayName(), readOnly);
        return result;
    }
    try {
        m_postcodes = std::make_unique<PostcodeDictionary>(m_store->readPostcodes());
    } catch (const StorageError &e) {
        LoadResult result = finishRun(LoadOutcome::Failed, e.message);
        result.transient = true;
        return result;
    }
    if (const QString refusal = refusalBeforeReading(); !refusal.isEmpty())
        return finishRun(LoadOutcome::Refused, refusal);
    // Recorded before the file is read, so a load killed while reading still leaves its run (interrupted).
    m_run.status = RunStatus::Running;
    m_store->recordRunStart(m_run);
    // Both loads need the whole user directory: read it on the other core while this one parses the file.
    m_earlyDirectory = std::async(std::launch::async, [store = m_store.get()] { return store->readUserDirectoryCopy(); });

    // Read the whole file into memory structures; nothing is written yet.
    stage(QStringLiteral("reading"), m_reader.sizeBytes());
    RejectedLine rejected;
    for (;;) {
        const ExtractReader::Result result = readRow(rejected);
        if (result == ExtractReader::Result::End)
            break;
        if (result == ExtractReader::Result::Failed && m_feedback && m_feedback->isCancelled())
            return finishRun(LoadOutcome::Cancelled, QStringLiteral("cancelled while reading; nothing was loaded"));
        if (result == ExtractReader::Result::Failed)
            return finishRun(LoadOutcome::Failed, m_reader.error().message());
        if (result == ExtractReader::Result::Rejected)
            reject(std::move(rejected));
        if ((m_reader.rowsRead() & (progressEvery - 1)) == 0) {
            if (const QString refusal = refusalWhileReading(); !refusal.isEmpty())
                return finishRun(LoadOutcome::Refused, refusal);
            progress(m_reader.bytesRead());
            if (m_feedback && m_feedback->isCancelled())
                return finishRun(LoadOutcome::Cancelled, QStringLiteral("cancelled while reading; nothing was loaded"));
        }
    }
    progress(m_reader.sizeBytes());
    m_run.rowsRead = m_reader.rowsRead();
    m_run.contentHash = QString::fromLatin1(m_reader.contentHash());
    if (!m_options.expectedContentHash.isEmpty() && m_run.contentHash != m_options.expectedContentHash)
        return finishRun(LoadOutcome::Refused,
                         QStringLiteral("%1 has changed since the run it was to load again read it; nothing was "
                                        "loaded. Import the file as it is now to load it")
                             .arg(m_reader.displayName()));
    finishReading();
    if (const QString refusal = refusalAfterReading(); !refusal.isEmpty())
        return finishRun(LoadOutcome::Refused, refusal);
    m_run.rowsLoaded = rowsToLoad();

    const double maxPercent = m_options.maxRejectPercent.value_or(m_warehouse.defaultMaxRejectPercent());
    if (m_run.rowsRead > 0 && m_run.rowsRejected * 100.0 > maxPercent * static_cast<double>(m_run.rowsRead)) {
        m_run.rowsLoaded = 0;
        const double share = m_run.rowsRejected * 100.0 / static_cast<double>(m_run.rowsRead);
        return finishRun(LoadOutcome::Failed,
                         QStringLiteral("%1 of %2 rows rejected (%3), over the %4 threshold; nothing was loaded. "
                                        "First: line %5: %6.%7 See the run's rejects; raise the threshold "
                                        "(--max-rejects) only if these rows may be skipped")
                             .arg(m_run.rowsRejected)
                             .arg(m_run.rowsRead)
                             .arg(percent(share), percent(maxPercent))
                             .arg(m_rejects.empty() ? 0 : m_rejects.front().line)
                             .arg(m_rejects.empty() ? QString() : m_rejects.front().reason,
                                  rejectsNote().isEmpty() ? QString() : QLatin1Char(' ') + rejectsNote()));
    }
    if (m_run.rowsLoaded == 0)
        return finishRun(LoadOutcome::Failed,
                         QStringLiteral("%1: no valid rows to load (%2 rows read, %3 rejected)")
                             .arg(m_reader.displayName())
                             .arg(m_run.rowsRead)
                             .arg(m_run.rowsRejected));

    try {
        if (const qint64 identical = m_store->identicalRun(m_run.kind, m_run.contentHash, m_run.asOf)) {
            LoadResult result;
            result.outcome = LoadOutcome::AlreadyLoaded;
            result.existingRunId = identical;
            result.message = QStringLiteral("%1: already loaded (run %2, identical content); nothing changed")
                                 .arg(m_reader.displayName())
                                 .arg(result.existingRunId);
            if (m_run.id != 0) {
                // Another load's write may hold the lock past the busy timeout; writing the run again would
                // wait as long, so it is left to the next open (which marks it interrupted) and said.
                if (const QString notForgotten = m_store->forgetRun(m_run.id); !notForgotten.isEmpty())
                    result.message += QStringLiteral(" (run %1, recorded when this load started, could not be taken "
                                                     "out of the run log: %2; it will show as interrupted)")
                                          .arg(m_run.id)
                                          .arg(notForgotten);
                m_run.id = 0;
            }
            result.run = m_run;
            return result;
        }

        // The run record exists before the transaction, so a crash leaves 'running' to be marked interrupted.
        if (m_run.id == 0)
            recordRun(true);

        m_store->begin([this, told = false](const QString &waitingFor) mutable {
            checkCancelled();
            const QString waiting = QStringLiteral("waiting for %1 to finish loading").arg(waitingFor);
            stage(waiting);
            if (m_feedback && !told)
                m_feedback->tell(QStringLiteral("%1: %2").arg(m_reader.displayName(), waiting));
            told = true;
        });
        // Asked again under the write lock: another client may have loaded this very file while this load
        // waited for it (two watchers, cron beside the desktop). Then this run changes nothing.
        if (const qint64 identical = m_store->identicalRun(m_run.kind, m_run.contentHash, m_run.asOf)) {
            m_store->rollback();
            LoadResult result = finishRun(LoadOutcome::Cancelled,
                                          QStringLiteral("already loaded by run %1 (identical content) while this load "
                                                         "waited for it; nothing changed")
                                              .arg(identical));
            result.outcome = LoadOutcome::AlreadyLoaded;
            result.existingRunId = identical;
            return result;
        }
        write();
        checkCancelled();
        stage(QStringLiteral("committing"));
        m_run.status = RunStatus::Succeeded;
        m_run.finishedAtMs = nowMs();
        recordRun(false);
        m_store->commit();
    } catch (const Cancelled &) {
        m_store->rollback();
        return finishRun(LoadOutcome::Cancelled, QStringLiteral("cancelled; the load was rolled back and nothing changed"));
    } catch (const Refusal &refusal) {
        m_store->rollback();
        return finishRun(LoadOutcome::Refused, refusal.reason);
    } catch (const StorageError &e) {
        m_store->rollback();
        LoadResult result = finishRun(LoadOutcome::Failed,
                                      QStringLiteral("%1: the database refused the load (%2); it was rolled back and "
                                                     "nothing changed")
                                          .arg(m_reader.displayName(), e.message));
        result.transient = true;
        return result;
    }
    LoadResult result;
    result.outcome = LoadOutcome::Loaded;
    result.run = m_run;
    result.message = summary();
    return result;
}

LoadResult ExtractLoad::finishRun(LoadOutcome outcome, const QString &message)
{
    switch (outcome) {
    case LoadOutcome::Failed: m_run.status = RunStatus::Failed; break;
    case LoadOutcome::Cancelled: m_run.status = RunStatus::Cancelled; break;
    case LoadOutcome::Refused: m_run.status = RunStatus::Refused; break;
    default: break;
    }
    if (outcome != LoadOutcome::Loaded) {
        // Rolled back: nothing loaded, and the earlier run it was replacing stands.
        m_run.rowsLoaded = 0;
        m_run.replacedRun = 0;
    }
    // Every message names the file it is about.
    const QString name = m_reader.displayName();
    m_run.error = message.startsWith(name) ? message : name + QStringLiteral(": ") + message;
    m_run.finishedAtMs = nowMs();
    m_run.rowsRead = m_reader.rowsRead();
    LoadResult result;
    result.outcome = outcome;
    result.message = m_run.error;
    const QString notRecorded = m_store->recordRunAlone(m_run, m_run.id == 0, m_rejects);
    result.run = m_run;
    if (!notRecorded.isEmpty()) {
        result.message += QStringLiteral(" (the run could not be recorded: %1)").arg(notRecorded);
        // Its record says running until the next client marks it interrupted: what `runs` will show.
        if (m_run.id)
            result.run.status = RunStatus::Interrupted;
    }
    return result;
}

void ExtractLoad::recordRun(bool insert)
{
    m_store->recordRun(m_run, insert, m_run.status == RunStatus::Running ? std::vector<RejectedLine>{} : m_rejects);
}

} // namespace pv
