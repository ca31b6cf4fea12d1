#include "chartsscreen.h"
#include "basesexplained.h"
#include "chartimagedialog.h"
#include "scrolledscreen.h"
#include "warehousename.h"

#include "extract/extractvalidation.h"
#include "periodselector.h"
#include "query/postcodedirectory.h"
#include "query/querythread.h"
#include "query/reporttable.h"
#include "itemmodels/reporttablemodels.h"
#include "export/reportcsv.h"
#include "export/savefile.h"
#include "storage/warehouse.h"
#include "query/warehousecoverage.h"

#include <QBuffer>
#include <QClipboard>
#include <QDateTime>
#include <QGuiApplication>
#include <QMimeData>
#include <QCompleter>
#include <QDir>
#include <QFileDialog>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStringListModel>
#include <QTabBar>
#include <QVBoxLayout>

namespace pv {

namespace {
constexpr int defaultPostcodes = 3;
constexpr auto viewKey = "charts/view";

/// "1 hour", "8,760 hours".
QString periodCount(Grain grain, qsizetype n)
{
    return n == 1 ? ChartsScreen::tr("1 %1").arg(grainName(grain))
                  : ChartsScreen::tr("%1 %2s").arg(countText(n), grainName(grain));
}
}

ChartsScreen::ChartsScreen(const QString &warehousePath, QWidget *parent)
    : QWidget(parent)
    , m_queries(new QueryThread(warehousePath, this))
    , m_postcodesKey(warehouseSettingsKey(QStringLiteral("charts/postcodes"), warehousePath))
    , m_completions(new QStringListModel(this))
    , m_series(new PageviewSeriesModel(this))
    , m_ranking(new PostcodeRankingModel(this))
{
    auto *postcodeBox = new QGroupBox(tr("Postcodes"), this);
    m_search = new QLineEdit(postcodeBox);
    m_search->setObjectName(QStringLiteral("postcodeSearch"));
    m_search->setPlaceholderText(tr("Type to search, e.g. SW1"));
    m_search->setClearButtonEnabled(true);
    auto *completer = new QCompleter(m_completions, m_search);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    m_search->setCompleter(completer);
    auto *add = new QPushButton(tr("Add"), postcodeBox);
    m_postcodeList = new QListWidget(postcodeBox);
    m_postcodeList->setSelectionMode(QAbstractItemView::ExtendedSelection);
    auto *remove = new QPushButton(tr("Remove selected"), postcodeBox);
    m_topN = new QSpinBox(postcodeBox);
    m_topN->setRange(1, 50);
    m_topN->setValue(5);
    m_topN->setPrefix(tr("Top "));
    auto *useTop = new QPushButton(tr("Use top N"), postcodeBox);
    useTop->setToolTip(tr("Chart the postcodes with most current pageviews in the range"));
    auto *searchRow = new QHBoxLayout;
    searchRow->addWidget(m_search, 1);
    searchRow->addWidget(add);
    auto *topRow = new QHBoxLayout;
    topRow->addWidget(m_topN);
    topRow->addWidget(useTop, 1);
    auto *postcodeLayout = new QVBoxLayout(postcodeBox);
    postcodeLayout->addLayout(searchRow);
    postcodeLayout->addWidget(m_postcodeList, 1);
    postcodeLayout->addWidget(remove);
    postcodeLayout->addLayout(topRow);

    auto *periodBox = new QGroupBox(tr("Period"), this);
    m_period = new PeriodSelector(periodBox);
    auto *periodLayout = new QVBoxLayout(periodBox);
    periodLayout->addWidget(m_period);

    // The chart's data and picture, for a spreadsheet, a slide or a report.
    auto *chartBox = new QGroupBox(tr("Chart"), this);
    auto *copyButton = new QPushButton(tr("Copy data"), chartBox);
    copyButton->setObjectName(QStringLiteral("copyChartData"));
    copyButton->setToolTip(tr("Copy the data of the chart shown to the clipboard as CSV"));
    auto *exportCsvButton = new QPushButton(tr("Export CSV…"), chartBox);
    exportCsvButton->setObjectName(QStringLiteral("exportChartData"));
    auto *exportPngButton = new QPushButton(tr("Export PNG…"), chartBox);
    exportPngButton->setObjectName(QStringLiteral("exportChartImage"));
    auto *chartLayout = new QGridLayout(chartBox);
    chartLayout->addWidget(copyButton, 0, 0, 1, 2);
    chartLayout->addWidget(exportCsvButton, 1, 0);
    chartLayout->addWidget(exportPngButton, 1, 1);
    auto *side = new QVBoxLayout;
    side->addWidget(postcodeBox, 1);
    side->addWidget(periodBox);
    side->addWidget(chartBox);
    auto *sideWidget = new QWidget(this);
    sideWidget->setLayout(side);
    sideWidget->setFixedWidth(290);
    side->setContentsMargins(0, 0, 0, 0);

    m_views = new QTabBar(this);
    m_views->addTab(tr("Both bases"));
    m_views->addTab(tr("Difference (current − at-time)"));
    m_views->addTab(tr("Top postcodes"));
    m_views->setExpanding(false);
    m_chart = new PageviewChartView(this);
    m_chart->setSeriesModel(m_series);
    m_chart->setRankingModel(m_ranking);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("chartsStatus"));
    m_status->setWordWrap(true);
    auto *main = new QVBoxLayout;
    auto *viewRow = new QHBoxLayout;
    viewRow->addWidget(m_views);
    viewRow->addStretch();
    viewRow->addWidget(basesExplainedLink(this));
    main->addLayout(viewRow);
    main->addWidget(m_chart, 1);
    main->addWidget(m_status);

