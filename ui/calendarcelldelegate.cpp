#include "calendarcelldelegate.h"

#include <QPainter>
#include <QPainterPath>

#include "itemmodels/daycalendarmodel.h"

#include <algorithm>
#include <cmath>
#include <iterator>

namespace pv {

using State = LoadCalendarModel::State;

namespace {
/// The hovered cell's frame, in the highlight colour.
void drawHover(QPainter *painter, const QStyleOptionViewItem &option, const QRect &cell)
{
    if (option.state & QStyle::State_MouseOver) {
        painter->setPen(QPen(option.palette.color(QPalette::Highlight), 2));
        painter->drawRect(cell.adjusted(1, 1, -1, -1));
    }
}
} // namespace

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

QColor CalendarCellDelegate::shade(double fraction)
{
    // ColorBrewer's sequential "Blues", from its second step (the lightest is too near "not due"'s grey).
    static const QColor stops[] = {QColor(0xde, 0xeb, 0xf7), QColor(0xc6, 0xdb, 0xef), QColor(0x9e, 0xca, 0xe1),
                                   QColor(0x6b, 0xae, 0xd6), QColor(0x42, 0x92, 0xc6), QColor(0x21, 0x71, 0xb5),
                                   QColor(0x08, 0x51, 0x9c), QColor(0x08, 0x30, 0x6b)};
    const double at = std::clamp(fraction, 0.0, 1.0) * double(std::size(stops) - 1);
    const auto low = size_t(std::floor(at));
    const size_t high = std::min(low + 1, std::size(stops) - 1);
    const double t = at - double(low);
    const auto mix = [t](int a, int b) { return int(std::lround(a + (b - a) * t)); };
    return QColor(mix(stops[low].red(), stops[high].red()), mix(stops[low].green(), stops[high].green()),
                  mix(stops[low].blue(), stops[high].blue()));
}

void CalendarCellDelegate::drawBadge(QPainter *painter, const QRectF &rect, State state, const QFont &font)
{
    painter->save();
    painter->fillRect(rect, colour(state));
    painter->setPen(QColor(0x90, 0x90, 0x90));
    painter->drawRect(rect.adjusted(0, 0, -1, -1));
    QFont bold = font;
    bold.setBold(true);
    painter->setFont(bold);
    painter->setPen(isDark(state) ? Qt::white : QColor(0x20, 0x20, 0x20));
    painter->drawText(rect, Qt::AlignCenter, symbol(state));
    painter->restore();
}

void CalendarCellDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const auto state = State(index.data(LoadCalendarModel::StateRole).toInt());
    const QRect cell = option.rect.adjusted(1, 1, -1, -1);
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing, true);
    painter->fillRect(cell, colour(state));
    drawHover(painter, option, cell);
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

void DayCellDelegate::paintDay(QPainter *painter, const QRect &cell, State state, double fraction, const QFont &font)
{
    painter->fillRect(cell, state == State::NotDue ? CalendarCellDelegate::colour(state) : CalendarCellDelegate::shade(fraction));
    if (state == State::Loaded || state == State::NotDue)
        return;
    // Needs attention: a frame in the state's colour, set off from the shade by a white line, its badge in the middle.
    constexpr int border = 3;
    painter->save();
    painter->setPen(QPen(CalendarCellDelegate::colour(state), border, Qt::SolidLine, Qt::SquareCap, Qt::MiterJoin));
    painter->drawRect(QRectF(cell).adjusted(border / 2.0, border / 2.0, -border / 2.0, -border / 2.0));
    painter->setPen(QPen(Qt::white, 1));
    painter->drawRect(QRectF(cell).adjusted(border + 0.5, border + 0.5, -border - 0.5, -border - 0.5));
    painter->restore();
    const QSizeF badge(std::min(18, cell.width() - 2 * border - 2), std::min(16, cell.height() - 2 * border - 2));
    QRectF mark(QPointF(), badge);
    mark.moveCenter(QRectF(cell).center());
    CalendarCellDelegate::drawBadge(painter, mark, state, font);
}

void DayCellDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    if (!index.data(DayCalendarModel::DateRole).isValid())
        return; // past the month's end
    const auto state = State(index.data(DayCalendarModel::StateRole).toInt());
    const double fraction = index.data(DayCalendarModel::ShadeRole).toDouble();
    const QRect cell = option.rect.adjusted(1, 1, -1, -1);
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing, true);
    paintDay(painter, cell, state, fraction, option.font);
    drawHover(painter, option, cell);
    // The day of the month, where the row does not say it (a week's).
    if (const QString day = index.data(Qt::DisplayRole).toString(); !day.isEmpty()) {
        QFont font = option.font;
        font.setPointSizeF(font.pointSizeF() * 0.85);
        painter->setFont(font);
        painter->setPen(state != State::NotDue && fraction > 0.5 ? Qt::white : QColor(0x20, 0x20, 0x20));
        painter->drawText(cell.adjusted(7, 5, -7, -5), Qt::AlignLeft | Qt::AlignTop, day);
    }
    painter->restore();
}

} // namespace pv
