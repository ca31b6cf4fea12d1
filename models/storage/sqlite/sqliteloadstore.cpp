#include "storage/sqlite/sqliteloadstore.h"
#include "storage/sqlite/runningloadlock.h"

#include "core/postcodeseal.h"
#include "load/aggregatedeltas.h"
#include "storage/sqlite/factstore.h"
#include "storage/sqlite/postcodehistorystore.h"
#include "storage/sqlite/sqliterunlog.h"
#include "storage/sqlite/sqlitestatement.h"
#include "storage/sqlite/userdirectoryblocks.h"

#include <sqlite3.h>

namespace pv {

namespace {
/// Adds one basis's deltas to an aggregate table at one grain; a row reaching zero is deleted.
void applyDeltas(sqlite3 *db, const std::vector<AggregateDelta> &deltas, const char *table, const char *period)
{
    // The upsert returns the count it left, so a count that fell to zero is deleted without a look-up
    // for every decrease.
    const QByteArray upsertSql = QByteArray("INSERT INTO ") + table + " (" + period
        + ", postcode_id, views) VALUES (?, ?, ?) ON CONFLICT (" + period
        + ", postcode_id) DO UPDATE SET views = views + excluded.views RETURNING views";
    const QByteArray deleteSql = QByteArray("DELETE FROM ") + table + " WHERE " + period + " = ? AND postcode_id = ?";
    SqliteStatement upsert(db, upsertSql.constData());
    SqliteStatement deleteZero(db, deleteSql.constData());
    for (const AggregateDelta &d : deltas) {
        upsert.bind(1, d.period).bind(2, qint64(d.postcodeId)).bind(3, d.views);
        const bool zero = upsert.step() && upsert.int64(0) == 0;
        upsert.reset();
        if (zero)
            deleteZero.bind(1, d.period).bind(2, qint64(d.postcodeId)).execute();
    }
}
} // namespace

SqliteLoadStore::SqliteLoadStore(sqlite3 *db, QString path)
    : m_db(db)
    , m_path(std::move(path))
{
}

SqliteLoadStore::~SqliteLoadStore() = default;

QString SqliteLoadStore::whyReadOnly()
{
    if (sqlite3_db_readonly(m_db, "main") == 1)
        return QStringLiteral("the warehouse file %1 is open read-only (this user cannot write it or its folder)").arg(m_path);
    return {};
}

void SqliteLoadStore::begin(const std::function<void(const QString &)> &)
{
    // The busy timeout waits for another writer; SQLite cannot say who it is.
    sqliteExec(m_db, "BEGIN IMMEDIATE");
}

void SqliteLoadStore::commit()
{
    sqliteExec(m_db, "COMMIT");
}

void SqliteLoadStore::rollback() noexcept
{
    if (!sqlite3_get_autocommit(m_db))
        sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
}

std::vector<std::string> SqliteLoadStore::readPostcodes()
{
    std::vector<std::string> texts;
    SqliteStatement all(m_db, "SELECT id, postcode FROM postcodes ORDER BY id");
    while (all.step()) {
        const auto id = static_cast<size_t>(all.int64(0));
        if (texts.size() <= id)
            texts.resize(id + 1);
        const std::string_view text = all.blobView(1);
        texts[id].assign(text.data(), text.size());
    }
    return texts;
}

void SqliteLoadStore::addPostcodes(quint32 firstId, std::span<const std::string> texts)
{
    if (texts.empty())
        return;
    SqliteStatement insert(m_db, "INSERT INTO postcodes (id, postcode, seal) VALUES (?, ?, ?)");
    quint32 id = firstId;
    for (const std::string &text : texts) {
        insert.bind(1, qint64(id)).bind(2, text).bind(3, postcodeSeal(id, text)).execute();
        ++id;
    }
    recordPostcodeCount(m_db, id);
}

void recordPostcodeCount(sqlite3 *db, qint64 count)
{
    SqliteStatement record(db, "INSERT INTO settings (key, value) VALUES ('postcode_count', ?) "
                               "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    const std::string value = std::to_string(count);
    record.bind(1, std::string_view(value)).execute();
}

void sealStoredPostcodes(sqlite3 *db)
{
    std::vector<std::pair<qint64, qint64>> seals; // id, seal
    {
        SqliteStatement all(db, "SELECT id, postcode FROM postcodes WHERE seal IS NULL");
        while (all.step())
            seals.emplace_back(all.int64(0), postcodeSeal(static_cast<quint32>(all.int64(0)), all.blobView(1)));
    }
    SqliteStatement seal(db, "UPDATE postcodes SET seal = ? WHERE id = ?");
    for (const auto &[id, value] : seals)
        seal.bind(1, value).bind(2, id).execute();
    SqliteStatement count(db, "SELECT COALESCE(MAX(id), -1) + 1 FROM postcodes");
    count.step();
    recordPostcodeCount(db, count.int64(0));
}

void SqliteLoadStore::readUserDirectory(UserDirectory &directory)
{
    pv::readUserDirectory(m_db, directory);
}

void SqliteLoadStore::writeUserDirectory(const UserDirectory &directory)
{
    pv::writeUserDirectory(m_db, directory);
}

qint64 SqliteLoadStore::userDirectoryGeneration()
{
    return pv::userDirectoryGeneration(m_db);
}

UserDirectoryCopy SqliteLoadStore::readUserDirectoryCopy() const
{
    return pv::readUserDirectoryCopy(m_path);
}

PostcodeHistoryStore &SqliteLoadStore::history()
{
    if (!m_history)
        m_history = std::make_unique<PostcodeHistoryStore>(m_db);
    return *m_history;
}

void SqliteLoadStore::readHistory(quint64 userId, qint64 newestChange, std::vector<PostcodePeriod> &periods)
{
    history().read(userId, newestChange, periods);
}

void SqliteLoadStore::rewriteHistory(quint64 userId, const std::vector<PostcodePeriod> &before,
                                     const std::vector<PostcodePeriod> &after)
{
    history().rewrite(userId, before, after);
}

void SqliteLoadStore::appendHistory(quint64 userId, const PostcodeChange &change)
{
    history().append(userId, change);
}

void SqliteLoadStore::appendFacts(qint64 runId, const std::vector<PageviewFact> &facts)
{
    FactStore(m_db).append(runId, facts);
}

std::vector<PageviewFact> SqliteLoadStore::facts(qint64 runId)
{
    return FactStore(m_db).loadFacts(runId);
}

void SqliteLoadStore::removeFacts(qint64 runId)
{
    FactStore(m_db).remove(runId);
}

void SqliteLoadStore::updateFacts(const std::vector<quint64> &users,
                                  const std::function<bool(qint64 runId, std::vector<PageviewFact> &facts)> &visit)
{
    FactStore(m_db).update(users, visit);
}

void SqliteLoadStore::applyAggregateDeltas(const AggregateDeltas &deltas)
{
    applyDeltas(m_db, deltas.changes(Basis::AtTime, Grain::Hour), "views_at_time_hourly", "hour");
    applyDeltas(m_db, deltas.changes(Basis::Current, Grain::Hour), "views_current_hourly", "hour");
    applyDeltas(m_db, deltas.changes(Basis::AtTime, Grain::Day), "views_at_time_daily", "day");
    applyDeltas(m_db, deltas.changes(Basis::Current, Grain::Day), "views_current_daily", "day");
}

void SqliteLoadStore::applyCurrentUserDeltas(const std::map<quint32, qint64> &deltas)
{
    SqliteStatement counts(m_db, "INSERT INTO postcode_current_users (postcode_id, users) VALUES (?, ?) "
                                 "ON CONFLICT (postcode_id) DO UPDATE SET users = users + excluded.users");
    for (const auto &[postcodeId, delta] : deltas)
        if (delta != 0)
            counts.bind(1, postcodeId).bind(2, delta).execute();
    sqliteExec(m_db, "DELETE FROM postcode_current_users WHERE users = 0");
}

qint64 SqliteLoadStore::windowRun(qint64 hour)
{
    SqliteStatement window(m_db, "SELECT run_id FROM pageview_windows WHERE hour = ?");
    window.bind(1, hour);
    return window.step() ? window.int64(0) : 0;
}

void SqliteLoadStore::setWindow(qint64 hour, qint64 runId, const std::map<qint64, qint64> &viewsPerHour)
{
    SqliteStatement hourViews(m_db, "INSERT INTO load_hour_views (run_id, hour, views) VALUES (?, ?, ?)");
    for (const auto &[viewHour, views] : viewsPerHour)
        hourViews.bind(1, runId).bind(2, viewHour).bind(3, views).execute();
    SqliteStatement(m_db, "INSERT INTO pageview_windows (hour, run_id) VALUES (?, ?) "
                          "ON CONFLICT (hour) DO UPDATE SET run_id = excluded.run_id")
        .bind(1, hour)
        .bind(2, runId)
        .execute();
}

void SqliteLoadStore::removeHourViews(qint64 runId)
{
    SqliteStatement(m_db, "DELETE FROM load_hour_views WHERE run_id = ?").bind(1, runId).execute();
}

std::optional<qint64> SqliteLoadStore::nextSnapshotAfter(qint64 asOf)
{
    SqliteStatement next(m_db, "SELECT MIN(as_of) FROM snapshots WHERE as_of > ?");
    next.bind(1, asOf);
    if (next.step() && !next.isNull(0))
        return next.int64(0);
    return std::nullopt;
}

qint64 SqliteLoadStore::snapshotRun(qint64 asOf)
{
    SqliteStatement same(m_db, "SELECT run_id FROM snapshots WHERE as_of = ?");
    same.bind(1, asOf);
    return same.step() ? same.int64(0) : 0;
}

void SqliteLoadStore::setSnapshot(qint64 asOf, qint64 runId, qint64 users)
{
    SqliteStatement(m_db, "INSERT INTO snapshots (as_of, run_id, users) VALUES (?, ?, ?) "
                          "ON CONFLICT (as_of) DO UPDATE SET run_id = excluded.run_id, users = excluded.users")
        .bind(1, asOf)
        .bind(2, runId)
        .bind(3, users)
        .execute();
}

QString SqliteLoadStore::holdRunningLoadLock()
{
    if (!m_runningLock) {
        // The path SQLite resolved, as the readers judging liveness (markInterruptedRuns) use it.
        const char *file = sqlite3_db_filename(m_db, "main");
        m_runningLock = std::make_unique<RunningLoadLock>(file && *file ? QString::fromUtf8(file) : m_path);
    }
    return m_runningLock->failure();
}

void SqliteLoadStore::recordRun(LoadRun &run, bool insert, const std::vector<RejectedLine> &rejects)
{
    if (const QString failure = holdRunningLoadLock(); !failure.isEmpty())
        throw StorageError{failure};
    LoadRunRecorder(m_db).write(run, insert, rejects);
}

QString SqliteLoadStore::recordRunAlone(LoadRun &run, bool insert, const std::vector<RejectedLine> &rejects)
{
    if (const QString failure = holdRunningLoadLock(); !failure.isEmpty())
        return failure;
    return LoadRunRecorder(m_db).writeAlone(run, insert, rejects);
}

bool SqliteLoadStore::recordRunStart(LoadRun &run)
{
    // A commit takes milliseconds; a running load's write can hold the lock for minutes, and this load
    // would rather be reading its file meanwhile.
    constexpr int waitForACommitMs = 2000;
    if (!holdRunningLoadLock().isEmpty())
        return false; // recorded (and the lock's failure said) with the load's transaction
    return LoadRunRecorder(m_db).insertWithin(run, waitForACommitMs);
}

QString SqliteLoadStore::forgetRun(qint64 runId)
{
    return LoadRunRecorder(m_db).remove(runId);
}

qint64 SqliteLoadStore::identicalRun(ExtractKind kind, const QString &contentHash, std::optional<qint64> asOf)
{
    return LoadRunRecorder(m_db).identicalRun(kind, contentHash, asOf);
}

void SqliteLoadStore::markReplaced(qint64 earlierRunId, qint64 laterRunId)
{
    LoadRunRecorder(m_db).markReplaced(earlierRunId, laterRunId);
}

} // namespace pv
