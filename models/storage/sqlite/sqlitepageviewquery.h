#pragma once

#include "query/pageviewquery.h"

struct sqlite3;

namespace pv {

/// PageviewQuery on SQLite: scans the hourly aggregates (whole days from the day rollups) with native
/// statements and groups the counts into periods in memory.
class SqlitePageviewQuery final : public PageviewQuery
{
public:
    explicit SqlitePageviewQuery(sqlite3 *db);

    std::optional<QList<ReportRow>> report(const ReportQuery &query, QString *error) const override;
    std::optional<QList<PostcodeTotal>> totals(Basis basis, std::optional<qint64> from, std::optional<qint64> to,
                                               int limit, const QStringList &postcodes, QString *error) const override;

private:
    struct Filter;
    std::optional<Filter> filter(const QStringList &postcodes, QString *error) const;
    /// Calls visit(hour, postcodeId, views) for every stored count in [fromHour, toHour); with a grain of a
    /// day or more, whole days come from the day rollups (visited at the day's first hour).
    template<typename Visit>
    bool forEachCount(Basis basis, Grain grain, qint64 fromHour, qint64 toHour, const Filter &filter,
                      QString *error, Visit visit) const;
    QHash<qint64, QString> postcodeTexts(const QList<qint64> &ids) const;

    sqlite3 *m_db;
};

} // namespace pv
