#include "overviewscreen.h"

#include "calendarcelldelegate.h"
#include "core/time.h"
#include "itemmodels/daycalendarmodel.h"
#include "itemmodels/loadcalendarmodel.h"
#include "itemmodels/reporttablemodels.h"
#include "query/querythread.h"
#include "storage/runlog.h"
#include "storage/warehouse.h"

#include <QButtonGroup>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMetaEnum>
#include <QPainter>
#include <QPainterPath>
#include <QPushButton>
#include <QSettings>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

#include <tuple>

namespace pv {

namespace {
using State = LoadCalendarModel::State;
constexpr char zoomKey[] = "overview/zoom";

QPixmap swatch(State state, bool amended, const QFont &font)
{
    QPixmap pixmap(22, 18);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing, true);
    CalendarCellDelegate::drawBadge(&painter, pixmap.rect(), state, font);
    if (amended) {
        QPainterPath corner;
        corner.moveTo(22, 0);
        corner.lineTo(13, 0);
        corner.lineTo(22, 9);
        corner.closeSubpath();
        painter.fillPath(corner, CalendarCellDelegate::amendedColour());
    }
    return pixmap;
}

/// A day cell that needs attention, as the weeks and months show it.
QPixmap daySwatch(State state, const QFont &font)
{
    QPixmap pixmap(34, 20);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing, true);
    DayCellDelegate::paintDay(&painter, pixmap.rect(), state, 0.6, font);
    return pixmap;
}

QString legendWord(State state)
{
    switch (state) {
    case State::Loaded: return OverviewScreen::tr("Loaded");
    case State::Missing: return OverviewScreen::tr("Missing");
    case State::Failed: return OverviewScreen::tr("Failed (last attempt)");
    case State::Refused: return OverviewScreen::tr("Refused (last attempt)");
    case State::Replaced: return OverviewScreen::tr("Replaced an earlier file");
    case State::NotDue: return OverviewScreen::tr("Not due");
    }
    return {};
}

/// The shades of the day cells, fewest pageviews on the left.
QPixmap shadeScale()
{
    QPixmap pixmap(120, 16);
    QPainter painter(&pixmap);
    for (int x = 0; x < pixmap.width(); ++x) {
        painter.setPen(CalendarCellDelegate::shade(double(x) / (pixmap.width() - 1)));
        painter.drawLine(x, 0, x, pixmap.height() - 1);
    }
    painter.setPen(QColor(0x90, 0x90, 0x90));
    painter.drawRect(pixmap.rect().adjusted(0, 0, -1, -1));
    return pixmap;
}

/// As tall as its rows (no empty band below a short calendar); a long one scrolls.
void fitToRows(QTableView *view)
{
    view->setMaximumHeight(view->horizontalHeader()->height() + 2 * view->frameWidth()
                           + view->verticalHeader()->defaultSectionSize() * view->model()->rowCount());
}

QString hourList(const QList<qint64> &hours)
{
    QStringList texts;
    for (qsizetype i = 0; i < std::min<qsizetype>(hours.size(), 4); ++i)
        texts << formatTimestamp(hours[i]).left(16);
    if (hours.size() > 4)
        texts << QObject::tr("…");
    return texts.join(QStringLiteral(", "));
}
} // namespace

