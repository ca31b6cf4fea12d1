#include "storage/sql/sqlquery.h"

#include <QSqlError>

namespace pv {

namespace {
[[noreturn]] void fail(const QSqlQuery &query)
{
    const QSqlError error = query.lastError();
    throw StorageError{error.databaseText().isEmpty() ? error.text() : error.databaseText()};
}
} // namespace

SqlQuery::SqlQuery(const QSqlDatabase &db, const QString &sql, const QVariantList &binds)
    : m_query(db)
{
    m_query.setForwardOnly(true);
    if (!m_query.prepare(sql))
        fail(m_query);
    for (const QVariant &bind : binds)
        m_query.addBindValue(bind);
    if (!m_query.exec())
        fail(m_query);
}

bool SqlQuery::next()
{
    if (m_query.next())
        return true;
    if (m_query.lastError().isValid())
        fail(m_query);
    return false;
}

} // namespace pv
