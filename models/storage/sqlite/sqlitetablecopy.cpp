#include "storage/sqlite/sqlitetablecopy.h"

#include "storage/sqlite/sqlitestatement.h"

#include <QStringList>

#include <sqlite3.h>

namespace pv {

namespace {
void rollbackQuietly(sqlite3 *db)
{
    if (!sqlite3_get_autocommit(db))
        sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
}

class SqliteCopySource final : public TableCopySource
{
public:
    explicit SqliteCopySource(sqlite3 *db)
        : m_db(db)
    {
        sqliteExec(m_db, "BEGIN"); // one read transaction: every table as of one moment
    }
    ~SqliteCopySource() override { rollbackQuietly(m_db); }

    qint64 rowCount(const CopyTable &table) override
    {
        SqliteStatement count(m_db, (QByteArray("SELECT COUNT(*) FROM ") + table.name).constData());
        return count.step() ? count.int64(0) : 0;
    }

    void forEachRow(const CopyTable &table, const std::function<bool(const CopyRow &)> &visit) override
    {
        SqliteStatement select(m_db, ("SELECT " + columnList(table) + " FROM " + table.name).constData());
        CopyRow row(table.columns.size());
        while (select.step()) {
            for (size_t c = 0; c < table.columns.size(); ++c) {
                const int column = static_cast<int>(c);
                CopyValue &value = row[c];
                value.null = select.isNull(column);
                if (value.null)
                    continue;
                if (table.columns[c].type == CopyColumnType::Integer) {
                    value.integer = select.int64(column);
                } else {
                    const std::string_view bytes = select.blobView(column);
                    value.bytes = QByteArray(bytes.data(), static_cast<qsizetype>(bytes.size()));
                }
            }
            if (!visit(row))
                return;
        }
    }

private:
    sqlite3 *m_db;
};

class SqliteCopyTarget final : public TableCopyTarget
{
public:
    explicit SqliteCopyTarget(sqlite3 *db)
        : m_db(db)
    {
    }
    ~SqliteCopyTarget() override { rollbackQuietly(m_db); }

    void begin() override { sqliteExec(m_db, "BEGIN IMMEDIATE"); }

    qint64 runCount() override
    {
        SqliteStatement count(m_db, "SELECT COUNT(*) FROM load_runs");
        return count.step() ? count.int64(0) : 0;
    }

    void clear(const CopyTable &table) override { sqliteExec(m_db, (QByteArray("DELETE FROM ") + table.name).constData()); }

    void append(const CopyTable &table, const std::vector<CopyRow> &rows) override
    {
        QByteArray marks;
        for (size_t c = 0; c < table.columns.size(); ++c)
            marks += c ? ", ?" : "?";
        SqliteStatement insert(m_db, (QByteArray("INSERT INTO ") + table.name + " (" + columnList(table) + ") VALUES (" + marks + ")").constData());
        for (const CopyRow &row : rows) {
            for (size_t c = 0; c < table.columns.size(); ++c) {
                const int index = static_cast<int>(c) + 1;
                const CopyValue &value = row[c];
                if (value.null)
                    insert.bindNull(index);
                else if (table.columns[c].type == CopyColumnType::Integer)
                    insert.bind(index, value.integer);
                else if (table.columns[c].type == CopyColumnType::Text)
                    insert.bind(index, std::string_view(value.bytes.constData(), static_cast<size_t>(value.bytes.size())));
                else
                    insert.bindBlob(index, value.bytes);
            }
            insert.execute();
        }
    }

    void commit() override { sqliteExec(m_db, "COMMIT"); }
    void rollback() noexcept override { rollbackQuietly(m_db); }

private:
    sqlite3 *m_db;
};
} // namespace

std::unique_ptr<TableCopySource> sqliteCopySource(sqlite3 *db)
{
    return std::make_unique<SqliteCopySource>(db);
}

std::unique_ptr<TableCopyTarget> sqliteCopyTarget(sqlite3 *db)
{
    return std::make_unique<SqliteCopyTarget>(db);
}

} // namespace pv
