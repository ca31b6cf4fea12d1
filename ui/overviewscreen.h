#pragma once

#include <QWidget>

class QButtonGroup;
class QLabel;
class QTableView;

namespace pv {

class DayCalendarModel;
class LoadCalendarModel;
class QueryThread;
struct LoadCalendarRecords;

/// At a glance, whether the warehouse is complete and healthy: a calendar of days × 24 hours plus one
/// cell per day for the users snapshot, each cell coloured and marked by its state; hovering a cell
/// tells its run, clicking opens it. Zoomed out to weeks or months, a cell is a day, shaded by its
/// pageviews and marked by its worst problem; clicking one shows its hours. The zoom is remembered. An empty
/// warehouse shows an invitation to import instead.
class OverviewScreen : public QWidget
{
    Q_OBJECT
public:
    enum class Zoom { Hours, Weeks, Months };
    Q_ENUM(Zoom)

    /// The screen reads the warehouse at warehousePath on a query thread of its own.
    explicit OverviewScreen(const QString &warehousePath, QWidget *parent = nullptr);

    /// Re-reads what the screen shows from the warehouse (after a load); the calendar follows (shown()).
    void reload();

signals:
    /// The operator asked for the details of a load run.
    void runRequested(qint64 runId);
    /// The operator asked to import extracts (the empty warehouse's Import button).
    void importRequested();
    /// The calendar read by the last reload() is shown.
    void shown();

public:
    LoadCalendarModel *calendar() const { return m_model; }
    QTableView *calendarView() const { return m_view; }
    DayCalendarModel *dayCalendar() const { return m_days; }
    QTableView *dayView() const { return m_dayView; }
    Zoom zoom() const;

private:
    void showCalendar(const LoadCalendarRecords &records);
    void showZoom(Zoom zoom);
    /// Shows the hours of a day of the calendar, scrolled to it.
    void showHoursOf(QDate day);
    void updateSummary();
    void updateShadeLegend();

    QueryThread *m_queries = nullptr;
    LoadCalendarModel *m_model = nullptr;
    DayCalendarModel *m_days = nullptr;
    QTableView *m_view = nullptr;
    QTableView *m_dayView = nullptr;
    QButtonGroup *m_zoom = nullptr; ///< Hours, Weeks, Months: the id is the Zoom
    QLabel *m_title = nullptr;
    QWidget *m_hourLegend = nullptr;
    QWidget *m_dayLegend = nullptr; ///< the shades and the marks of the day cells
    QLabel *m_busiest = nullptr;
    QLabel *m_summary = nullptr;
    QWidget *m_calendarPage = nullptr;
    QWidget *m_empty = nullptr; ///< shown instead of the calendar page while nothing is loaded
};

} // namespace pv
