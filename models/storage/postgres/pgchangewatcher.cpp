#include "storage/postgres/pgchangewatcher.h"

#include "storage/postgres/pgconnection.h"

#include <libpq-fe.h>

namespace pv {

namespace {
constexpr int retryMs = 500;
constexpr int attemptMs = 10000;

std::string listenStatement()
{
    return std::string("LISTEN ") + pgChangesChannel;
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
        pgExec(conn, listenStatement().c_str());
    } catch (const StorageError &e) {
        *error = QStringLiteral("cannot watch for changes: %1").arg(e.message);
        PQfinish(conn);
        return nullptr;
    }
    return std::unique_ptr<PgChangeWatcher>(new PgChangeWatcher(conn, conninfo));
}

PgChangeWatcher::PgChangeWatcher(PGconn *conn, const QString &conninfo)
    : m_conninfo(conninfo)
    , m_conn(conn)
{
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &PgChangeWatcher::startConnecting);
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, &PgChangeWatcher::connectionLost);
    wakeOnSocket(QSocketNotifier::Read, &PgChangeWatcher::readNotices);
}

PgChangeWatcher::~PgChangeWatcher()
{
    m_notifier.reset();
    PQfinish(m_conn);
}

void PgChangeWatcher::wakeOnSocket(QSocketNotifier::Type type, void (PgChangeWatcher::*then)())
{
    // The notifier that woke this call may be the one replaced: it goes once control is back in the loop.
    if (m_notifier) {
        m_notifier->setEnabled(false);
        m_notifier.release()->deleteLater();
    }
    m_notifier = std::make_unique<QSocketNotifier>(PQsocket(m_conn), type);
    connect(m_notifier.get(), &QSocketNotifier::activated, this, then);
}

void PgChangeWatcher::readNotices()
{
    if (!PQconsumeInput(m_conn) || PQstatus(m_conn) != CONNECTION_OK) {
        connectionLost();
        return;
    }
    bool any = false;
    // A new connection's answer to LISTEN: once it is in, the watch is back.
    while (m_awaitingListen && !PQisBusy(m_conn)) {
        PGresult *result = PQgetResult(m_conn);
        if (!result) {
            m_awaitingListen = false;
            m_deadline.stop();
            any = true; // whatever committed while nobody listened was not heard: the screens read again
            break;
        }
        const bool listening = PQresultStatus(result) == PGRES_COMMAND_OK;
        PQclear(result);
        if (!listening) {
            connectionLost();
            return;
        }
    }
    while (PGnotify *notice = PQnotifies(m_conn)) {
        any = true;
        PQfreemem(notice);
    }
    if (any)
        emit changed();
}

void PgChangeWatcher::connectionLost()
{
    if (m_notifier) {
        m_notifier->setEnabled(false);
        m_notifier.release()->deleteLater();
    }
    PQfinish(m_conn);
    m_conn = nullptr;
    m_awaitingListen = false;
    m_deadline.stop();
    m_retry.start(retryMs);
}

void PgChangeWatcher::startConnecting()
{
    m_conn = PQconnectStart(m_conninfo.toUtf8().constData());
    if (!m_conn || PQstatus(m_conn) == CONNECTION_BAD) {
        connectionLost();
        return;
    }
    m_deadline.start(attemptMs);
    // libpq's protocol: after PQconnectStart, wait until the socket can be written, then poll.
    wakeOnSocket(QSocketNotifier::Write, &PgChangeWatcher::continueConnecting);
}

void PgChangeWatcher::continueConnecting()
{
    switch (PQconnectPoll(m_conn)) {
    case PGRES_POLLING_FAILED:
        connectionLost();
        return;
    case PGRES_POLLING_READING:
        wakeOnSocket(QSocketNotifier::Read, &PgChangeWatcher::continueConnecting);
        return;
    case PGRES_POLLING_WRITING:
        wakeOnSocket(QSocketNotifier::Write, &PgChangeWatcher::continueConnecting);
        return;
    default:
        break;
    }
    // Connected: LISTEN is sent without waiting for its answer, which readNotices() takes.
    if (!PQsendQuery(m_conn, listenStatement().c_str())) {
        connectionLost();
        return;
    }
    m_awaitingListen = true;
    wakeOnSocket(QSocketNotifier::Read, &PgChangeWatcher::readNotices);
}

} // namespace pv
