#include "scrolledscreen.h"

#include <QScrollArea>
#include <QString>
#include <QVBoxLayout>

namespace pv {

void showScrolled(QWidget *screen, QWidget *content, const QString &objectName)
{
    auto *scroll = new QScrollArea(screen);
    scroll->setObjectName(objectName);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidgetResizable(true);
    scroll->setWidget(content);
    auto *outer = new QVBoxLayout(screen);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(scroll);
}

} // namespace pv
