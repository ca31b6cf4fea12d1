#include "storage/sqlite/sqlitechangewatcher.h"

#include "storage/sqlite/sqlitestatement.h"

#include <sqlite3.h>

namespace pv {

std::unique_ptr<SqliteChangeWatcher> SqliteChangeWatcher::open(const QString &path, QString *error)
{
    sqlite3 *db = nullptr;
    const int rc = sqlite3_open_v2(path.toUtf8().constData(), &db, SQLITE_OPEN_READONLY, nullptr);
    if (rc != SQLITE_OK) {
        *error = QStringLiteral("%1: cannot watch for changes: %2").arg(path, QString::fromUtf8(sqlite3_errstr(rc)));
        sqlite3_close(db);
        return nullptr;
    }
    sqlite3_busy_timeout(db, 1000);
    return std::unique_ptr<SqliteChangeWatcher>(new SqliteChangeWatcher(db));
}

SqliteChangeWatcher::SqliteChangeWatcher(sqlite3 *db)
    : m_db(db)
{
    m_version = dataVersion();
    connect(&m_timer, &QTimer::timeout, this, &SqliteChangeWatcher::poll);
    m_timer.start(500);
}

SqliteChangeWatcher::~SqliteChangeWatcher()
{
    sqlite3_close(m_db);
}

qint64 SqliteChangeWatcher::dataVersion() const
{
    try {
        SqliteStatement version(m_db, "PRAGMA data_version");
        return version.step() ? version.int64(0) : -1;
    } catch (const StorageError &) {
        return -1; // busy or gone for a moment: asked again at the next tick
    }
}

void SqliteChangeWatcher::poll()
{
    const qint64 version = dataVersion();
    if (version < 0 || version == m_version)
        return;
    m_version = version;
    emit changed();
}

} // namespace pv
