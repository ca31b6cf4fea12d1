#include "history/postcodehistory.h"

#include "storage/sqlite/sqlitestatement.h"

#include <algorithm>

namespace pv {

quint32 postcodeAt(const std::vector<PostcodePeriod> &history, qint64 t)
{
    if (history.empty())
        return 0;
    const auto after = std::upper_bound(history.begin(), history.end(), t,
                                        [](qint64 time, const PostcodePeriod &p) { return time < p.validFrom; });
    return after == history.begin() ? history.front().postcodeId : std::prev(after)->postcodeId;
}

quint32 currentPostcode(const std::vector<PostcodePeriod> &history)
{
    return history.empty() ? 0 : history.back().postcodeId;
}

std::vector<PostcodePeriod> applySnapshotState(const std::vector<PostcodePeriod> &history, qint64 asOf,
                                               qint64 nextAsOf, std::optional<quint32> postcodeId)
{
    std::vector<PostcodePeriod> periods;
    periods.reserve(history.size() + 3);
    bool covered = false;
    for (const PostcodePeriod &p : history) {
        if (p.validFrom <= asOf && asOf < p.validTo) {
            // The period that held at asOf is cut around it: before, the new state, after the next snapshot.
            covered = true;
            if (p.validFrom < asOf)
                periods.push_back({p.validFrom, asOf, p.postcodeId});
            if (postcodeId)
                periods.push_back({asOf, nextAsOf, *postcodeId});
            if (nextAsOf < p.validTo)
                periods.push_back({nextAsOf, p.validTo, p.postcodeId});
        } else {
            periods.push_back(p);
        }
    }
    if (!covered && postcodeId)
        periods.push_back({asOf, nextAsOf, *postcodeId});
    std::sort(periods.begin(), periods.end(),
              [](const PostcodePeriod &a, const PostcodePeriod &b) { return a.validFrom < b.validFrom; });

    // Periods that meet with the same postcode are one period.
    std::vector<PostcodePeriod> merged;
    merged.reserve(periods.size());
    for (const PostcodePeriod &p : periods) {
        if (!merged.empty() && merged.back().validTo == p.validFrom && merged.back().postcodeId == p.postcodeId)
            merged.back().validTo = p.validTo;
        else
            merged.push_back(p);
    }
    return merged;
}

std::vector<PostcodeChange> changesOf(const std::vector<PostcodePeriod> &history)
{
    std::vector<PostcodeChange> changes;
    changes.reserve(history.size() + 1);
    auto add = [&changes](qint64 asOf, std::optional<quint32> postcodeId) {
        PostcodeChange change{asOf, postcodeId, std::nullopt, std::nullopt};
        if (!changes.empty()) {
            change.previousAsOf = changes.back().asOf;
            change.previousPostcodeId = changes.back().postcodeId;
        }
        changes.push_back(change);
    };
    for (size_t i = 0; i < history.size(); ++i) {
        add(history[i].validFrom, history[i].postcodeId);
        const bool nextStartsAtEnd = i + 1 < history.size() && history[i + 1].validFrom == history[i].validTo;
        if (history[i].validTo != openEnded && !nextStartsAtEnd)
            add(history[i].validTo, std::nullopt);
    }
    return changes;
}

qint64 newestChangeOf(const std::vector<PostcodePeriod> &history)
{
    return history.back().validTo == openEnded ? history.back().validFrom : history.back().validTo;
}

PostcodeHistoryStore::PostcodeHistoryStore(sqlite3 *db)
    : m_select(std::make_unique<SqliteStatement>(
          db, "SELECT postcode_id, previous_as_of FROM user_postcode_changes WHERE as_of = ? AND user_id = ?"))
    , m_upsert(std::make_unique<SqliteStatement>(
          db, "INSERT INTO user_postcode_changes (as_of, user_id, postcode_id, previous_as_of, previous_postcode_id) "
              "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (as_of, user_id) DO UPDATE SET postcode_id = excluded.postcode_id, "
              "previous_as_of = excluded.previous_as_of, previous_postcode_id = excluded.previous_postcode_id"))
    , m_insert(std::make_unique<SqliteStatement>(
          db, "INSERT INTO user_postcode_changes (as_of, user_id, postcode_id, previous_as_of, previous_postcode_id) "
              "VALUES (?1, ?2, ?3, ?4, ?5)"))
    , m_delete(std::make_unique<SqliteStatement>(db, "DELETE FROM user_postcode_changes WHERE as_of = ? AND user_id = ?"))
{
}

PostcodeHistoryStore::~PostcodeHistoryStore() = default;

void PostcodeHistoryStore::read(quint64 userId, qint64 newestChange, std::vector<PostcodePeriod> &history)
{
    // Newest change first: each names the one before it.
    history.clear();
    qint64 periodEnd = openEnded;
    for (std::optional<qint64> asOf = newestChange; asOf;) {
        m_select->bind(1, *asOf).bind(2, static_cast<qint64>(userId));
        if (!m_select->step()) {
            m_select->reset();
            throw SqliteError{QStringLiteral("the history of user %1 has no change at %2: run pvadmin check")
                                  .arg(userId)
                                  .arg(*asOf)};
        }
        if (!m_select->isNull(0))
            history.push_back({*asOf, periodEnd, static_cast<quint32>(m_select->int64(0))});
        periodEnd = *asOf;
        const std::optional<qint64> previous = m_select->isNull(1) ? std::nullopt : std::optional<qint64>(m_select->int64(1));
        m_select->reset();
        // Each link must go back in time, or a damaged one would be followed forever.
        if (previous && *previous >= *asOf)
            throw SqliteError{QStringLiteral("the history of user %1 links its change at %2 to a later one: run pvadmin check")
                                  .arg(userId)
                                  .arg(*asOf)};
        asOf = previous;
    }
    std::reverse(history.begin(), history.end());
}

void PostcodeHistoryStore::append(quint64 userId, const PostcodeChange &change)
{
    // Nothing to replace: a plain insert saves the conflict look-up.
    write(*m_insert, userId, change);
}

void PostcodeHistoryStore::write(SqliteStatement &statement, quint64 userId, const PostcodeChange &change)
{
    statement.bind(1, change.asOf).bind(2, static_cast<qint64>(userId));
    change.postcodeId ? statement.bind(3, *change.postcodeId) : statement.bindNull(3);
    change.previousAsOf ? statement.bind(4, *change.previousAsOf) : statement.bindNull(4);
    change.previousPostcodeId ? statement.bind(5, *change.previousPostcodeId) : statement.bindNull(5);
    statement.execute();
}

void PostcodeHistoryStore::rewrite(quint64 userId, const std::vector<PostcodePeriod> &before,
                                   const std::vector<PostcodePeriod> &after)
{
    const std::vector<PostcodeChange> old = changesOf(before);
    const std::vector<PostcodeChange> changes = changesOf(after);
    for (const PostcodeChange &c : old)
        if (std::none_of(changes.begin(), changes.end(), [&](const PostcodeChange &n) { return n.asOf == c.asOf; }))
            m_delete->bind(1, c.asOf).bind(2, static_cast<qint64>(userId)).execute();
    for (const PostcodeChange &c : changes)
        if (std::find(old.begin(), old.end(), c) == old.end())
            write(*m_upsert, userId, c);
}

} // namespace pv
