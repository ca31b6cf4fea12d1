#include "storage/sqlite/sqlitebackend.h"
#include "core/heldfiles.h"
#include "storage/warehouse.h"

#include "storage/sqlite/sqlitecheck.h"
#include "storage/sqlite/sqlitestats.h"
#include "storage/sqlite/sqlitetablecopy.h"
#include "storage/sql/sqlcoverage.h"
#include "storage/sqlite/sqliteloadstore.h"
#include "storage/sqlite/sqlitepageviewquery.h"
#include "storage/sql/sqlpostcodedirectory.h"
#include "storage/sql/sqlrunlog.h"
#include "storage/sqlite/factstore.h"
#include "storage/sqlite/sqliterunlog.h"
#include "storage/sqlite/sqlitestatement.h"
#include "storage/sql/sqluserhistory.h"
#include "storage/sqlite/userdirectoryblocks.h"

#include <QAtomicInteger>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrl>
#include <QVariant>

#include <sqlite3.h>

#include <algorithm>
#include <optional>

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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
    {":/migrations/0003_history_changes.sql", rebuildUserDirectoryFromHistory},
    {":/migrations/0004_aggregate_buckets.sql", nullptr},
    {":/migrations/0005_bi_views.sql", nullptr},
    {":/migrations/0006_postcode_seals.sql", sealStoredPostcodes},
};

/// Creates the folder and any missing parents for the owner alone (0700), whatever the umask: a warehouse
/// holds personal data, and its new file is 0600 for the same reason. Folders already there are left as they are.
bool createOwnersFolder(const QString &folder)
{
    if (QFileInfo(folder).isDir())
        return true;
    const QString parent = QFileInfo(folder).absolutePath();
    if (parent != folder && !createOwnersFolder(parent))
        return false;
    const QByteArray name = QFile::encodeName(folder);
    if (::mkdir(name.constData(), S_IRWXU) != 0)
        return errno == EEXIST; // another process made it meanwhile: theirs, as it is
    return ::chmod(name.constData(), S_IRWXU) == 0; // the umask may have taken bits away; it adds none
}

/// SQLite gives a new -wal and -shm the database file's permissions, and keeps them. After a chmod of the
/// database (a warehouse read while 0400, then made 0600) they would keep the old ones, and every load would
/// fail "attempt to write a readonly database" until the -shm was deleted by hand. The owner's -wal and -shm
/// take the database's permissions again. (A chmod touches no lock and no byte of them.)
void alignJournalModes(const QString &path)
{
    // A folder this user cannot write is read as it is on disk (readAsItIsOnDisk): nothing there is changed.
    struct stat database;
    if (::access(QFile::encodeName(QFileInfo(path).absolutePath()).constData(), W_OK) != 0
        || ::stat(QFile::encodeName(path).constData(), &database) != 0)
        return;
    for (const char *suffix : {"-wal", "-shm"}) {
        const QByteArray journal = QFile::encodeName(path) + suffix;
        struct stat st;
        if (::stat(journal.constData(), &st) == 0 && st.st_uid == ::geteuid()
            && (st.st_mode & 0777) != (database.st_mode & 0777))
            ::chmod(journal.constData(), database.st_mode & 0777);
    }
}

/// Whether the warehouse at info is to be read as it is on disk (immutable, read-only) because its folder
/// cannot be written (a read-only mount, a folder shared for reading, a copy on a backup volume): SQLite
/// reads a WAL database through -wal and -shm files beside it, which it could not create there. That is
/// safe only while no client has it open (no -shm file) and no -wal file holds changes. nullopt (with
/// *error) when the file cannot be read at all.
std::optional<bool> readAsItIsOnDisk(const QFileInfo &info, QString *error)
{
    if (!info.exists() || ::access(QFile::encodeName(info.absolutePath()).constData(), W_OK) == 0)
        return false;
    const QString path = info.filePath();
    const QFileInfo wal(path + QStringLiteral("-wal"));
    const QFileInfo shm(path + QStringLiteral("-shm"));
    // No -shm file: no client has the warehouse open (each makes one), so the file holds every change.
    if (!shm.exists() && (!wal.exists() || wal.size() == 0))
        return true;
    // A client's files are there (one may be writing): SQLite reads through them, read-only, when it may
    // read the -shm file; reading the file alone could miss or tear what that client writes.
    if (shm.isReadable())
        return false;
    *error = QStringLiteral("%1: cannot read: another client has it open or a load did not finish (%2 is there), "
                            "and reading it needs %3, which this user can neither read nor create in %4; read it "
                            "as a user who may write that folder")
                 .arg(path, wal.fileName(), info.fileName() + QStringLiteral("-shm"),
                      QDir::toNativeSeparators(info.absolutePath()));
    return std::nullopt;
}

