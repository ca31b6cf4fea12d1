#include "storage/sqlite/runningloadlock.h"

#include <QFile>

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace pv {

namespace {
struct flock byteOf(qint64 pid, short type)
{
    struct flock lock = {};
    lock.l_type = type;
    lock.l_whence = SEEK_SET;
    lock.l_start = static_cast<off_t>(pid);
    lock.l_len = 1;
    lock.l_pid = 0; // required for F_OFD_* requests
    return lock;
}

QString systemError()
{
    return QString::fromLocal8Bit(std::strerror(errno));
}
} // namespace

QString RunningLoadLock::lockPath(const QString &warehousePath)
{
    return warehousePath + QStringLiteral("-loads.lock");
}

RunningLoadLock::RunningLoadLock(const QString &warehousePath)
{
    const QByteArray path = QFile::encodeName(lockPath(warehousePath));
    m_fd = ::open(path.constData(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, S_IRUSR | S_IWUSR);
    if (m_fd >= 0) {
        // Whoever may read the warehouse may tell its loads' liveness, and whoever may write it may load: the
        // lock file gets the warehouse's permissions, as SQLite gives them to its -wal and -shm files.
        struct stat warehouse = {};
        if (::stat(QFile::encodeName(warehousePath).constData(), &warehouse) == 0)
            ::fchmod(m_fd, warehouse.st_mode & (S_IRUSR | S_IWUSR | S_IRGRP | S_IWGRP | S_IROTH | S_IWOTH));
    } else if (errno == EEXIST) {
        // Another user's file (made by whoever loaded first): a shared lock needs only to read it.
        m_fd = ::open(path.constData(), O_RDWR | O_CLOEXEC);
        if (m_fd < 0 && errno == EACCES)
            m_fd = ::open(path.constData(), O_RDONLY | O_CLOEXEC);
    }
    if (m_fd < 0) {
        m_failure = QStringLiteral("cannot open %1: %2").arg(lockPath(warehousePath), systemError());
        return;
    }
    struct flock lock = byteOf(::getpid(), F_RDLCK);
    if (::fcntl(m_fd, F_OFD_SETLK, &lock) != 0) {
        m_failure = QStringLiteral("cannot lock %1: %2").arg(lockPath(warehousePath), systemError());
        ::close(m_fd);
        m_fd = -1;
    }
}

RunningLoadLock::~RunningLoadLock()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

RunningLoadLock::Liveness RunningLoadLock::loadOf(const QString &warehousePath, qint64 pid)
{
    if (pid <= 0)
        return Liveness::Dead;
    const int fd = ::open(QFile::encodeName(lockPath(warehousePath)).constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? Liveness::Dead : Liveness::Unknown; // no file: no load has ever locked
    struct flock probe = byteOf(pid, F_WRLCK);
    const int rc = ::fcntl(fd, F_OFD_GETLK, &probe);
    ::close(fd);
    if (rc != 0)
        return Liveness::Unknown;
    return probe.l_type == F_UNLCK ? Liveness::Dead : Liveness::Alive;
}

} // namespace pv
