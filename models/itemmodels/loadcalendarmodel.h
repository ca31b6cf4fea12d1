#pragma once

#include <QAbstractTableModel>
#include <QDate>
#include <QList>

#include <array>

namespace pv {

struct LoadCalendarRecords;

/// The overview's calendar: one row per day, a column for the day's users snapshot and one per hour,
/// each cell saying whether that hour (or snapshot) is loaded, missing, failed, loaded again over an
/// earlier file (replaced), or amended by late rows from another file. Days run from the first to the
/// last day with a load or a load attempt; hours outside the first and last hour attempted are "not due".
class LoadCalendarModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum class State { NotDue, Loaded, Missing, Failed, Refused, Replaced };
    Q_ENUM(State)
    enum Role { StateRole = Qt::UserRole + 1, RunIdRole, AmendedRole, ViewsRole };
    static constexpr int SnapshotColumn = 0;
    static constexpr int HourColumns = 24;

    explicit LoadCalendarModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /// Shows the calendar these records (LoadRunLog::calendar()) describe.
    void setRecords(const LoadCalendarRecords &records);

    QDate day(int row) const;
    /// The cell of an hour (seconds since the epoch, any second in it), or an invalid index outside the range.
    QModelIndex indexOfHour(qint64 epochSeconds) const;
    /// Starts of the missing hours and the hours whose last attempt failed, oldest first.
    QList<qint64> missingHours() const { return m_missingHours; }
    QList<qint64> failedHours() const { return m_failedHours; }
    /// Days with no users snapshot (their midnight, seconds since the epoch).
    QList<qint64> missingSnapshots() const { return m_missingSnapshots; }
    /// Starts of the hours not loaded whose last attempt was refused (its file was not what it should be).
    QList<qint64> refusedHours() const { return m_refusedHours; }
    /// Attempts that did not load and that no later load of their hour or snapshot made good: every failed or
    /// refused users snapshot, and every failed or refused file for an hour loaded before (a correction that
    /// did not land, so the earlier file's rows still count), oldest first, each saying what and why.
    QStringList unresolvedAttempts() const { return m_unresolved; }
    int loadedHours() const { return m_loadedHours; }

    /// The word for a state, as the legend and tooltips write it.
    static QString stateName(State state);

private:
    struct Cell
    {
        State state = State::NotDue;
        qint64 runId = 0;
        qint64 views = 0;
        bool amended = false;
        QString tip;
    };

    qint64 m_firstDay = 0; // days since the epoch
    QList<std::array<Cell, HourColumns + 1>> m_rows;
    QList<qint64> m_missingHours;
    QList<qint64> m_failedHours;
    QList<qint64> m_missingSnapshots;
    QList<qint64> m_refusedHours;
    QStringList m_unresolved;
    int m_loadedHours = 0;
};

} // namespace pv
