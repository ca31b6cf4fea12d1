#pragma once

#include <QByteArray>
#include <QtGlobal>

#include <functional>
#include <vector>

namespace pv {

/// How a column's values travel between engines.
enum class CopyColumnType { Integer, Text, Blob };

struct CopyColumn
{
    const char *name;
    CopyColumnType type;
};

/// A table every engine has, with the columns they share (an engine may keep more, e.g. a run's host).
struct CopyTable
{
    const char *name;
    std::vector<CopyColumn> columns;
};

/// Every table of a warehouse that a copy carries, in the order it writes them. The schema's own
/// bookkeeping (schema_migrations) is the destination's.
const std::vector<CopyTable> &warehouseTables();
/// "a, b, c": the table's columns for a SELECT, INSERT or COPY.
QByteArray columnList(const CopyTable &table);

/// One value: NULL, an integer, or the bytes of a text (UTF-8) or a blob.
struct CopyValue
{
    bool null = true;
    qint64 integer = 0;
    QByteArray bytes;
};
using CopyRow = std::vector<CopyValue>;

/// Reads every row of a warehouse's tables, as of one moment (a read transaction for its whole life).
/// Reads throw StorageError.
class TableCopySource
{
public:
    virtual ~TableCopySource() = default;
    virtual qint64 rowCount(const CopyTable &table) = 0;
    /// Calls visit for each row (values in table.columns' order); stops when it returns false.
    virtual void forEachRow(const CopyTable &table, const std::function<bool(const CopyRow &)> &visit) = 0;
};

/// Writes a warehouse's tables whole, in one transaction. Writes throw StorageError.
class TableCopyTarget
{
public:
    virtual ~TableCopyTarget() = default;
    /// Starts the transaction, taking the write lock loads take.
    virtual void begin() = 0;
    /// Runs recorded: a copy goes only into a warehouse with none.
    virtual qint64 runCount() = 0;
    /// Empties a table (a new warehouse's defaults, such as the UNKNOWN postcode, are replaced too).
    virtual void clear(const CopyTable &table) = 0;
    virtual void append(const CopyTable &table, const std::vector<CopyRow> &rows) = 0;
    /// Ends the copy: an engine brings its own counters (id sequences) past the copied ids, then commits.
    virtual void commit() = 0;
    virtual void rollback() noexcept = 0;
};

} // namespace pv
