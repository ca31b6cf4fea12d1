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
};

} // namespace pv
