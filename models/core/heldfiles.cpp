#include "core/heldfiles.h"

#include <QFile>
#include <QMutex>
#include <QStringList>

#include <map>

#include <sys/stat.h>

namespace pv {

namespace {
using FileId = std::pair<dev_t, ino_t>;

struct Held
{
    QString path;
    int connections = 0;
};

QMutex mutex;
std::map<FileId, Held> &held()
{
    static std::map<FileId, Held> files;
    return files;
}

bool fileId(const QString &path, FileId *id)
{
    struct stat info = {};
    if (::stat(QFile::encodeName(path).constData(), &info) != 0)
        return false;
    *id = {info.st_dev, info.st_ino};
    return true;
}
} // namespace

HeldFile::HeldFile(const QString &path)
{
    if (!fileId(path, &m_id))
        return;
    QMutexLocker lock(&mutex);
    Held &file = held()[m_id];
    file.path = path;
    ++file.connections;
    m_counted = true;
}

HeldFile::~HeldFile()
{
    if (!m_counted)
        return;
    QMutexLocker lock(&mutex);
    const auto it = held().find(m_id);
    if (it != held().end() && --it->second.connections <= 0)
        held().erase(it);
}

QString HeldFile::holderOf(const QString &path)
{
    QMutexLocker lock(&mutex);
    if (held().empty())
        return {};
    QStringList candidates{path};
    for (const QLatin1String suffix : {QLatin1String("-wal"), QLatin1String("-shm"), QLatin1String("-journal")})
        if (path.endsWith(suffix))
            candidates << path.chopped(suffix.size());
    for (const QString &candidate : std::as_const(candidates)) {
        FileId id;
        if (!fileId(candidate, &id))
            continue;
        if (const auto it = held().find(id); it != held().end())
            return it->second.path;
    }
    return {};
}

} // namespace pv
