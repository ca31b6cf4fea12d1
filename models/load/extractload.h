#pragma once

#include "core/loadrun.h"
#include "extract/extractreader.h"
#include "history/userdirectory.h"

#include <QString>

#include <future>
#include <memory>
#include <optional>
#include <vector>

namespace pv {

class LoadFeedback;
class LoadStore;
class PostcodeDictionary;
class Warehouse;

/// What the operator says about one load (docs/contract.md §5 `load`).
struct LoadOptions
{
    ExtractKind kind = ExtractKind::Unknown;  ///< Unknown: from the header
    ExtractLayout layout;                     ///< another pipeline's separator, column names, or no header
    std::optional<qint64> asOf;               ///< users: else from the file name
    std::optional<qint64> windowHour;         ///< pageviews: else the hour in the file name, else the hour most rows fall in
    /// Pageviews: replace the earlier load of the same hour from a differently named file (a correction).
    /// Without it only a file of the same name replaces one; any other file for a loaded hour is refused.
    bool replace = false;
    std::optional<double> maxRejectPercent;   ///< else the warehouse's setting (default 1%)
    bool force = false;                       ///< load a snapshot the removal guard refuses
    /// Load only the content with this hash (a refused run's file loaded anyway): a file changed since
    /// at the same path is refused, not loaded in its place.
    QString expectedContentHash;
};

enum class LoadOutcome { Loaded, AlreadyLoaded, Failed, Cancelled, Refused };

struct LoadResult
{
    LoadOutcome outcome = LoadOutcome::Failed;
    LoadRun run;               ///< the recorded run (id 0 when nothing was recorded: already loaded)
    qint64 existingRunId = 0;  ///< already loaded: the run that loaded the identical file
    QString message;           ///< one line for the operator: the summary, or the reason it did not load
    /// Failed for the database's sake (locked, full disk, connection lost), not the file's: the same file
    /// may load later, so an unattended loader tries it again.
    bool transient = false;
};

/// Loads one extract file (or "-" for standard input) as one all-or-nothing run.
LoadResult loadExtract(Warehouse &warehouse, const QString &path, const LoadOptions &options,
                       LoadFeedback *feedback = nullptr);

/// Shared frame of both loads: read with progress and cancel, quarantine, threshold, exactly-once check,
/// the run record, and one transaction that commits everything or nothing.
class ExtractLoad
{
public:
    ExtractLoad(Warehouse &warehouse, ExtractReader &reader, const LoadOptions &options, LoadFeedback *feedback);
    virtual ~ExtractLoad();
    LoadResult execute();

protected:
    struct Cancelled
    {
    };
    struct Refusal
    {
        QString reason;
    };

    /// Before reading: a refusal reason, or empty to go on.
    virtual QString refusalBeforeReading() { return {}; }
    /// Reads one row into the load's memory.
    virtual ExtractReader::Result readRow(RejectedLine &rejected) = 0;
    /// While reading, every few thousand rows: a refusal reason (the input is far larger than the load may
    /// hold), or empty to go on.
    virtual QString refusalWhileReading() { return {}; }
    /// After the last row: sort, reduce, find ambiguous rows (via reject()).
    virtual void finishReading() = 0;
    /// After reading, before anything is written: a refusal reason, or empty to go on.
    virtual QString refusalAfterReading() { return {}; }
    /// What the operator should know of the rejected rows beyond the first one (said when they are too many).
    virtual QString rejectsNote() const { return {}; }
    /// Rows that will be loaded.
    virtual qint64 rowsToLoad() const = 0;
    /// Inside the transaction: all the writes. May throw Refusal, Cancelled or StorageError.
    virtual void write() = 0;
    /// The one-line summary of a successful load.
    virtual QString summary() const = 0;

    /// Inside the transaction: fills m_directory, from the copy read while the file was being read when
    /// no load has changed it since.
    void readUserDirectory();
    void reject(RejectedLine line);
    void checkCancelled() const;
    void stage(const QString &name, qint64 total = 0) const;
    void progress(qint64 done) const;

    Warehouse &m_warehouse;
    ExtractReader &m_reader;
    LoadOptions m_options;
    LoadFeedback *m_feedback;
    std::unique_ptr<LoadStore> m_store;
    LoadRun m_run;
    std::unique_ptr<PostcodeDictionary> m_postcodes;
    UserDirectory m_directory;

private:
    LoadResult finishRun(LoadOutcome outcome, const QString &message);
    void recordRun(bool insert);
    std::vector<RejectedLine> m_rejects;
    std::future<UserDirectoryCopy> m_earlyDirectory;
};

} // namespace pv