/// Whether the last failure on db was for want of room: on the disk, in the user's quota, or under the
/// process's limit on the size of the files it writes (ulimit -f).
bool lacksRoom(sqlite3 *db)
{
    const int code = sqlite3_errcode(db) & 0xff;
    const int systemError = sqlite3_system_errno(db);
    return code == SQLITE_FULL
        || (code == SQLITE_IOERR && (systemError == ENOSPC || systemError == EDQUOT || systemError == EFBIG));
}

} // namespace

SqliteBackend::SqliteBackend(const QString &path, const QString &connectionName)
    : m_path(path)
    , m_connectionName(connectionName)
{
}

SqliteBackend::~SqliteBackend()
{
    m_runLog.reset();
    m_pageviews.reset();
    m_userHistory.reset();
    m_postcodes.reset();
    m_coverage.reset();
    {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
}

int SqliteBackend::latestSchemaVersion() const
{
    return static_cast<int>(std::size(migrations));
}

std::unique_ptr<SqliteBackend> SqliteBackend::open(const QString &path, QString *error, bool markInterrupted,
                                                   bool mustExist)
{
    const QFileInfo info(path);
    if (!createOwnersFolder(info.absolutePath())) {
        *error = QStringLiteral("%1: cannot create the folder %2: %3").arg(path, info.absolutePath(), QString::fromLocal8Bit(std::strerror(errno)));
        return nullptr;
    }
    alignJournalModes(path);
    // An existing file is touched only through SQLite: on Linux closing any descriptor of the database file
    // drops every POSIX lock this process's connections hold on it (another thread's screen included), and the
    // next client would then take itself for the last one and checkpoint and delete the WAL under them. So no
    // header probe: a file that is not a database is told by SQLite itself.
    if (!info.exists()) {
        // Pageviews by user are personal data: a new warehouse is its owner's alone, whatever the umask (SQLite
        // gives its -wal and -shm files the database file's permissions). A new file is a new inode: no
        // connection of this process holds a lock on it for the close to drop.
        const int fd = ::open(QFile::encodeName(path).constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, S_IRUSR | S_IWUSR);
        if (fd < 0 && errno != EEXIST) {
            *error = QStringLiteral("%1: cannot create: %2").arg(path, QString::fromLocal8Bit(std::strerror(errno)));
            return nullptr;
        }
        if (fd >= 0)
            ::close(fd);
    }
    const std::optional<bool> asItIsOnDisk = readAsItIsOnDisk(info, error);
    if (!asItIsOnDisk)
        return nullptr;
    Access access = *asItIsOnDisk ? Access::AsItIsOnDisk : Access::Shared;
    std::unique_ptr<SqliteBackend> backend = connect(info, access, error);
    if (!backend)
        return nullptr;
    if (!backend->isWarehouseOrEmpty(mustExist, error)) {
        // A WAL database is read through the wal-index in the -shm file, which the first client to open it
        // creates (32 KiB). On a full disk there is no room for it, and reading would fail with the file itself
        // intact. A reading command (the process's main connection, which must find a warehouse and changes
        // nothing) then keeps the wal-index in its own memory, which SQLite allows only to a connection holding
        // the file alone: no other client has it open (else its -shm would be there), and one that comes
        // meanwhile waits until this command has read. The desktop's connections, which live for days, never
        // do this.
        if (access != Access::Shared || !markInterrupted || !mustExist || !lacksRoom(backend->m_handle))
            return nullptr;
        backend.reset();
        QString aloneError;
        access = Access::Alone;
        backend = connect(info, access, &aloneError);
        if (!backend || !backend->isWarehouseOrEmpty(mustExist, &aloneError))
            return nullptr; // the first reason (no room) is the one to mend
    }
    try {
        // A file read as it is on disk keeps its journal mode: the mode is written in the file.
        if (access == Access::Shared)
            sqliteExec(backend->m_handle, "PRAGMA journal_mode=WAL");
        sqliteExec(backend->m_handle, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=OFF;"
                                      "PRAGMA cache_size=-262144; PRAGMA temp_store=MEMORY;");
    } catch (const StorageError &e) {
        *error = QStringLiteral("%1: %2").arg(path, e.message);
        return nullptr;
    }
    if (!backend->migrate(error))
        return nullptr;
    const QSqlDatabase db = backend->database();
    backend->m_runLog = std::make_unique<SqlRunLog>(db);
    backend->m_pageviews = std::make_unique<SqlitePageviewQuery>(backend->m_handle);
    backend->m_userHistory = std::make_unique<SqlUserHistory>(db, [handle = backend->m_handle](quint64 userId) { return FactStore(handle).userFacts(userId); });
    backend->m_postcodes = std::make_unique<SqlPostcodeDirectory>(db);
    backend->m_coverage = std::make_unique<SqlCoverage>(db);
    if (markInterrupted && access == Access::Shared)
        markInterruptedRuns(backend->m_handle);
    return backend;
}

std::unique_ptr<SqliteBackend> SqliteBackend::connect(const QFileInfo &info, Access access, QString *error)
{
    const QString path = info.filePath();
    const QString name = QStringLiteral("pvadmin-%1").arg(connectionCounter.fetchAndAddRelaxed(1));
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        if (access == Access::AsItIsOnDisk) {
            db.setDatabaseName(QUrl::fromLocalFile(info.absoluteFilePath()).toString(QUrl::FullyEncoded)
                               + QStringLiteral("?immutable=1"));
            db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_URI;QSQLITE_OPEN_READONLY"));
        } else {
            db.setDatabaseName(path);
            db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(sqliteBusyTimeoutMs));
        }
        if (!db.open()) {
            *error = QStringLiteral("%1: cannot open: %2").arg(path, db.lastError().text());
            db = QSqlDatabase();
            QSqlDatabase::removeDatabase(name);
            return nullptr;
        }
    }
    std::unique_ptr<SqliteBackend> backend(new SqliteBackend(path, name));
    backend->m_held = std::make_unique<HeldFile>(path);
    const QVariant handle = backend->database().driver()->handle();
    if (qstrcmp(handle.typeName(), "sqlite3*") != 0 || !*static_cast<sqlite3 *const *>(handle.data())) {
        *error = QStringLiteral("%1: cannot open: the SQLite driver gave no handle").arg(path);
        return nullptr;
    }
    backend->m_handle = *static_cast<sqlite3 *const *>(handle.data());
    if (access == Access::Alone) {
        try {
            // Set before the first read: the wal-index then lives in this connection's memory, under an
            // exclusive lock of the file held until it closes.
            sqliteExec(backend->m_handle, "PRAGMA locking_mode=EXCLUSIVE");
        } catch (const StorageError &e) {
            *error = QStringLiteral("%1: cannot open: %2").arg(path, e.message);
            return nullptr;
        }
    }
    return backend;
}