    // Shorter than the chart's minimum and the side column's (the progress dock open on a small screen),
    // the screen scrolls: the chart keeps its height and no hint is cut.
    auto *content = new QWidget(this);
    auto *layout = new QHBoxLayout(content);
    layout->addWidget(sideWidget);
    layout->addLayout(main, 1);
    showScrolled(this, content, QStringLiteral("chartsScroll"));

    // It opens on what its user chose last time: postcodes, view, range and grain (the top postcodes of
    // the range when none were chosen).
    {
        const QSettings settings;
        m_postcodes = settings.value(m_postcodesKey).toStringList();
        m_pickTopOnLoad = m_postcodes.isEmpty();
        showPostcodeList();
        m_views->setCurrentIndex(std::clamp(settings.value(QLatin1String(viewKey), 0).toInt(), 0, m_views->count() - 1));
        m_chart->setView(PageviewChartView::View(m_views->currentIndex()));
        m_period->remember(QStringLiteral("charts"));
    }
    connect(add, &QPushButton::clicked, this, &ChartsScreen::addTypedPostcode);
    connect(m_search, &QLineEdit::returnPressed, this, &ChartsScreen::addTypedPostcode);
    connect(m_search, &QLineEdit::textEdited, this, &ChartsScreen::searchPostcodes);
    connect(remove, &QPushButton::clicked, this, [this] {
        QStringList kept = m_postcodes;
        for (QListWidgetItem *item : m_postcodeList->selectedItems())
            kept.removeAll(item->text());
        setPostcodes(kept);
    });
    connect(useTop, &QPushButton::clicked, this, [this] { useTopPostcodes(m_topN->value()); });
    connect(m_topN, &QSpinBox::valueChanged, this, &ChartsScreen::queryRanking);
    connect(m_period, &PeriodSelector::changed, this, [this] {
        querySeries();
        queryRanking();
    });
    connect(m_views, &QTabBar::currentChanged, this, [this](int index) {
        QSettings().setValue(QLatin1String(viewKey), index);
        m_chart->setView(PageviewChartView::View(index));
        showStatus();
    });
    connect(exportPngButton, &QPushButton::clicked, this, [this] {
        ChartImageDialog dialog(m_chart->viewport()->size(), m_chart->suggestedFileName(), this);
        if (dialog.exec() == QDialog::Accepted && !exportPng(dialog.path(), dialog.size()))
            QMessageBox::warning(this, tr("Export chart"), m_status->text());
    });
    connect(copyButton, &QPushButton::clicked, this, &ChartsScreen::copyData);
    connect(exportCsvButton, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export the chart's data"),
                                                          m_chart->suggestedFileName() + QStringLiteral(".csv"),
                                                          tr("CSV files (*.csv)"));
        if (!path.isEmpty())
            exportData(path);
    });
    connect(m_chart, &PageviewChartView::zoomChanged, this, &ChartsScreen::showStatus);
    connect(m_queries, &QueryThread::failed, this, [this](const QString &message) { m_status->setText(message); });
    connect(m_queries, &QueryThread::busyChanged, this, [this](bool busy) {
        setCursor(busy ? Qt::BusyCursor : Qt::ArrowCursor);
    });
    reload();
}