OverviewScreen::OverviewScreen(const QString &warehousePath, QWidget *parent)
    : QWidget(parent)
    , m_queries(new QueryThread(warehousePath, this))
    , m_model(new LoadCalendarModel(this))
    , m_days(new DayCalendarModel(m_model, this))
{
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    m_calendarPage = new QWidget(this);
    outer->addWidget(m_calendarPage, 1);
    auto *layout = new QVBoxLayout(m_calendarPage);
    layout->setContentsMargins(12, 12, 12, 12);
    layout->setSpacing(8);

    // The title says what a row and a cell are; the zoom beside it.
    auto *top = new QHBoxLayout;
    m_title = new QLabel(this);
    m_title->setWordWrap(true);
    top->addWidget(m_title, 1);
    top->addWidget(new QLabel(tr("Zoom:"), this));
    m_zoom = new QButtonGroup(this);
    for (const auto &[zoom, text, name] : {std::tuple(Zoom::Hours, tr("Hours"), "zoomHours"),
                                           std::tuple(Zoom::Weeks, tr("Weeks"), "zoomWeeks"),
                                           std::tuple(Zoom::Months, tr("Months"), "zoomMonths")}) {
        auto *button = new QToolButton(this);
        button->setObjectName(QLatin1String(name));
        button->setText(text);
        button->setCheckable(true);
        button->setAutoRaise(false);
        m_zoom->addButton(button, int(zoom));
        top->addWidget(button);
    }
    top->setSpacing(4);
    layout->addLayout(top);
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("overviewSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::RichText);
    layout->addWidget(m_summary);

    // In a grid of four columns (two rows), so that the window fits a 1024-wide screen.
    m_hourLegend = new QWidget(this);
    auto *legend = new QGridLayout(m_hourLegend);
    legend->setContentsMargins(0, 0, 0, 0);
    legend->setHorizontalSpacing(6);
    legend->setVerticalSpacing(2);
    constexpr int legendColumns = 4;
    int entry = 0;
    const auto addLegend = [&](const QPixmap &pixmap, const QString &text) {
        auto *icon = new QLabel(this);
        icon->setPixmap(pixmap);
        const int row = entry / legendColumns;
        const int column = 2 * (entry % legendColumns);
        legend->addWidget(icon, row, column);
        legend->addWidget(new QLabel(text, this), row, column + 1);
        ++entry;
    };
    for (const State state : {State::Loaded, State::Missing, State::Failed, State::Refused, State::Replaced, State::NotDue})
        addLegend(swatch(state, false, font()), legendWord(state));
    addLegend(swatch(State::Loaded, true, font()),
              tr("Amended by late rows from another file"));
    legend->setColumnStretch(2 * legendColumns, 1);
    layout->addWidget(m_hourLegend);

    // Zoomed out: the day cells' shades with the pageviews of the darkest, and the frames that mark a day.
    m_dayLegend = new QWidget(this);
    auto *dayLegend = new QVBoxLayout(m_dayLegend);
    dayLegend->setContentsMargins(0, 0, 0, 0);
    dayLegend->setSpacing(2);
    auto *shades = new QHBoxLayout;
    shades->setSpacing(6);
    shades->addWidget(new QLabel(tr("Fewer"), this));
    auto *scale = new QLabel(this);
    scale->setPixmap(shadeScale());
    shades->addWidget(scale);
    shades->addWidget(new QLabel(tr("more pageviews"), this));
    m_busiest = new QLabel(this);
    m_busiest->setObjectName(QStringLiteral("busiestDay"));
    shades->addWidget(m_busiest, 1);
    dayLegend->addLayout(shades);
    auto *marks = new QHBoxLayout;
    marks->setSpacing(6);
    for (const State state : {State::Missing, State::Failed, State::Refused, State::NotDue}) {
        auto *icon = new QLabel(this);
        icon->setPixmap(state == State::NotDue ? swatch(state, false, font()) : daySwatch(state, font()));
        marks->addWidget(icon);
        marks->addWidget(new QLabel(legendWord(state), this));
        marks->addSpacing(12);
    }
    marks->addStretch(1);
    dayLegend->addLayout(marks);
    layout->addWidget(m_dayLegend);

    const auto setUpView = [this, layout](QTableView *view, QAbstractItemModel *model, QAbstractItemDelegate *delegate) {
        view->setModel(model);
        view->setItemDelegate(delegate);
        view->setSelectionMode(QAbstractItemView::NoSelection);
        view->setEditTriggers(QAbstractItemView::NoEditTriggers);
        view->setShowGrid(false);
        view->setMouseTracking(true);
        view->setFocusPolicy(Qt::NoFocus);
        // The columns share the width there is, none narrower than the minimum (then the view scrolls).
        view->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
        view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
        view->verticalHeader()->setDefaultSectionSize(26);
        view->verticalHeader()->setDefaultAlignment(Qt::AlignVCenter | Qt::AlignLeft);
        layout->addWidget(view, 1);
    };
    m_view = new QTableView(this);
    m_view->setObjectName(QStringLiteral("calendarView"));
    setUpView(m_view, m_model, new CalendarCellDelegate(m_view));
    m_view->horizontalHeader()->setMinimumSectionSize(26);
    connect(m_view, &QTableView::clicked, this, [this](const QModelIndex &index) {
        if (const qint64 runId = index.data(LoadCalendarModel::RunIdRole).toLongLong())
            emit runRequested(runId);
    });
    m_dayView = new QTableView(this);
    m_dayView->setObjectName(QStringLiteral("dayView"));
    setUpView(m_dayView, m_days, new DayCellDelegate(m_dayView));
    m_dayView->horizontalHeader()->setMinimumSectionSize(20);
    connect(m_dayView, &QTableView::clicked, this, [this](const QModelIndex &index) {
        showHoursOf(index.data(DayCalendarModel::DateRole).toDate());
    });
    layout->addStretch(0); // takes what a short calendar leaves

    // An empty warehouse: one centred invitation to import, in place of the calendar.
    m_empty = new QWidget(this);
    m_empty->setObjectName(QStringLiteral("overviewEmpty"));
    auto *emptyLayout = new QVBoxLayout(m_empty);
    emptyLayout->setSpacing(12);
    emptyLayout->addStretch(1);
    auto *heading = new QLabel(tr("<h2>Nothing is loaded yet</h2>"), m_empty);
    heading->setAlignment(Qt::AlignCenter);
    emptyLayout->addWidget(heading);
    auto *hint = new QLabel(tr("Import a users snapshot (<code>id,postcode</code>) and hourly pageview extracts "
                               "(<code>user_id,url,pageview_datetime</code>).<br>You can also drop extract files or a "
                               "folder of them on this window."),
                            m_empty);
    hint->setAlignment(Qt::AlignCenter);
    emptyLayout->addWidget(hint);
    auto *import = new QPushButton(tr("Import extracts…"), m_empty);
    import->setObjectName(QStringLiteral("emptyImport"));
    import->setDefault(true);
    import->setMinimumWidth(200);
    connect(import, &QPushButton::clicked, this, &OverviewScreen::importRequested);
    emptyLayout->addWidget(import, 0, Qt::AlignHCenter);
    emptyLayout->addStretch(2);
    outer->addWidget(m_empty, 1);
    m_empty->hide();
    m_summary->setText(tr("Reading the warehouse…"));
    connect(m_queries, &QueryThread::failed, this, [this](const QString &message) { m_summary->setText(message.toHtmlEscaped()); });

    const QString zoomName = QSettings().value(QLatin1String(zoomKey)).toString();
    const int zoom = QMetaEnum::fromType<Zoom>().keyToValue(qPrintable(zoomName));
    showZoom(zoom < 0 ? Zoom::Hours : Zoom(zoom));
    connect(m_zoom, &QButtonGroup::idClicked, this, [this](int id) { showZoom(Zoom(id)); });
    reload();
}

OverviewScreen::Zoom OverviewScreen::zoom() const
{
    return Zoom(m_zoom->checkedId());
}

void OverviewScreen::showZoom(Zoom zoom)
{
    m_zoom->button(int(zoom))->setChecked(true);
    const bool hours = zoom == Zoom::Hours;
    if (!hours)
        m_days->setZoom(zoom == Zoom::Weeks ? DayCalendarModel::Zoom::Weeks : DayCalendarModel::Zoom::Months);
    m_view->setVisible(hours);
    m_dayView->setVisible(!hours);
    m_hourLegend->setVisible(hours);
    m_dayLegend->setVisible(!hours);
    static const QHash<Zoom, QString> titles{
        {Zoom::Hours, tr("<b>Which hours and snapshots are loaded</b> — one row per day (UTC), the day's users snapshot, then its 24 hours")},
        {Zoom::Weeks, tr("<b>Pageviews per day</b> — one row per week (UTC, Monday first), one cell per day; a framed day needs attention")},
        {Zoom::Months, tr("<b>Pageviews per day</b> — one row per month (UTC), one cell per day; a framed day needs attention")}};
    m_title->setText(titles.value(zoom));
    QSettings().setValue(QLatin1String(zoomKey), QLatin1String(QMetaEnum::fromType<Zoom>().valueToKey(int(zoom))));
    // A week's cells are wide: taller ones leave room for the day's number beside its mark.
    m_dayView->verticalHeader()->setDefaultSectionSize(zoom == Zoom::Weeks ? 34 : 28);
    fitToRows(m_dayView);
    m_calendarPage->layout()->activate(); // the view shown has its size before it scrolls
    m_dayView->scrollToBottom();
}

void OverviewScreen::showHoursOf(QDate day)
{
    const QModelIndex hour = m_model->indexOfHour(QDate(1970, 1, 1).daysTo(day) * secondsPerDay);
    if (!hour.isValid())
        return; // a day of the week or month before or after the calendar's
    showZoom(Zoom::Hours);
    m_view->scrollTo(hour.siblingAtColumn(LoadCalendarModel::SnapshotColumn), QAbstractItemView::PositionAtCenter);
}

void OverviewScreen::reload()
{
    m_queries->request(QStringLiteral("calendar"), [this](Warehouse &warehouse) -> std::function<void()> {
        const LoadCalendarRecords records = warehouse.runLog().calendar();
        return [this, records] { showCalendar(records); };
    });
}

void OverviewScreen::showCalendar(const LoadCalendarRecords &records)
{
    m_model->setRecords(records);
    m_view->horizontalHeader()->setSectionResizeMode(LoadCalendarModel::SnapshotColumn, QHeaderView::Fixed);
    m_view->horizontalHeader()->resizeSection(LoadCalendarModel::SnapshotColumn, 64);
    fitToRows(m_view);
    fitToRows(m_dayView);
    updateShadeLegend();
    const bool empty = m_model->rowCount() == 0;
    m_calendarPage->setVisible(!empty);
    m_empty->setVisible(empty);
    updateSummary();
    // The latest days, once the views have the height their rows and the summary above leave them.
    m_calendarPage->layout()->activate();
    m_view->scrollToBottom();
    m_dayView->scrollToBottom();
    emit shown();
}

void OverviewScreen::updateShadeLegend()
{
    if (m_days->busiestDay().isValid())
        m_busiest->setText(tr("— the darkest day, %1, had %2 pageviews")
                               .arg(m_days->busiestDay().toString(QStringLiteral("ddd yyyy-MM-dd")), countText(m_days->busiestViews())));
}

void OverviewScreen::updateSummary()
{
    const QLocale locale;
    if (m_model->rowCount() == 0) {
        m_summary->clear();
        return;
    }
    QStringList problems;
    const auto missing = m_model->missingHours();
    const auto failed = m_model->failedHours();
    const auto snapshots = m_model->missingSnapshots();
    if (!missing.isEmpty())
        problems << (missing.size() == 1 ? tr("1 hour missing: %1") : tr("%1 hours missing: %2").arg(missing.size()))
                        .arg(hourList(missing));
    if (!failed.isEmpty())
        problems << (failed.size() == 1 ? tr("1 hour failed: %1") : tr("%1 hours failed: %2").arg(failed.size()))
                        .arg(hourList(failed));
    if (!snapshots.isEmpty()) {
        QStringList days;
        for (const qint64 day : snapshots)
            days << formatTimestamp(day).left(10);
        problems << (snapshots.size() == 1 ? tr("1 day without a users snapshot: %1")
                                              : tr("%1 days without a users snapshot: %2").arg(snapshots.size()))
                        .arg(days.mid(0, 4).join(QStringLiteral(", ")));
    }
    // Refused and failed files that nothing made good since, each with its reason (the newest few).
    const QStringList unresolved = m_model->unresolvedAttempts();
    constexpr qsizetype shown = 3;
    problems << unresolved.mid(std::max<qsizetype>(0, unresolved.size() - shown));
    if (unresolved.size() > shown)
        problems << tr("%1 more files not loaded (see Loads)").arg(unresolved.size() - shown);
    const int days = m_model->rowCount();
    const int hours = m_model->loadedHours();
    QString text = (days == 1 ? tr("1 day, ") : tr("%1 days, ").arg(locale.toString(days)))
        + (hours == 1 ? tr("1 hour loaded.") : tr("%1 hours loaded.").arg(locale.toString(hours)));
    if (problems.isEmpty())
        text += tr(" <span style='color:#2e7d32'>Nothing missing or failed.</span>");
    else
        text += tr(" <span style='color:#b71c1c'><b>Needs attention:</b> %1.</span> Hover a cell for details; "
                   "click it to open its run.")
                    .arg(problems.join(QStringLiteral("; ")).toHtmlEscaped());
    m_summary->setText(text);
}

} // namespace pv
