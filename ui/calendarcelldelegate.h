#pragma once

#include "itemmodels/loadcalendarmodel.h"

#include <QColor>
#include <QStyledItemDelegate>

namespace pv {

/// Paints a LoadCalendarModel cell: the state's colour, its symbol, and a corner mark when late rows
/// from another file amended the hour. Colour is never the only cue: every state has a symbol.
class CalendarCellDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;

    static QColor colour(LoadCalendarModel::State state);
    /// The symbol drawn in an hour cell ("" for loaded).
    static QString symbol(LoadCalendarModel::State state);
    static QColor amendedColour();
    /// Whether the state's colour is dark (its symbol is drawn in white).
    static bool isDark(LoadCalendarModel::State state);
    /// The fill of a day with this share of the busiest day's pageviews (0…1): light to dark blue.
    static QColor shade(double fraction);
    /// Draws a state's symbol on its colour, as the legend's swatches and the day cells' marks show it.
    static void drawBadge(QPainter *painter, const QRectF &rect, LoadCalendarModel::State state, const QFont &font);
};

/// Paints a DayCalendarModel cell: the day's shade of blue for its pageviews, and when it needs attention
/// a border in its worst state's colour around that state's badge; a day not due is drawn as an hour not
/// due is, and a cell past a month's end not at all.
class DayCellDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;

    /// Draws a day cell in its state with that share of the busiest day's pageviews (the legend shows them so).
    static void paintDay(QPainter *painter, const QRect &cell, LoadCalendarModel::State state, double fraction, const QFont &font);
};

} // namespace pv
