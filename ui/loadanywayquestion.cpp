#include "loadanywayquestion.h"

#include "core/time.h"
#include "load/loadworker.h"

#include <QFileInfo>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>

namespace pv {

bool askToLoadAnyway(QWidget *parent, const LoadRequest &request)
{
    const QString file = QFileInfo(request.path).fileName();
    const QString users = request.forcedRemovals == 1 ? QObject::tr("1 user")
                                                      : QObject::tr("%1 users").arg(QLocale().toString(request.forcedRemovals));
    QMessageBox question(QMessageBox::Warning, QObject::tr("Load anyway?"),
                         QObject::tr("Load %1 past the removal guard?").arg(file), QMessageBox::NoButton, parent);
    question.setObjectName(QStringLiteral("loadAnywayQuestion"));
    question.setInformativeText(
        (request.options.asOf
             ? QObject::tr("%1 of the previous snapshot will be marked removed as of %2 UTC: they are missing from this "
                           "file, as from a truncated extract.")
                   .arg(users, formatTimestamp(*request.options.asOf).left(16))
             : QObject::tr("%1 of the previous snapshot will be marked removed: they are missing from this file, as "
                           "from a truncated extract.")
                   .arg(users))
        + QLatin1Char(' ')
        + QObject::tr("Load it only if they really left. A later full snapshot brings back those who did not."));
    QPushButton *load = question.addButton(loadAnywayText(), QMessageBox::DestructiveRole);
    load->setObjectName(QStringLiteral("confirmLoadAnyway"));
    QPushButton *cancel = question.addButton(QMessageBox::Cancel);
    question.setDefaultButton(cancel);
    question.setEscapeButton(cancel);
    question.exec();
    return question.clickedButton() == load;
}

} // namespace pv
