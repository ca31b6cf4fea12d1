#include "itemmodels/loadcalendarmodel.h"

#include "core/runstatus.h"
#include "core/time.h"
#include "load/loadworker.h"
#include "storage/runlog.h"

#include <QFileInfo>
#include <QLocale>
#include <QVariant>

#include <algorithm>
#include <map>
#include <optional>

namespace pv {

namespace {
using LiveRun = LoadCalendarRecords::LiveRun;
using Attempt = LoadCalendarRecords::Attempt;

QString hourRange(qint64 hour)
{
    return QStringLiteral("%1–%2:00 UTC")
        .arg(formatTimestamp(hour * secondsPerHour).left(16))
        .arg((hour + 1) % hoursPerDay, 2, 10, QLatin1Char('0'));
}

/// An attempt that asked for a change: a cancel asked for none.
bool counts(const Attempt &attempt)
{
    return attempt.status != RunStatus::Cancelled;
}

/// The reason of an attempt in a few words: without the file name and the verdict it starts with, up to
/// the advice that follows the first ';'.
QString shortReason(const Attempt &attempt)
{
    QString reason = desktopMessage(attempt.error);
    const QString file = QFileInfo(attempt.file).fileName();
    if (reason.startsWith(file + QLatin1Char(':')))
        reason = reason.mid(file.size() + 1).trimmed();
    for (const QLatin1String verdict : {QLatin1String("refused: "), QLatin1String("not loaded: ")}) {
        if (reason.startsWith(verdict))
            reason = reason.mid(verdict.size());
    }
    return reason.section(QLatin1Char(';'), 0, 0).trimmed();
}

/// One line of the overview's "Needs attention" for an attempt: what, its run, why.
QString attemptLine(const QString &what, const Attempt &attempt, const QString &consequence = {})
{
    return QObject::tr("%1 %2 (run %3, %4)%5: %6")
        .arg(what, runStatusName(attempt.status))
        .arg(attempt.runId)
        .arg(QFileInfo(attempt.file).fileName(), consequence, shortReason(attempt));
}
} // namespace

LoadCalendarModel::LoadCalendarModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

QString LoadCalendarModel::stateName(State state)
{
    switch (state) {
    case State::NotDue: return tr("not due");
    case State::Loaded: return tr("loaded");
    case State::Missing: return tr("missing");
    case State::Failed: return tr("failed");
    case State::Refused: return tr("refused");
    case State::Replaced: return tr("replaced");
    }
    return {};
}

void LoadCalendarModel::setRecords(const LoadCalendarRecords &records)
{
    beginResetModel();
    m_rows.clear();
    m_missingHours.clear();
    m_failedHours.clear();
    m_missingSnapshots.clear();
    m_refusedHours.clear();
    m_unresolved.clear();
    m_loadedHours = 0;
    m_firstDay = 0;

    const auto &windows = records.windows;
    const auto &snapshots = records.snapshots;
    const auto &lateViews = records.lateViews;
    const auto &hourAttempts = records.hourAttempts;
    const auto &snapshotAttempts = records.snapshotAttempts;

    // The range: hours from the first to the last hour loaded or attempted; days covering those and every
    // snapshot. A cancelled attempt asked for nothing to change, so it does not make an hour due.
    std::optional<qint64> firstHour, lastHour, firstDay, lastDay;
    const auto widen = [](std::optional<qint64> &low, std::optional<qint64> &high, qint64 value) {
        low = low ? std::min(*low, value) : value;
        high = high ? std::max(*high, value) : value;
    };
    for (const auto &[hour, run] : windows)
        widen(firstHour, lastHour, hour);
    for (const auto &[hour, attempt] : hourAttempts)
        if (attempt.status != RunStatus::Cancelled)
            widen(firstHour, lastHour, hour);
    if (firstHour) {
        widen(firstDay, lastDay, floorDiv(*firstHour, hoursPerDay));
        widen(firstDay, lastDay, floorDiv(*lastHour, hoursPerDay));
    }
    for (const auto &[asOf, run] : snapshots)
        widen(firstDay, lastDay, floorDiv(asOf, secondsPerHour * hoursPerDay));
    for (const auto &[day, attempt] : snapshotAttempts)
        if (attempt.status != RunStatus::Cancelled)
            widen(firstDay, lastDay, day);

    if (firstDay) {
        m_firstDay = *firstDay;
        const QLocale locale;
        for (qint64 day = *firstDay; day <= *lastDay; ++day) {
            std::array<Cell, HourColumns + 1> row;
            // The users snapshot of the day.
            Cell &snapshot = row[SnapshotColumn];
            const qint64 dayStart = day * hoursPerDay * secondsPerHour;
            const auto live = snapshots.lower_bound(dayStart);
            const QString dayText = formatTimestamp(dayStart).left(10);
            if (live != snapshots.end() && live->first < dayStart + hoursPerDay * secondsPerHour) {
                const LiveRun &run = live->second;
                snapshot.state = run.replacedRun ? State::Replaced : State::Loaded;
                snapshot.runId = run.runId;
                snapshot.views = run.rows;
                snapshot.tip = tr("Users snapshot as of %1 UTC: %2 users\nLoaded by run %3 (%4): %5 rows loaded")
                                   .arg(formatTimestamp(live->first).left(16), locale.toString(run.rows))
                                   .arg(run.runId)
                                   .arg(QFileInfo(run.file).fileName(), locale.toString(run.rowsLoaded));
                if (run.rows > run.rowsLoaded)
                    snapshot.tip += tr(", and %1 users whose rows were rejected, kept unchanged").arg(locale.toString(run.rows - run.rowsLoaded));
                if (run.replacedRun)
                    snapshot.tip += tr("\nIt replaced run %1, an earlier file with the same as-of.").arg(run.replacedRun);
            } else {
                snapshot.state = State::Missing;
                snapshot.tip = tr("No users snapshot for %1.").arg(dayText);
                m_missingSnapshots << dayStart;
            }
            if (const auto attempt = snapshotAttempts.find(day); attempt != snapshotAttempts.end()) {
                const Attempt &a = attempt->second;
                if (snapshot.state == State::Missing && counts(a)) {
                    snapshot.state = a.status == RunStatus::Refused ? State::Refused : State::Failed;
                    m_missingSnapshots.removeLast();
                }
                if (counts(a) && a.runId > snapshot.runId)
                    m_unresolved << attemptLine(tr("users snapshot for %1").arg(dayText), a,
                                                snapshot.runId ? tr("; run %1 still counts").arg(snapshot.runId) : QString());
                if (snapshot.runId == 0)
                    snapshot.runId = a.runId;
                snapshot.tip += tr("\nRun %1 (%2) %3: %4").arg(a.runId).arg(QFileInfo(a.file).fileName(), runStatusName(a.status), desktopMessage(a.error));
            }
            if (snapshot.runId)
                snapshot.tip += tr("\nClick to open run %1.").arg(snapshot.runId);

            for (int h = 0; h < HourColumns; ++h) {
                Cell &cell = row[h + 1];
                const qint64 hour = day * hoursPerDay + h;
                const auto window = windows.find(hour);
                const auto attempt = hourAttempts.find(hour);
                if (window != windows.end()) {
                    const LiveRun &run = window->second;
                    cell.state = run.replacedRun ? State::Replaced : State::Loaded;
                    cell.runId = run.runId;
                    cell.views = run.rows;
                    cell.tip = tr("%1\nLoaded by run %2 (%3): %4 rows")
                                   .arg(hourRange(hour))
                                   .arg(run.runId)
                                   .arg(QFileInfo(run.file).fileName(), locale.toString(run.rows));
                    if (run.replacedRun)
                        cell.tip += tr("\nIt replaced run %1, an earlier file for the same hour.").arg(run.replacedRun);
                    ++m_loadedHours;
                    if (attempt != hourAttempts.end() && counts(attempt->second) && attempt->second.runId > run.runId)
                        m_unresolved << attemptLine(tr("file for %1").arg(hourRange(hour)), attempt->second,
                                                    tr("; run %1 still counts").arg(run.runId));
                } else if (firstHour && hour >= *firstHour && hour <= *lastHour) {
                    const bool tried = attempt != hourAttempts.end() && counts(attempt->second);
                    const bool refused = tried && attempt->second.status == RunStatus::Refused;
                    cell.state = refused ? State::Refused : tried ? State::Failed : State::Missing;
                    cell.tip = refused ? tr("%1\nNot loaded: the last attempt was refused.").arg(hourRange(hour))
                               : tried ? tr("%1\nNot loaded: the last attempt failed.").arg(hourRange(hour))
                                       : tr("%1\nMissing: no file for this hour has been loaded.").arg(hourRange(hour));
                    (refused ? m_refusedHours : tried ? m_failedHours : m_missingHours) << hour * secondsPerHour;
                    if (refused)
                        m_unresolved << attemptLine(tr("file for %1").arg(hourRange(hour)), attempt->second);
                } else {
                    cell.tip = tr("%1\nNot due: outside the hours loaded so far.").arg(hourRange(hour));
                }
                if (attempt != hourAttempts.end()) {
                    const Attempt &a = attempt->second;
                    if (cell.runId == 0)
                        cell.runId = a.runId;
                    cell.tip += tr("\nRun %1 (%2) %3: %4").arg(a.runId).arg(QFileInfo(a.file).fileName(), runStatusName(a.status), desktopMessage(a.error));
                }
                if (const auto late = lateViews.find(hour); late != lateViews.end()) {
                    cell.amended = true;
                    for (const auto &[runId, views] : late->second) {
                        cell.tip += tr("\nAmended: %1 late rows from run %2 count in this hour.")
                                        .arg(locale.toString(views))
                                        .arg(runId);
                        cell.views += views;
                    }
                }
                if (cell.runId)
                    cell.tip += tr("\nClick to open run %1.").arg(cell.runId);
            }
            m_rows << row;
        }
    }
    endResetModel();
}

int LoadCalendarModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int LoadCalendarModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : HourColumns + 1;
}

