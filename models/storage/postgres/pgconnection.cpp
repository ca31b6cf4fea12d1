#include "storage/postgres/pgconnection.h"

#include <libpq-fe.h>

#include <QtEndian>

#include <bit>
#include <cstring>

namespace pv {

namespace {

/// The server's reason in one line, without its severity, statement excerpt and caret.
QString oneLine(const char *text)
{
    QString line = QString::fromUtf8(text).trimmed().section(QLatin1Char('\n'), 0, 0).trimmed();
    for (const char *severity : {"ERROR:", "FATAL:", "PANIC:"})
        if (line.startsWith(QLatin1String(severity)))
            line = line.mid(int(qstrlen(severity))).trimmed();
    return line;
}

[[noreturn]] void fail(PGconn *conn, PGresult *result)
{
    const char *primary = result ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    QString message = primary ? QString::fromUtf8(primary) : oneLine(result ? PQresultErrorMessage(result) : PQerrorMessage(conn));
    if (message.isEmpty())
        message = oneLine(PQerrorMessage(conn));
    if (result)
        PQclear(result);
    throw StorageError{message.isEmpty() ? QStringLiteral("the PostgreSQL server gave no answer") : message};
}

template <typename T>
T bigEndian(const char *data)
{
    T value;
    std::memcpy(&value, data, sizeof value);
    return qFromBigEndian(value);
}

template <typename T>
void appendBigEndian(std::string &out, T value)
{
    value = qToBigEndian(value);
    out.append(reinterpret_cast<const char *>(&value), sizeof value);
}

constexpr size_t copyChunk = 1 << 20;

} // namespace

PgResult::PgResult(PGresult *result, bool binary)
    : m_result(result)
    , m_binary(binary)
{
}

PgResult::~PgResult()
{
    if (m_result)
        PQclear(m_result);
}

PgResult::PgResult(PgResult &&other) noexcept
    : m_result(std::exchange(other.m_result, nullptr))
    , m_binary(other.m_binary)
{
}

int PgResult::rows() const
{
    return PQntuples(m_result);
}

bool PgResult::isNull(int row, int column) const
{
    return PQgetisnull(m_result, row, column);
}

qint64 PgResult::int64(int row, int column) const
{
    const char *value = PQgetvalue(m_result, row, column);
    if (!m_binary) {
        if (value[0] == 't' || value[0] == 'f')
            return value[0] == 't';
        return std::strtoll(value, nullptr, 10);
    }
    switch (PQgetlength(m_result, row, column)) {
    case 8: return bigEndian<qint64>(value);
    case 4: return bigEndian<qint32>(value);
    case 2: return bigEndian<qint16>(value);
    case 1: return value[0];
    default: throw StorageError{QStringLiteral("an integer column of an unexpected width")};
    }
}

std::optional<qint64> PgResult::optionalInt64(int row, int column) const
{
    return isNull(row, column) ? std::nullopt : std::optional<qint64>(int64(row, column));
}

QString PgResult::text(int row, int column) const
{
    return QString::fromUtf8(PQgetvalue(m_result, row, column), PQgetlength(m_result, row, column));
}

std::string_view PgResult::bytes(int row, int column) const
{
    return {PQgetvalue(m_result, row, column), static_cast<size_t>(PQgetlength(m_result, row, column))};
}

PgParams &PgParams::add(qint64 value)
{
    m_values.push_back(std::to_string(value));
    m_null.push_back(false);
    m_lengths.push_back(0);
    m_formats.push_back(0);
    return *this;
}

PgParams &PgParams::add(std::optional<qint64> value)
{
    return value ? add(*value) : addNull();
}

PgParams &PgParams::add(std::string_view text)
{
    m_values.emplace_back(text);
    m_null.push_back(false);
    m_lengths.push_back(0);
    m_formats.push_back(0);
    return *this;
}

PgParams &PgParams::add(const QString &text)
{
    return add(std::string_view(text.toStdString()));
}

PgParams &PgParams::addBytes(const QByteArray &bytes)
{
    m_values.emplace_back(bytes.constData(), static_cast<size_t>(bytes.size()));
    m_null.push_back(false);
    m_lengths.push_back(static_cast<int>(bytes.size()));
    m_formats.push_back(1);
    return *this;
}

PgParams &PgParams::addNull()
{
    m_values.emplace_back();
    m_null.push_back(true);
    m_lengths.push_back(0);
    m_formats.push_back(0);
    return *this;
}

std::vector<const char *> PgParams::values() const
{
    std::vector<const char *> pointers;
    for (size_t i = 0; i < m_values.size(); ++i)
        pointers.push_back(m_null[i] ? nullptr : m_values[i].data());
    return pointers;
}

PgResult pgQuery(PGconn *conn, const char *sql, const PgParams &params, bool binaryResult)
{
    const std::vector<const char *> values = params.values();
    PGresult *result = PQexecParams(conn, sql, params.count(), nullptr, values.data(), params.lengths(),
                                    params.formats(), binaryResult ? 1 : 0);
    const ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)
        fail(conn, result);
    return PgResult(result, binaryResult);
}

