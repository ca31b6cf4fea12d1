#include "userssnapshotload.h"

#include "aggregatedeltas.h"
#include "extractvalidation.h"
#include "postcodedictionary.h"
#include "postcodehistory.h"
#include "sqlitestatement.h"
#include "warehouse.h"

#include <sqlite3.h>

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
    // The warehouse's state at the as-of: the directory's members of the newest snapshot when this one is
    // the newest, else the history periods covering the as-of.
    qint64 latestAsOf = 0;
    bool haveSnapshots = false;
    {
        SqliteStatement latest(m_db, "SELECT MAX(as_of) FROM snapshots");
        if (latest.step() && !latest.isNull(0)) {
            latestAsOf = latest.int64(0);
            haveSnapshots = true;
        }
    }
    std::vector<std::pair<quint64, quint32>> baseline;
    if (!haveSnapshots || m_asOf >= latestAsOf) {
        for (size_t i = 0; i < m_directory.size(); ++i)
            if (m_directory.inLatest(i))
                baseline.emplace_back(m_directory.userId(i), m_directory.postcodeId(i));
    } else {
        SqliteStatement covering(m_db, "SELECT user_id, postcode_id FROM user_postcode_history "
                                       "WHERE valid_from <= ?1 AND (valid_to IS NULL OR valid_to > ?1) ORDER BY user_id");
        covering.bind(1, m_asOf);
        while (covering.step())
            baseline.emplace_back(static_cast<quint64>(covering.int64(0)), static_cast<quint32>(covering.int64(1)));
    }
    *baselineUsers = static_cast<qint64>(baseline.size());

    stage(QStringLiteral("comparing with the warehouse"), static_cast<qint64>(m_members.size()));
    std::vector<Change> changes;
    size_t m = 0, u = 0;
    auto isUnchanged = [&](quint64 id) {
        while (u < m_unchangedIds.size() && m_unchangedIds[u] < id)
            ++u;
        return u < m_unchangedIds.size() && m_unchangedIds[u] == id;
    };
    auto addNewBefore = [&](quint64 limit, bool inclusive) {
        for (; m < m_members.size() && (m_members[m].userId < limit || (inclusive && m_members[m].userId == limit)); ++m) {
            changes.push_back({m_members[m].userId, m_members[m].postcodeId, true, true});
            ++m_run.usersAdded;
        }
    };
    for (const auto &[userId, postcodeId] : baseline) {
        addNewBefore(userId, false);
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
    addNewBefore(std::numeric_limits<quint64>::max(), true);
    progress(static_cast<qint64>(m_members.size()));
    return changes;
}

UsersSnapshotLoad::Statements::Statements(sqlite3 *db)
    : history(db)
    , deleteHistory(db, "DELETE FROM user_postcode_history WHERE user_id = ?")
    , insertHistory(db, "INSERT INTO user_postcode_history (user_id, valid_from, valid_to, postcode_id) "
                        "VALUES (?, ?, ?, ?)")
    , upsertCurrent(db, "INSERT INTO users_current (user_id, postcode_id) VALUES (?, ?) "
                        "ON CONFLICT (user_id) DO UPDATE SET postcode_id = excluded.postcode_id")
{
}

void UsersSnapshotLoad::rewriteUser(Statements &st, const Change &change, qint64 nextAsOf)
{
    const auto userId = static_cast<qint64>(change.userId);
    const auto state = change.hasPostcode ? std::optional<quint32>(change.postcodeId) : std::nullopt;
    const size_t known = m_directory.find(change.userId);
    std::vector<PostcodePeriod> before;
    if (known < m_directory.size())
        st.history.read(change.userId, before);
    std::vector<PostcodePeriod> after = applySnapshotState(before, m_asOf, nextAsOf, state);
    if (after == before)
        return;

    if (!before.empty())
        st.deleteHistory.bind(1, userId).execute();
    for (const PostcodePeriod &p : after) {
        st.insertHistory.bind(1, userId).bind(2, p.validFrom);
        p.validTo == openEnded ? st.insertHistory.bindNull(3) : st.insertHistory.bind(3, p.validTo);
        st.insertHistory.bind(4, p.postcodeId).execute();
    }
    const quint32 oldCurrent = known < m_directory.size() ? m_directory.postcodeId(known) : unknownPostcodeId;
    const quint32 newCurrent = currentPostcode(after);
    if (newCurrent != oldCurrent || known == m_directory.size())
        st.upsertCurrent.bind(1, userId).bind(2, newCurrent).execute();
    m_directory.set(change.userId, newCurrent, !after.empty() && after.back().validTo == openEnded);

    // A user new to the warehouse can only have UNKNOWN facts; skip the fact lookup when they have none.
    if (known == m_directory.size() && !std::binary_search(m_usersWithUnknownFacts.begin(), m_usersWithUnknownFacts.end(), change.userId))
        return;
    m_reattributions.push_back({change.userId, std::move(after), oldCurrent, newCurrent});
}

