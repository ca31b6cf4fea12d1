#pragma once

#include "core/basis.h"
#include "core/time.h"

#include <QDate>
#include <QHash>
#include <QList>
#include <QSqlDatabase>
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

/// The one query path of charts, reports and the command line.
class PageviewQuery
{
public:
    explicit PageviewQuery(QSqlDatabase db);

    /// Rows with a count, ordered by period start then postcode. An hour counts when its start lies in
    /// [from, to). Fails (nullopt, *error set) on an invalid postcode in the filter.
    std::optional<QList<ReportRow>> report(const ReportQuery &query, QString *error) const;

    /// Pageviews per postcode over [from, to) on one basis, biggest first (ties by postcode), at most limit
    /// rows (-1 for all); only the given postcodes when the list is not empty.
    std::optional<QList<PostcodeTotal>> totals(Basis basis, std::optional<qint64> from, std::optional<qint64> to,
                                               int limit, const QStringList &postcodes, QString *error) const;

private:
    struct Filter;
    std::optional<Filter> filter(const QStringList &postcodes, QString *error) const;
    /// Calls visit(hour, postcodeId, views) for every stored count in [fromHour, toHour); with a grain of a
    /// day or more, whole days come from the day rollups (visited at the day's first hour).
    template<typename Visit>
    bool forEachCount(Basis basis, Grain grain, qint64 fromHour, qint64 toHour, const Filter &filter,
                      QString *error, Visit visit) const;
    QHash<qint64, QString> postcodeTexts(const QList<qint64> &ids) const;

    QSqlDatabase m_db;
};

} // namespace pv
