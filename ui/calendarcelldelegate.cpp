#include "calendarcelldelegate.h"

#include <QPainter>
#include <QPainterPath>

namespace pv {

using State = LoadCalendarModel::State;

QColor CalendarCellDelegate::colour(State state)
{
    switch (state) {
    case State::NotDue: return QColor(0xf2, 0xf2, 0xf2);
    case State::Loaded: return QColor(0x7c, 0xc6, 0x7e);
    case State::Missing: return QColor(0xff, 0xd2, 0x4d);
    case State::Failed: return QColor(0xd9, 0x3b, 0x3b);
    case State::Refused: return QColor(0xef, 0x7d, 0x1a);
    case State::Replaced: return QColor(0x6f, 0xa8, 0xdc);
    }
    return {};
}

QString CalendarCellDelegate::symbol(State state)
{
    switch (state) {
    case State::NotDue: return {};
    case State::Loaded: return {};
    case State::Missing: return QStringLiteral("?");
    case State::Failed: return QStringLiteral("✕");
    case State::Refused: return QStringLiteral("!");
    case State::Replaced: return QStringLiteral("R");
    }
    return {};
}

bool CalendarCellDelegate::isDark(State state)
{
    return state == State::Failed || state == State::Refused;
}

QColor CalendarCellDelegate::amendedColour()
{
    return QColor(0x2e, 0x5e, 0x2f);
}

void CalendarCellDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const auto state = State(index.data(LoadCalendarModel::StateRole).toInt());
    const QRect cell = option.rect.adjusted(1, 1, -1, -1);
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing, true);
    painter->fillRect(cell, colour(state));
    if (option.state & QStyle::State_MouseOver) {
        painter->setPen(QPen(option.palette.color(QPalette::Highlight), 2));
        painter->drawRect(cell.adjusted(1, 1, -1, -1));
    }
    const bool dark = isDark(state);
    painter->setPen(dark ? Qt::white : QColor(0x20, 0x20, 0x20));
    QFont font = option.font;
    if (index.column() == LoadCalendarModel::SnapshotColumn) {
        // The snapshot column has room for words: the user count, or the state.
        font.setPointSizeF(font.pointSizeF() * 0.9);
        painter->setFont(font);
        const QString text = index.data(Qt::DisplayRole).toString();
        painter->drawText(cell, Qt::AlignCenter, state == State::Replaced ? QStringLiteral("R ") + text : text);
    } else {
        font.setBold(true);
        painter->setFont(font);
        painter->drawText(cell, Qt::AlignCenter, symbol(state));
    }
    if (index.data(LoadCalendarModel::AmendedRole).toBool()) {
        QPainterPath corner;
        corner.moveTo(cell.topRight() + QPoint(1, 0));
        corner.lineTo(cell.topRight() + QPoint(-8, 0));
        corner.lineTo(cell.topRight() + QPoint(1, 9));
        corner.closeSubpath();
        painter->fillPath(corner, amendedColour());
    }
    painter->restore();
}

} // namespace pv
