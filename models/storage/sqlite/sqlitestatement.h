#pragma once

#include "storage/storageerror.h"

#include <QByteArray>
#include <QString>

#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace pv {

/// How long a warehouse connection waits for another connection's write lock before giving up.
constexpr int sqliteBusyTimeoutMs = 30000;

/// A prepared statement on the native SQLite handle, for the bulk paths of a load where QSqlQuery's
/// per-row QVariant traffic would dominate. Reused with reset(); errors throw StorageError.
class SqliteStatement
{
public:
    SqliteStatement(sqlite3 *db, const char *sql);
    ~SqliteStatement();
    SqliteStatement(const SqliteStatement &) = delete;
    SqliteStatement &operator=(const SqliteStatement &) = delete;

    SqliteStatement &bind(int index, qint64 value);
    SqliteStatement &bind(int index, std::string_view text);
    SqliteStatement &bindNull(int index);
    SqliteStatement &bindBlob(int index, const QByteArray &data);
    /// Steps once: true while a row is available, false when done.
    bool step();
    /// Runs a statement that returns no rows, then resets it for the next use.
    void execute();
    void reset();

    qint64 int64(int column) const;
    bool isNull(int column) const;
    QString text(int column) const;
    /// The column's bytes without a copy, valid until the next step() or reset().
    std::string_view blobView(int column) const;

private:
    sqlite3 *m_db;
    sqlite3_stmt *m_stmt = nullptr;
};

/// Runs one or more SQL statements that return no rows.
/// The last error on db as a person reads it: SQLite's message, and the system's reason for an I/O error.
QString sqliteErrorMessage(sqlite3 *db);
void sqliteExec(sqlite3 *db, const char *sql);

} // namespace pv