ChartsScreen::~ChartsScreen() = default;

void ChartsScreen::reload()
{
    m_rankedN = 0; // new data: rank again
    m_queries->request(QStringLiteral("freshness"), [this](Warehouse &warehouse) -> std::function<void()> {
        const DataFreshness freshness = warehouse.coverage().freshness();
        return [this, freshness] {
            {
                const QSignalBlocker blocker(m_period);
                m_period->setFreshness(freshness);
            }
            if (m_pickTopOnLoad && m_postcodes.isEmpty() && freshness.newestHour) {
                m_pickTopOnLoad = false;
                useTopPostcodes(defaultPostcodes);
            } else {
                querySeries();
            }
            queryRanking();
        };
    });
}

void ChartsScreen::setPostcodes(const QStringList &postcodes)
{
    m_pickTopOnLoad = false;
    ++m_choice;
    m_postcodes.clear();
    for (const QString &postcode : postcodes) {
        const QString normalised = postcode.simplified().toUpper();
        if (!normalised.isEmpty() && !m_postcodes.contains(normalised))
            m_postcodes << normalised;
    }
    QSettings().setValue(m_postcodesKey, m_postcodes);
    showPostcodeList();
    querySeries();
}

void ChartsScreen::useTopPostcodes(int n)
{
    const auto range = m_period->range();
    if (!range)
        return;
    const quint64 choice = ++m_choice;
    m_queries->request(QStringLiteral("top"), [this, n, range, choice](Warehouse &warehouse) -> std::function<void()> {
        const QList<PostcodeRanking> top = topPostcodes(warehouse.pageviews(), range->first, range->second, n, Basis::Current);
        return [this, top, choice] {
            if (choice != m_choice)
                return; // the analyst chose postcodes meanwhile
            QStringList postcodes;
            for (const PostcodeRanking &r : top)
                postcodes << r.postcode;
            setPostcodes(postcodes);
        };
    });
}

void ChartsScreen::setView(PageviewChartView::View view)
{
    m_views->setCurrentIndex(int(view));
}

QString ChartsScreen::status() const
{
    return m_status->text();
}

bool ChartsScreen::exportPng(const QString &path, QSize size)
{
    QString error;
    if (!m_chart->exportPng(path, size, &error)) {
        m_status->setText(error);
        return false;
    }
    m_status->setText(tr("Saved %1.").arg(QDir::toNativeSeparators(path)));
    return true;
}

