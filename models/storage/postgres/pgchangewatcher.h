#pragma once

#include "storage/warehousechanges.h"

#include <QSocketNotifier>

#include <memory>

typedef struct pg_conn PGconn;

namespace pv {

/// The channel every load on PostgreSQL notifies in its transaction, delivered when it commits.
inline constexpr const char *pgChangesChannel = "pvadmin_changes";

/// Watches a PostgreSQL warehouse: LISTEN on a connection of its own; the connection's socket wakes it.
class PgChangeWatcher final : public WarehouseChangeWatcher
{
    Q_OBJECT
public:
    static std::unique_ptr<PgChangeWatcher> open(const QString &conninfo, QString *error);
    ~PgChangeWatcher() override;

private:
    explicit PgChangeWatcher(PGconn *conn);
    void readNotices();

    PGconn *m_conn;
    std::unique_ptr<QSocketNotifier> m_notifier;
};

} // namespace pv
