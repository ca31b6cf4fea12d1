#pragma once

#include "query/userhistory.h"

#include <QSqlDatabase>

struct sqlite3;

namespace pv {

/// UserHistory on SQLite: the history from user_postcode_changes, the pageviews from the user's facts.
class SqliteUserHistory final : public UserHistory
{
public:
    SqliteUserHistory(QSqlDatabase db, sqlite3 *handle);

    QList<UserPostcodePeriod> periods(qint64 userId) const override;
    QList<UserPageviews> pageviews(qint64 userId, Grain grain) const override;

private:
    QSqlDatabase m_db;
    sqlite3 *m_handle;
};

} // namespace pv
