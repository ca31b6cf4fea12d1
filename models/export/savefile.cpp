#include "export/savefile.h"

#include <QSaveFile>

namespace pv {

bool saveWholeFile(const QString &path, const std::function<bool(QIODevice *out, QString *reason)> &write,
                   QString *error)
{
    QSaveFile file(path);
    const auto cannotWrite = [&] {
        *error = QStringLiteral("%1: cannot write: %2").arg(path, file.errorString());
        return false;
    };
    if (!file.open(QIODevice::WriteOnly))
        return cannotWrite();
    QString reason;
    if (!write(&file, &reason)) {
        file.cancelWriting();
        *error = reason == QLatin1String("cancelled") ? reason : QStringLiteral("%1: %2").arg(path, reason);
        return false;
    }
    return file.commit() || cannotWrite();
}

} // namespace pv
