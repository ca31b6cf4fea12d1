#include "storage/sqlite/sqlitepageviewquery.h"

#include "storage/sqlite/sqlitestatement.h"

#include <algorithm>

namespace pv {

SqlitePageviewQuery::SqlitePageviewQuery(sqlite3 *db)
    : m_db(db)
{
}

std::optional<qint64> SqlitePageviewQuery::postcodeId(const QString &postcode) const
{
    SqliteStatement select(m_db, "SELECT id FROM postcodes WHERE postcode = ?");
    const QByteArray utf8 = postcode.toUtf8();
    select.bind(1, std::string_view(utf8.constData(), size_t(utf8.size())));
    return select.step() ? std::optional<qint64>(select.int64(0)) : std::nullopt;
}

QHash<qint64, QString> SqlitePageviewQuery::postcodeTexts(const QList<qint64> &ids) const
{
    QHash<qint64, QString> texts;
    SqliteStatement select(m_db, "SELECT postcode FROM postcodes WHERE id = ?");
    for (qint64 id : ids) {
        if (select.bind(1, id).step())
            texts.insert(id, select.text(0));
        select.reset();
    }
    return texts;
}

void SqlitePageviewQuery::scan(const AggregateTable &table, qint64 from, qint64 to, const QList<qint64> *postcodeIds,
                               const CountVisitor &visit) const
{
    const QString name = QLatin1String(table.name), period = QLatin1String(table.period);
    const QByteArray sql = (!postcodeIds
        ? QStringLiteral("SELECT %2, postcode_id, views FROM %1 WHERE %2 >= ?1 AND %2 < ?2").arg(name, period)
        : QStringLiteral("SELECT %2, postcode_id, views FROM %1 WHERE %2 / %3 = ?4 AND postcode_id = ?3 "
                         "AND %2 >= ?1 AND %2 < ?2")
              .arg(name, period)
              .arg(table.bucket)).toUtf8();
    SqliteStatement select(m_db, sql.constData());
    const auto read = [&] {
        while (select.step())
            visit(select.int64(0), select.int64(1), select.int64(2));
        select.reset();
    };
    if (!postcodeIds) {
        select.bind(1, from).bind(2, to);
        read();
        return;
    }
    // Only the buckets that hold rows: an open range ends at the table's first and last period.
    // Two subqueries: MIN and MAX side by side would scan the table instead of reading its two ends.
    SqliteStatement bounds(m_db, QStringLiteral("SELECT (SELECT MIN(%2) FROM %1), (SELECT MAX(%2) FROM %1)")
                                     .arg(name, period)
                                     .toUtf8()
                                     .constData());
    if (!bounds.step() || bounds.isNull(0))
        return;
    from = std::max(from, bounds.int64(0));
    to = std::min(to, bounds.int64(1) + 1);
    // SQLite's integer division truncates, as C++'s does: the buckets of [from, to) run from from / bucket
    // to (to - 1) / bucket.
    for (qint64 id : *postcodeIds)
        for (qint64 b = from / table.bucket; b <= (to - 1) / table.bucket; ++b) {
            select.bind(1, from).bind(2, to).bind(3, id).bind(4, b);
            read();
        }
}

} // namespace pv