QVariant LoadCalendarModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Cell &cell = m_rows.at(index.row())[size_t(index.column())];
    switch (role) {
    case Qt::DisplayRole:
        if (index.column() == SnapshotColumn && (cell.state == State::Loaded || cell.state == State::Replaced))
            return QLocale().toString(cell.views);
        return cell.state == State::NotDue || cell.state == State::Loaded ? QString() : stateName(cell.state);
    case Qt::ToolTipRole: return cell.tip;
    case Qt::AccessibleTextRole:
        return cell.amended ? tr("%1, amended by late rows").arg(stateName(cell.state)) : stateName(cell.state);
    case StateRole: return int(cell.state);
    case RunIdRole: return cell.runId;
    case AmendedRole: return cell.amended;
    case ViewsRole: return cell.views;
    }
    return {};
}

QVariant LoadCalendarModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && section >= 0 && section <= HourColumns) {
        if (role == Qt::DisplayRole)
            return section == SnapshotColumn ? tr("Users") : QStringLiteral("%1").arg(section - 1, 2, 10, QLatin1Char('0'));
        if (role == Qt::ToolTipRole)
            return section == SnapshotColumn ? tr("The day's users snapshot")
                                             : tr("%1:00–%2:00 UTC")
                                                   .arg(section - 1, 2, 10, QLatin1Char('0'))
                                                   .arg(section % 24, 2, 10, QLatin1Char('0'));
    }
    if (orientation == Qt::Vertical && section >= 0 && section < m_rows.size() && role == Qt::DisplayRole)
        return day(section).toString(QStringLiteral("ddd yyyy-MM-dd"));
    return QAbstractTableModel::headerData(section, orientation, role);
}

QDate LoadCalendarModel::day(int row) const
{
    return QDate(1970, 1, 1).addDays(m_firstDay + row);
}

QModelIndex LoadCalendarModel::indexOfHour(qint64 epochSeconds) const
{
    const qint64 hour = floorDiv(epochSeconds, secondsPerHour);
    const qint64 row = floorDiv(hour, hoursPerDay) - m_firstDay;
    if (row < 0 || row >= m_rows.size())
        return {};
    return index(int(row), int(hour - floorDiv(hour, hoursPerDay) * hoursPerDay) + 1);
}

} // namespace pv
