#include "storage/postgres/pgpageviewquery.h"

#include "storage/postgres/pgconnection.h"

#include <algorithm>

namespace pv {

namespace {
std::string arrayOf(const QList<qint64> &ids)
{
    std::string text = "{";
    for (qint64 id : ids) {
        if (text.size() > 1)
            text += ',';
        text += std::to_string(id);
    }
    return text + '}';
}
} // namespace

PgPageviewQuery::PgPageviewQuery(PGconn *conn)
    : m_conn(conn)
{
}

std::optional<qint64> PgPageviewQuery::postcodeId(const QString &postcode) const
{
    const PgResult id = pgQuery(m_conn, "SELECT id FROM postcodes WHERE postcode = $1", PgParams().add(postcode));
    return id.rows() ? std::optional<qint64>(id.int64(0, 0)) : std::nullopt;
}

QHash<qint64, QString> PgPageviewQuery::postcodeTexts(const QList<qint64> &ids) const
{
    QHash<qint64, QString> texts;
    if (ids.isEmpty())
        return texts;
    const PgResult rows = pgQuery(m_conn, "SELECT id, postcode FROM postcodes WHERE id = ANY($1::bigint[])",
                                  PgParams().add(arrayOf(ids)), true);
    for (int row = 0; row < rows.rows(); ++row)
        texts.insert(rows.int64(row, 0), rows.text(row, 1));
    return texts;
}

void PgPageviewQuery::scan(const AggregateTable &table, qint64 from, qint64 to, const QList<qint64> *postcodeIds,
                           const CountVisitor &visit) const
{
    const QString name = QLatin1String(table.name), period = QLatin1String(table.period);
    const auto read = [&](const PgResult &rows) {
        for (int row = 0; row < rows.rows(); ++row)
            visit(rows.int64(row, 0), rows.int64(row, 1), rows.int64(row, 2));
    };
    if (!postcodeIds) {
        const QByteArray sql =
            QStringLiteral("SELECT %2, postcode_id, views FROM %1 WHERE %2 >= $1 AND %2 < $2").arg(name, period).toUtf8();
        read(pgQuery(m_conn, sql.constData(), PgParams().add(from).add(to), true));
        return;
    }
    // Only the buckets that hold rows: an open range ends at the table's first and last period.
    const QByteArray boundsSql = QStringLiteral("SELECT MIN(%2), MAX(%2) FROM %1").arg(name, period).toUtf8();
    const PgResult bounds = pgQuery(m_conn, boundsSql.constData(), {}, true);
    if (bounds.isNull(0, 0))
        return;
    from = std::max(from, bounds.int64(0, 0));
    to = std::min(to, bounds.int64(0, 1) + 1);
    if (from >= to)
        return;
    // The index leads with period / bucket (integer division truncates, as in C++): one index scan walks
    // every (bucket, postcode) pair of the two arrays, a descent each (a nested loop of scans, one per pair,
    // took half as long again: 7,320 pairs for 20 postcodes over a year).
    QList<qint64> buckets;
    for (qint64 b = from / table.bucket; b <= (to - 1) / table.bucket; ++b)
        buckets << b;
    const QByteArray sql = QStringLiteral("SELECT %2, postcode_id, views FROM %1 WHERE %2 / %3 = ANY($3::bigint[]) "
                                          "AND postcode_id = ANY($4::bigint[]) AND %2 >= $1 AND %2 < $2")
                               .arg(name, period)
                               .arg(table.bucket)
                               .toUtf8();
    read(pgQuery(m_conn, sql.constData(), PgParams().add(from).add(to).add(arrayOf(buckets)).add(arrayOf(*postcodeIds)), true));
}

} // namespace pv
