#pragma once

#include "storage/loadstore.h"

#include <QString>

#include <unordered_map>

typedef struct pg_conn PGconn;

namespace pv {

/// LoadStore on PostgreSQL: libpq on the warehouse's connection; bulk writes by binary COPY, one
/// transaction serialised with other clients' loads by an advisory lock. The run record's insert takes
/// the run's own lock, held by this session until the store goes, so a load that dies is seen as such.
class PgLoadStore final : public LoadStore
{
public:
    PgLoadStore(PGconn *conn, QString conninfo);
    ~PgLoadStore() override;

    QString whyReadOnly() override;
    void begin(const std::function<void(const QString &waitingFor)> &waiting) override;
    void commit() override;
    void rollback() noexcept override;

    std::vector<std::string> readPostcodes() override;
    void addPostcodes(quint32 firstId, std::span<const std::string> texts) override;

    void readUserDirectory(UserDirectory &directory) override;
    void writeUserDirectory(const UserDirectory &directory) override;
    qint64 userDirectoryGeneration() override;
    UserDirectoryCopy readUserDirectoryCopy() const override;

    void readHistory(quint64 userId, qint64 newestChange, std::vector<PostcodePeriod> &history) override;
    void prefetchHistories(const std::vector<std::pair<quint64, qint64>> &users) override;
    void rewriteHistory(quint64 userId, const std::vector<PostcodePeriod> &before,
                        const std::vector<PostcodePeriod> &after) override;
    void appendHistory(quint64 userId, const PostcodeChange &change) override;

    void appendFacts(qint64 runId, const std::vector<PageviewFact> &facts) override;
    std::vector<PageviewFact> facts(qint64 runId) override;
    void removeFacts(qint64 runId) override;
    void updateFacts(const std::vector<quint64> &users,
                     const std::function<bool(qint64 runId, std::vector<PageviewFact> &facts)> &visit) override;

    void applyAggregateDeltas(const AggregateDeltas &deltas) override;
    void applyCurrentUserDeltas(const std::map<quint32, qint64> &deltas) override;

    qint64 windowRun(qint64 hour) override;
    void setWindow(qint64 hour, qint64 runId, const std::map<qint64, qint64> &viewsPerHour) override;
    void removeHourViews(qint64 runId) override;

    std::optional<qint64> nextSnapshotAfter(qint64 asOf) override;
    qint64 snapshotRun(qint64 asOf) override;
    void setSnapshot(qint64 asOf, qint64 runId, qint64 users) override;

    void recordRun(LoadRun &run, bool insert, const std::vector<RejectedLine> &rejects) override;
    QString recordRunAlone(LoadRun &run, bool insert, const std::vector<RejectedLine> &rejects) override;
    bool recordRunStart(LoadRun &run) override;
    QString forgetRun(qint64 runId) override;
    qint64 identicalRun(ExtractKind kind, const QString &contentHash, std::optional<qint64> asOf) override;
    void markReplaced(qint64 earlierRunId, qint64 laterRunId) override;

private:
    /// What holds the write lock: "run N (file on host)".
    QString loadHoldingTheLock();
    /// Writes the history changes appended and rewritten so far: a COPY each, not a statement per user.
    void flushHistoryWrites();

    PGconn *m_conn;
    QString m_conninfo;
    std::vector<std::pair<quint64, PostcodeChange>> m_appendedHistory;  ///< new rows, the newest snapshot's
    std::vector<std::pair<quint64, PostcodeChange>> m_rewrittenHistory; ///< rows to write over any there (an older or corrected snapshot)
    std::vector<std::pair<quint64, qint64>> m_removedHistory;           ///< (user, as-of) rows to delete
    struct CachedHistory
    {
        qint64 newestChange;
        std::vector<PostcodePeriod> periods;
    };
    std::unordered_map<quint64, CachedHistory> m_prefetched; ///< read ahead, dropped when the user's history is written
    std::vector<qint64> m_runLocks; ///< runs whose lock this session holds
};

/// Reads the user directory's blocks on conn (in its transaction).
void pgReadUserDirectory(PGconn *conn, UserDirectory &directory);
/// Records how many postcode ids the loads have handed out (the setting 'postcode_count').
void pgRecordPostcodeCount(PGconn *conn, qint64 count);
/// Schema version 3's step: seals every postcode without a seal and records the count.
void pgSealStoredPostcodes(PGconn *conn);
/// A user's facts in every live load, with the load id.
std::vector<std::pair<qint64, PageviewFact>> pgUserFacts(PGconn *conn, quint64 userId);

} // namespace pv
