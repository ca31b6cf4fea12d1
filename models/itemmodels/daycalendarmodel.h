#pragma once

#include "itemmodels/loadcalendarmodel.h"

#include <QAbstractTableModel>
#include <QDate>
#include <QList>

namespace pv {

/// The overview's calendar zoomed out: one row per ISO week (Monday first) or per month, one cell per day,
/// read from the hours of a LoadCalendarModel (so an hour's state follows its rules) and again whenever it
/// resets. A day says its pageviews (the sum of its hours' views), that volume as a share of the busiest
/// day's (its shade), and its worst problem: a failed, refused or missing hour or users snapshot. A day with
/// none is loaded if anything in it is, else not due; so is a day of a row outside the calendar's days.
/// Cells past a month's end hold nothing.
class DayCalendarModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum class Zoom { Weeks, Months };
    Q_ENUM(Zoom)
    /// StateRole and ViewsRole mean what they mean in LoadCalendarModel, for a day.
    enum Role {
        StateRole = LoadCalendarModel::StateRole,
        ViewsRole = LoadCalendarModel::ViewsRole,
        ShadeRole = LoadCalendarModel::ViewsRole + 1, ///< the day's views over the busiest day's, 0…1
        DateRole,
        LoadedHoursRole,
    };

    explicit DayCalendarModel(const LoadCalendarModel *hours, QObject *parent = nullptr);

    void setZoom(Zoom zoom);
    Zoom zoom() const { return m_zoom; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;

    /// The day of a cell; invalid past a month's end.
    QDate date(const QModelIndex &index) const;
    QModelIndex indexOfDate(QDate date) const;
    /// The busiest day and its pageviews, which the darkest shade stands for.
    QDate busiestDay() const { return m_busiest; }
    qint64 busiestViews() const;

private:
    struct Day
    {
        LoadCalendarModel::State state = LoadCalendarModel::State::NotDue;
        qint64 views = 0;
        int loadedHours = 0;
        QStringList attention; ///< what needs attention, in a few words each
    };

    void readHours();
    /// The first day of a row: its Monday, or the 1st of its month.
    QDate rowStart(int row) const;
    const Day *dayAt(QDate date) const;

    const LoadCalendarModel *m_hours;
    Zoom m_zoom = Zoom::Weeks;
    QDate m_first; ///< the calendar's first day; m_days[i] is m_first + i
    QList<Day> m_days;
    QDate m_busiest;
};

} // namespace pv
