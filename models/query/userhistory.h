#pragma once

#include "query/pageviewquery.h"

#include <QList>
#include <QString>

#include <optional>

namespace pv {

/// One row of a user's SCD2 postcode history.
struct UserPostcodePeriod
{
    QString postcode;
    qint64 validFrom = 0;
    std::optional<qint64> validTo;  ///< nullopt while it is the postcode of the latest snapshot
    bool current = false;           ///< the user's current postcode (the latest period, even when removed)
};

/// A user's pageviews in one period under the postcode they had then (a period spanning a move has
/// one row per postcode).
struct UserPageviews
{
    qint64 periodStart = 0;
    QString atTimePostcode;
    qint64 pageviews = 0;
};

/// One user's story: the postcodes they had and the pageviews they made. A read the database fails throws
/// StorageError.
class UserHistory
{
public:
    virtual ~UserHistory() = default;

    /// The user's postcode history ordered by valid from; empty for a user in no loaded snapshot
    /// (their pageviews count under UNKNOWN).
    virtual QList<UserPostcodePeriod> periods(qint64 userId) const = 0;

    /// The user's loaded pageviews per period of grain with the at-time postcode, ordered by period
    /// start then postcode.
    virtual QList<UserPageviews> pageviews(qint64 userId, Grain grain) const = 0;
};

} // namespace pv
