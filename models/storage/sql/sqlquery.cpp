#include "storage/sql/sqlquery.h"

#include <QSqlDriver>
#include <QSqlError>

namespace pv {

namespace {
[[noreturn]] void fail(const QSqlQuery &query)
{
    // One line: PostgreSQL's driver adds the severity, the statement excerpt and a caret on lines of their own.
    const QSqlError error = query.lastError();
    QString reason = (error.databaseText().isEmpty() ? error.text() : error.databaseText()).trimmed();
    reason = reason.section(QLatin1Char('\n'), 0, 0).trimmed();
    if (reason.startsWith(QLatin1String("ERROR:")))
        reason = reason.mid(6).trimmed();
    // A connection the server ended (a restart, a terminated backend) is closed by the driver, which then
    // fails every statement without a word: the reason is said here, never an empty one.
    if (reason.isEmpty())
        reason = query.driver() && query.driver()->isOpen() ? QStringLiteral("the database gave no reason")
                                                            : QStringLiteral("no connection to the server (it was closed, or the server ended it)");
    throw StorageError{reason};
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
