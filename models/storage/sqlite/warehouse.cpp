#include "storage/sqlite/warehouse.h"

#include "storage/sqlite/loadrun.h"
#include "storage/sqlite/sqlitestatement.h"
#include "storage/sqlite/userdirectory.h"

#include <QAtomicInteger>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QVariant>

#include <sqlite3.h>

namespace pv {

namespace {
QAtomicInteger<quint64> connectionCounter;

/// The schema's numbered steps: SQL, then (for data SQL cannot build) a step in C++.
struct Migration
{
    const char *sql;
    void (*afterSql)(sqlite3 *db);
};
const Migration migrations[] = {
    {":/migrations/0001_initial.sql", nullptr},
    {":/migrations/0002_fact_segment_format.sql", nullptr},
    {":/migrations/0003_history_changes.sql", UserDirectory::rebuildFromHistory},
};

} // namespace

Warehouse::Warehouse() = default;

Warehouse::~Warehouse()
{
    close();
}

QString Warehouse::defaultPath()
{
    const QString fromEnv = qEnvironmentVariable("PVADMIN_DB");
    if (!fromEnv.isEmpty())
        return fromEnv;
    QString dir = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    if (dir.isEmpty())
        dir = QDir::homePath() + QStringLiteral("/.local/share");
    return dir + QStringLiteral("/pvadmin/warehouse.sqlite");
}

int Warehouse::latestSchemaVersion()
{
    return static_cast<int>(std::size(migrations));
}

bool Warehouse::open(const QString &path, QString *error)
{
    close();
    const QFileInfo info(path);
    if (!QDir().mkpath(info.absolutePath())) {
        *error = QStringLiteral("%1: cannot create the folder %2").arg(path, info.absolutePath());
        return false;
    }
    if (info.exists() && info.isFile() && info.size() > 0) {
        QFile file(path);
        if (file.open(QIODevice::ReadOnly) && !file.read(16).startsWith("SQLite format 3")) {
            *error = QStringLiteral("%1: not a warehouse (not an SQLite database)").arg(path);
            return false;
        }
    }
    m_connectionName = QStringLiteral("pvadmin-%1").arg(connectionCounter.fetchAndAddRelaxed(1));
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
    db.setDatabaseName(path);
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=30000"));
    if (!db.open()) {
        *error = QStringLiteral("%1: cannot open: %2").arg(path, db.lastError().text());
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_connectionName);
        m_connectionName.clear();
        return false;
    }
    m_path = path;
    try {
        sqliteExec(handle(), "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=OFF;"
                             "PRAGMA cache_size=-262144; PRAGMA temp_store=MEMORY;");
    } catch (const SqliteError &e) {
        *error = QStringLiteral("%1: %2").arg(path, e.message);
        close();
        return false;
    }
    if (!migrate(error)) {
        close();
        return false;
    }
    LoadRunLog(database()).markInterruptedRuns();
    return true;
}

void Warehouse::close()
{
    if (m_connectionName.isEmpty())
        return;
    {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
    m_connectionName.clear();
    m_path.clear();
}

bool Warehouse::isOpen() const
{
    return !m_connectionName.isEmpty();
}

QSqlDatabase Warehouse::database() const
{
    return QSqlDatabase::database(m_connectionName, false);
}

sqlite3 *Warehouse::handle() const
{
    const QVariant v = database().driver()->handle();
    if (qstrcmp(v.typeName(), "sqlite3*") != 0)
        return nullptr;
    return *static_cast<sqlite3 *const *>(v.data());
}

int Warehouse::schemaVersionIfPresent() const
{
    QSqlQuery q(database());
    if (q.exec(QStringLiteral("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'")) && q.next())
        return schemaVersion();
    return 0;
}

int Warehouse::schemaVersion() const
{
    QSqlQuery q(database());
    if (q.exec(QStringLiteral("SELECT MAX(version) FROM schema_migrations")) && q.next())
        return q.value(0).toInt();
    return 0;
}

bool Warehouse::migrate(QString *error)
{
    sqlite3 *db = handle();
    // Only take the write lock when there is something to migrate: opening to read must not wait for a load.
    if (schemaVersionIfPresent() == latestSchemaVersion())
        return true;
    try {
        sqliteExec(db, "BEGIN IMMEDIATE");
        sqliteExec(db, "CREATE TABLE IF NOT EXISTS schema_migrations ("
                       " version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)");
        const int current = schemaVersion();
        if (current > latestSchemaVersion()) {
            sqliteExec(db, "ROLLBACK");
            *error = QStringLiteral("%1: the warehouse is at schema version %2, newer than this pvadmin (%3); "
                                    "use a newer pvadmin")
                         .arg(m_path)
                         .arg(current)
                         .arg(latestSchemaVersion());
            return false;
        }
        for (int version = current + 1; version <= latestSchemaVersion(); ++version) {
            const Migration &migration = migrations[version - 1];
            QFile file(QString::fromLatin1(migration.sql));
            if (!file.open(QIODevice::ReadOnly))
                throw SqliteError{QStringLiteral("migration %1 is missing from the build").arg(version)};
            sqliteExec(db, file.readAll().constData());
            if (migration.afterSql)
                migration.afterSql(db);
            SqliteStatement record(db, "INSERT INTO schema_migrations (version, applied_at) "
                                       "VALUES (?, strftime('%Y-%m-%d %H:%M:%S', 'now'))");
            record.bind(1, version).execute();
        }
        sqliteExec(db, "COMMIT");
    } catch (const SqliteError &e) {
        if (!sqlite3_get_autocommit(db))
            sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
        *error = QStringLiteral("%1: cannot prepare the warehouse schema: %2").arg(m_path, e.message);
        return false;
    }
    return true;
}

QString Warehouse::setting(const QString &key, const QString &fallback) const
{
    QSqlQuery q(database());
    q.prepare(QStringLiteral("SELECT value FROM settings WHERE key = ?"));
    q.addBindValue(key);
    if (q.exec() && q.next())
        return q.value(0).toString();
    return fallback;
}

bool Warehouse::setSetting(const QString &key, const QString &value)
{
    QSqlQuery q(database());
    q.prepare(QStringLiteral("INSERT INTO settings (key, value) VALUES (?, ?) "
                             "ON CONFLICT (key) DO UPDATE SET value = excluded.value"));
    q.addBindValue(key);
    q.addBindValue(value);
    return q.exec();
}

double Warehouse::defaultMaxRejectPercent() const
{
    bool ok = false;
    const double value = setting(QStringLiteral("max_reject_percent")).toDouble(&ok);
    return ok ? value : 1.0;
}

double Warehouse::removalGuardPercent() const
{
    bool ok = false;
    const double value = setting(QStringLiteral("removal_guard_percent")).toDouble(&ok);
    return ok ? value : 5.0;
}

} // namespace pv
