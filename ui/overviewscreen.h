#pragma once

#include <QWidget>

class QLabel;
class QTableView;

namespace pv {

class LoadCalendarModel;
class QueryThread;
struct LoadCalendarRecords;

/// At a glance, whether the warehouse is complete and healthy: a calendar of days × 24 hours plus one
/// cell per day for the users snapshot, each cell coloured and marked by its state; hovering a cell
/// tells its run, clicking opens it. An empty warehouse shows an invitation to import instead.
class OverviewScreen : public QWidget
{
    Q_OBJECT
public:
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

private:
    void showCalendar(const LoadCalendarRecords &records);
    void updateSummary();

    QueryThread *m_queries = nullptr;
    LoadCalendarModel *m_model = nullptr;
    QTableView *m_view = nullptr;
    QLabel *m_summary = nullptr;
    QWidget *m_calendarPage = nullptr;
    QWidget *m_empty = nullptr; ///< shown instead of the calendar page while nothing is loaded
};

} // namespace pv
