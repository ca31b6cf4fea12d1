#pragma once

#include "history/postcodehistory.h"

#include <memory>
#include <vector>

struct sqlite3;

namespace pv {

class SqliteStatement;

/// Users' histories as stored in the warehouse (user_postcode_changes), with statements prepared once.
class PostcodeHistoryStore
{
public:
    explicit PostcodeHistoryStore(sqlite3 *db);
    ~PostcodeHistoryStore();
    /// Reads a user's history by walking back from their newest change (UserDirectory::newestChange).
    void read(quint64 userId, qint64 newestChange, std::vector<PostcodePeriod> &history);
    /// Writes the rows that turn the user's stored history before into after.
    void rewrite(quint64 userId, const std::vector<PostcodePeriod> &before, const std::vector<PostcodePeriod> &after);
    /// Adds a change newer than every change the user has.
    void append(quint64 userId, const PostcodeChange &change);

private:
    static void write(SqliteStatement &statement, quint64 userId, const PostcodeChange &change);

    std::unique_ptr<SqliteStatement> m_select, m_upsert, m_insert, m_delete;
};

} // namespace pv
