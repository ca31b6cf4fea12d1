#include "storage/postgres/pgchangewatcher.h"

#include "storage/postgres/pgconnection.h"

#include <libpq-fe.h>

namespace pv {

namespace {
constexpr int retryMs = 500;
constexpr int connectPollMs = 50;

void listen(PGconn *conn)
{
    pgExec(conn, (std::string("LISTEN ") + pgChangesChannel).c_str());
}
} // namespace

std::unique_ptr<PgChangeWatcher> PgChangeWatcher::open(const QString &conninfo, QString *error)
{
    PGconn *conn = PQconnectdb(conninfo.toUtf8().constData());
    if (PQstatus(conn) != CONNECTION_OK) {
        *error = QStringLiteral("cannot watch for changes: %1").arg(QString::fromUtf8(PQerrorMessage(conn)).trimmed());
        PQfinish(conn);
        return nullptr;
    }
    try {
        listen(conn);
    } catch (const StorageError &e) {
        *error = QStringLiteral("cannot watch for changes: %1").arg(e.message);
        PQfinish(conn);
        return nullptr;
    }
    return std::unique_ptr<PgChangeWatcher>(new PgChangeWatcher(conn, conninfo));
}

PgChangeWatcher::PgChangeWatcher(PGconn *conn, const QString &conninfo)
    : m_conninfo(conninfo)
{
    m_reconnect.setSingleShot(true);
    listenOn(conn);
}

PgChangeWatcher::~PgChangeWatcher()
{
    m_notifier.reset();
    PQfinish(m_conn);
}

void PgChangeWatcher::listenOn(PGconn *conn)
{
    m_conn = conn;
    m_notifier = std::make_unique<QSocketNotifier>(PQsocket(conn), QSocketNotifier::Read);
    connect(m_notifier.get(), &QSocketNotifier::activated, this, &PgChangeWatcher::readNotices);
}

void PgChangeWatcher::readNotices()
{
    if (!PQconsumeInput(m_conn) || PQstatus(m_conn) != CONNECTION_OK) {
        connectionLost();
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

void PgChangeWatcher::connectionLost()
{
    m_notifier.reset();
    PQfinish(m_conn);
    m_conn = nullptr;
    m_reconnect.disconnect();
    connect(&m_reconnect, &QTimer::timeout, this, &PgChangeWatcher::startConnecting);
    m_reconnect.start(retryMs);
}

void PgChangeWatcher::startConnecting()
{
    // Non-blocking: a server that does not answer never freezes the thread the watcher lives in.
    m_conn = PQconnectStart(m_conninfo.toUtf8().constData());
    if (!m_conn || PQstatus(m_conn) == CONNECTION_BAD) {
        connectionLost();
        return;
    }
    m_reconnect.disconnect();
    connect(&m_reconnect, &QTimer::timeout, this, &PgChangeWatcher::continueConnecting);
    m_reconnect.start(connectPollMs);
}

void PgChangeWatcher::continueConnecting()
{
    switch (PQconnectPoll(m_conn)) {
    case PGRES_POLLING_FAILED:
        connectionLost();
        return;
    case PGRES_POLLING_OK:
        break;
    default:
        m_reconnect.start(connectPollMs);
        return;
    }
    try {
        listen(m_conn);
    } catch (const StorageError &) {
        connectionLost();
        return;
    }
    listenOn(m_conn);
    // Whatever committed while nobody listened was not heard: the screens read again.
    emit changed();
}

} // namespace pv
