#pragma once

#include "core/basis.h"
#include "core/time.h"

#include <QDate>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace pv {

/// Pageview counts per period and postcode, on one basis, from the stored hourly aggregates.
struct ReportQuery
{
    Basis basis = Basis::Current;
    Grain grain = Grain::Day;
    std::optional<qint64> from;  ///< inclusive, on pageview time (seconds since the epoch)
    std::optional<qint64> to;    ///< exclusive
    QStringList postcodes;       ///< empty: every postcode
};

/// Pageviews of one postcode over a range.
struct PostcodeTotal
{
    QString postcode;
    qint64 pageviews = 0;
};

struct ReportRow
{
    qint64 periodStart = 0;
    QString postcode;
    qint64 pageviews = 0;
};

/// The one query path of charts, reports and the command line: counts from the stored hourly aggregates
/// (and their day rollups). Each storage engine answers it (storage/<engine>/).
class PageviewQuery
{
public:
    virtual ~PageviewQuery() = default;

    /// Rows with a count, ordered by period start then postcode. An hour counts when its start lies in
    /// [from, to). Fails (nullopt, *error set) on an invalid postcode in the filter or a database error.
    virtual std::optional<QList<ReportRow>> report(const ReportQuery &query, QString *error) const = 0;
    /// Pageviews per postcode over [from, to) on one basis, biggest first (ties by postcode), at most limit
    /// rows (-1 for all); only the given postcodes when the list is not empty.
    virtual std::optional<QList<PostcodeTotal>> totals(Basis basis, std::optional<qint64> from,
                                                       std::optional<qint64> to, int limit,
                                                       const QStringList &postcodes, QString *error) const = 0;
};

/// The postcodes of a filter as stored (normalised; "UNKNOWN" for users in no snapshot), without
/// repeats; nullopt with *error naming the first invalid one.
std::optional<QStringList> normalisedPostcodeFilter(const QStringList &postcodes, QString *error);

/// The hours a query's [from, to) covers: an hour counts when its start lies in the range; an open end is
/// an hour far outside any data.
qint64 firstHourFrom(std::optional<qint64> from);
qint64 endHourFrom(std::optional<qint64> to);

} // namespace pv
