#include "export/savefile.h"

#include <QSaveFile>

namespace pv {

WriteOutcome saveWholeFile(const QString &path,
                           const std::function<WriteOutcome(QIODevice *out, QString *reason)> &write, QString *error)
{
    QSaveFile file(path);
    const auto cannotWrite = [&] {
        *error = QStringLiteral("%1: cannot write: %2").arg(path, file.errorString());
        return WriteOutcome::Failed;
    };
    if (!file.open(QIODevice::WriteOnly))
        return cannotWrite();
    QString reason;
    const WriteOutcome outcome = write(&file, &reason);
    if (outcome != WriteOutcome::Written) {
        file.cancelWriting();
        if (outcome == WriteOutcome::Failed)
            *error = QStringLiteral("%1: %2").arg(path, reason);
        return outcome;
    }
    return file.commit() ? WriteOutcome::Written : cannotWrite();
}

} // namespace pv
