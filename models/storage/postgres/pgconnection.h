#pragma once

#include "storage/storageerror.h"

#include <QByteArray>
#include <QString>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

typedef struct pg_conn PGconn;
typedef struct pg_result PGresult;

namespace pv {

/// The rows of one statement's answer. Binary answers (asked for where bytea or many integers are read)
/// and text answers read the same way.
class PgResult
{
public:
    PgResult(PGresult *result, bool binary);
    ~PgResult();
    PgResult(PgResult &&other) noexcept;
    PgResult(const PgResult &) = delete;
    PgResult &operator=(const PgResult &) = delete;
    PgResult &operator=(PgResult &&) = delete;

    int rows() const;
    bool isNull(int row, int column) const;
    /// An integer column (bigint, integer, smallint) or a boolean (1 or 0).
    qint64 int64(int row, int column) const;
    std::optional<qint64> optionalInt64(int row, int column) const;
    QString text(int row, int column) const;
    /// The column's bytes (bytea in a binary answer), valid while this result lives.
    std::string_view bytes(int row, int column) const;

private:
    PGresult *m_result;
    bool m_binary;
};

/// A statement's parameters, sent as text (integers, text) or binary (bytea).
class PgParams
{
public:
    PgParams &add(qint64 value);
    PgParams &add(std::optional<qint64> value);
    PgParams &add(std::string_view text);
    PgParams &add(const QString &text);
    PgParams &addBytes(const QByteArray &bytes);
    PgParams &addNull();

    int count() const { return static_cast<int>(m_values.size()); }
    /// Pointers for PQexecParams, valid while this object lives unchanged.
    std::vector<const char *> values() const;
    const int *lengths() const { return m_lengths.data(); }
    const int *formats() const { return m_formats.data(); }

private:
    std::vector<std::string> m_values;
    std::vector<bool> m_null;
    std::vector<int> m_lengths;
    std::vector<int> m_formats;
};

/// Runs a statement on the connection; a failure throws StorageError with the server's message.
PgResult pgQuery(PGconn *conn, const char *sql, const PgParams &params = {}, bool binaryResult = false);
/// Runs one or more statements that return no rows.
void pgExec(PGconn *conn, const char *sql);

/// Rows streamed into a table with COPY ... FROM STDIN (FORMAT binary), sent in large chunks: the bulk
/// path of every load. Fields are written in the table's column order and types (bigint, bytea, text).
/// A copy not finished is aborted, so its rows never land.
class PgCopy
{
public:
    /// sql: "COPY table (columns) FROM STDIN (FORMAT binary)".
    PgCopy(PGconn *conn, const char *sql);
    ~PgCopy();
    PgCopy(const PgCopy &) = delete;
    PgCopy &operator=(const PgCopy &) = delete;

    PgCopy &row(int fields);
    PgCopy &int64(qint64 value);
    PgCopy &optionalInt64(std::optional<qint64> value);
    PgCopy &bytes(std::string_view data);
    PgCopy &null();
    /// Sends the end of the data and waits for the server to accept every row.
    void finish();

private:
    void flush();

    PGconn *m_conn;
    std::string m_buffer;
    bool m_open = false;
};

} // namespace pv