QSqlDatabase SqliteBackend::database() const
{
    return QSqlDatabase::database(m_connectionName, false);
}

bool SqliteBackend::isWarehouseOrEmpty(bool mustExist, QString *error) const
{
    // Looked at before anything is set or written: a file that is not a warehouse stays as it was.
    QStringList names;
    try {
        SqliteStatement tables(m_handle, "SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') "
                                         "AND name NOT LIKE 'sqlite!_%' ESCAPE '!' ORDER BY name");
        while (tables.step())
            names << tables.text(0);
    } catch (const StorageError &e) {
        if ((sqlite3_errcode(m_handle) & 0xff) == SQLITE_NOTADB)
            *error = QStringLiteral("%1: not a warehouse (not an SQLite database)").arg(m_path);
        else
            *error = QStringLiteral("%1: cannot read: %2").arg(m_path, e.message);
        return false;
    }
    // Other tools keep a schema_migrations table too: a warehouse is known by the tables of its first version.
    static const QStringList warehouseTables{QStringLiteral("schema_migrations"), QStringLiteral("load_runs"),
                                             QStringLiteral("pageview_windows"), QStringLiteral("postcodes")};
    if (std::all_of(warehouseTables.cbegin(), warehouseTables.cend(), [&](const QString &t) { return names.contains(t); })) {
        const int version = schemaVersion();
        if (mustExist && version < latestSchemaVersion()) {
            *error = warehouseNeedsUpgrade(m_path, version, latestSchemaVersion());
            return false;
        }
        if (version > latestSchemaVersion()) {
            *error = QStringLiteral("%1: the warehouse is at schema version %2, newer than this pvadmin (%3); "
                                    "use a newer pvadmin")
                         .arg(m_path)
                         .arg(version)
                         .arg(latestSchemaVersion());
            return false;
        }
        return true;
    }
    if (names.isEmpty() && mustExist) {
        *error = noWarehouseThere(m_path);
        return false;
    }
    if (!names.isEmpty()) {
        *error = QStringLiteral("%1: not a warehouse: it holds other tables (%2); pvadmin makes a warehouse only in "
                                "a new or empty file")
                     .arg(m_path, (names.size() > 5 ? names.mid(0, 5) << QStringLiteral("…") : names).join(QStringLiteral(", ")));
        return false;
    }
    return true;
}

