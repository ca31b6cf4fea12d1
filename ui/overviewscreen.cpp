#include "overviewscreen.h"

#include "calendarcelldelegate.h"
#include "extract/extractvalidation.h"
#include "itemmodels/loadcalendarmodel.h"
#include "query/querythread.h"
#include "storage/runlog.h"
#include "storage/warehouse.h"

#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPainter>
#include <QPainterPath>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace pv {

namespace {
using State = LoadCalendarModel::State;

QPixmap swatch(State state, bool amended, const QFont &font)
{
    QPixmap pixmap(22, 18);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing, true);
    painter.fillRect(pixmap.rect(), CalendarCellDelegate::colour(state));
    painter.setPen(QColor(0x90, 0x90, 0x90));
    painter.drawRect(pixmap.rect().adjusted(0, 0, -1, -1));
    QFont bold = font;
    bold.setBold(true);
    painter.setFont(bold);
    painter.setPen(CalendarCellDelegate::isDark(state) ? Qt::white : QColor(0x20, 0x20, 0x20));
    painter.drawText(pixmap.rect(), Qt::AlignCenter, CalendarCellDelegate::symbol(state));
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
{
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    m_calendarPage = new QWidget(this);
    outer->addWidget(m_calendarPage, 1);
    auto *layout = new QVBoxLayout(m_calendarPage);
    layout->setContentsMargins(12, 12, 12, 12);
    layout->setSpacing(8);

    auto *title = new QLabel(tr("<b>Which hours and snapshots are loaded</b> — one row per day (UTC), "
                                "the day's users snapshot, then its 24 hours"),
                             this);
    layout->addWidget(title);
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("overviewSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::RichText);
    layout->addWidget(m_summary);

    // In a grid of four columns (two rows), so that the window fits a 1024-wide screen.
    auto *legend = new QGridLayout;
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
    for (const State state : {State::Loaded, State::Missing, State::Failed, State::Refused, State::Replaced, State::NotDue}) {
        static const QHash<State, QString> words{
            {State::Loaded, tr("Loaded")},
            {State::Missing, tr("Missing")},
            {State::Failed, tr("Failed (last attempt)")},
            {State::Refused, tr("Refused (last attempt)")},
            {State::Replaced, tr("Replaced an earlier file")},
            {State::NotDue, tr("Not due")}};
        addLegend(swatch(state, false, font()),
                  words.value(state));
    }
    addLegend(swatch(State::Loaded, true, font()),
              tr("Amended by late rows from another file"));
    legend->setColumnStretch(2 * legendColumns, 1);
    layout->addLayout(legend);

    m_view = new QTableView(this);
    m_view->setObjectName(QStringLiteral("calendarView"));
    m_view->setModel(m_model);
    m_view->setItemDelegate(new CalendarCellDelegate(m_view));
    m_view->setSelectionMode(QAbstractItemView::NoSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setShowGrid(false);
    m_view->setMouseTracking(true);
    m_view->setFocusPolicy(Qt::NoFocus);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->horizontalHeader()->setDefaultSectionSize(34);
    m_view->horizontalHeader()->setMinimumSectionSize(20);
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->setDefaultSectionSize(26);
    m_view->verticalHeader()->setDefaultAlignment(Qt::AlignVCenter | Qt::AlignLeft);
    layout->addWidget(m_view, 1);
    layout->addStretch(0); // takes what a short calendar leaves
    connect(m_view, &QTableView::clicked, this, [this](const QModelIndex &index) {
        if (const qint64 runId = index.data(LoadCalendarModel::RunIdRole).toLongLong())
            emit runRequested(runId);
    });

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
    reload();
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
    m_view->horizontalHeader()->resizeSection(LoadCalendarModel::SnapshotColumn, 64);
    m_view->scrollToBottom();
    // As tall as its days (no empty band below a short calendar); a long one scrolls.
    m_view->setMaximumHeight(m_view->horizontalHeader()->height() + 2 * m_view->frameWidth()
                             + m_view->verticalHeader()->defaultSectionSize() * m_model->rowCount());
    const bool empty = m_model->rowCount() == 0;
    m_calendarPage->setVisible(!empty);
    m_empty->setVisible(empty);
    updateSummary();
    emit shown();
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
