#pragma once

#include "storage/aggregatepageviewquery.h"

struct sqlite3;

namespace pv {

/// PageviewQuery on SQLite: the aggregates read with native statements, one seek per bucket.
class SqlitePageviewQuery final : public AggregatePageviewQuery
{
public:
    explicit SqlitePageviewQuery(sqlite3 *db);

private:
    std::optional<qint64> postcodeId(const QString &postcode) const override;
    QHash<qint64, QString> postcodeTexts(const QList<qint64> &ids) const override;
    void scan(const AggregateTable &table, qint64 from, qint64 to, const QList<qint64> *postcodeIds,
              const CountVisitor &visit) const override;

    sqlite3 *m_db;
};

} // namespace pv
