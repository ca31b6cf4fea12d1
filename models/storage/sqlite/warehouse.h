#pragma once

#include <QSqlDatabase>
#include <QString>

struct sqlite3;

namespace pv {

/// One open connection to a warehouse database, owned by the thread that opened it. Opening creates
/// the file if needed, applies the numbered migrations, turns on WAL and a busy timeout, and marks runs
/// left 'running' by a process that no longer exists as 'interrupted'.
class Warehouse
{
public:
    Warehouse();
    ~Warehouse();
    Warehouse(const Warehouse &) = delete;
    Warehouse &operator=(const Warehouse &) = delete;

    /// PVADMIN_DB when set, else warehouse.sqlite in the per-user data location.
    static QString defaultPath();
    static int latestSchemaVersion();

    bool open(const QString &path, QString *error);
    void close();
    bool isOpen() const;
    QString path() const { return m_path; }

    QSqlDatabase database() const;
    /// The native handle for the bulk paths of a load.
    sqlite3 *handle() const;
    int schemaVersion() const;

    QString setting(const QString &key, const QString &fallback = {}) const;
    bool setSetting(const QString &key, const QString &value);
    /// The reject threshold a load uses when the run does not give one (percent of rows read).
    double defaultMaxRejectPercent() const;
    /// A users snapshot lacking more than this share (percent) of the previous one is refused unless forced.
    double removalGuardPercent() const;

private:
    bool migrate(QString *error);
    int schemaVersionIfPresent() const;

    QString m_connectionName;
    QString m_path;
};

} // namespace pv
