#include "storage/postgres/pgtablecopy.h"

#include "storage/postgres/pgconnection.h"
#include "storage/postgres/pglocks.h"

#include <libpq-fe.h>

namespace pv {

namespace {
void rollbackQuietly(PGconn *conn)
{
    if (PQtransactionStatus(conn) != PQTRANS_IDLE)
        PQclear(PQexec(conn, "ROLLBACK"));
}

class PgCopySource final : public TableCopySource
{
public:
    explicit PgCopySource(PGconn *conn)
        : m_conn(conn)
    {
        pgExec(m_conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    }
    ~PgCopySource() override { rollbackQuietly(m_conn); }

    qint64 rowCount(const CopyTable &table) override
    {
        return pgQuery(m_conn, (QByteArray("SELECT COUNT(*) FROM ") + table.name).constData()).int64(0, 0);
    }

    void forEachRow(const CopyTable &table, const std::function<bool(const CopyRow &)> &visit) override
    {
        pgExec(m_conn, ("DECLARE pvadmin_copy NO SCROLL CURSOR FOR SELECT " + columnList(table) + " FROM " + table.name).constData());
        CopyRow row(table.columns.size());
        bool more = true;
        while (more) {
            const PgResult batch = pgQuery(m_conn, "FETCH 1000 FROM pvadmin_copy", {}, true);
            more = batch.rows() > 0;
            for (int r = 0; r < batch.rows() && more; ++r) {
                for (size_t c = 0; c < table.columns.size(); ++c) {
                    const int column = static_cast<int>(c);
                    CopyValue &value = row[c];
                    value.null = batch.isNull(r, column);
                    if (value.null)
                        continue;
                    if (table.columns[c].type == CopyColumnType::Integer) {
                        value.integer = batch.int64(r, column);
                    } else {
                        const std::string_view bytes = batch.bytes(r, column);
                        value.bytes = QByteArray(bytes.data(), static_cast<qsizetype>(bytes.size()));
                    }
                }
                more = visit(row);
            }
        }
        pgExec(m_conn, "CLOSE pvadmin_copy");
    }

private:
    PGconn *m_conn;
};

class PgCopyTarget final : public TableCopyTarget
{
public:
    explicit PgCopyTarget(PGconn *conn)
        : m_conn(conn)
    {
    }
    ~PgCopyTarget() override { rollbackQuietly(m_conn); }

    void begin() override
    {
        pgExec(m_conn, "BEGIN");
        pgQuery(m_conn, "SELECT id FROM load_lock WHERE id = 1 FOR UPDATE"); // waits for a load (pgTakeLoadLock)
    }

    qint64 runCount() override { return pgQuery(m_conn, "SELECT COUNT(*) FROM load_runs").int64(0, 0); }

    void clear(const CopyTable &table) override { pgExec(m_conn, (QByteArray("DELETE FROM ") + table.name).constData()); }

    void append(const CopyTable &table, const std::vector<CopyRow> &rows) override
    {
        if (rows.empty())
            return;
        PgCopy copy(m_conn, (QByteArray("COPY ") + table.name + " (" + columnList(table) + ") FROM STDIN (FORMAT binary)").constData());
        for (const CopyRow &row : rows) {
            copy.row(static_cast<int>(row.size()));
            for (size_t c = 0; c < row.size(); ++c) {
                const CopyValue &value = row[c];
                if (value.null)
                    copy.null();
                else if (table.columns[c].type == CopyColumnType::Integer)
                    copy.int64(value.integer);
                else
                    copy.bytes(std::string_view(value.bytes.constData(), static_cast<size_t>(value.bytes.size())));
            }
        }
        copy.finish();
    }

    void commit() override
    {
        // The copied ids came with their rows: the next run and segment continue after them.
        pgExec(m_conn, "SELECT setval(pg_get_serial_sequence('pvadmin.load_runs', 'id'), COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM load_runs;"
                       "SELECT setval(pg_get_serial_sequence('pvadmin.pageview_fact_segments', 'id'), COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) "
                       "FROM pageview_fact_segments");
        pgExec(m_conn, "COMMIT");
    }

    void rollback() noexcept override { rollbackQuietly(m_conn); }

private:
    PGconn *m_conn;
};
} // namespace

std::unique_ptr<TableCopySource> pgCopySource(PGconn *conn)
{
    return std::make_unique<PgCopySource>(conn);
}

std::unique_ptr<TableCopyTarget> pgCopyTarget(PGconn *conn)
{
    return std::make_unique<PgCopyTarget>(conn);
}

} // namespace pv
