#include "basesexplained.h"

#include <QLabel>
#include <QMessageBox>
#include <QObject>

namespace pv {

QString basesExplanation()
{
    return QObject::tr(
        "Every pageview counts under one postcode, chosen in one of two ways.\n\n"
        "Current: the postcode the user has now, from the newest snapshot that holds them. A user who moves "
        "takes all their past pageviews with them to the new postcode.\n\n"
        "At-time: the postcode the user had when they viewed the page, from the newest snapshot at or before "
        "that hour (or, for a user who signed up later, their first). A move changes nothing before it.\n\n"
        "The two agree until users move; their difference shows where moves shift the counts. A user in no "
        "loaded snapshot counts under UNKNOWN on both.");
}

QLabel *basesExplainedLink(QWidget *parent)
{
    auto *link = new QLabel(QStringLiteral("<a href=\"bases\">%1</a>").arg(QObject::tr("What do current and at-time mean?")), parent);
    link->setObjectName(QStringLiteral("basesExplained"));
    link->setToolTip(basesExplanation());
    link->setTextInteractionFlags(Qt::LinksAccessibleByMouse | Qt::LinksAccessibleByKeyboard);
    QObject::connect(link, &QLabel::linkActivated, link, [link] {
        auto *box = new QMessageBox(QMessageBox::Information, QObject::tr("Current and at-time"), basesExplanation(),
                                    QMessageBox::Close, link->window());
        box->setObjectName(QStringLiteral("basesExplanation"));
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
    });
    return link;
}

} // namespace pv
