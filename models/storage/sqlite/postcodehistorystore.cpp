#include "storage/sqlite/postcodehistorystore.h"

#include "storage/sqlite/sqlitestatement.h"

namespace pv {

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
            throw StorageError{QStringLiteral("the history of user %1 has no change at %2: run pvadmin check")
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
            throw StorageError{QStringLiteral("the history of user %1 links its change at %2 to a later one: run pvadmin check")
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