void ChartsScreen::withChartCsv(std::function<void(const QByteArray &csv)> use)
{
    if (m_chart->view() == PageviewChartView::View::TopPostcodes) {
        QBuffer buffer;
        buffer.open(QIODevice::WriteOnly);
        QString reason;
        if (writeRankingCsv(m_ranking->ranking(), &buffer, &reason) == WriteOutcome::Written)
            use(buffer.data());
        else
            m_status->setText(reason);
        return;
    }
    const PageviewSeries &series = m_series->series();
    if (series.periods.isEmpty() || series.postcodes.isEmpty()) {
        m_status->setText(tr("The chart shows no data: choose postcodes first."));
        return;
    }
    ReportQuery query;
    query.grain = series.grain;
    std::tie(query.from, query.to) = m_chart->visiblePeriods();
    query.postcodes = series.postcodes;
    m_queries->request(QStringLiteral("data"), [this, query, use](Warehouse &warehouse) -> std::function<void()> {
        QString error;
        QBuffer buffer;
        buffer.open(QIODevice::WriteOnly);
        ReportCsvOptions options;
        options.hoursLoaded = true; // partial periods stay marked as such
        const auto table = runReport(warehouse, query, true, &error);
        if (table) {
            ReportDescription description{query, true, {}, QDateTime::currentSecsSinceEpoch()};
            ReportCsvWriter(options).write(*table, description, &buffer, nullptr, &error);
        }
        if (!table || !error.isEmpty())
            return [this, error] { m_status->setText(error); };
        return [use, csv = buffer.data()] { use(csv); };
    });
}

void ChartsScreen::copyData()
{
    withChartCsv([this](const QByteArray &csv) {
        auto *mime = new QMimeData;
        mime->setData(QStringLiteral("text/csv"), csv);
        mime->setText(QString::fromUtf8(csv));
        QGuiApplication::clipboard()->setMimeData(mime);
        const qsizetype rows = csv.count('\n') - 1;
        m_status->setText(rows == 1 ? tr("The chart's data, 1 row of CSV, is on the clipboard.")
                                    : tr("The chart's data, %1 rows of CSV, is on the clipboard.").arg(countText(rows)));
        emit dataCopied();
    });
}

void ChartsScreen::exportData(const QString &path)
{
    withChartCsv([this, path](const QByteArray &csv) {
        QString error;
        const WriteOutcome outcome = saveWholeFile(path, [&csv](QIODevice *out, QString *reason) {
            if (out->write(csv) == csv.size())
                return WriteOutcome::Written;
            *reason = tr("cannot write: %1").arg(out->errorString());
            return WriteOutcome::Failed;
        }, &error);
        const bool ok = outcome == WriteOutcome::Written;
        m_status->setText(ok ? tr("Saved the chart's data to %1.").arg(QDir::toNativeSeparators(path)) : error);
        emit dataExported(ok);
    });
}

void ChartsScreen::addTypedPostcode()
{
    const QString typed = m_search->text().simplified().toUpper();
    if (typed.isEmpty())
        return;
    QString reason;
    const QByteArray utf8 = typed.toUtf8();
    if (!normalisePostcode(std::string_view(utf8.constData(), size_t(utf8.size())), &reason)) {
        m_status->setText(tr("'%1' is not a postcode: %2").arg(typed, reason));
        return;
    }
    m_search->clear();
    setPostcodes(m_postcodes + QStringList{typed});
}

void ChartsScreen::showPostcodeList()
{
    m_postcodeList->clear();
    m_postcodeList->addItems(m_postcodes);
}

