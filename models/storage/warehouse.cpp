#include "storage/warehouse.h"

#include "core/filename.h"
#include "storage/loadstore.h"
#include "storage/storageerror.h"
#include "storage/tablecopy.h"
#include "storage/postgres/postgresbackend.h"
#include "storage/sqlite/sqlitebackend.h"
#include "storage/storagebackend.h"

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

namespace pv {

Warehouse::Warehouse() = default;

Warehouse::~Warehouse() = default;

QString noWarehouseThere(const QString &location)
{
    return QStringLiteral("%1: no warehouse there (create one with pvadmin --db %1 init, or check --db / PVADMIN_DB)").arg(location);
}

QString warehouseNeedsUpgrade(const QString &location, int version, int latest)
{
    return QStringLiteral("%1: the warehouse is at schema version %2, older than this pvadmin's %3; "
                          "pvadmin --db %1 init upgrades it")
        .arg(location)
        .arg(version)
        .arg(latest);
}

bool Warehouse::isServerLocation(const QString &path)
{
    return PostgresBackend::isLocation(path);
}

std::optional<Warehouse::ServerAddress> Warehouse::serverAddress(const QString &location)
{
    if (!isServerLocation(location))
        return std::nullopt;
    return PostgresBackend::address(location);
}

bool Warehouse::isWellFormedLocation(const QString &path, QString *error)
{
    return !isServerLocation(path) || !PostgresBackend::conninfo(path, error).isEmpty();
}

QString Warehouse::defaultPath()
{
    const QString fromEnv = decodeFileName(qgetenv("PVADMIN_DB"));
    if (!fromEnv.isEmpty())
        return fromEnv;
    QString dir = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    if (dir.isEmpty())
        dir = QDir::homePath() + QStringLiteral("/.local/share");
    return dir + QStringLiteral("/pvadmin/warehouse.sqlite");
}

bool Warehouse::open(const QString &path, QString *error, Role role, Creation creation)
{
    close();
    m_serverUnreachable = false;
    const bool mustExist = creation == Creation::ExistingOnly;
    // Extracts may be named in any bytes; a warehouse's location goes to SQLite and libpq as text.
    if (hasUndecodableBytes(path)) {
        *error = QStringLiteral("%1: not a location pvadmin can use: it is not UTF-8 (each \\xHH is a byte that is not); "
                                "give the warehouse a UTF-8 name")
                     .arg(shownFileName(path));
        return false;
    }
    if (isServerLocation(path))
        m_backend = PostgresBackend::open(path, error, role == Role::Main, mustExist, &m_serverUnreachable);
    else if (mustExist && !QFileInfo::exists(path))
        *error = noWarehouseThere(path);
    else
        m_backend = SqliteBackend::open(path, error, role == Role::Main, mustExist);
    if (m_backend)
        m_path = path;
    return m_backend != nullptr;
}

void Warehouse::close()
{
    m_backend.reset();
    m_path.clear();
}

int Warehouse::schemaVersion() const
{
    return m_backend->schemaVersion();
}

int Warehouse::latestSchemaVersion() const
{
    return m_backend->latestSchemaVersion();
}

QString Warehouse::setting(const QString &key, const QString &fallback) const
{
    return m_backend ? m_backend->setting(key).value_or(fallback) : fallback;
}

bool Warehouse::setSetting(const QString &key, const QString &value)
{
    return m_backend && m_backend->setSetting(key, value);
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

qint64 Warehouse::maxPageviewPairs() const
{
    bool ok = false;
    const qint64 value = setting(QStringLiteral("max_pageview_pairs")).toLongLong(&ok);
    return ok && value > 0 ? value : 16'000'000;
}

const LoadRunLog &Warehouse::runLog() const
{
    return m_backend->runLog();
}

const PageviewQuery &Warehouse::pageviews() const
{
    return m_backend->pageviews();
}

const UserHistory &Warehouse::userHistory() const
{
    return m_backend->userHistory();
}

const PostcodeDirectory &Warehouse::postcodes() const
{
    return m_backend->postcodes();
}

const WarehouseCoverage &Warehouse::coverage() const
{
    return m_backend->coverage();
}

std::unique_ptr<LoadStore> Warehouse::loadStore()
{
    return m_backend->loadStore();
}

QString Warehouse::whyReadOnly()
{
    try {
        return m_backend->loadStore()->whyReadOnly();
    } catch (const StorageError &e) {
        return e.message;
    }
}

CheckReport Warehouse::check(LoadFeedback *feedback, std::optional<HourSpan> hours)
{
    return m_backend->check(hours, feedback);
}

std::unique_ptr<TableCopySource> Warehouse::copySource()
{
    return m_backend->copySource();
}

std::unique_ptr<TableCopyTarget> Warehouse::copyTarget()
{
    return m_backend->copyTarget();
}

WarehouseStats Warehouse::stats() const
{
    return m_backend->stats();
}

Warehouse::ReadSnapshot::ReadSnapshot(Warehouse &warehouse)
{
    if (warehouse.m_backend && warehouse.m_backend->beginReadSnapshot())
        m_began = warehouse.m_backend.get();
}

Warehouse::ReadSnapshot::~ReadSnapshot()
{
    if (m_began)
        m_began->endReadSnapshot();
}

} // namespace pv