void UsersSnapshotLoad::reattributeFacts(AggregateDeltas &deltas)
{
    // One pass over the live loads' facts of exactly the users whose history changed: SQLite seeks each
    // (load, user) itself, driven by a temporary table of those users.
    stage(QStringLiteral("re-attributing pageviews"), static_cast<qint64>(m_reattributions.size()));
    sqliteExec(m_db, "CREATE TEMP TABLE IF NOT EXISTS reattributed_users (user_id INTEGER PRIMARY KEY)");
    sqliteExec(m_db, "DELETE FROM temp.reattributed_users");
    {
        SqliteStatement insert(m_db, "INSERT INTO temp.reattributed_users (user_id) VALUES (?)");
        for (const Reattribution &r : m_reattributions)
            insert.bind(1, static_cast<qint64>(r.userId)).execute();
    }
    struct FactChange
    {
        qint64 loadId, userId, hour;
        quint32 atTime;
    };
    std::vector<FactChange> updates;
    SqliteStatement facts(m_db, "SELECT f.load_id, f.user_id, f.hour, f.postcode_id, f.views "
                                "FROM pageview_windows w CROSS JOIN temp.reattributed_users r "
                                "CROSS JOIN pageview_facts f ON f.load_id = w.run_id AND f.user_id = r.user_id");
    qint64 rows = 0;
    while (facts.step()) {
        const auto userId = static_cast<quint64>(facts.int64(1));
        const auto it = std::lower_bound(m_reattributions.begin(), m_reattributions.end(), userId,
                                         [](const Reattribution &r, quint64 id) { return r.userId < id; });
        const qint64 hour = facts.int64(2);
        const auto oldAtTime = static_cast<quint32>(facts.int64(3));
        const qint64 views = facts.int64(4);
        const quint32 newAtTime = postcodeAt(it->periods, hour * secondsPerHour);
        if (newAtTime != oldAtTime) {
            deltas.addAtTime(hour, oldAtTime, -views);
            deltas.addAtTime(hour, newAtTime, views);
            updates.push_back({facts.int64(0), facts.int64(1), hour, newAtTime});
        }
        if (it->oldCurrent != it->newCurrent) {
            deltas.addCurrent(hour, it->oldCurrent, -views);
            deltas.addCurrent(hour, it->newCurrent, views);
        }
        if ((++rows & 0xffff) == 0)
            checkCancelled();
    }
    facts.reset();
    SqliteStatement update(m_db, "UPDATE pageview_facts SET postcode_id = ? WHERE load_id = ? AND user_id = ? AND hour = ?");
    for (const FactChange &u : updates)
        update.bind(1, u.atTime).bind(2, u.loadId).bind(3, u.userId).bind(4, u.hour).execute();
    m_run.factsReattributed = static_cast<qint64>(updates.size());
    sqliteExec(m_db, "DELETE FROM temp.reattributed_users");
}

void UsersSnapshotLoad::write()
{
    stage(QStringLiteral("reading the user directory"));
    m_directory.read(m_db);
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

    {
        SqliteStatement unknown(m_db, "SELECT DISTINCT user_id FROM pageview_facts WHERE postcode_id = 0 ORDER BY user_id");
        while (unknown.step())
            m_usersWithUnknownFacts.push_back(static_cast<quint64>(unknown.int64(0)));
    }
    stage(QStringLiteral("rewriting history"), static_cast<qint64>(changes.size()));
    Statements statements(m_db);
    for (size_t i = 0; i < changes.size(); ++i) {
        rewriteUser(statements, changes[i], nextAsOf);
        if ((i & 0x3fff) == 0) {
            progress(static_cast<qint64>(i));
            checkCancelled();
        }
    }
    AggregateDeltas deltas;
    reattributeFacts(deltas);
    stage(QStringLiteral("updating aggregates"));
    deltas.apply(m_db);
    stage(QStringLiteral("writing the user directory"));
    m_directory.build();
    m_directory.write(m_db);
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
