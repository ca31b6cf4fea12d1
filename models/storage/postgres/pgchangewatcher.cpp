#include "storage/postgres/pgchangewatcher.h"

#include "storage/postgres/pgconnection.h"

#include <libpq-fe.h>

namespace pv {

std::unique_ptr<PgChangeWatcher> PgChangeWatcher::open(const QString &conninfo, QString *error)
{
    PGconn *conn = PQconnectdb(conninfo.toUtf8().constData());
    if (PQstatus(conn) != CONNECTION_OK) {
        *error = QStringLiteral("cannot watch for changes: %1").arg(QString::fromUtf8(PQerrorMessage(conn)).trimmed());
        PQfinish(conn);
        return nullptr;
    }
    try {
        pgExec(conn, (std::string("LISTEN ") + pgChangesChannel).c_str());
    } catch (const StorageError &e) {
        *error = QStringLiteral("cannot watch for changes: %1").arg(e.message);
        PQfinish(conn);
        return nullptr;
    }
    return std::unique_ptr<PgChangeWatcher>(new PgChangeWatcher(conn));
}

PgChangeWatcher::PgChangeWatcher(PGconn *conn)
    : m_conn(conn)
    , m_notifier(std::make_unique<QSocketNotifier>(PQsocket(conn), QSocketNotifier::Read))
{
    connect(m_notifier.get(), &QSocketNotifier::activated, this, &PgChangeWatcher::readNotices);
}

PgChangeWatcher::~PgChangeWatcher()
{
    m_notifier.reset();
    PQfinish(m_conn);
}

void PgChangeWatcher::readNotices()
{
    if (!PQconsumeInput(m_conn)) {
        // The server went away: stop listening rather than spin on a dead socket.
        m_notifier->setEnabled(false);
        return;
    }
    bool any = false;
    while (PGnotify *notice = PQnotifies(m_conn)) {
        any = true;
        PQfreemem(notice);
    }
    if (any)
        emit changed();
}

} // namespace pv