void pgExec(PGconn *conn, const char *sql)
{
    PGresult *result = PQexec(conn, sql);
    const ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)
        fail(conn, result);
    PQclear(result);
}

PgCopy::PgCopy(PGconn *conn, const char *sql)
    : m_conn(conn)
{
    PGresult *result = PQexec(conn, sql);
    if (!result || PQresultStatus(result) != PGRES_COPY_IN)
        fail(conn, result);
    PQclear(result);
    m_open = true;
    // The binary format's header: signature, flags, header extension length.
    m_buffer.append("PGCOPY\n\377\r\n\0", 11);
    appendBigEndian<qint32>(m_buffer, 0);
    appendBigEndian<qint32>(m_buffer, 0);
}

PgCopy::~PgCopy()
{
    if (!m_open)
        return;
    PQputCopyEnd(m_conn, "the load stopped before its rows were all sent");
    while (PGresult *result = PQgetResult(m_conn))
        PQclear(result);
}

PgCopy &PgCopy::row(int fields)
{
    if (m_buffer.size() >= copyChunk)
        flush();
    appendBigEndian<qint16>(m_buffer, static_cast<qint16>(fields));
    return *this;
}

PgCopy &PgCopy::int64(qint64 value)
{
    appendBigEndian<qint32>(m_buffer, 8);
    appendBigEndian<qint64>(m_buffer, value);
    return *this;
}

PgCopy &PgCopy::optionalInt64(std::optional<qint64> value)
{
    return value ? int64(*value) : null();
}

PgCopy &PgCopy::bytes(std::string_view data)
{
    appendBigEndian<qint32>(m_buffer, static_cast<qint32>(data.size()));
    m_buffer.append(data);
    return *this;
}

PgCopy &PgCopy::null()
{
    appendBigEndian<qint32>(m_buffer, -1);
    return *this;
}

void PgCopy::flush()
{
    if (!m_buffer.empty() && PQputCopyData(m_conn, m_buffer.data(), static_cast<int>(m_buffer.size())) != 1)
        fail(m_conn, nullptr);
    m_buffer.clear();
}

void PgCopy::finish()
{
    appendBigEndian<qint16>(m_buffer, -1); // the trailer
    flush();
    m_open = false;
    if (PQputCopyEnd(m_conn, nullptr) != 1)
        fail(m_conn, nullptr);
    PGresult *result = PQgetResult(m_conn);
    if (!result || PQresultStatus(result) != PGRES_COMMAND_OK)
        fail(m_conn, result);
    PQclear(result);
    while (PGresult *rest = PQgetResult(m_conn))
        PQclear(rest);
}

} // namespace pv
