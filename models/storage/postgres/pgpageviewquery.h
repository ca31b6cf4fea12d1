#pragma once

#include "storage/aggregatepageviewquery.h"

typedef struct pg_conn PGconn;

namespace pv {

/// PageviewQuery on PostgreSQL: each table read in one statement, the buckets of a postcode's rows
/// walked by the server in one index scan (a descent a bucket and postcode) rather than a round trip each.
class PgPageviewQuery final : public AggregatePageviewQuery
{
public:
    explicit PgPageviewQuery(PGconn *conn);

private:
    std::optional<qint64> postcodeId(const QString &postcode) const override;
    QHash<qint64, QString> postcodeTexts(const QList<qint64> &ids) const override;
    void scan(const AggregateTable &table, qint64 from, qint64 to, const QList<qint64> *postcodeIds,
              const CountVisitor &visit) const override;

    PGconn *m_conn;
};

} // namespace pv
