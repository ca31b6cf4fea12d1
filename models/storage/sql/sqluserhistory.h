#pragma once

#include "query/userhistory.h"

#include "core/pageviewfact.h"

#include <QSqlDatabase>

#include <functional>
#include <utility>
#include <vector>

namespace pv {

/// UserHistory through Qt's SQL driver: the history from user_postcode_changes, the pageviews from the
/// user's facts as the engine reads them (userFacts: each fact of the user in a live load, with the load).
class SqlUserHistory final : public UserHistory
{
public:
    using UserFacts = std::function<std::vector<std::pair<qint64, PageviewFact>>(quint64 userId)>;
    SqlUserHistory(QSqlDatabase db, UserFacts userFacts);

    QList<UserPostcodePeriod> periods(qint64 userId) const override;
    QList<UserPageviews> pageviews(qint64 userId, Grain grain) const override;

private:
    QSqlDatabase m_db;
    UserFacts m_userFacts;
};

} // namespace pv
