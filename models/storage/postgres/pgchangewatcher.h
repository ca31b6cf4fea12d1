#pragma once

#include "storage/warehousechanges.h"

#include <QSocketNotifier>
#include <QTimer>

#include <memory>

typedef struct pg_conn PGconn;

namespace pv {

/// The channel every load on PostgreSQL notifies in its transaction, delivered when it commits.
inline constexpr const char *pgChangesChannel = "pvadmin_changes";

/// Watches a PostgreSQL warehouse: LISTEN on a connection of its own; the connection's socket wakes it.
/// When the connection is lost (the server restarted, the backend was terminated) it connects again every
/// half second, driven by its socket so the thread it lives in (the GUI's) never waits on the network
/// (only a host name's look-up blocks, as libpq does it), and then says the warehouse changed: commits made
/// meanwhile sent notices nobody heard.
class PgChangeWatcher final : public WarehouseChangeWatcher
{
    Q_OBJECT
public:
    static std::unique_ptr<PgChangeWatcher> open(const QString &conninfo, QString *error);
    ~PgChangeWatcher() override;

private:
    PgChangeWatcher(PGconn *conn, const QString &conninfo);
    /// Wakes on conn's socket for reading (or writing), calling then.
    void wakeOnSocket(QSocketNotifier::Type type, void (PgChangeWatcher::*then)());
    void readNotices();
    void connectionLost();
    void startConnecting();
    void continueConnecting();

    QString m_conninfo;
    PGconn *m_conn = nullptr;
    std::unique_ptr<QSocketNotifier> m_notifier;
    QTimer m_retry;    ///< the next attempt after a lost connection
    QTimer m_deadline; ///< gives up an attempt that takes too long
    bool m_awaitingListen = false; ///< LISTEN sent on a new connection, its answer not read yet
};

} // namespace pv