void ChartsScreen::querySeries()
{
    const auto range = m_period->range();
    if (!range || m_postcodes.isEmpty()) {
        m_series->setSeries({});
        m_status->setText(range ? tr("Choose postcodes: type to search, or use the top N.") : tr("No pageviews are loaded yet."));
        return;
    }
    if (range->second <= range->first) {
        m_status->setText(tr("The range is empty: From must be before To."));
        return;
    }
    const Grain grain = m_period->grain();
    const QStringList postcodes = m_postcodes;
    m_status->setText(tr("Querying…"));
    m_queries->request(QStringLiteral("series"), [this, grain, range, postcodes](Warehouse &warehouse) -> std::function<void()> {
        QString error;
        const auto read = PageviewSeries::read(warehouse, grain, range->first, range->second, postcodes, &error);
        if (!read)
            return [this, error] { m_status->setText(error); emit updated(); };
        return [this, series = *read] {
            m_series->setSeries(series);
            markUnknownPostcodes(series.unknownPostcodes);
            const qsizetype gaps = m_chart->shadedPeriods().size();
            const qsizetype partial = m_chart->partialPeriods().size();
            QStringList parts;
            if (!series.unknownPostcodes.isEmpty())
                parts << describeUnknownPostcodes(series.unknownPostcodes) + tr(" (not drawn).");
            QString what = tr("%1 to %2 UTC, %3").arg(formatTimestamp(series.from).left(16), formatTimestamp(series.to).left(16),
                                                      periodCount(series.grain, series.periods.size()));
            if (gaps)
                what += tr("; %1 never loaded (shaded grey, not zero)").arg(countText(gaps));
            if (partial)
                what += tr("; %1 partial (amber: not every hour loaded, the counts cover only the loaded hours)").arg(countText(partial));
            if (!series.postcodes.isEmpty())
                parts << what + tr(". Hover a point for exact values.");
            m_seriesStatus = parts.join(QLatin1Char(' '));
            showStatus();
            emit updated();
        };
    });
}

void ChartsScreen::markUnknownPostcodes(const QStringList &unknown)
{
    for (int i = 0; i < m_postcodeList->count(); ++i) {
        QListWidgetItem *item = m_postcodeList->item(i);
        const bool isUnknown = unknown.contains(item->text());
        QFont font = item->font();
        font.setStrikeOut(isUnknown);
        item->setFont(font);
        item->setForeground(isUnknown ? palette().brush(QPalette::Disabled, QPalette::Text) : palette().text());
        item->setToolTip(isUnknown ? describeUnknownPostcodes({item->text()}) : QString());
    }
}

void ChartsScreen::queryRanking()
{
    const auto range = m_period->range();
    if (!range)
        return;
    const int n = m_topN->value();
    if (*range == m_rankedRange && n == m_rankedN)
        return;
    m_rankedRange = *range;
    m_rankedN = n;
    m_queries->request(QStringLiteral("ranking"), [this, n, range](Warehouse &warehouse) -> std::function<void()> {
        const QList<PostcodeRanking> top = topPostcodes(warehouse.pageviews(), range->first, range->second, n, Basis::Current);
        return [this, top, range] {
            m_ranking->setRanking(top, range->first, range->second);
            m_rankingStatus = (top.size() == 1 ? tr("The postcode with most current pageviews from %1 to %2 UTC (UNKNOWN left out). "
                                                    "Hover a bar for exact values.")
                                                 : tr("The %1 postcodes with most current pageviews from %2 to %3 UTC (UNKNOWN "
                                                      "left out). Hover a bar for exact values.").arg(top.size()))
                                  .arg(formatTimestamp(range->first).left(16), formatTimestamp(range->second).left(16));
            showStatus();
            emit updated();
        };
    });
}

void ChartsScreen::showStatus()
{
    if (m_chart->view() == PageviewChartView::View::TopPostcodes) {
        m_status->setText(m_rankingStatus);
        return;
    }
    QString text = m_seriesStatus;
    if (m_chart->isZoomed()) {
        const auto [from, to] = m_chart->visibleRange();
        text += tr(" Zoomed to %1 to %2 UTC: double-click the chart (or press Home) to see the whole range.")
                    .arg(formatTimestamp(from).left(16), formatTimestamp(to).left(16));
    } else if (!m_series->series().periods.isEmpty()) {
        text += tr(" Drag across the chart to zoom in, Shift+drag to pan; click a legend entry to hide or show it.");
    }
    m_status->setText(text);
}

void ChartsScreen::searchPostcodes(const QString &prefix)
{
    if (prefix.trimmed().isEmpty())
        return;
    m_queries->request(QStringLiteral("search"), [this, prefix](Warehouse &warehouse) -> std::function<void()> {
        const QStringList found = warehouse.postcodes().search(prefix);
        return [this, found] {
            m_completions->setStringList(found);
            if (m_search->hasFocus())
                m_search->completer()->complete();
        };
    });
}

} // namespace pv
