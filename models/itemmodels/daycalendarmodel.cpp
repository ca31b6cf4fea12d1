#include "itemmodels/daycalendarmodel.h"

#include "itemmodels/reporttablemodels.h"

#include <QHash>
#include <QVariant>

#include <algorithm>
#include <iterator>

namespace pv {

namespace {
using State = LoadCalendarModel::State;

/// The states that need attention, the worst first.
constexpr State problems[] = {State::Failed, State::Refused, State::Missing};

/// How much a state needs attention: more for a worse one, 0 for none.
int severity(State state)
{
    return int(std::end(problems) - std::find(std::begin(problems), std::end(problems), state));
}

/// "1 hour missing (05:00)", "3 hours failed (09:00, 10:00, 11:00)": the hours of a day in one state.
QString hoursText(State state, const QStringList &hours)
{
    constexpr qsizetype listed = 4;
    QString times = hours.mid(0, listed).join(QStringLiteral(", "));
    if (hours.size() > listed)
        times += QStringLiteral(", …");
    return (hours.size() == 1 ? DayCalendarModel::tr("1 hour %1 (%2)").arg(LoadCalendarModel::stateName(state), times)
                              : DayCalendarModel::tr("%1 hours %2 (%3)").arg(hours.size()).arg(LoadCalendarModel::stateName(state), times));
}

constexpr int daysPerWeek = 7;
constexpr int longestMonth = 31;
} // namespace

DayCalendarModel::DayCalendarModel(const LoadCalendarModel *hours, QObject *parent)
    : QAbstractTableModel(parent)
    , m_hours(hours)
{
    connect(hours, &QAbstractItemModel::modelReset, this, &DayCalendarModel::readHours);
    readHours();
}

void DayCalendarModel::setZoom(Zoom zoom)
{
    if (zoom == m_zoom)
        return;
    beginResetModel();
    m_zoom = zoom;
    endResetModel();
}

void DayCalendarModel::readHours()
{
    beginResetModel();
    m_days.clear();
    m_busiest = {};
    m_first = m_hours->rowCount() > 0 ? m_hours->day(0) : QDate();
    for (int row = 0; row < m_hours->rowCount(); ++row) {
        Day day;
        QHash<State, QStringList> problemHours; // "HH:00"
        bool due = false;
        for (int h = 0; h < LoadCalendarModel::HourColumns; ++h) {
            const QModelIndex hour = m_hours->index(row, h + 1);
            const auto state = State(hour.data(LoadCalendarModel::StateRole).toInt());
            day.views += hour.data(LoadCalendarModel::ViewsRole).toLongLong();
            due |= state != State::NotDue;
            day.loadedHours += state == State::Loaded || state == State::Replaced;
            if (severity(state) > 0)
                problemHours[state] << QStringLiteral("%1:00").arg(h, 2, 10, QLatin1Char('0'));
            if (severity(state) > severity(day.state))
                day.state = state;
        }
        for (const State problem : problems)
            if (problemHours.contains(problem))
                day.attention << hoursText(problem, problemHours.value(problem));
        const auto snapshot = State(m_hours->index(row, LoadCalendarModel::SnapshotColumn).data(LoadCalendarModel::StateRole).toInt());
        if (severity(snapshot) > 0)
            day.attention << tr("users snapshot %1").arg(LoadCalendarModel::stateName(snapshot));
        if (severity(snapshot) > severity(day.state))
            day.state = snapshot;
        if (severity(day.state) == 0)
            day.state = due ? State::Loaded : State::NotDue;
        m_days << day;
        if (!m_busiest.isValid() || day.views > m_days.at(m_first.daysTo(m_busiest)).views)
            m_busiest = m_first.addDays(row);
    }
    endResetModel();
}

qint64 DayCalendarModel::busiestViews() const
{
    return m_busiest.isValid() ? m_days.at(m_first.daysTo(m_busiest)).views : 0;
}

QDate DayCalendarModel::rowStart(int row) const
{
    if (m_zoom == Zoom::Weeks)
        return m_first.addDays(1 - m_first.dayOfWeek() + qint64(daysPerWeek) * row);
    return QDate(m_first.year(), m_first.month(), 1).addMonths(row);
}

int DayCalendarModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid() || m_days.isEmpty())
        return 0;
    const QDate last = m_first.addDays(m_days.size() - 1);
    if (m_zoom == Zoom::Weeks)
        return int(rowStart(0).daysTo(last) / daysPerWeek) + 1;
    return (last.year() - m_first.year()) * 12 + last.month() - m_first.month() + 1;
}

int DayCalendarModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_zoom == Zoom::Weeks ? daysPerWeek : longestMonth;
}

QDate DayCalendarModel::date(const QModelIndex &index) const
{
    if (!index.isValid() || !checkIndex(index, CheckIndexOption::ParentIsInvalid))
        return {};
    const QDate start = rowStart(index.row());
    if (m_zoom == Zoom::Months && index.column() >= start.daysInMonth())
        return {};
    return start.addDays(index.column());
}

QModelIndex DayCalendarModel::indexOfDate(QDate date) const
{
    if (m_days.isEmpty() || !date.isValid())
        return {};
    int row = 0;
    int column = 0;
    if (m_zoom == Zoom::Weeks) {
        const qint64 offset = rowStart(0).daysTo(date);
        row = offset < 0 ? -1 : int(offset / daysPerWeek);
        column = date.dayOfWeek() - 1;
    } else {
        row = (date.year() - m_first.year()) * 12 + date.month() - m_first.month();
        column = date.day() - 1;
    }
    return row >= 0 && row < rowCount() ? index(row, column) : QModelIndex();
}

const DayCalendarModel::Day *DayCalendarModel::dayAt(QDate date) const
{
    const qint64 offset = m_first.daysTo(date);
    return offset >= 0 && offset < m_days.size() ? &m_days.at(offset) : nullptr;
}

QVariant DayCalendarModel::data(const QModelIndex &index, int role) const
{
    const QDate date = this->date(index);
    if (!date.isValid())
        return {};
    static const Day outside;
    const Day &day = dayAt(date) ? *dayAt(date) : outside;
    switch (role) {
    case Qt::DisplayRole: return m_zoom == Zoom::Weeks ? QString::number(date.day()) : QString();
    case Qt::ToolTipRole: {
        QString tip = date.toString(QStringLiteral("dddd yyyy-MM-dd"));
        if (day.state == State::NotDue)
            return tip + tr("\nNot due: none of its hours has been loaded or tried.");
        tip += tr("\n%1 pageviews").arg(countText(day.views));
        tip += tr("\n%1 of 24 hours loaded").arg(day.loadedHours);
        if (!day.attention.isEmpty())
            tip += tr("\nNeeds attention: %1").arg(day.attention.join(QStringLiteral(", ")));
        return tip + tr("\nClick to see its hours.");
    }
    case Qt::AccessibleTextRole:
        return tr("%1: %2, %3 pageviews").arg(date.toString(Qt::ISODate), LoadCalendarModel::stateName(day.state), countText(day.views));
    case StateRole: return int(day.state);
    case ViewsRole: return day.views;
    case ShadeRole: return busiestViews() > 0 ? double(day.views) / double(busiestViews()) : 0.0;
    case DateRole: return date;
    case LoadedHoursRole: return day.loadedHours;
    }
    return {};
}

Qt::ItemFlags DayCalendarModel::flags(const QModelIndex &index) const
{
    return date(index).isValid() ? Qt::ItemIsEnabled : Qt::NoItemFlags;
}

QVariant DayCalendarModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && section >= 0 && section < columnCount() && role == Qt::DisplayRole) {
        if (m_zoom == Zoom::Weeks)
            return QDate(2024, 1, 1).addDays(section).toString(QStringLiteral("ddd")); // a Monday
        return QString::number(section + 1);
    }
    if (orientation == Qt::Vertical && section >= 0 && section < rowCount()) {
        const QDate start = rowStart(section);
        int year = 0;
        const int week = start.weekNumber(&year);
        if (role == Qt::DisplayRole)
            return m_zoom == Zoom::Weeks ? tr("W%1 · %2").arg(week, 2, 10, QLatin1Char('0')).arg(start.toString(QStringLiteral("yyyy-MM-dd")))
                                         : start.toString(QStringLiteral("MMMM yyyy"));
        if (role == Qt::ToolTipRole && m_zoom == Zoom::Weeks)
            return tr("ISO week %1 of %2: Monday %3 to Sunday %4")
                .arg(week)
                .arg(year)
                .arg(start.toString(QStringLiteral("yyyy-MM-dd")), start.addDays(daysPerWeek - 1).toString(QStringLiteral("yyyy-MM-dd")));
    }
    return QAbstractTableModel::headerData(section, orientation, role);
}

} // namespace pv
