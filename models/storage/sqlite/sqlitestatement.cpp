#include "storage/sqlite/sqlitestatement.h"

#include <sqlite3.h>

#include <QFile>
#include <QFileInfo>

#include <algorithm>
#include <cstring>
#include <sys/resource.h>
#include <sys/statvfs.h>

namespace pv {

namespace {

/// What stops writes to the database file and its -wal and -shm files: a disk (nearly) full, or a cap
/// on the size of this process's files that one of them has (nearly) reached. Empty when neither.
QString writeLimitReached(const QString &database)
{
    constexpr qint64 nearlyBytes = qint64{8} << 20;
    const QString folder = QFileInfo(database).absolutePath();
    struct statvfs disk = {};
    if (::statvfs(QFile::encodeName(folder).constData(), &disk) == 0
        && static_cast<qint64>(disk.f_bavail) * static_cast<qint64>(disk.f_frsize) < nearlyBytes)
        return QStringLiteral("the disk holding %1 is full").arg(folder);
    rlimit fileSize = {};
    if (::getrlimit(RLIMIT_FSIZE, &fileSize) != 0 || fileSize.rlim_cur == RLIM_INFINITY)
        return {};
    const qint64 largest = std::max({QFileInfo(database).size(), QFileInfo(database + QStringLiteral("-wal")).size(),
                                     QFileInfo(database + QStringLiteral("-shm")).size()});
    if (largest + nearlyBytes < static_cast<qint64>(fileSize.rlim_cur))
        return {};
    return QStringLiteral("this process may write files of at most %1 bytes: see ulimit -f").arg(fileSize.rlim_cur);
}

[[noreturn]] void fail(sqlite3 *db, const char *what)
{
    // The statement is named for a mistake in it; a disk, a lock or a damaged file is about the warehouse.
    const int code = sqlite3_errcode(db) & 0xff;
    if (code == SQLITE_ERROR || code == SQLITE_RANGE || code == SQLITE_MISUSE)
        throw StorageError{QStringLiteral("%1: %2").arg(QString::fromUtf8(what), sqliteErrorMessage(db))};
    throw StorageError{sqliteErrorMessage(db)};
}
} // namespace

QString sqliteErrorMessage(sqlite3 *db)
{
    QString message = QString::fromUtf8(sqlite3_errmsg(db));
    // "disk I/O error" alone does not say that the disk is full or the file is gone: the system does, when
    // SQLite kept its reason, and otherwise the two limits a write meets are looked at.
    const int code = sqlite3_errcode(db) & 0xff;
    if (code != SQLITE_IOERR && code != SQLITE_CANTOPEN && code != SQLITE_FULL)
        return message;
    QString why;
    if (const int systemError = sqlite3_system_errno(db))
        why = QString::fromLocal8Bit(std::strerror(systemError));
    else if (const char *file = sqlite3_db_filename(db, "main"); file && *file)
        why = writeLimitReached(QString::fromUtf8(file));
    return why.isEmpty() ? message : QStringLiteral("%1 (%2)").arg(message, why);
}

SqliteStatement::SqliteStatement(sqlite3 *db, const char *sql)
    : m_db(db)
{
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &m_stmt, nullptr) != SQLITE_OK)
        fail(db, sql);
}

SqliteStatement::~SqliteStatement()
{
    sqlite3_finalize(m_stmt);
}

SqliteStatement &SqliteStatement::bind(int index, qint64 value)
{
    if (sqlite3_bind_int64(m_stmt, index, value) != SQLITE_OK)
        fail(m_db, "bind");
    return *this;
}

SqliteStatement &SqliteStatement::bind(int index, std::string_view text)
{
    if (sqlite3_bind_text(m_stmt, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT) != SQLITE_OK)
        fail(m_db, "bind");
    return *this;
}

SqliteStatement &SqliteStatement::bindBlob(int index, const QByteArray &data)
{
    if (sqlite3_bind_blob64(m_stmt, index, data.constData(), static_cast<sqlite3_uint64>(data.size()), SQLITE_STATIC) != SQLITE_OK)
        fail(m_db, "bind");
    return *this;
}

SqliteStatement &SqliteStatement::bindNull(int index)
{
    if (sqlite3_bind_null(m_stmt, index) != SQLITE_OK)
        fail(m_db, "bind");
    return *this;
}

bool SqliteStatement::step()
{
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    const QString message = sqliteErrorMessage(m_db);
    sqlite3_reset(m_stmt);
    throw StorageError{message};
}

void SqliteStatement::execute()
{
    while (step()) {
    }
    reset();
}

void SqliteStatement::reset()
{
    sqlite3_reset(m_stmt);
}

qint64 SqliteStatement::int64(int column) const
{
    return sqlite3_column_int64(m_stmt, column);
}

bool SqliteStatement::isNull(int column) const
{
    return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}

QString SqliteStatement::text(int column) const
{
    const auto *data = reinterpret_cast<const char *>(sqlite3_column_text(m_stmt, column));
    return QString::fromUtf8(data, sqlite3_column_bytes(m_stmt, column));
}

std::string_view SqliteStatement::blobView(int column) const
{
    const void *data = sqlite3_column_blob(m_stmt, column);
    return {static_cast<const char *>(data), static_cast<size_t>(sqlite3_column_bytes(m_stmt, column))};
}

void sqliteExec(sqlite3 *db, const char *sql)
{
    if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK)
        throw StorageError{sqliteErrorMessage(db)};
}

} // namespace pv
