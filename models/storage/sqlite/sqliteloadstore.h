#pragma once

#include "storage/loadstore.h"

#include <QString>

#include <memory>

struct sqlite3;

namespace pv {

class PostcodeHistoryStore;
class RunningLoadLock;

/// LoadStore on SQLite: native statements on the warehouse's handle, one BEGIN IMMEDIATE transaction.
class SqliteLoadStore final : public LoadStore
{
public:
    SqliteLoadStore(sqlite3 *db, QString path);
    ~SqliteLoadStore() override;

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
    void prefetchHistories(const std::vector<std::pair<quint64, qint64>> &) override {}
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
    PostcodeHistoryStore &history();
    /// Takes the lock that tells this load is alive (RunningLoadLock) before its run is first recorded, and
    /// holds it for the store's life. Returns why it could not, or an empty string.
    QString holdRunningLoadLock();

    sqlite3 *m_db;
    QString m_path;
    std::unique_ptr<PostcodeHistoryStore> m_history; ///< statements prepared on first use
    std::unique_ptr<RunningLoadLock> m_runningLock;
};

/// Records how many postcode ids the loads have handed out (the setting 'postcode_count').
void recordPostcodeCount(sqlite3 *db, qint64 count);
/// Schema version 6's step: seals every postcode without a seal and records the count.
void sealStoredPostcodes(sqlite3 *db);

} // namespace pv
