#include "userssnapshotload.h"

#include "aggregatedeltas.h"
#include "extractvalidation.h"
#include "postcodedictionary.h"
#include "postcodehistory.h"
#include "sqlitestatement.h"
#include "warehouse.h"

#include <algorithm>

namespace pv {

namespace {
constexpr qint64 secondsPerHour = 3600;
}

QString UsersSnapshotLoad::refusalBeforeReading()
{
    if (m_options.asOf) {
        m_asOf = *m_options.asOf;
    } else if (const auto fromName = asOfFromFileName(m_reader.displayName())) {
        m_asOf = *fromName;
    } else {
        return QStringLiteral("%1: cannot tell the snapshot's as-of from the file name; give it with "
                              "--as-of 'YYYY-MM-DD HH:MM:SS'")
            .arg(m_reader.displayName());
    }
    m_run.asOf = m_asOf;
    if (m_asOf % secondsPerHour != 0)
        return QStringLiteral("%1: as-of %2 is not on the hour; pageviews are counted per hour, so a snapshot's "
                              "as-of must be too")
            .arg(m_reader.displayName(), formatTimestamp(m_asOf));
    return {};
}

ExtractReader::Result UsersSnapshotLoad::readRow(RejectedLine &rejected)
{
    const ExtractReader::Result result = m_reader.nextUser(m_record, rejected);
    if (result == ExtractReader::Result::Record)
        m_members.push_back({m_record.userId, m_postcodes->idFor(m_record.postcode),
                             static_cast<quint32>(std::min<qint64>(m_record.line, 0xffffffff))});
    else if (result == ExtractReader::Result::Rejected && rejected.userId != 0)
        m_unchangedIds.push_back(rejected.userId);
    return result;
}

void UsersSnapshotLoad::finishReading()
{
    stage(QStringLiteral("sorting"));
    std::sort(m_members.begin(), m_members.end(), [](const Member &a, const Member &b) {
        return a.userId != b.userId ? a.userId < b.userId : a.line < b.line;
    });
    // The same id twice: harmless with the same postcode, ambiguous (every line rejected) otherwise.
    size_t out = 0;
    for (size_t i = 0; i < m_members.size();) {
        size_t j = i + 1;
        bool ambiguous = false;
        while (j < m_members.size() && m_members[j].userId == m_members[i].userId) {
            ambiguous |= m_members[j].postcodeId != m_members[i].postcodeId;
            ++j;
        }
        if (ambiguous) {
            QStringList lines, postcodes;
            for (size_t k = i; k < j; ++k) {
                lines << QString::number(m_members[k].line);
                postcodes << m_postcodes->text(m_members[k].postcodeId);
            }
            for (size_t k = i; k < j; ++k)
                reject({m_members[k].line,
                        QStringLiteral("column 'id': user %1 appears on lines %2 with different postcodes (%3); "
                                       "ambiguous, so the user is left unchanged")
                            .arg(m_members[i].userId)
                            .arg(lines.join(QStringLiteral(", ")), postcodes.join(QStringLiteral(", "))),
                        QStringLiteral("%1,%2").arg(m_members[k].userId).arg(m_postcodes->text(m_members[k].postcodeId)).toUtf8(),
                        m_members[i].userId});
            m_unchangedIds.push_back(m_members[i].userId);
        } else {
            m_members[out++] = m_members[i];
        }
        i = j;
    }
    m_members.resize(out);
    m_members.shrink_to_fit();
    std::sort(m_unchangedIds.begin(), m_unchangedIds.end());
    m_unchangedIds.erase(std::unique(m_unchangedIds.begin(), m_unchangedIds.end()), m_unchangedIds.end());
    m_usersLoaded = static_cast<qint64>(m_members.size());
}

std::vector<UsersSnapshotLoad::Change> UsersSnapshotLoad::diffAgainstWarehouse(qint64 *baselineUsers)
{
    // The warehouse's state at the as-of: the open periods when this is the newest snapshot, else the
    // periods covering the as-of.
    qint64 latestAsOf = 0;
    bool haveSnapshots = false;
    {
        SqliteStatement latest(m_db, "SELECT MAX(as_of) FROM snapshots");
        if (latest.step() && !latest.isNull(0)) {
            latestAsOf = latest.int64(0);
            haveSnapshots = true;
        }
    }
    const bool newest = !haveSnapshots || m_asOf >= latestAsOf;
    SqliteStatement baseline(m_db, newest
        ? "SELECT user_id, postcode_id FROM user_postcode_history WHERE valid_to IS NULL ORDER BY user_id"
        : "SELECT user_id, postcode_id FROM user_postcode_history "
          "WHERE valid_from <= ?1 AND (valid_to IS NULL OR valid_to > ?1) ORDER BY user_id");
    if (!newest)
        baseline.bind(1, m_asOf);

    stage(QStringLiteral("comparing with the warehouse"), static_cast<qint64>(m_members.size()));
    std::vector<Change> changes;
    size_t m = 0, u = 0;
    qint64 previous = 0;
    auto isUnchanged = [&](quint64 id) {
        while (u < m_unchangedIds.size() && m_unchangedIds[u] < id)
            ++u;
        return u < m_unchangedIds.size() && m_unchangedIds[u] == id;
    };
    auto addNewUpTo = [&](quint64 limit, bool inclusive) {
        for (; m < m_members.size() && (m_members[m].userId < limit || (inclusive && m_members[m].userId == limit)); ++m) {
            changes.push_back({m_members[m].userId, m_members[m].postcodeId, true, true});
            ++m_run.usersAdded;
            if ((m & 0xfffff) == 0) {
                progress(static_cast<qint64>(m));
                checkCancelled();
            }
        }
    };
    while (baseline.step()) {
        ++previous;
        const auto userId = static_cast<quint64>(baseline.int64(0));
        const auto postcodeId = static_cast<quint32>(baseline.int64(1));
        addNewUpTo(userId, false);
        if (m < m_members.size() && m_members[m].userId == userId) {
            if (m_members[m].postcodeId != postcodeId) {
                changes.push_back({userId, m_members[m].postcodeId, true, false});
                ++m_run.usersMoved;
            }
            ++m;
        } else if (!isUnchanged(userId)) {
            changes.push_back({userId, 0, false, false});
            ++m_run.usersRemoved;
        }
    }
    addNewUpTo(std::numeric_limits<quint64>::max(), true);
    progress(static_cast<qint64>(m_members.size()));
    *baselineUsers = previous;
    // Sort by user id so the rewrites walk the tables in key order.
    std::sort(changes.begin(), changes.end(), [](const Change &a, const Change &b) { return a.userId < b.userId; });
    return changes;
}

UsersSnapshotLoad::Statements::Statements(sqlite3 *db)
    : history(db)
    , deleteHistory(db, "DELETE FROM user_postcode_history WHERE user_id = ?")
    , insertHistory(db, "INSERT INTO user_postcode_history (user_id, valid_from, valid_to, postcode_id) "
                        "VALUES (?, ?, ?, ?)")
    , readCurrent(db, "SELECT postcode_id FROM users_current WHERE user_id = ?")
    , upsertCurrent(db, "INSERT INTO users_current (user_id, postcode_id) VALUES (?, ?) "
                        "ON CONFLICT (user_id) DO UPDATE SET postcode_id = excluded.postcode_id")
    , facts(db, "SELECT load_id, hour, postcode_id, views FROM pageview_facts WHERE user_id = ?")
    , updateFact(db, "UPDATE pageview_facts SET postcode_id = ? WHERE load_id = ? AND user_id = ? AND hour = ?")
{
}

void UsersSnapshotLoad::rewriteUser(Statements &st, const Change &change, qint64 nextAsOf, AggregateDeltas &deltas)
{
    const auto userId = static_cast<qint64>(change.userId);
    std::vector<PostcodePeriod> before;
    st.history.read(change.userId, before);
    const std::vector<PostcodePeriod> after = applySnapshotState(
        before, m_asOf, nextAsOf, change.hasPostcode ? std::optional<quint32>(change.postcodeId) : std::nullopt);
    if (after == before)
        return;

    st.deleteHistory.bind(1, userId).execute();
    for (const PostcodePeriod &p : after) {
        st.insertHistory.bind(1, userId).bind(2, p.validFrom);
        p.validTo == openEnded ? st.insertHistory.bindNull(3) : st.insertHistory.bind(3, p.validTo);
        st.insertHistory.bind(4, p.postcodeId).execute();
    }

    quint32 oldCurrent = unknownPostcodeId;
    st.readCurrent.bind(1, userId);
    if (st.readCurrent.step())
        oldCurrent = static_cast<quint32>(st.readCurrent.int64(0));
    st.readCurrent.reset();
    const quint32 newCurrent = currentPostcode(after);
    if (newCurrent != oldCurrent)
        st.upsertCurrent.bind(1, userId).bind(2, newCurrent).execute();

    reattributeFacts(st, change.userId, after, oldCurrent, newCurrent, deltas);
}

void UsersSnapshotLoad::reattributeFacts(Statements &st, quint64 user, const std::vector<PostcodePeriod> &after,
                                         quint32 oldCurrent, quint32 newCurrent, AggregateDeltas &deltas)
{
    // At-time where the user's period changed; current for every fact when the current postcode changed.
    const auto userId = static_cast<qint64>(user);
    struct FactChange
    {
        qint64 loadId, hour;
        quint32 atTime;
    };
    std::vector<FactChange> updates;
    st.facts.bind(1, userId);
    while (st.facts.step()) {
        const qint64 loadId = st.facts.int64(0);
        const qint64 hour = st.facts.int64(1);
        const auto oldAtTime = static_cast<quint32>(st.facts.int64(2));
        const qint64 views = st.facts.int64(3);
        const quint32 newAtTime = postcodeAt(after, hour * secondsPerHour);
        if (newAtTime != oldAtTime) {
            deltas.addAtTime(hour, oldAtTime, -views);
            deltas.addAtTime(hour, newAtTime, views);
            updates.push_back({loadId, hour, newAtTime});
        }
        if (newCurrent != oldCurrent) {
            deltas.addCurrent(hour, oldCurrent, -views);
            deltas.addCurrent(hour, newCurrent, views);
        }
    }
    st.facts.reset();
    for (const FactChange &u : updates)
        st.updateFact.bind(1, u.atTime).bind(2, u.loadId).bind(3, userId).bind(4, u.hour).execute();
    m_run.factsReattributed += static_cast<qint64>(updates.size());
}

std::vector<quint64> UsersSnapshotLoad::knownUsers(const std::vector<Change> &changes, qint64 baselineUsers)
{
    // Moved and removed users are in the baseline; only added ones may be new to the warehouse.
    std::vector<quint64> added;
    for (const Change &c : changes)
        if (c.added)
            added.push_back(c.userId);
    std::vector<quint64> known;
    for (const Change &c : changes)
        if (!c.added)
            known.push_back(c.userId);
    if (!added.empty()) {
        stage(QStringLiteral("finding returning users"));
        if (added.size() * 8 > static_cast<size_t>(baselineUsers)) {
            // Many new users (a first snapshot): one pass over users_current beats a lookup each.
            SqliteStatement all(m_db, "SELECT user_id FROM users_current ORDER BY user_id");
            size_t a = 0;
            while (all.step()) {
                const auto id = static_cast<quint64>(all.int64(0));
                while (a < added.size() && added[a] < id)
                    ++a;
                if (a < added.size() && added[a] == id)
                    known.push_back(id);
            }
        } else {
            SqliteStatement one(m_db, "SELECT 1 FROM users_current WHERE user_id = ?");
            for (quint64 id : added) {
                one.bind(1, static_cast<qint64>(id));
                if (one.step())
                    known.push_back(id);
                one.reset();
            }
        }
    }
    std::sort(known.begin(), known.end());
    return known;
}

void UsersSnapshotLoad::write()
{
    qint64 baselineUsers = 0;
    const std::vector<Change> changes = diffAgainstWarehouse(&baselineUsers);
    const qint64 missing = m_run.usersRemoved;
    const double guard = m_warehouse.removalGuardPercent();
    if (!m_options.force && baselineUsers > 0 && missing * 100.0 > guard * static_cast<double>(baselineUsers)) {
        throw Refusal{QStringLiteral("%1: refused: %2 of the %3 users of the previous snapshot are missing (%4%), "
                                     "more than the %5% removal guard allows; a truncated extract is likely. "
                                     "If the users really left, load it again with --force")
                          .arg(m_reader.displayName())
                          .arg(missing)
                          .arg(baselineUsers)
                          .arg(QString::number(missing * 100.0 / static_cast<double>(baselineUsers), 'g', 3))
                          .arg(guard)};
    }

    m_postcodes->writeNew();
    qint64 nextAsOf = openEnded;
    {
        SqliteStatement next(m_db, "SELECT MIN(as_of) FROM snapshots WHERE as_of > ?");
        next.bind(1, m_asOf);
        if (next.step() && !next.isNull(0))
            nextAsOf = next.int64(0);
        SqliteStatement same(m_db, "SELECT run_id FROM snapshots WHERE as_of = ?");
        same.bind(1, m_asOf);
        if (same.step())
            m_replacedRun = same.int64(0);
    }
    if (m_replacedRun) {
        SqliteStatement(m_db, "UPDATE load_runs SET status = 'replaced', replaced_by = ? WHERE id = ?")
            .bind(1, m_run.id)
            .bind(2, m_replacedRun)
            .execute();
        m_run.replacedRun = m_replacedRun;
    }
    SqliteStatement(m_db, "INSERT INTO snapshots (as_of, run_id, users) VALUES (?, ?, ?) "
                          "ON CONFLICT (as_of) DO UPDATE SET run_id = excluded.run_id, users = excluded.users")
        .bind(1, m_asOf)
        .bind(2, m_run.id)
        .bind(3, m_usersLoaded + static_cast<qint64>(m_unchangedIds.size()))
        .execute();

    const std::vector<quint64> known = knownUsers(changes, baselineUsers);
    std::vector<quint64> withUnknownFacts;
    {
        SqliteStatement unknown(m_db, "SELECT DISTINCT user_id FROM pageview_facts WHERE postcode_id = 0 ORDER BY user_id");
        while (unknown.step())
            withUnknownFacts.push_back(static_cast<quint64>(unknown.int64(0)));
    }

    stage(QStringLiteral("rewriting history and re-attributing"), static_cast<qint64>(changes.size()));
    Statements statements(m_db);
    AggregateDeltas deltas;
    size_t k = 0, f = 0;
    for (size_t i = 0; i < changes.size(); ++i) {
        const Change &change = changes[i];
        while (k < known.size() && known[k] < change.userId)
            ++k;
        if (k < known.size() && known[k] == change.userId) {
            rewriteUser(statements, change, nextAsOf, deltas);
        } else {
            // A user the warehouse has never seen: one period, and only UNKNOWN facts to re-attribute.
            const auto userId = static_cast<qint64>(change.userId);
            statements.insertHistory.bind(1, userId).bind(2, m_asOf);
            nextAsOf == openEnded ? statements.insertHistory.bindNull(3) : statements.insertHistory.bind(3, nextAsOf);
            statements.insertHistory.bind(4, change.postcodeId).execute();
            statements.upsertCurrent.bind(1, userId).bind(2, change.postcodeId).execute();
            while (f < withUnknownFacts.size() && withUnknownFacts[f] < change.userId)
                ++f;
            if (f < withUnknownFacts.size() && withUnknownFacts[f] == change.userId)
                reattributeFacts(statements, change.userId, {{m_asOf, nextAsOf, change.postcodeId}}, 0,
                                 change.postcodeId, deltas);
        }
        if ((i & 0x3fff) == 0) {
            progress(static_cast<qint64>(i));
            checkCancelled();
        }
    }
    stage(QStringLiteral("updating aggregates"));
    deltas.apply(m_db);
}

QString UsersSnapshotLoad::summary() const
{
    QString text = QStringLiteral("%1: loaded as run %2, as of %3: %4 rows read, %5 users loaded, %6 rejected; "
                                  "%7 new, %8 moved, %9 removed; %10 pageview facts re-attributed")
                       .arg(m_reader.displayName())
                       .arg(m_run.id)
                       .arg(formatTimestamp(m_asOf))
                       .arg(m_run.rowsRead)
                       .arg(m_run.rowsLoaded)
                       .arg(m_run.rowsRejected)
                       .arg(m_run.usersAdded)
                       .arg(m_run.usersMoved)
                       .arg(m_run.usersRemoved)
                       .arg(m_run.factsReattributed);
    if (m_run.replacedRun)
        text += QStringLiteral("; replaced run %1 for the same as-of").arg(m_run.replacedRun);
    return text;
}

} // namespace pv
