#pragma once

#include "storage/warehousechanges.h"

#include <QTimer>

struct sqlite3;

namespace pv {

/// Watches a SQLite warehouse: PRAGMA data_version on a read-only connection of its own changes exactly
/// when another connection commits.
class SqliteChangeWatcher final : public WarehouseChangeWatcher
{
    Q_OBJECT
public:
    static std::unique_ptr<SqliteChangeWatcher> open(const QString &path, QString *error);
    ~SqliteChangeWatcher() override;

private:
    explicit SqliteChangeWatcher(sqlite3 *db);
    qint64 dataVersion() const;
    void poll();

    sqlite3 *m_db;
    qint64 m_version = -1;
    QTimer m_timer;
};

} // namespace pv
