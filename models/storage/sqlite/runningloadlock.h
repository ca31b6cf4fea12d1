#pragma once

#include <QString>

namespace pv {

/// Tells a live SQLite load from a dead one. A load holds a shared lock on one byte (its process id) of
/// the file WAREHOUSE-loads.lock beside the warehouse from before its run is first recorded until the
/// store is gone; the kernel drops it when the process ends, however it ends. A process id alone cannot
/// tell: it is reused, so an unrelated process would keep a killed load "running".
///
/// The locks are open-file-description locks (F_OFD_*) on a file of their own, so taking or dropping one
/// never touches the POSIX locks SQLite holds on the warehouse's own files. The warehouse path is the one
/// SQLite resolved (sqlite3_db_filename), so a load and a reader through different links agree.
class RunningLoadLock
{
public:
    /// Takes this process's lock; failure() says why not when it could not.
    explicit RunningLoadLock(const QString &warehousePath);
    ~RunningLoadLock();
    RunningLoadLock(const RunningLoadLock &) = delete;
    RunningLoadLock &operator=(const RunningLoadLock &) = delete;

    /// An empty string while the lock is held, else why it could not be taken.
    QString failure() const { return m_failure; }

    enum class Liveness { Alive, Dead, Unknown };
    /// Whether a load of process pid holds its lock on the warehouse at warehousePath. Unknown when the
    /// lock file cannot be read (another user's); the caller then falls back on the process id.
    static Liveness loadOf(const QString &warehousePath, qint64 pid);

    static QString lockPath(const QString &warehousePath);

private:
    int m_fd = -1;
    QString m_failure;
};

} // namespace pv