int SqliteBackend::schemaVersionIfPresent() const
{
    QSqlQuery q(database());
    if (q.exec(QStringLiteral("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'")) && q.next())
        return schemaVersion();
    return 0;
}

int SqliteBackend::schemaVersion() const
{
    QSqlQuery q(database());
    if (q.exec(QStringLiteral("SELECT MAX(version) FROM schema_migrations")) && q.next())
        return q.value(0).toInt();
    return 0;
}

bool SqliteBackend::migrate(QString *error)
{
    sqlite3 *db = m_handle;
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
                throw StorageError{QStringLiteral("migration %1 is missing from the build").arg(version)};
            sqliteExec(db, file.readAll().constData());
            if (migration.afterSql)
                migration.afterSql(db);
            SqliteStatement record(db, "INSERT INTO schema_migrations (version, applied_at) "
                                       "VALUES (?, strftime('%Y-%m-%d %H:%M:%S', 'now'))");
            record.bind(1, version).execute();
        }
        sqliteExec(db, "COMMIT");
    } catch (const StorageError &e) {
        if (!sqlite3_get_autocommit(db))
            sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
        *error = QStringLiteral("%1: cannot prepare the warehouse schema: %2").arg(m_path, e.message);
        return false;
    }
    return true;
}

std::optional<QString> SqliteBackend::setting(const QString &key) const
{
    QSqlQuery q(database());
    q.prepare(QStringLiteral("SELECT value FROM settings WHERE key = ?"));
    q.addBindValue(key);
    if (q.exec() && q.next())
        return q.value(0).toString();
    return std::nullopt;
}

bool SqliteBackend::setSetting(const QString &key, const QString &value)
{
    QSqlQuery q(database());
    q.prepare(QStringLiteral("INSERT INTO settings (key, value) VALUES (?, ?) "
                             "ON CONFLICT (key) DO UPDATE SET value = excluded.value"));
    q.addBindValue(key);
    q.addBindValue(value);
    return q.exec();
}

const LoadRunLog &SqliteBackend::runLog() const
{
    return *m_runLog;
}

const PageviewQuery &SqliteBackend::pageviews() const
{
    return *m_pageviews;
}

const UserHistory &SqliteBackend::userHistory() const
{
    return *m_userHistory;
}

const PostcodeDirectory &SqliteBackend::postcodes() const
{
    return *m_postcodes;
}

const WarehouseCoverage &SqliteBackend::coverage() const
{
    return *m_coverage;
}

std::unique_ptr<LoadStore> SqliteBackend::loadStore()
{
    return std::make_unique<SqliteLoadStore>(m_handle, m_path);
}

CheckReport SqliteBackend::check(std::optional<HourSpan> hours, LoadFeedback *feedback)
{
    return checkSqliteWarehouse(m_handle, hours, feedback);
}

std::unique_ptr<TableCopySource> SqliteBackend::copySource()
{
    return sqliteCopySource(m_handle);
}

std::unique_ptr<TableCopyTarget> SqliteBackend::copyTarget()
{
    return sqliteCopyTarget(m_handle);
}

WarehouseStats SqliteBackend::stats() const
{
    return readSqliteStats(database());
}

bool SqliteBackend::beginReadSnapshot()
{
    if (!sqlite3_get_autocommit(m_handle))
        return false;
    // Deferred: the first read takes the snapshot (a WAL read mark) and every later one sees it.
    sqliteExec(m_handle, "BEGIN");
    return true;
}

void SqliteBackend::endReadSnapshot()
{
    if (!sqlite3_get_autocommit(m_handle))
        sqlite3_exec(m_handle, "COMMIT", nullptr, nullptr, nullptr);
}

} // namespace pv
