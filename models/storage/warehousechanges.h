#pragma once

#include <QObject>
#include <QString>

#include <memory>

namespace pv {

/// Tells when a connection other than the watcher's own commits a change to a warehouse — another
/// process, another client, this process's load — so the screens can refresh by themselves. It has a
/// connection of its own and lives in the thread that created it (the GUI's): SQLite's is asked for its
/// data version (which moves with every other connection's commit) twice a second; PostgreSQL's LISTENs
/// for the notice every load sends on commit.
class WarehouseChangeWatcher : public QObject
{
    Q_OBJECT
public:
    /// A watcher of the warehouse at location (a file or a PostgreSQL URL); nullptr with *error set when
    /// it cannot connect.
    static std::unique_ptr<WarehouseChangeWatcher> watch(const QString &location, QString *error);
    ~WarehouseChangeWatcher() override;

signals:
    /// Another connection committed; emitted at most once per check, however many commits there were.
    void changed();

protected:
    WarehouseChangeWatcher() = default;
};

} // namespace pv
