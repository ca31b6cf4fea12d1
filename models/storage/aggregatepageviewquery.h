#pragma once

#include "query/pageviewquery.h"

#include <QHash>

#include <functional>
#include <optional>

namespace pv {

/// One aggregate table at one grain (migration 0004's layout, the same in every engine).
struct AggregateTable
{
    const char *name;   ///< e.g. views_at_time_hourly
    const char *period; ///< its period column: hour or day
    qint64 bucket;      ///< periods per bucket leading its postcode index: 24 hours, 32 days
};

/// PageviewQuery over the stored aggregates, for every engine: scans the hourly tables (whole days from
/// the day rollups) and groups the counts into periods in memory. An engine answers three reads; each
/// throws StorageError.
class AggregatePageviewQuery : public PageviewQuery
{
public:
    std::optional<QList<ReportRow>> report(const ReportQuery &query, QString *error) const override;
    std::optional<QList<PostcodeTotal>> totals(Basis basis, std::optional<qint64> from, std::optional<qint64> to,
                                               int limit, const QStringList &postcodes, QString *error) const override;

protected:
    using CountVisitor = std::function<void(qint64 period, qint64 postcodeId, qint64 views)>;
    /// The id of a stored postcode (normalised text), or nullopt.
    virtual std::optional<qint64> postcodeId(const QString &postcode) const = 0;
    virtual QHash<qint64, QString> postcodeTexts(const QList<qint64> &ids) const = 0;
    /// Calls visit for every row of table with a period in [from, to): of every postcode when postcodeIds
    /// is null, else of those only, read bucket by bucket through the table's postcode index.
    virtual void scan(const AggregateTable &table, qint64 from, qint64 to, const QList<qint64> *postcodeIds,
                      const CountVisitor &visit) const = 0;

private:
    struct Filter;
    std::optional<Filter> filter(const QStringList &postcodes, QString *error) const;
    /// Calls visit(hour, postcodeId, views) for every stored count in [fromHour, toHour); with a grain of a
    /// day or more, whole days come from the day rollups (visited at the day's first hour).
    bool forEachCount(Basis basis, Grain grain, qint64 fromHour, qint64 toHour, const Filter &filter, QString *error,
                      const CountVisitor &visit) const;
};

} // namespace pv
