#pragma once

#include "storage/sqlite/sqlitebackend.h"
#include "storage/warehouse.h"

#include <QSqlDatabase>

#include <memory>

/// Test-only: a connection of its own to a warehouse's SQLite file, for tests that look at or tamper
/// with the stored tables directly. The product never does: it goes through the Warehouse's interfaces.
class RawSqlite
{
public:
    explicit RawSqlite(const pv::Warehouse &warehouse)
    {
        QString error;
        m_backend = pv::SqliteBackend::open(warehouse.path(), &error);
        if (!m_backend)
            qFatal("cannot open %s: %s", qPrintable(warehouse.path()), qPrintable(error));
    }
    QSqlDatabase database() const { return m_backend->database(); }
    sqlite3 *handle() const { return m_backend->handle(); }

private:
    std::unique_ptr<pv::SqliteBackend> m_backend;
};
