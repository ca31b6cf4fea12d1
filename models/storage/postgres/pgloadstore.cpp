#include "storage/postgres/pgloadstore.h"

#include "core/postcodeseal.h"

#include "load/aggregatedeltas.h"
#include "storage/factsegment.h"
#include "storage/postgres/pgchangewatcher.h"
#include "storage/postgres/pgconnection.h"
#include "storage/postgres/pglocks.h"

#include <QSysInfo>
#include <QThread>
#include <QScopeGuard>

#include <libpq-fe.h>
#include <unistd.h>

namespace pv {

namespace {
/// A PostgreSQL array literal of integers, for = ANY($n::bigint[]) and unnest.
template <typename Range, typename Value>
std::string arrayOf(const Range &range, Value value)
{
    std::string text = "{";
    for (const auto &item : range) {
        if (text.size() > 1)
            text += ',';
        text += std::to_string(value(item));
    }
    return text + '}';
}

void applyDeltas(PGconn *conn, const std::vector<AggregateDelta> &deltas, const char *table, const char *period)
{
    if (deltas.empty())
        return;
    pgExec(conn, "TRUNCATE pg_temp.pvadmin_deltas");
    {
        PgCopy copy(conn, "COPY pg_temp.pvadmin_deltas (period, postcode_id, views) FROM STDIN (FORMAT binary)");
        for (const AggregateDelta &d : deltas)
            copy.row(3).int64(d.period).int64(d.postcodeId).int64(d.views);
        copy.finish();
    }
    const QByteArray upsert = QStringLiteral("INSERT INTO %1 AS t (%2, postcode_id, views) SELECT period, postcode_id, views "
                                             "FROM pg_temp.pvadmin_deltas ON CONFLICT (%2, postcode_id) "
                                             "DO UPDATE SET views = t.views + excluded.views")
                                  .arg(QLatin1String(table), QLatin1String(period))
                                  .toUtf8();
    pgExec(conn, upsert.constData());
    const QByteArray zero = QStringLiteral("DELETE FROM %1 t USING pg_temp.pvadmin_deltas d "
                                           "WHERE t.%2 = d.period AND t.postcode_id = d.postcode_id AND t.views = 0")
                                .arg(QLatin1String(table), QLatin1String(period))
                                .toUtf8();
    pgExec(conn, zero.constData());
}

qint64 userDirectoryGenerationOn(PGconn *conn)
{
    const PgResult value = pgQuery(conn, "SELECT value::bigint FROM settings WHERE key = 'user_directory_generation'");
    return value.rows() ? value.int64(0, 0) : 0;
}
} // namespace

void pgReadUserDirectory(PGconn *conn, UserDirectory &directory)
{
    const PgResult total = pgQuery(conn, "SELECT COALESCE(SUM(LEAST(GREATEST(users, 0), $1)), 0)::bigint FROM user_directory_blocks",
                                   PgParams().add(static_cast<qint64>(UserDirectory::usersPerBlock)));
    directory.startDecoding(total.int64(0, 0));
    const PgResult blocks = pgQuery(conn, "SELECT first_user, users, data FROM user_directory_blocks ORDER BY block", {}, true);
    for (int row = 0; row < blocks.rows(); ++row)
        if (!directory.decodeBlock(static_cast<quint64>(blocks.int64(row, 0)), blocks.int64(row, 1), blocks.bytes(row, 2)))
            throw StorageError{QStringLiteral("a user directory block is damaged: run pvadmin check")};
}

std::vector<std::pair<qint64, PageviewFact>> pgUserFacts(PGconn *conn, quint64 userId)
{
    std::vector<std::pair<qint64, PageviewFact>> result;
    const PgResult segments = pgQuery(conn, "SELECT s.load_id, s.format, s.data FROM pageview_windows w JOIN pageview_fact_segments s "
                                            "ON s.load_id = w.run_id AND s.first_user <= $1 AND s.last_user >= $1",
                                      PgParams().add(static_cast<qint64>(userId)), true);
    const std::vector<quint64> users{userId};
    std::vector<PageviewFact> facts;
    std::vector<size_t> positions;
    for (int row = 0; row < segments.rows(); ++row) {
        FactSegmentView(segments.int64(row, 1), segments.bytes(row, 2)).factsOfUsers(users, positions, facts);
        for (const PageviewFact &fact : facts)
            result.emplace_back(segments.int64(row, 0), fact);
    }
    return result;
}

PgLoadStore::PgLoadStore(PGconn *conn, QString conninfo)
    : m_conn(conn)
    , m_conninfo(std::move(conninfo))
{
}

PgLoadStore::~PgLoadStore()
{
    rollback();
    // The runs are finished (or this session is going): their locks have nothing more to say.
    for (qint64 runId : m_runLocks) {
        try {
            pgQuery(m_conn, "SELECT pg_advisory_unlock($1, $2)", PgParams().add(pgRunLockClass).add(pgRunLockKey(runId)));
        } catch (const StorageError &) {
        }
    }
}

QString PgLoadStore::whyReadOnly()
{
    const PgResult rights = pgQuery(m_conn, "SELECT current_user, has_table_privilege('pvadmin.load_runs', 'INSERT') "
                                            "AND has_table_privilege('pvadmin.pageview_fact_segments', 'INSERT') "
                                            "AND has_table_privilege('pvadmin.views_current_hourly', 'UPDATE')");
    if (rights.int64(0, 1))
        return {};
    return QStringLiteral("the role %1 may read this warehouse but not load into it (loads need the role that owns "
                          "the schema pvadmin, or one granted INSERT, UPDATE and DELETE on its tables)")
        .arg(rights.text(0, 0));
}

void PgLoadStore::begin(const std::function<void(const QString &)> &waiting)
{
    pgExec(m_conn, "BEGIN");
    // One load writes at a time, whichever client runs it; readers never wait for it. The lock is the row of
    // load_lock, which only a role that may update it can lock: a reader cannot stop the loads. A load that
    // must wait asks again every 250 ms, so it can say for whom and be cancelled meanwhile.
    for (int attempt = 0; pgQuery(m_conn, pgTakeLoadLock).rows() == 0; ++attempt) {
        if (attempt % 4 == 0)
            waiting(loadHoldingTheLock());
        QThread::msleep(250);
    }
    pgExec(m_conn, "CREATE TEMP TABLE IF NOT EXISTS pvadmin_deltas (period bigint, postcode_id bigint, views bigint) "
                   "ON COMMIT DELETE ROWS");
}

QString PgLoadStore::loadHoldingTheLock()
{
    // The row's locker is the transaction in its xmax; the session running it holds that transaction's
    // lock, and (a load) its running run's lock too (recordRun).
    const PgResult holder = pgQuery(
        m_conn,
        "SELECT r.id, r.file, COALESCE(r.host, ''), COALESCE(a.usename::text, ''), tl.pid, COALESCE(a.application_name, '')"
        " FROM load_lock ll"
        " JOIN pg_locks tl ON tl.locktype = 'transactionid' AND tl.transactionid = ll.xmax AND tl.mode = 'ExclusiveLock'"
        " AND tl.granted"
        " LEFT JOIN pg_stat_activity a ON a.pid = tl.pid"
        " LEFT JOIN pg_locks rl ON rl.pid = tl.pid AND rl.locktype = 'advisory' AND rl.classid = $1::bigint::oid"
        " AND rl.objsubid = 2 AND rl.granted"
        " LEFT JOIN load_runs r ON r.id & 4294967295 = rl.objid::bigint AND r.status = 'running'" // the key is the id's low 32 bits
        " WHERE ll.id = 1"
        " ORDER BY r.id DESC NULLS LAST LIMIT 1",
        PgParams().add(pgRunLockClass));
    if (!holder.rows())
        return QStringLiteral("another client's load");
    if (holder.isNull(0, 0))
        return QStringLiteral("a session of role %1 (process %2%3) holding the load lock")
            .arg(holder.text(0, 3))
            .arg(holder.int64(0, 4))
            .arg(holder.text(0, 5).isEmpty() ? QString() : QStringLiteral(", ") + holder.text(0, 5));
    return QStringLiteral("run %1 (%2%3)")
        .arg(holder.int64(0, 0))
        .arg(holder.text(0, 1), holder.text(0, 2).isEmpty() ? QString() : QStringLiteral(" on ") + holder.text(0, 2));
}

void PgLoadStore::commit()
{
    flushHistoryWrites();
    m_prefetched.clear();
    pgExec(m_conn, "COMMIT");
}

void PgLoadStore::rollback() noexcept
{
    m_appendedHistory.clear();
    m_rewrittenHistory.clear();
    m_removedHistory.clear();
    m_prefetched.clear();
    if (PQtransactionStatus(m_conn) != PQTRANS_IDLE)
        PQclear(PQexec(m_conn, "ROLLBACK"));
}

std::vector<std::string> PgLoadStore::readPostcodes()
{
    std::vector<std::string> texts;
    const PgResult all = pgQuery(m_conn, "SELECT id, postcode FROM postcodes ORDER BY id", {}, true);
    for (int row = 0; row < all.rows(); ++row) {
        const auto id = static_cast<size_t>(all.int64(row, 0));
        if (texts.size() <= id)
            texts.resize(id + 1);
        texts[id] = std::string(all.bytes(row, 1));
    }
    return texts;
}

void PgLoadStore::addPostcodes(quint32 firstId, std::span<const std::string> texts)
{
    if (texts.empty())
        return;
    PgCopy copy(m_conn, "COPY postcodes (id, postcode, seal) FROM STDIN (FORMAT binary)");
    quint32 id = firstId;
    for (const std::string &text : texts) {
        copy.row(3).int64(id).bytes(text).int64(postcodeSeal(id, text));
        ++id;
    }
    copy.finish();
    pgRecordPostcodeCount(m_conn, id);
}

void pgRecordPostcodeCount(PGconn *conn, qint64 count)
{
    pgQuery(conn, "INSERT INTO settings (key, value) VALUES ('postcode_count', $1::bigint::text) "
                  "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            PgParams().add(count));
}

void pgSealStoredPostcodes(PGconn *conn)
{
    const PgResult unsealed = pgQuery(conn, "SELECT id, postcode FROM postcodes WHERE seal IS NULL", {}, true);
    if (unsealed.rows() > 0) {
        pgExec(conn, "CREATE TEMPORARY TABLE new_postcode_seals (id bigint PRIMARY KEY, seal bigint NOT NULL) ON COMMIT DROP");
        {
            PgCopy copy(conn, "COPY new_postcode_seals (id, seal) FROM STDIN (FORMAT binary)");
            for (int row = 0; row < unsealed.rows(); ++row) {
                const qint64 id = unsealed.int64(row, 0);
                copy.row(2).int64(id).int64(postcodeSeal(static_cast<quint32>(id), unsealed.bytes(row, 1)));
            }
            copy.finish();
        }
        pgExec(conn, "UPDATE postcodes p SET seal = s.seal FROM new_postcode_seals s WHERE p.id = s.id");
    }
    const PgResult count = pgQuery(conn, "SELECT COALESCE(MAX(id), -1) + 1 FROM postcodes");
    pgRecordPostcodeCount(conn, count.int64(0, 0));
}

void PgLoadStore::readUserDirectory(UserDirectory &directory)
{
    pgReadUserDirectory(m_conn, directory);
}

void PgLoadStore::writeUserDirectory(const UserDirectory &directory)
{
    pgExec(m_conn, "INSERT INTO settings (key, value) VALUES ('user_directory_generation', '1') "
                   "ON CONFLICT (key) DO UPDATE SET value = (settings.value::bigint + 1)::text;"
                   "DELETE FROM user_directory_blocks");
    PgCopy copy(m_conn, "COPY user_directory_blocks (block, first_user, users, data) FROM STDIN (FORMAT binary)");
    for (size_t i = 0; i < directory.blockCount(); ++i) {
        const UserDirectory::Block block = directory.encodeBlock(i);
        copy.row(4).int64(static_cast<qint64>(i)).int64(static_cast<qint64>(block.firstUser)).int64(block.users);
        copy.bytes(std::string_view(block.data.constData(), static_cast<size_t>(block.data.size())));
    }
    copy.finish();
}

qint64 PgLoadStore::userDirectoryGeneration()
{
    return userDirectoryGenerationOn(m_conn);
}

UserDirectoryCopy PgLoadStore::readUserDirectoryCopy() const
{
    PGconn *conn = PQconnectdb(m_conninfo.toUtf8().constData());
    const auto close = qScopeGuard([conn] { PQfinish(conn); });
    if (PQstatus(conn) != CONNECTION_OK)
        throw StorageError{QString::fromUtf8(PQerrorMessage(conn)).trimmed()};
    // One snapshot: the generation and the blocks are of the same moment.
    pgExec(conn, "SET search_path TO pvadmin; BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    UserDirectoryCopy copy;
    copy.generation = userDirectoryGenerationOn(conn);
    pgReadUserDirectory(conn, copy.directory);
    pgExec(conn, "COMMIT");
    return copy;
}

namespace {
/// A user's periods from their changes walked back from the newest (rows first to last of chain, newest
/// first: user, as_of, postcode, previous as_of); each link must go back in time, or a damaged one would be
/// followed forever.
std::vector<PostcodePeriod> periodsFromChain(quint64 userId, qint64 newestChange, const PgResult &chain, int first, int last)
{
    std::vector<PostcodePeriod> history;
    qint64 periodEnd = openEnded;
    std::optional<qint64> expected = newestChange;
    for (int row = first; row < last; ++row) {
        const qint64 asOf = chain.int64(row, 1);
        if (!expected || asOf != *expected)
            break;
        if (!chain.isNull(row, 2))
            history.push_back({asOf, periodEnd, static_cast<quint32>(chain.int64(row, 2))});
        periodEnd = asOf;
        expected = chain.optionalInt64(row, 3);
        if (expected && *expected >= asOf)
            throw StorageError{QStringLiteral("the history of user %1 links its change at %2 to a later one: run pvadmin check")
                                  .arg(userId)
                                  .arg(asOf)};
    }
    if (expected)
        throw StorageError{QStringLiteral("the history of user %1 has no change at %2: run pvadmin check").arg(userId).arg(*expected)};
    std::reverse(history.begin(), history.end());
    return history;
}

/// The walks back from each (user, newest change) at once, newest change first within a user.
PgResult historyChains(PGconn *conn, std::span<const std::pair<quint64, qint64>> users)
{
    return pgQuery(conn,
                   "WITH RECURSIVE chain (user_id, as_of, postcode_id, previous_as_of) AS ("
                   " SELECT c.user_id, c.as_of, c.postcode_id, c.previous_as_of FROM unnest($1::bigint[], $2::bigint[]) w (user_id, as_of)"
                   " JOIN user_postcode_changes c ON c.as_of = w.as_of AND c.user_id = w.user_id"
                   " UNION ALL SELECT c.user_id, c.as_of, c.postcode_id, c.previous_as_of FROM chain"
                   " JOIN user_postcode_changes c ON c.as_of = chain.previous_as_of AND c.user_id = chain.user_id"
                   " WHERE chain.previous_as_of < chain.as_of)"
                   " SELECT user_id, as_of, postcode_id, previous_as_of FROM chain ORDER BY user_id, as_of DESC",
                   PgParams()
                       .add(arrayOf(users, [](const auto &u) { return static_cast<qint64>(u.first); }))
                       .add(arrayOf(users, [](const auto &u) { return u.second; })),
                   true);
}
} // namespace

void PgLoadStore::prefetchHistories(const std::vector<std::pair<quint64, qint64>> &users)
{
    flushHistoryWrites();
    m_prefetched.clear(); // what was read ahead before has been used: memory stays one batch's
    constexpr size_t batch = 20000;
    for (size_t start = 0; start < users.size(); start += batch) {
        const std::span<const std::pair<quint64, qint64>> some(users.data() + start, std::min(batch, users.size() - start));
        const PgResult chains = historyChains(m_conn, some);
        std::unordered_map<quint64, qint64> newest;
        for (const auto &[userId, newestChange] : some)
            newest[userId] = newestChange;
        for (int first = 0; first < chains.rows();) {
            const auto userId = static_cast<quint64>(chains.int64(first, 0));
            int last = first;
            while (last < chains.rows() && static_cast<quint64>(chains.int64(last, 0)) == userId)
                ++last;
            const qint64 newestChange = newest[userId];
            m_prefetched[userId] = {newestChange, periodsFromChain(userId, newestChange, chains, first, last)};
            first = last;
        }
    }
}

void PgLoadStore::readHistory(quint64 userId, qint64 newestChange, std::vector<PostcodePeriod> &history)
{
    // A user read ahead has had nothing written since (rewriting drops it): no need to send what is held back.
    if (const auto cached = m_prefetched.find(userId); cached != m_prefetched.end() && cached->second.newestChange == newestChange) {
        history = cached->second.periods;
        return;
    }
    flushHistoryWrites();
    const std::pair<quint64, qint64> user{userId, newestChange};
    const PgResult chain = historyChains(m_conn, std::span(&user, 1));
    history = periodsFromChain(userId, newestChange, chain, 0, chain.rows());
}

void PgLoadStore::rewriteHistory(quint64 userId, const std::vector<PostcodePeriod> &before,
                                 const std::vector<PostcodePeriod> &after)
{
    m_prefetched.erase(userId);
    const std::vector<PostcodeChange> old = changesOf(before);
    const std::vector<PostcodeChange> changes = changesOf(after);
    // Held until the next read of history or the commit, and written then in bulk. The rows deleted and the
    // rows written have different as-ofs, so their order does not matter.
    for (const PostcodeChange &c : old)
        if (std::none_of(changes.begin(), changes.end(), [&](const PostcodeChange &n) { return n.asOf == c.asOf; }))
            m_removedHistory.emplace_back(userId, c.asOf);
    for (const PostcodeChange &c : changes)
        if (std::find(old.begin(), old.end(), c) == old.end())
            m_rewrittenHistory.emplace_back(userId, c);
    if (m_removedHistory.size() + m_rewrittenHistory.size() >= 100000)
        flushHistoryWrites();
}

void PgLoadStore::appendHistory(quint64 userId, const PostcodeChange &change)
{
    m_prefetched.erase(userId);
    m_appendedHistory.emplace_back(userId, change);
}

namespace {
/// Sends history changes by binary COPY to the table named (user_postcode_changes, or a staging table of its columns).
void copyHistoryChanges(PGconn *conn, const char *table, const std::vector<std::pair<quint64, PostcodeChange>> &changes)
{
    const QByteArray sql = QByteArray("COPY ") + table
        + " (as_of, user_id, postcode_id, previous_as_of, previous_postcode_id) FROM STDIN (FORMAT binary)";
    PgCopy copy(conn, sql.constData());
    const auto optionalPostcode = [](std::optional<quint32> id) {
        return id ? std::optional<qint64>(*id) : std::nullopt;
    };
    for (const auto &[userId, change] : changes) {
        copy.row(5).int64(change.asOf).int64(static_cast<qint64>(userId)).optionalInt64(optionalPostcode(change.postcodeId));
        copy.optionalInt64(change.previousAsOf).optionalInt64(optionalPostcode(change.previousPostcodeId));
    }
    copy.finish();
}
} // namespace

void PgLoadStore::flushHistoryWrites()
{
    if (!m_appendedHistory.empty()) {
        copyHistoryChanges(m_conn, "user_postcode_changes", m_appendedHistory);
        m_appendedHistory.clear();
    }
    if (!m_removedHistory.empty()) {
        pgExec(m_conn, "CREATE TEMP TABLE IF NOT EXISTS pvadmin_removed_changes (user_id bigint, as_of bigint) ON COMMIT DELETE ROWS");
        {
            PgCopy copy(m_conn, "COPY pvadmin_removed_changes (user_id, as_of) FROM STDIN (FORMAT binary)");
            for (const auto &[userId, asOf] : m_removedHistory)
                copy.row(2).int64(static_cast<qint64>(userId)).int64(asOf);
            copy.finish();
        }
        pgExec(m_conn, "DELETE FROM user_postcode_changes c USING pvadmin_removed_changes r "
                       "WHERE c.as_of = r.as_of AND c.user_id = r.user_id; TRUNCATE pvadmin_removed_changes");
        m_removedHistory.clear();
    }
    if (!m_rewrittenHistory.empty()) {
        pgExec(m_conn, "CREATE TEMP TABLE IF NOT EXISTS pvadmin_rewritten_changes (as_of bigint, user_id bigint, "
                       "postcode_id bigint, previous_as_of bigint, previous_postcode_id bigint) ON COMMIT DELETE ROWS");
        copyHistoryChanges(m_conn, "pvadmin_rewritten_changes", m_rewrittenHistory);
        pgExec(m_conn, "INSERT INTO user_postcode_changes (as_of, user_id, postcode_id, previous_as_of, previous_postcode_id) "
                       "SELECT as_of, user_id, postcode_id, previous_as_of, previous_postcode_id FROM pvadmin_rewritten_changes "
                       "ON CONFLICT (as_of, user_id) DO UPDATE SET postcode_id = excluded.postcode_id, "
                       "previous_as_of = excluded.previous_as_of, previous_postcode_id = excluded.previous_postcode_id; "
                       "TRUNCATE pvadmin_rewritten_changes");
        m_rewrittenHistory.clear();
    }
}

void PgLoadStore::appendFacts(qint64 runId, const std::vector<PageviewFact> &facts)
{
    PgCopy copy(m_conn, "COPY pageview_fact_segments (load_id, first_user, last_user, facts, format, data) FROM STDIN (FORMAT binary)");
    for (size_t start = 0; start < facts.size();) {
        const size_t end = factSegmentEnd(facts, start);
        const QByteArray data = encodeFactSegment(facts.data() + start, end - start);
        copy.row(6).int64(runId).int64(static_cast<qint64>(facts[start].userId)).int64(static_cast<qint64>(facts[end - 1].userId));
        copy.int64(static_cast<qint64>(end - start)).int64(currentFactSegmentFormat);
        copy.bytes(std::string_view(data.constData(), static_cast<size_t>(data.size())));
        start = end;
    }
    copy.finish();
}

std::vector<PageviewFact> PgLoadStore::facts(qint64 runId)
{
    std::vector<PageviewFact> all, segment;
    const PgResult segments = pgQuery(m_conn, "SELECT format, data FROM pageview_fact_segments WHERE load_id = $1 ORDER BY first_user",
                                      PgParams().add(runId), true);
    for (int row = 0; row < segments.rows(); ++row) {
        FactSegmentView(segments.int64(row, 0), segments.bytes(row, 1)).decode(segment);
        all.insert(all.end(), segment.begin(), segment.end());
    }
    return all;
}

void PgLoadStore::removeFacts(qint64 runId)
{
    pgQuery(m_conn, "DELETE FROM pageview_fact_segments WHERE load_id = $1", PgParams().add(runId));
}

void PgLoadStore::updateFacts(const std::vector<quint64> &users,
                              const std::function<bool(qint64 runId, std::vector<PageviewFact> &facts)> &visit)
{
    if (users.empty())
        return;
    struct Segment
    {
        qint64 id, loadId;
    };
    std::vector<Segment> touched;
    {
        const PgResult ranges = pgQuery(m_conn, "SELECT s.id, s.load_id, s.first_user, s.last_user FROM pageview_fact_segments s "
                                                "JOIN pageview_windows w ON w.run_id = s.load_id", {}, true);
        for (int row = 0; row < ranges.rows(); ++row) {
            const auto first = static_cast<quint64>(ranges.int64(row, 2));
            const auto last = static_cast<quint64>(ranges.int64(row, 3));
            const auto it = std::lower_bound(users.begin(), users.end(), first);
            if (it != users.end() && *it <= last)
                touched.push_back({ranges.int64(row, 0), ranges.int64(row, 1)});
        }
    }
    // A batch of segments a round trip; only the changed ones go back.
    constexpr size_t batch = 64;
    std::vector<PageviewFact> matched;
    std::vector<size_t> positions;
    for (size_t start = 0; start < touched.size(); start += batch) {
        const std::span<const Segment> some(touched.data() + start, std::min(batch, touched.size() - start));
        const PgResult segments = pgQuery(m_conn, "SELECT id, format, data FROM pageview_fact_segments WHERE id = ANY($1::bigint[])",
                                          PgParams().add(arrayOf(some, [](const Segment &s) { return s.id; })), true);
        for (int row = 0; row < segments.rows(); ++row) {
            const qint64 id = segments.int64(row, 0);
            const auto segment = std::find_if(some.begin(), some.end(), [id](const Segment &s) { return s.id == id; });
            const FactSegmentView stored(segments.int64(row, 1), segments.bytes(row, 2));
            stored.factsOfUsers(users, positions, matched);
            if (matched.empty() || !visit(segment->loadId, matched))
                continue;
            pgQuery(m_conn, "UPDATE pageview_fact_segments SET format = $1, data = $2 WHERE id = $3",
                    PgParams().add(qint64(currentFactSegmentFormat)).addBytes(stored.withPostcodes(positions, matched)).add(id));
        }
    }
}

void PgLoadStore::applyAggregateDeltas(const AggregateDeltas &deltas)
{
    applyDeltas(m_conn, deltas.changes(Basis::AtTime, Grain::Hour), "views_at_time_hourly", "hour");
    applyDeltas(m_conn, deltas.changes(Basis::Current, Grain::Hour), "views_current_hourly", "hour");
    applyDeltas(m_conn, deltas.changes(Basis::AtTime, Grain::Day), "views_at_time_daily", "day");
    applyDeltas(m_conn, deltas.changes(Basis::Current, Grain::Day), "views_current_daily", "day");
}

void PgLoadStore::applyCurrentUserDeltas(const std::map<quint32, qint64> &deltas)
{
    std::vector<std::pair<quint32, qint64>> changed;
    for (const auto &delta : deltas)
        if (delta.second != 0)
            changed.push_back(delta);
    if (changed.empty())
        return;
    pgQuery(m_conn,
            "INSERT INTO postcode_current_users AS t (postcode_id, users) SELECT * FROM unnest($1::bigint[], $2::bigint[]) "
            "ON CONFLICT (postcode_id) DO UPDATE SET users = t.users + excluded.users",
            PgParams()
                .add(arrayOf(changed, [](const auto &c) { return qint64(c.first); }))
                .add(arrayOf(changed, [](const auto &c) { return c.second; })));
    pgExec(m_conn, "DELETE FROM postcode_current_users WHERE users = 0");
}

qint64 PgLoadStore::windowRun(qint64 hour)
{
    const PgResult run = pgQuery(m_conn, "SELECT run_id FROM pageview_windows WHERE hour = $1", PgParams().add(hour));
    return run.rows() ? run.int64(0, 0) : 0;
}

void PgLoadStore::setWindow(qint64 hour, qint64 runId, const std::map<qint64, qint64> &viewsPerHour)
{
    if (!viewsPerHour.empty())
        pgQuery(m_conn, "INSERT INTO load_hour_views (run_id, hour, views) SELECT $1, * FROM unnest($2::bigint[], $3::bigint[])",
                PgParams()
                    .add(runId)
                    .add(arrayOf(viewsPerHour, [](const auto &v) { return v.first; }))
                    .add(arrayOf(viewsPerHour, [](const auto &v) { return v.second; })));
    pgQuery(m_conn, "INSERT INTO pageview_windows (hour, run_id) VALUES ($1, $2) ON CONFLICT (hour) DO UPDATE SET run_id = excluded.run_id",
            PgParams().add(hour).add(runId));
}

void PgLoadStore::removeHourViews(qint64 runId)
{
    pgQuery(m_conn, "DELETE FROM load_hour_views WHERE run_id = $1", PgParams().add(runId));
}

std::optional<qint64> PgLoadStore::nextSnapshotAfter(qint64 asOf)
{
    const PgResult next = pgQuery(m_conn, "SELECT MIN(as_of) FROM snapshots WHERE as_of > $1", PgParams().add(asOf));
    return next.optionalInt64(0, 0);
}

qint64 PgLoadStore::snapshotRun(qint64 asOf)
{
    const PgResult run = pgQuery(m_conn, "SELECT run_id FROM snapshots WHERE as_of = $1", PgParams().add(asOf));
    return run.rows() ? run.int64(0, 0) : 0;
}

void PgLoadStore::setSnapshot(qint64 asOf, qint64 runId, qint64 users)
{
    pgQuery(m_conn, "INSERT INTO snapshots (as_of, run_id, users) VALUES ($1, $2, $3) "
                    "ON CONFLICT (as_of) DO UPDATE SET run_id = excluded.run_id, users = excluded.users",
            PgParams().add(asOf).add(runId).add(users));
}

void PgLoadStore::recordRun(LoadRun &run, bool insert, const std::vector<RejectedLine> &rejects)
{
    static const QString host = QSysInfo::machineHostName();
    PgParams params;
    params.add(extractKindName(run.kind)).add(run.file);
    run.contentHash.isEmpty() ? params.addNull() : params.add(run.contentHash);
    params.add(run.windowHour).add(run.asOf).add(run.startedAtMs);
    params.add(run.finishedAtMs ? std::optional<qint64>(run.finishedAtMs) : std::nullopt);
    params.add(run.rowsRead).add(run.rowsLoaded).add(run.rowsRejected).add(run.lateRows);
    params.add(run.usersAdded).add(run.usersMoved).add(run.usersRemoved).add(run.factsReattributed);
    params.add(run.replacedRun ? std::optional<qint64>(run.replacedRun) : std::nullopt);
    params.add(run.replacedBy ? std::optional<qint64>(run.replacedBy) : std::nullopt);
    params.add(runStatusName(run.status));
    run.error.isEmpty() ? params.addNull() : params.add(run.error);
    params.add(static_cast<qint64>(::getpid())).add(host);
    if (insert) {
        // The run's lock is taken by the statement that creates it, so no client ever sees it running
        // without its lock held.
        params.add(pgRunLockClass);
        const PgResult inserted = pgQuery(
            m_conn,
            "WITH run AS (INSERT INTO load_runs (kind, file, content_hash, window_hour, as_of, started_at, finished_at, "
            "rows_read, rows_loaded, rows_rejected, late_rows, users_added, users_moved, users_removed, facts_reattributed, "
            "replaced_run, replaced_by, status, error, pid, host) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, "
            "$13, $14, $15, $16, $17, $18, $19, $20, $21) RETURNING id) "
            "SELECT id, pg_advisory_lock($22, (id::bit(32))::int) FROM run",
            params);
        run.id = inserted.int64(0, 0);
        m_runLocks.push_back(run.id);
    } else {
        params.add(run.id);
        pgQuery(m_conn,
                "UPDATE load_runs SET kind = $1, file = $2, content_hash = $3, window_hour = $4, as_of = $5, started_at = $6, "
                "finished_at = $7, rows_read = $8, rows_loaded = $9, rows_rejected = $10, late_rows = $11, users_added = $12, "
                "users_moved = $13, users_removed = $14, facts_reattributed = $15, replaced_run = $16, replaced_by = $17, "
                "status = $18, error = $19, pid = $20, host = $21 WHERE id = $22",
                params);
    }
    // Watchers hear of it when this transaction commits (WarehouseChangeWatcher).
    pgQuery(m_conn, "SELECT pg_notify($1, '')", PgParams().add(std::string_view(pgChangesChannel)));
    if (rejects.empty())
        return;
    pgQuery(m_conn, "DELETE FROM load_rejects WHERE run_id = $1", PgParams().add(run.id));
    PgCopy copy(m_conn, "COPY load_rejects (run_id, line, reason, raw) FROM STDIN (FORMAT binary)");
    for (const RejectedLine &r : rejects) {
        const QByteArray reason = r.reason.toUtf8();
        copy.row(4).int64(run.id).int64(r.line).bytes(std::string_view(reason.constData(), static_cast<size_t>(reason.size())));
        copy.bytes(std::string_view(r.raw.constData(), static_cast<size_t>(r.raw.size())));
    }
    copy.finish();
}

QString PgLoadStore::recordRunAlone(LoadRun &run, bool insert, const std::vector<RejectedLine> &rejects)
{
    try {
        rollback();
        pgExec(m_conn, "BEGIN");
        recordRun(run, insert, rejects);
        pgExec(m_conn, "COMMIT");
    } catch (const StorageError &e) {
        rollback();
        return e.message;
    }
    return {};
}

bool PgLoadStore::recordRunStart(LoadRun &run)
{
    // Inserting a run waits for no other load here: one load's write never locks load_runs against another.
    if (recordRunAlone(run, true, {}).isEmpty())
        return true;
    run.id = 0;
    return false;
}

QString PgLoadStore::forgetRun(qint64 runId)
{
    try {
        pgQuery(m_conn, "DELETE FROM load_runs WHERE id = $1", PgParams().add(runId));
        pgQuery(m_conn, "SELECT pg_notify($1, '')", PgParams().add(std::string_view(pgChangesChannel)));
        pgQuery(m_conn, "SELECT pg_advisory_unlock($1, $2)", PgParams().add(pgRunLockClass).add(pgRunLockKey(runId)));
        std::erase(m_runLocks, runId);
    } catch (const StorageError &e) {
        return e.message;
    }
    return {};
}

qint64 PgLoadStore::identicalRun(ExtractKind kind, const QString &contentHash, std::optional<qint64> asOf)
{
    const PgResult same = pgQuery(m_conn, "SELECT id FROM load_runs WHERE content_hash = $1 AND kind = $2 "
                                          "AND status = 'succeeded' AND ($3::bigint IS NULL OR as_of = $3)",
                                  PgParams().add(contentHash).add(extractKindName(kind)).add(asOf));
    return same.rows() ? same.int64(0, 0) : 0;
}

void PgLoadStore::markReplaced(qint64 earlierRunId, qint64 laterRunId)
{
    pgQuery(m_conn, "UPDATE load_runs SET status = 'replaced', replaced_by = $1 WHERE id = $2",
            PgParams().add(laterRunId).add(earlierRunId));
}

} // namespace pv
