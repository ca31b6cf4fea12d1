// The analyst's screens on the offscreen platform: History, Charts and Reports driven as an analyst would,
// with their queries running on each screen's query thread.
#include "analystwarehouses.h"

#include "chartimagedialog.h"
#include "chartsscreen.h"
#include "historyscreen.h"
#include "pageviewchartview.h"
#include "query/pageviewquery.h"
#include "periodselector.h"
#include "query/postcodedirectory.h"
#include "reportsscreen.h"
#include "itemmodels/reporttablemodels.h"
#include "query/userhistory.h"
#include "itemmodels/userhistorymodels.h"
#include "storage/warehouse.h"

#include <QClipboard>
#include <QElapsedTimer>
#include <QGuiApplication>
#include <QRadioButton>
#include <QSpinBox>
#include <QWheelEvent>
#include <QGraphicsTextItem>
#include <QImage>
#include <QLabel>
#include <QMessageBox>
#include <QLineEdit>
#include <QLineSeries>
#include <QRegularExpression>
#include <QScatterSeries>
#include <QTableView>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace pv;
using analyst::at;

namespace {

QByteArray runReportCommand(const QString &warehouse, const QStringList &arguments)
{
    QProcess process;
    process.start(QStringLiteral(PVADMIN_BINARY), QStringList{QStringLiteral("--db"), warehouse, QStringLiteral("report")} + arguments);
    if (!process.waitForFinished(60000) || process.exitCode() != 0)
        qWarning("pvadmin report failed: %s", process.readAllStandardError().constData());
    return process.readAllStandardOutput();
}

/// Shows a screen at a size and waits until it is on screen.
bool showAt(QWidget &screen, int width, int height)
{
    screen.resize(width, height);
    screen.show();
    return QTest::qWaitForWindowExposed(&screen);
}

/// The texts the chart's scene draws (title, axis labels, legend) as drawn: Qt Charts ends a cut one in "...".
QStringList drawnTexts(const PageviewChartView *view)
{
    QStringList texts;
    for (QGraphicsItem *item : view->scene()->items())
        if (auto *text = qgraphicsitem_cast<QGraphicsTextItem *>(item); text && text->isVisible())
            texts << text->toPlainText();
    return texts;
}

/// Where the middle of the period [periodStart, periodEnd) is drawn, halfway up the plot, in the viewport.
QPoint periodPosition(PageviewChartView *view, qint64 periodStart, qint64 periodEnd)
{
    QChart *chart = view->chart();
    const QPointF inChart = chart->mapToPosition(QPointF((double(periodStart) + double(periodEnd)) / 2, 0), chart->series().first());
    return view->mapFromScene(chart->mapToScene(QPointF(inChart.x(), chart->plotArea().center().y())));
}

/// Ten days for SW19 and EC1A; the fifth has 5 of its 24 hours loaded, the eighth none.
PageviewSeries tenDays()
{
    PageviewSeries days;
    days.grain = Grain::Day;
    days.from = at("2024-03-01 00:00:00");
    days.to = at("2024-03-11 00:00:00");
    for (qint64 t = days.from; t < days.to; t += secondsPerDay) {
        days.periods << t;
        days.coverage << PeriodCoverage{days.periods.size() == 5 ? 5 : days.periods.size() == 8 ? 0 : 24, 24};
    }
    days.postcodes = {QStringLiteral("SW19"), QStringLiteral("EC1A")};
    days.current = {{700, 710, 690, 720, 150, 705, 715, 0, 700, 690}, {400, 410, 390, 420, 90, 405, 415, 0, 400, 390}};
    days.atTime = {{690, 700, 680, 710, 140, 695, 705, 0, 690, 680}, {410, 420, 400, 430, 100, 415, 425, 0, 410, 400}};
    return days;
}

/// The middle of the legend entry named name, in the viewport; null when it is not drawn.
QPoint legendEntryPosition(const PageviewChartView *view, const QString &name)
{
    for (QGraphicsItem *item : view->scene()->items())
        if (auto *text = qgraphicsitem_cast<QGraphicsTextItem *>(item);
            text && text->isVisible() && text->toPlainText() == name && view->chart()->legend()->isAncestorOf(text))
            return view->mapFromScene(text->sceneBoundingRect().center());
    return {};
}

QList<QAbstractSeries *> seriesNamed(const PageviewChartView *view, const QString &name)
{
    QList<QAbstractSeries *> named;
    for (QAbstractSeries *series : view->chart()->series())
        if (series->name() == name)
            named << series;
    return named;
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class AnalystGuiTest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();

    void historyShowsAUsersTimelineAndPageviews();
    void historyShowsAMoversTimeline();
    void historyShowsAPostcodesMovers();
    void chartsDrawTheReportOnBothBases();
    void chartsShowDifferenceAndTopPostcodes();
    void chartsSwitchGrainQuickly();
    void chartsLabelWholePeriodsAndFullLegends();
    void chartsDrawOneMonthInTheMiddle();
    void chartsGroupCountDigits();
    void chartsShowValuesUnderTheMouse();
    void chartsKeepTheirHeightWhenShort();
    void chartsMarkPartialPeriods();
    void chartsSayAPostcodeNoUserHasHad();
    void chartsToggleSeriesFromTheLegend();
    void chartsZoomAndPanTheTimeAxis();
    void chartsCopyAndExportTheirData();
    void chartsExportPngNamedAtAChosenSize();
    void chartsAndReportsOpenOnTheLastChoice();
    void reportsMarkPartialPeriodsAndUnknownPostcodes();
    void reportsPreviewBothBases();
    void reportsOpenOnTheLastCompleteDaysTopPostcodes();
    void reportsExportEqualsCommandLine();
    void reportsExportWithHeaderLinesAndBom();

private:
    analyst::TestWarehouse m_hand;
    analyst::TestWarehouse m_generated;
};

void AnalystGuiTest::initTestCase()
{
    // What the screens remember goes to a settings file of the tests' own, emptied first.
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("pvadmin-tests"));
    QSettings().clear();
    QString error;
    QVERIFY2(m_hand.buildHandMade(&error), qPrintable(error));
    QVERIFY2(m_generated.buildGenerated(&error), qPrintable(error));
}

void AnalystGuiTest::init()
{
    QSettings().clear(); // each test starts as a first run: no remembered choices
}

void AnalystGuiTest::historyShowsAUsersTimelineAndPageviews()
{
    HistoryScreen screen(m_hand.path());
    QVERIFY(showAt(screen, 1000, 700));
    auto *userId = screen.findChild<QLineEdit *>(QStringLiteral("userId"));
    QVERIFY(userId);
    QTest::keyClicks(userId, QStringLiteral("1"));
    QTest::keyClick(userId, Qt::Key_Return);
    QTRY_COMPARE(screen.historyModel()->rowCount(), 2);
    QTRY_COMPARE(screen.pageviewsModel()->rowCount(), 2);
    QCOMPARE(screen.historyModel()->index(0, PostcodeHistoryModel::PostcodeColumn).data().toString(), QStringLiteral("SW19"));
    QCOMPARE(screen.historyModel()->index(1, PostcodeHistoryModel::CurrentColumn).data().toString(), QStringLiteral("current"));
    QCOMPARE(screen.pageviewsModel()->index(0, UserPageviewsModel::PostcodeColumn).data().toString(), QStringLiteral("SW19"));
    QCOMPARE(screen.pageviewsModel()->index(0, UserPageviewsModel::PageviewsColumn).data().toLongLong(), 2);
    QCOMPARE(screen.pageviewsModel()->index(1, UserPageviewsModel::PostcodeColumn).data().toString(), QStringLiteral("EC1A"));
    QTRY_VERIFY2(screen.userSummary().contains(QLatin1String("current postcode EC1A")), qPrintable(screen.userSummary()));
    QVERIFY(screen.userSummary().contains(QLatin1String("3 pageviews")));

    screen.showUser(9);
    QTRY_VERIFY2(screen.userSummary().contains(QLatin1String("count under UNKNOWN")), qPrintable(screen.userSummary()));
    QCOMPARE(screen.historyModel()->rowCount(), 0);
    QCOMPARE(screen.pageviewsModel()->rowCount(), 1);

    userId->clear();
    QTest::keyClicks(userId, QStringLiteral("abc"));
    QTest::keyClick(userId, Qt::Key_Return);
    QVERIFY(screen.userSummary().contains(QLatin1String("not a user id")));
    QCOMPARE(screen.pageviewsModel()->rowCount(), 0);
}

void AnalystGuiTest::historyShowsAMoversTimeline()
{
    // A user of the generated warehouse who moved.
    qint64 mover = 0;
    int periods = 0;
    {
        Warehouse db;
        QString error;
        QVERIFY(db.open(m_generated.path(), &error));
        const PostcodeDirectory &directory = db.postcodes();
        for (const QString &postcode : directory.search(QString(), 200)) {
            for (const PostcodeMove &move : directory.moves(postcode, 0, at("2030-01-01 00:00:00")))
                if (move.direction == PostcodeMove::Direction::In && !move.fromPostcode.isEmpty()) {
                    mover = move.userId;
                    break;
                }
            if (mover)
                break;
        }
        QVERIFY(mover);
        periods = int(db.userHistory().periods(mover).size());
    }
    QVERIFY(periods >= 2);
    HistoryScreen screen(m_generated.path());
    screen.showUser(mover);
    QTRY_COMPARE(screen.historyModel()->rowCount(), periods);
    QVERIFY(screen.historyModel()->index(0, PostcodeHistoryModel::PostcodeColumn).data().toString()
            != screen.historyModel()->index(1, PostcodeHistoryModel::PostcodeColumn).data().toString());
}

void AnalystGuiTest::historyShowsAPostcodesMovers()
{
    HistoryScreen screen(m_hand.path());
    QSignalSpy updated(&screen, &HistoryScreen::updated);
    screen.showPostcode(QStringLiteral("sw19"));
    QTRY_COMPARE(screen.movesModel()->rowCount(), 2);
    QTRY_VERIFY2(screen.postcodeSummary().contains(QLatin1String("2 users have it as their current postcode")),
                 qPrintable(screen.postcodeSummary()));
    QVERIFY(screen.postcodeSummary().contains(QLatin1String("1 moved in, 1 moved out")));
    QCOMPARE(screen.movesModel()->index(0, PostcodeMovesModel::ToColumn).data().toString(), QStringLiteral("EC1A"));

    screen.showPostcode(QStringLiteral("ZZ9"));
    QTRY_VERIFY2(screen.postcodeSummary().contains(QLatin1String("not a postcode the warehouse has seen")),
                 qPrintable(screen.postcodeSummary()));
    QCOMPARE(screen.movesModel()->rowCount(), 0);
}

void AnalystGuiTest::chartsDrawTheReportOnBothBases()
{
    ChartsScreen screen(m_generated.path());
    QVERIFY(showAt(screen, 1200, 760));
    // With nothing chosen, the screen starts with the three biggest postcodes.
    QTRY_COMPARE(screen.postcodes().size(), 3);
    screen.periodSelector()->setRecentRange(RecentRange::AllData);
    screen.periodSelector()->setGrain(Grain::Hour);
    const auto range = screen.periodSelector()->range();
    QVERIFY(range);
    QTRY_COMPARE(screen.seriesModel()->series().grain, Grain::Hour);
    QTRY_COMPARE(screen.seriesModel()->series().from, range->first);

    PageviewChartView *chart = screen.chartView();
    // Hours that were never loaded are shaded, not drawn as zeros: 20 of each generated day's 24 hours.
    QVERIFY2(chart->shadedPeriods().size() >= 30, qPrintable(QString::number(chart->shadedPeriods().size())));
    for (const QString &basis : {QStringLiteral("current"), QStringLiteral("at-time")}) {
        const QByteArray csv = runReportCommand(m_generated.path(),
                                                {QStringLiteral("--basis"), basis, QStringLiteral("--grain"), QStringLiteral("hour"),
                                                 QStringLiteral("--from"), formatTimestamp(range->first),
                                                 QStringLiteral("--to"), formatTimestamp(range->second)});
        QVERIFY(csv.startsWith("period_start,postcode,pageviews\n"));
        for (const QString &postcode : screen.postcodes()) {
            QStringList expected;
            for (const QByteArray &line : csv.split('\n'))
                if (line.contains("," + postcode.toUtf8() + ","))
                    expected << QString::fromUtf8(line);
            QStringList drawn;
            const auto value = basis == QLatin1String("current") ? PageviewSeriesModel::Current : PageviewSeriesModel::AtTime;
            for (const QPointF &point : chart->drawnPoints(postcode, value)) {
                QVERIFY(!chart->shadedPeriods().contains(qint64(point.x())));
                if (point.y() != 0)
                    drawn << QStringLiteral("%1,%2,%3").arg(formatTimestamp(qint64(point.x())), postcode).arg(qint64(point.y()));
            }
            QVERIFY(!expected.isEmpty());
            QCOMPARE(drawn, expected);
        }
    }
    // The tooltip of a loaded hour gives the exact values of every postcode.
    const PageviewSeries &series = screen.seriesModel()->series();
    const auto firstWith = [&](bool anyLoaded) {
        for (int t = 0; t < series.coverage.size(); ++t)
            if ((series.coverage[t].hoursLoaded > 0) == anyLoaded)
                return t;
        return -1;
    };
    const int loaded = firstWith(true);
    const QString tip = chart->toolTipText(loaded);
    QVERIFY2(tip.contains(QStringLiteral("%1: current %2, at-time %3")
                              .arg(series.postcodes[0], countText(series.current[0][loaded]),
                                   countText(series.atTime[0][loaded]))),
             qPrintable(tip));
    QVERIFY(chart->toolTipText(firstWith(false)).contains(QLatin1String("not loaded")));

    // The exported PNG says what it shows: the view, the grain, the postcodes, the range in UTC (drawn above
    // the chart and kept as its title), with the legend.
    const QString png = m_generated.folder() + QStringLiteral("/chart.png");
    QVERIFY(screen.exportPng(png));
    const QImage image(png);
    QVERIFY(!image.isNull());
    QVERIFY(image.width() > 300);
    QVERIFY(image.height() > chart->height());
    const QString title = image.text(QStringLiteral("Title"));
    QVERIFY2(title.contains(QLatin1String("per hour on both bases")), qPrintable(title));
    QVERIFY2(title.contains(screen.postcodes().join(QStringLiteral(", "))), qPrintable(title));
    QVERIFY2(title.contains(QStringLiteral("%1 to %2 UTC").arg(formatTimestamp(range->first).left(16), formatTimestamp(range->second).left(16))),
             qPrintable(title));
    // The legend is laid out after the series: waited for, not assumed drawn.
    QTRY_VERIFY(drawnTexts(chart).contains(screen.postcodes().first() + QStringLiteral(" — at-time")));
}

void AnalystGuiTest::chartsLabelWholePeriodsAndFullLegends()
{
    ChartsScreen screen(m_generated.path());
    QVERIFY(showAt(screen, 1200, 760));
    QTRY_COMPARE(screen.postcodes().size(), 3);
    screen.periodSelector()->setRecentRange(RecentRange::AllData);
    PageviewChartView *chart = screen.chartView();

    // Hours: ticks on whole hours, every step hours from midnight, all drawn.
    screen.periodSelector()->setGrain(Grain::Hour);
    QTRY_COMPARE(screen.seriesModel()->series().grain, Grain::Hour);
    QTRY_VERIFY(!chart->timeLabels().isEmpty());
    QStringList labels = chart->timeLabels();
    QVERIFY2(labels.size() >= 3 && labels.size() <= 16, qPrintable(labels.join(QLatin1Char('|'))));
    const QString year = formatTimestamp(screen.seriesModel()->series().from).left(5);
    const QRegularExpression hourLabel(QStringLiteral("^\\d\\d-\\d\\d \\d\\d:00$"));
    QList<QDateTime> ticks;
    for (const QString &label : labels) {
        QVERIFY2(hourLabel.match(label).hasMatch(), qPrintable(label));
        ticks << QDateTime::fromString(year + label, QStringLiteral("yyyy-MM-dd HH:mm"));
    }
    const qint64 step = ticks[0].secsTo(ticks[1]) / 3600;
    QVERIFY2(step > 0 && (24 % step == 0 || step % 24 == 0), qPrintable(labels.join(QLatin1Char('|'))));
    for (qsizetype i = 1; i < ticks.size(); ++i) {
        QCOMPARE(ticks[i - 1].secsTo(ticks[i]) / 3600, step);
        QCOMPARE(ticks[i].time().hour() % std::min<qint64>(step, 24), 0);
    }
    QTRY_VERIFY(drawnTexts(chart).contains(labels.first()));

    // Full legends beside the plot: each of five postcodes' current and at-time lines told apart, nothing cut.
    screen.useTopPostcodes(5);
    QTRY_COMPARE(screen.seriesModel()->series().postcodes.size(), 5);
    QTRY_VERIFY2(chart->legendNames().size() >= 11, qPrintable(chart->legendNames().join(QLatin1Char('|')))); // and "not loaded"
    for (const QString &postcode : screen.postcodes())
        for (const QString &basis : {QStringLiteral("current"), QStringLiteral("at-time")})
            QVERIFY2(drawnTexts(chart).contains(postcode + QStringLiteral(" — ") + basis),
                     qPrintable(drawnTexts(chart).join(QLatin1Char('|'))));
    for (const QString &text : drawnTexts(chart))
        QVERIFY2(!text.endsWith(QLatin1String("...")), qPrintable(text));

    // Days and ISO weeks: one label a period, named as the period.
    screen.periodSelector()->setGrain(Grain::Day);
    QTRY_COMPARE(screen.seriesModel()->series().grain, Grain::Day);
    QTRY_COMPARE(chart->timeLabels().size(), screen.seriesModel()->series().periods.size());
    for (qsizetype t = 0; t < chart->timeLabels().size(); ++t)
        QCOMPARE(chart->timeLabels()[t], periodLabel(Grain::Day, screen.seriesModel()->series().periods[t]));
    screen.periodSelector()->setGrain(Grain::Week);
    QTRY_COMPARE(screen.seriesModel()->series().grain, Grain::Week);
    const QRegularExpression weekLabel(QStringLiteral("^\\d{4}-W\\d\\d$"));
    for (const QString &label : chart->timeLabels())
        QVERIFY2(weekLabel.match(label).hasMatch(), qPrintable(label));

    // A year of hours: ticks on whole months, not on odd hours.
    screen.periodSelector()->setRecentRange(RecentRange::LastYear);
    screen.periodSelector()->setGrain(Grain::Hour);
    QTRY_COMPARE(screen.seriesModel()->series().periods.size(), 365 * 24);
    labels = chart->timeLabels();
    QVERIFY2(labels.size() >= 3 && labels.size() <= 16, qPrintable(labels.join(QLatin1Char('|'))));
    const QRegularExpression monthLabel(QStringLiteral("^\\d{4}-\\d\\d$"));
    for (const QString &label : labels)
        QVERIFY2(monthLabel.match(label).hasMatch(), qPrintable(label));
}

void AnalystGuiTest::chartsDrawOneMonthInTheMiddle()
{
    ChartsScreen screen(m_hand.path());
    QVERIFY(showAt(screen, 1000, 700));
    screen.periodSelector()->setCustomRange(at("2024-03-01 00:00:00"), at("2024-03-03 00:00:00"));
    screen.periodSelector()->setGrain(Grain::Month);
    screen.setPostcodes({QStringLiteral("SW19")});
    QTRY_COMPARE(screen.seriesModel()->series().grain, Grain::Month);
    QTRY_COMPARE(screen.seriesModel()->series().postcodes, QStringList{QStringLiteral("SW19")});
    QCOMPARE(screen.seriesModel()->series().periods.size(), 1);
    PageviewChartView *chart = screen.chartView();
    QCOMPARE(chart->timeLabels(), QStringList{QStringLiteral("2024-03")});
    QTRY_COMPARE(drawnTexts(chart).count(QStringLiteral("2024-03")), 1);
    // The month's point is drawn, in the middle of the plot, not pinned to an edge.
    QLineSeries *line = nullptr;
    for (QAbstractSeries *series : chart->chart()->series())
        if (series->name() == QStringLiteral("SW19 — current"))
            line = qobject_cast<QLineSeries *>(series);
    QVERIFY(line);
    QCOMPARE(line->count(), 1);
    QVERIFY(line->pointsVisible());
    const QRectF plot = chart->chart()->plotArea();
    const QPointF drawnAt = chart->chart()->mapToPosition(line->at(0), line);
    QVERIFY2(std::abs(drawnAt.x() - plot.center().x()) < plot.width() * 0.05,
             qPrintable(QStringLiteral("%1 in %2..%3").arg(drawnAt.x()).arg(plot.left()).arg(plot.right())));
}

void AnalystGuiTest::chartsGroupCountDigits()
{
    QVERIFY(countText(10000) != QLatin1String("10000"));
    PageviewSeries series;
    series.grain = Grain::Day;
    series.from = at("2024-03-01 00:00:00");
    series.to = at("2024-03-03 00:00:00");
    series.periods = {series.from, at("2024-03-02 00:00:00")};
    series.coverage = {{24, 24}, {24, 24}};
    series.postcodes = {QStringLiteral("SW19")};
    series.current = {{12000, 15000}};
    series.atTime = {{11000, 14000}};
    PageviewSeriesModel model;
    model.setSeries(series);
    PageviewChartView chart;
    chart.setSeriesModel(&model);
    QVERIFY(showAt(chart, 900, 500));
    QVERIFY2(chart.countLabels().contains(countText(10000)), qPrintable(chart.countLabels().join(QLatin1Char('|'))));
    QTRY_VERIFY2(drawnTexts(&chart).contains(countText(10000)), qPrintable(drawnTexts(&chart).join(QLatin1Char('|'))));
    QVERIFY(chart.toolTipText(1).contains(QStringLiteral("current %1, at-time %2").arg(countText(15000), countText(14000))));
}

void AnalystGuiTest::chartsShowValuesUnderTheMouse()
{
    ChartsScreen screen(m_hand.path());
    QVERIFY(showAt(screen, 1100, 700));
    screen.periodSelector()->setCustomRange(at("2024-03-01 00:00:00"), at("2024-03-03 00:00:00"));
    screen.periodSelector()->setGrain(Grain::Day);
    screen.setPostcodes({QStringLiteral("SW19"), QStringLiteral("EC1A")});
    QTRY_COMPARE(screen.seriesModel()->series().postcodes.size(), 2);
    PageviewChartView *chart = screen.chartView();
    QTRY_VERIFY(!chart->chart()->series().isEmpty());
    QVERIFY(chart->hoverText().isEmpty());
    QTest::mouseMove(chart->viewport(), periodPosition(chart, at("2024-03-01 00:00:00"), at("2024-03-02 00:00:00")));
    QTRY_COMPARE(chart->hoverText(), chart->toolTipText(0));
    QVERIFY(chart->hoverText().contains(QLatin1String("SW19: current 1, at-time 3, difference -2")));
    auto *label = chart->findChild<QLabel *>(QStringLiteral("chartHover"));
    QVERIFY(label && label->isVisible());
    QTest::mouseMove(chart->viewport(), periodPosition(chart, at("2024-03-02 00:00:00"), at("2024-03-03 00:00:00")));
    QTRY_COMPARE(chart->hoverText(), chart->toolTipText(1));

    // The top postcodes: the bar under the mouse.
    screen.setView(PageviewChartView::View::TopPostcodes);
    QTRY_COMPARE(screen.rankingModel()->rowCount(), 2);
    const QRectF plot = chart->chart()->plotArea();
    QTest::mouseMove(chart->viewport(), chart->mapFromScene(chart->chart()->mapToScene(plot.center() - QPointF(plot.width() / 4, 0))));
    QTRY_COMPARE(chart->hoverText(), chart->toolTipText(0));
}

void AnalystGuiTest::chartsKeepTheirHeightWhenShort()
{
    // The main window with the progress dock open on a small screen leaves the screen little height.
    ChartsScreen screen(m_hand.path());
    QVERIFY(showAt(screen, 1000, 380));
    QTRY_VERIFY(screen.periodSelector()->freshness().newestHour);
    QTRY_VERIFY(!screen.status().isEmpty());
    QVERIFY(screen.chartView()->minimumHeight() >= 340);
    QTRY_VERIFY2(screen.chartView()->height() >= screen.chartView()->minimumHeight(),
                 qPrintable(QString::number(screen.chartView()->height())));
    for (const QString &name : {QStringLiteral("periodNote"), QStringLiteral("chartsStatus")}) {
        auto *label = screen.findChild<QLabel *>(name);
        QVERIFY(label);
        QVERIFY(!label->text().isEmpty());
        QTRY_VERIFY2(label->height() >= label->heightForWidth(label->width()),
                     qPrintable(QStringLiteral("%1: %2 < %3").arg(name).arg(label->height()).arg(label->heightForWidth(label->width()))));
    }
}

void AnalystGuiTest::chartsShowDifferenceAndTopPostcodes()
{
    ChartsScreen screen(m_hand.path());
    screen.resize(1200, 760);
    screen.show();
    screen.periodSelector()->setRecentRange(RecentRange::AllData);
    screen.setPostcodes({QStringLiteral("sw19"), QStringLiteral("EC1A")});
    QTRY_COMPARE(screen.seriesModel()->series().postcodes, (QStringList{QStringLiteral("SW19"), QStringLiteral("EC1A")}));
    screen.periodSelector()->setGrain(Grain::Day);
    QTRY_COMPARE(screen.seriesModel()->series().periods.size(), 2);
    QTRY_COMPARE(screen.chartView()->drawnPoints(QStringLiteral("SW19"), PageviewSeriesModel::Current).size(), 2);
    QCOMPARE(screen.chartView()->drawnPoints(QStringLiteral("SW19"), PageviewSeriesModel::Current)[0].y(), 1.0);
    QCOMPARE(screen.chartView()->drawnPoints(QStringLiteral("SW19"), PageviewSeriesModel::AtTime)[0].y(), 3.0);

    screen.setView(PageviewChartView::View::Difference);
    QCOMPARE(screen.chartView()->view(), PageviewChartView::View::Difference);
    const QList<QPointF> difference = screen.chartView()->drawnPoints(QStringLiteral("SW19"), PageviewSeriesModel::Difference);
    QCOMPARE(difference.size(), 2);
    QCOMPARE(difference[0], QPointF(double(at("2024-03-01 00:00:00")), -2.0));
    QCOMPARE(difference[1].y(), 0.0);
    QCOMPARE(screen.chartView()->drawnPoints(QStringLiteral("EC1A"), PageviewSeriesModel::Difference)[0].y(), 2.0);
    QVERIFY(screen.chartView()->toolTipText(0).contains(QLatin1String("SW19: current 1, at-time 3, difference -2")));

    screen.setView(PageviewChartView::View::TopPostcodes);
    QTRY_COMPARE(screen.rankingModel()->rowCount(), 2);
    QCOMPARE(screen.chartView()->drawnPoints(QStringLiteral("EC1A"), PageviewSeriesModel::Current), QList<QPointF>{QPointF(0, 4)});
    QCOMPARE(screen.chartView()->drawnPoints(QStringLiteral("EC1A"), PageviewSeriesModel::AtTime), QList<QPointF>{QPointF(0, 2)});
    QCOMPARE(screen.chartView()->toolTipText(0), QStringLiteral("EC1A\ncurrent: 4\nat-time: 2\ndifference: +2"));
    // The exported title names the range the ranking was read for, also with no postcodes chosen.
    const QString rankedRange = QStringLiteral("%1 to %2 UTC").arg(formatTimestamp(screen.rankingModel()->from()).left(16),
                                                                   formatTimestamp(screen.rankingModel()->to()).left(16));
    QVERIFY(screen.rankingModel()->to() > screen.rankingModel()->from());
    screen.setPostcodes({});
    QTRY_VERIFY(screen.seriesModel()->series().postcodes.isEmpty());
    QCOMPARE(screen.chartView()->description(), QStringLiteral("Top 2 postcodes by current pageviews, on both bases — ") + rankedRange);

    // Top N replaces the chosen postcodes.
    screen.useTopPostcodes(1);
    QTRY_COMPARE(screen.postcodes(), QStringList{QStringLiteral("EC1A")});

    // Typing an invalid postcode says why.
    auto *search = screen.findChild<QLineEdit *>(QStringLiteral("postcodeSearch"));
    QTest::keyClicks(search, QStringLiteral("not one"));
    QTest::keyClick(search, Qt::Key_Return);
    QVERIFY2(screen.status().contains(QLatin1String("'NOT ONE' is not a postcode")), qPrintable(screen.status()));
    QCOMPARE(screen.postcodes(), QStringList{QStringLiteral("EC1A")});
}

void AnalystGuiTest::chartsSwitchGrainQuickly()
{
    ChartsScreen screen(m_generated.path());
    QTRY_COMPARE(screen.postcodes().size(), 3);
    QTRY_VERIFY(!screen.seriesModel()->series().periods.isEmpty());
    screen.periodSelector()->setRecentRange(RecentRange::LastYear);
    QSignalSpy updated(&screen, &ChartsScreen::updated);
    for (Grain grain : {Grain::Hour, Grain::Week, Grain::Month, Grain::Year, Grain::Day}) {
        QElapsedTimer timer;
        timer.start();
        screen.periodSelector()->setGrain(grain);
        QTRY_COMPARE(screen.seriesModel()->series().grain, grain);
        QVERIFY2(timer.elapsed() < 1000, qPrintable(QString::number(timer.elapsed())));
    }
    // A year of hours: every hour of the range is a period, the unloaded ones are gaps.
    screen.periodSelector()->setGrain(Grain::Hour);
    QTRY_COMPARE(screen.seriesModel()->series().periods.size(), 365 * 24);
}

void AnalystGuiTest::chartsMarkPartialPeriods()
{
    // Hours: 22h loaded (700); 23h never loaded but holding 29 late rows from the next file; 00h never loaded
    // and empty; 01h loaded (650).
    PageviewSeries hours;
    hours.grain = Grain::Hour;
    hours.from = at("2024-03-01 22:00:00");
    hours.to = at("2024-03-02 02:00:00");
    for (qint64 t = hours.from; t < hours.to; t += secondsPerHour)
        hours.periods << t;
    hours.coverage = {{1, 1}, {0, 1}, {0, 1}, {1, 1}};
    hours.postcodes = {QStringLiteral("SW19")};
    hours.current = {{700, 29, 0, 650}};
    hours.atTime = {{690, 29, 0, 640}};
    PageviewSeriesModel model;
    model.setSeries(hours);
    PageviewChartView chart;
    chart.setSeriesModel(&model);
    QVERIFY(showAt(chart, 900, 500));
    // An hour whose own file is not loaded is a gap, whatever late rows landed in it: not a plunge to 29.
    QVERIFY(chart.partialPeriods().isEmpty());
    QCOMPARE(chart.shadedPeriods(), (QList<qint64>{at("2024-03-01 23:00:00"), at("2024-03-02 00:00:00")}));
    QCOMPARE(chart.drawnPoints(QStringLiteral("SW19"), PageviewSeriesModel::Current),
             (QList<QPointF>{{double(at("2024-03-01 22:00:00")), 700}, {double(at("2024-03-02 01:00:00")), 650}}));
    QVERIFY2(chart.toolTipText(1).contains(QLatin1String("not loaded (0 of 1 hours loaded)"))
                 && chart.toolTipText(1).contains(QLatin1String("SW19: 29 late rows from other files (current), 29 (at-time)")),
             qPrintable(chart.toolTipText(1)));
    QVERIFY2(chart.toolTipText(2).contains(QLatin1String("not loaded")), qPrintable(chart.toolTipText(2)));
    QVERIFY(chart.legendNames().contains(QStringLiteral("not loaded")));
    // The late rows are a marker of their own, off the line.
    QVERIFY(chart.legendNames().contains(QStringLiteral("late rows only (hour not loaded)")));
    bool marked = false;
    for (QAbstractSeries *series : chart.chart()->series()) {
        if (auto *late = qobject_cast<QScatterSeries *>(series); late && late->name() == QLatin1String("late rows only (hour not loaded)"))
            marked = late->points().contains(QPointF((double(at("2024-03-01 23:00:00")) + double(at("2024-03-02 00:00:00"))) / 2, 29));
        if (auto *line = qobject_cast<QLineSeries *>(series); line && !qobject_cast<QScatterSeries *>(series))
            for (const QPointF &point : line->points())
                QVERIFY(point.y() != 29);
    }
    QVERIFY(marked);

    // Days: the second has 5 of its 24 hours loaded. Its point is a ring, and no plain line joins it to a
    // whole day: the stretches through it are dotted and dimmed, the whole days' own stretches plain.
    PageviewSeries days;
    days.grain = Grain::Day;
    days.from = at("2024-03-01 00:00:00");
    days.to = at("2024-03-05 00:00:00");
    days.periods = {days.from, at("2024-03-02 00:00:00"), at("2024-03-03 00:00:00"), at("2024-03-04 00:00:00")};
    days.coverage = {{24, 24}, {5, 24}, {24, 24}, {24, 24}};
    days.postcodes = {QStringLiteral("SW19")};
    days.current = {{700, 100, 650, 640}};
    days.atTime = {{700, 100, 640, 630}};
    model.setSeries(days);
    QCOMPARE(chart.partialPeriods(), QList<qint64>{at("2024-03-02 00:00:00")});
    QVERIFY(chart.shadedPeriods().isEmpty());
    QVERIFY(chart.toolTipText(1).contains(QLatin1String("partial period: 5 of 24 hours loaded")));
    QVERIFY(!chart.toolTipText(0).contains(QLatin1String("partial")));
    const auto periodAt = [&days](double x) {
        for (qsizetype t = 0; t < days.periods.size(); ++t)
            if (x > double(days.periods[t]) && x < double(periodEnd(Grain::Day, days.periods[t])))
                return t;
        return qsizetype(-1);
    };
    int plainStretches = 0, partialStretches = 0;
    bool ringed = false;
    for (QAbstractSeries *series : chart.chart()->series()) {
        if (auto *rings = qobject_cast<QScatterSeries *>(series); rings && rings->name() == QLatin1String("partial period"))
            ringed = rings->points().contains(QPointF((double(days.periods[1]) + double(days.periods[2])) / 2, 100));
        auto *line = qobject_cast<QLineSeries *>(series);
        if (!line || qobject_cast<QScatterSeries *>(series))
            continue;
        bool touchesPartial = false;
        for (const QPointF &point : line->points())
            touchesPartial = touchesPartial || days.coverage[periodAt(point.x())].isPartial();
        const bool markedPartial = line->property("partialPeriods").toBool();
        QCOMPARE(markedPartial, touchesPartial); // a plain line never reaches a partial period
        if (markedPartial) {
            QCOMPARE(line->pen().style(), Qt::DotLine);
            QVERIFY(line->pen().color().alpha() < 255);
            ++partialStretches;
        } else {
            QVERIFY(line->pen().style() != Qt::DotLine);
            ++plainStretches;
        }
    }
    QVERIFY(ringed);
    QCOMPARE(partialStretches, 2); // current and at-time, each 03-01 → 03-02 → 03-03
    QCOMPARE(plainStretches, 4);   // each: 03-01 alone, and 03-03 → 03-04
    QVERIFY(!chart.chart()->title().contains(QLatin1String("partial")));
    // Every period partial: the title line says so.
    days.coverage = {{20, 24}, {5, 24}, {23, 24}, {1, 24}};
    model.setSeries(days);
    QVERIFY2(chart.chart()->title().contains(QLatin1String("every period is partial")), qPrintable(chart.chart()->title()));
}

void AnalystGuiTest::chartsSayAPostcodeNoUserHasHad()
{
    ChartsScreen screen(m_hand.path());
    QVERIFY(showAt(screen, 1100, 700));
    screen.periodSelector()->setCustomRange(at("2024-03-01 00:00:00"), at("2024-03-03 00:00:00"));
    screen.periodSelector()->setGrain(Grain::Day);
    screen.setPostcodes({QStringLiteral("SW19"), QStringLiteral("ZZ99")});
    QTRY_COMPARE(screen.seriesModel()->series().unknownPostcodes, QStringList{QStringLiteral("ZZ99")});
    QCOMPARE(screen.seriesModel()->series().postcodes, QStringList{QStringLiteral("SW19")});
    QTRY_VERIFY2(screen.status().contains(QLatin1String("ZZ99: no user in the warehouse has ever had this postcode")),
                 qPrintable(screen.status()));
    QVERIFY(screen.chartView()->drawnPoints(QStringLiteral("ZZ99"), PageviewSeriesModel::Current).isEmpty());
    for (const QString &name : screen.chartView()->legendNames())
        QVERIFY2(!name.contains(QLatin1String("ZZ99")), qPrintable(name));
    // Both days have 1 of their 24 hours loaded: partial, and the status says so.
    QCOMPARE(screen.chartView()->partialPeriods().size(), 2);
    QVERIFY2(screen.status().contains(QLatin1String("2 partial")), qPrintable(screen.status()));

    // Only unknown postcodes: nothing drawn, the reason said.
    screen.setPostcodes({QStringLiteral("ZZ99")});
    QTRY_VERIFY(screen.seriesModel()->series().postcodes.isEmpty());
    QTRY_VERIFY2(screen.status().startsWith(QLatin1String("ZZ99: no user in the warehouse has ever had this postcode")),
                 qPrintable(screen.status()));
    QVERIFY(screen.chartView()->chart()->series().isEmpty());
}

void AnalystGuiTest::chartsToggleSeriesFromTheLegend()
{
    PageviewSeriesModel model;
    model.setSeries(tenDays());
    PageviewChartView chart;
    chart.setSeriesModel(&model);
    QVERIFY(showAt(chart, 1000, 520));
    const QString line = QStringLiteral("SW19 — current");
    QTRY_VERIFY(!legendEntryPosition(&chart, line).isNull());
    QVERIFY(seriesNamed(&chart, line).size() >= 2); // whole days plain, the partial day's stretches dotted
    // A click on the legend entry hides every stretch of the line; the entry stays, so a click brings it back.
    QTest::mouseClick(chart.viewport(), Qt::LeftButton, {}, legendEntryPosition(&chart, line));
    QTRY_VERIFY(!chart.isSeriesShown(line));
    for (QAbstractSeries *series : seriesNamed(&chart, line))
        QVERIFY(!series->isVisible());
    for (QAbstractSeries *series : seriesNamed(&chart, QStringLiteral("SW19 — at-time")))
        QVERIFY(series->isVisible());
    QVERIFY(chart.legendNames().contains(line));
    QVERIFY(chart.notes().contains(QStringLiteral("Hidden: SW19 — current.")));
    // Hidden it stays when the chart is drawn again (a refresh after a load).
    model.setSeries(tenDays());
    for (QAbstractSeries *series : seriesNamed(&chart, line))
        QVERIFY(!series->isVisible());
    QTRY_VERIFY(!legendEntryPosition(&chart, line).isNull());
    QTest::mouseClick(chart.viewport(), Qt::LeftButton, {}, legendEntryPosition(&chart, line));
    QTRY_VERIFY(chart.isSeriesShown(line));
    for (QAbstractSeries *series : seriesNamed(&chart, line))
        QVERIFY(series->isVisible());
    // The partial stretches never get a legend entry of their own.
    QCOMPARE(chart.legendNames().count(line), 1);

    // The bands of never-loaded periods toggle as one.
    QTRY_VERIFY(!legendEntryPosition(&chart, QStringLiteral("not loaded")).isNull());
    QTest::mouseClick(chart.viewport(), Qt::LeftButton, {}, legendEntryPosition(&chart, QStringLiteral("not loaded")));
    QTRY_VERIFY(!chart.isSeriesShown(QStringLiteral("not loaded")));
    QVERIFY(!seriesNamed(&chart, QStringLiteral("not loaded")).isEmpty());
    for (QAbstractSeries *series : seriesNamed(&chart, QStringLiteral("not loaded")))
        QVERIFY(!series->isVisible());
}

void AnalystGuiTest::chartsZoomAndPanTheTimeAxis()
{
    const PageviewSeries days = tenDays();
    PageviewSeriesModel model;
    model.setSeries(days);
    PageviewChartView chart;
    chart.setSeriesModel(&model);
    QSignalSpy zoomed(&chart, &PageviewChartView::zoomChanged);
    QVERIFY(showAt(chart, 1000, 520));
    QTRY_VERIFY(!chart.timeLabels().isEmpty());
    const QStringList whole = chart.timeLabels();
    const QPoint third = periodPosition(&chart, days.periods[2], days.periods[3]);
    const QPoint sixth = periodPosition(&chart, days.periods[5], days.periods[6]);

    // A drag across the plot from the 3rd day's middle to the 6th's shows those days only.
    QTest::mousePress(chart.viewport(), Qt::LeftButton, {}, third);
    QTest::mouseMove(chart.viewport(), third + QPoint(20, 0));
    QTest::mouseMove(chart.viewport(), sixth);
    QTest::mouseRelease(chart.viewport(), Qt::LeftButton, {}, sixth);
    QVERIFY(chart.isZoomed());
    QCOMPARE(zoomed.size(), 1);
    auto [from, to] = chart.visibleRange();
    QVERIFY(std::abs(from - (days.periods[2] + secondsPerDay / 2)) < secondsPerDay / 10);
    QVERIFY(std::abs(to - (days.periods[5] + secondsPerDay / 2)) < secondsPerDay / 10);
    QCOMPARE(chart.visiblePeriods(), std::pair(days.periods[2], days.periods[6]));
    QTRY_COMPARE(chart.timeLabels(), (QStringList{QStringLiteral("2024-03-03"), QStringLiteral("2024-03-04"),
                                                  QStringLiteral("2024-03-05"), QStringLiteral("2024-03-06")}));
    QVERIFY2(chart.description().contains(QLatin1String("2024-03-03 00:00 to 2024-03-07 00:00 UTC")), qPrintable(chart.description()));
    // Values under the mouse still belong to the period under it.
    const QPoint fourth = periodPosition(&chart, days.periods[3], days.periods[4]);
    QTest::mouseMove(chart.viewport(), fourth);
    QTRY_VERIFY2(chart.hoverText().startsWith(QLatin1String("2024-03-04 (day, UTC)")), qPrintable(chart.hoverText()));

    // The arrow keys pan by a quarter of what is shown; Shift+drag pans with the mouse.
    const qint64 span = to - from;
    QTest::keyClick(&chart, Qt::Key_Right);
    QVERIFY(std::abs(chart.visibleRange().first - (from + span / 4)) <= 1);
    std::tie(from, to) = chart.visibleRange();
    const QPoint start = periodPosition(&chart, days.periods[4], days.periods[5]);
    QTest::mousePress(chart.viewport(), Qt::LeftButton, Qt::ShiftModifier, start);
    QTest::mouseMove(chart.viewport(), start + QPoint(-100, 0));
    QTest::mouseRelease(chart.viewport(), Qt::LeftButton, Qt::ShiftModifier, start + QPoint(-100, 0));
    QVERIFY2(chart.visibleRange().first > from, "dragging to the left shows later days");
    QCOMPARE(chart.visibleRange().second - chart.visibleRange().first, to - from);
    // Never past the range's end.
    for (int i = 0; i < 20; ++i)
        QTest::keyClick(&chart, Qt::Key_Right);
    QCOMPARE(chart.visibleRange().second, days.to);

    // Ctrl+wheel zooms around the pointer; the wheel alone is left to the screen's scrolling.
    const auto wheel = [&chart](Qt::KeyboardModifiers modifiers, int delta) {
        const QPoint middle = chart.viewport()->rect().center();
        QWheelEvent event(middle, chart.viewport()->mapToGlobal(middle), {}, QPoint(0, delta), Qt::NoButton, modifiers,
                          Qt::NoScrollPhase, false);
        QCoreApplication::sendEvent(chart.viewport(), &event);
        return event.isAccepted();
    };
    std::tie(from, to) = chart.visibleRange();
    QVERIFY(!wheel(Qt::NoModifier, 120));
    QCOMPARE(chart.visibleRange(), std::pair(from, to));
    QVERIFY(wheel(Qt::ControlModifier, 120));
    QVERIFY(chart.visibleRange().second - chart.visibleRange().first < to - from);

    // A double-click shows the whole range again.
    QTest::mouseDClick(chart.viewport(), Qt::LeftButton, {}, third);
    QVERIFY(!chart.isZoomed());
    QCOMPARE(chart.visibleRange(), std::pair(days.periods.first(), days.to));
    QTRY_COMPARE(chart.timeLabels(), whole);

    // A zoom belongs to its range: another range is shown whole.
    chart.zoomTo(double(days.periods[1]), double(days.periods[3]));
    QVERIFY(chart.isZoomed());
    PageviewSeries later = days;
    for (qint64 &t : later.periods)
        t += secondsPerDay;
    later.from += secondsPerDay;
    later.to += secondsPerDay;
    model.setSeries(later);
    QVERIFY(!chart.isZoomed());
}

void AnalystGuiTest::chartsCopyAndExportTheirData()
{
    ChartsScreen screen(m_generated.path());
    QVERIFY(showAt(screen, 1300, 800));
    QTRY_VERIFY(!screen.postcodes().isEmpty()); // the top 3
    screen.periodSelector()->setGrain(Grain::Hour);
    QTRY_VERIFY(!screen.seriesModel()->series().postcodes.isEmpty());
    QTRY_COMPARE(screen.seriesModel()->series().grain, Grain::Hour);
    const PageviewSeries series = screen.seriesModel()->series();

    // Copy: the report of both bases with hours loaded, for the chart's postcodes, every value as drawn.
    QGuiApplication::clipboard()->clear();
    auto *copy = screen.findChild<QPushButton *>(QStringLiteral("copyChartData"));
    QVERIFY(copy);
    QSignalSpy copied(&screen, &ChartsScreen::dataCopied);
    QTest::mouseClick(copy, Qt::LeftButton);
    QTRY_COMPARE(copied.size(), 1);
    const QString csv = QGuiApplication::clipboard()->text();
    QStringList lines = csv.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.takeFirst(), QStringLiteral("period_start,postcode,current,at_time,difference,hours_loaded,period_hours"));
    QVERIFY(!lines.isEmpty());
    QVERIFY2(screen.status().contains(QStringLiteral("%1 rows of CSV, is on the clipboard").arg(lines.size())), qPrintable(screen.status()));
    int checked = 0;
    for (const QString &line : std::as_const(lines)) {
        const QStringList f = line.split(QLatin1Char(','));
        QCOMPARE(f.size(), 7);
        const qsizetype t = series.periods.indexOf(at(f[0].toLatin1().constData()));
        const qsizetype p = series.postcodes.indexOf(f[1]);
        QVERIFY2(t >= 0 && p >= 0, qPrintable(line));
        QCOMPARE(f[2].toLongLong(), series.current[p][t]);
        QCOMPARE(f[3].toLongLong(), series.atTime[p][t]);
        QCOMPARE(f[5].toInt(), series.coverage[t].hoursLoaded);
        ++checked;
    }
    QCOMPARE(checked, lines.size());

    // Zoomed, the data is what is shown: the visible hours only.
    qsizetype loaded = 0;
    while (series.coverage[loaded].hoursLoaded == 0)
        ++loaded;
    const qint64 zoomFrom = series.periods[loaded];
    const qint64 zoomTo = zoomFrom + 2 * secondsPerHour;
    screen.chartView()->zoomTo(double(zoomFrom), double(zoomTo));
    QVERIFY(screen.chartView()->isZoomed());
    QVERIFY2(screen.status().contains(QLatin1String("Zoomed to")), qPrintable(screen.status()));
    QTest::mouseClick(copy, Qt::LeftButton);
    QTRY_COMPARE(copied.size(), 2);
    const QStringList zoomedLines = QGuiApplication::clipboard()->text().split(QLatin1Char('\n'), Qt::SkipEmptyParts).mid(1);
    QVERIFY(!zoomedLines.isEmpty() && zoomedLines.size() < lines.size());
    for (const QString &line : zoomedLines) {
        const qint64 period = at(line.left(19).toLatin1().constData());
        QVERIFY2(period >= zoomFrom && period < zoomTo, qPrintable(line));
    }

    // Export writes the same bytes to a file; a file that cannot be written is said, naming it.
    const QString path = m_generated.folder() + QStringLiteral("/chart-data.csv");
    QSignalSpy exported(&screen, &ChartsScreen::dataExported);
    screen.exportData(path);
    QTRY_COMPARE(exported.size(), 1);
    QCOMPARE(exported.at(0).at(0).toBool(), true);
    QCOMPARE(QString::fromUtf8(readFile(path)), QGuiApplication::clipboard()->text());
    const QString unwritable = m_generated.folder() + QStringLiteral("/no such folder/chart-data.csv");
    screen.exportData(unwritable);
    QTRY_COMPARE(exported.size(), 2);
    QCOMPARE(exported.at(1).at(0).toBool(), false);
    QVERIFY2(screen.status().startsWith(unwritable + QStringLiteral(": cannot write")), qPrintable(screen.status()));
    QVERIFY(!QFileInfo::exists(unwritable));

    // The top postcodes' data is the ranking drawn.
    screen.setView(PageviewChartView::View::TopPostcodes);
    QTRY_VERIFY(!screen.rankingModel()->ranking().isEmpty());
    QTest::mouseClick(copy, Qt::LeftButton);
    QTRY_COMPARE(copied.size(), 3);
    const QStringList ranked = QGuiApplication::clipboard()->text().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(ranked.first(), QStringLiteral("postcode,current,at_time,difference"));
    QCOMPARE(ranked.size() - 1, screen.rankingModel()->ranking().size());
    const PostcodeRanking &top = screen.rankingModel()->ranking().first();
    QCOMPARE(ranked[1], QStringLiteral("%1,%2,%3,%4").arg(top.postcode).arg(top.current).arg(top.atTime).arg(top.current - top.atTime));
}

void AnalystGuiTest::chartsExportPngNamedAtAChosenSize()
{
    PageviewSeriesModel model;
    model.setSeries(tenDays());
    PageviewChartView chart;
    chart.setSeriesModel(&model);
    QVERIFY(showAt(chart, 1000, 520));
    QCOMPARE(chart.suggestedFileName(), QStringLiteral("pageviews-per-day-SW19-EC1A-2024-03-01-to-2024-03-10"));
    chart.setView(PageviewChartView::View::Difference);
    QCOMPARE(chart.suggestedFileName(), QStringLiteral("current-minus-at-time-per-day-SW19-EC1A-2024-03-01-to-2024-03-10"));
    chart.setView(PageviewChartView::View::BothBases);
    chart.setSeriesShown(QStringLiteral("EC1A — at-time"), false);

    // A chosen size is the whole image's; the partial day, the gap and the hidden line are written above the chart.
    const QString folder = QDir::tempPath() + QStringLiteral("/pvadmin-chart-") + QString::number(QCoreApplication::applicationPid());
    QVERIFY(QDir().mkpath(folder));
    const QString png = folder + QStringLiteral("/chart.png");
    QString error;
    QVERIFY2(chart.exportPng(png, QSize(1600, 900), &error), qPrintable(error));
    QImage image(png);
    QCOMPARE(image.size(), QSize(1600, 900));
    QVERIFY2(image.text(QStringLiteral("Description")).contains(QLatin1String("2024-03-05 (5 of 24 hours loaded)")),
             qPrintable(image.text(QStringLiteral("Description"))));
    QVERIFY(image.text(QStringLiteral("Description")).contains(QLatin1String("1 day never loaded")));
    QVERIFY2(image.text(QStringLiteral("Description")).contains(QStringLiteral("Hidden: EC1A — at-time.")), qPrintable(image.text(QStringLiteral("Description")) + chart.notes().join(QLatin1Char('|'))));
    // The chart on screen keeps its size.
    QCOMPARE(chart.chart()->size().toSize(), chart.viewport()->size());
    // On screen's size: the chart as it is with its title above.
    QVERIFY(chart.exportPng(png, {}, &error));
    image = QImage(png);
    QCOMPARE(image.width(), chart.viewport()->width());
    QVERIFY(image.height() > chart.viewport()->height());
    // A file that cannot be written is an error, and leaves nothing behind.
    QVERIFY(!chart.exportPng(folder + QStringLiteral("/missing/chart.png"), {}, &error));
    QVERIFY2(error.contains(QLatin1String("/missing/chart.png: cannot write")), qPrintable(error));

    // The dialog: the suggested name in the folder last used, and the chosen size.
    ChartImageDialog dialog(chart.viewport()->size(), chart.suggestedFileName());
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    auto *path = dialog.findChild<QLineEdit *>(QStringLiteral("imagePath"));
    QVERIFY(path);
    QVERIFY2(path->text().endsWith(QStringLiteral("/pageviews-per-day-SW19-EC1A-2024-03-01-to-2024-03-10.png")), qPrintable(path->text()));
    QCOMPARE(dialog.size(), QSize());
    path->setText(folder + QStringLiteral("/slide"));
    QTest::mouseClick(dialog.findChild<QRadioButton *>(QStringLiteral("sizeChosen")), Qt::LeftButton);
    auto *width = dialog.findChild<QSpinBox *>(QStringLiteral("imageWidth"));
    width->setValue(1280);
    dialog.findChild<QSpinBox *>(QStringLiteral("imageHeight"))->setValue(720);
    QCOMPARE(dialog.size(), QSize(1280, 720));
    QCOMPARE(dialog.path(), folder + QStringLiteral("/slide.png"));
    dialog.accept();
    ChartImageDialog again(chart.viewport()->size(), QStringLiteral("next"));
    QCOMPARE(again.findChild<QLineEdit *>(QStringLiteral("imagePath"))->text(), folder + QStringLiteral("/next.png"));
    QDir(folder).removeRecursively();
}

void AnalystGuiTest::chartsAndReportsOpenOnTheLastChoice()
{
    const QStringList chosen{QStringLiteral("SW19"), QStringLiteral("EC1A")};
    {
        ChartsScreen charts(m_hand.path());
        QVERIFY(showAt(charts, 1300, 800));
        QTRY_VERIFY(charts.periodSelector()->range().has_value());
        charts.setPostcodes(chosen);
        charts.setView(PageviewChartView::View::Difference);
        charts.periodSelector()->setGrain(Grain::Week);
        charts.periodSelector()->setCustomRange(at("2024-03-01 00:00:00"), at("2024-03-03 05:00:00"));

        ReportsScreen reports(m_hand.path());
        QVERIFY(showAt(reports, 1300, 800));
        reports.setBasis(QStringLiteral("at-time"));
        reports.setPostcodes(QStringLiteral("SW19"));
        reports.periodSelector()->setRecentRange(RecentRange::AllData);
        reports.periodSelector()->setGrain(Grain::Month);
        QTRY_VERIFY(reports.status().contains(QLatin1String("per month")));
    }
    // Opened again (the desktop restarted): the same postcodes, view, range and grain.
    ChartsScreen charts(m_hand.path());
    QCOMPARE(charts.postcodes(), chosen);
    QCOMPARE(charts.chartView()->view(), PageviewChartView::View::Difference);
    QCOMPARE(charts.periodSelector()->grain(), Grain::Week);
    QCOMPARE(charts.periodSelector()->range(), std::pair(at("2024-03-01 00:00:00"), at("2024-03-03 05:00:00")));
    QTRY_COMPARE(charts.seriesModel()->series().postcodes, chosen); // not replaced by the top postcodes
    QCOMPARE(charts.seriesModel()->series().grain, Grain::Week);
    ReportsScreen reports(m_hand.path());
    QCOMPARE(reports.periodSelector()->grain(), Grain::Month);
    QTRY_VERIFY(reports.status().contains(QLatin1String("per month")));
    QCOMPARE(reports.basis(), QStringLiteral("at-time"));
    QCOMPARE(reports.postcodes(), QStringLiteral("SW19"));
    // The postcodes belong to their warehouse: another one opens on its own top postcodes.
    ChartsScreen other(m_generated.path());
    QVERIFY(other.postcodes().isEmpty());
    QTRY_VERIFY(!other.postcodes().isEmpty());
    QVERIFY(other.postcodes() != chosen);
}

void AnalystGuiTest::reportsMarkPartialPeriodsAndUnknownPostcodes()
{
    ReportsScreen screen(m_hand.path());
    QVERIFY(showAt(screen, 1100, 700));
    QTRY_VERIFY(screen.periodSelector()->freshness().newestHour);
    screen.periodSelector()->setCustomRange(at("2024-03-01 00:00:00"), at("2024-03-03 00:00:00"));
    screen.setBasis(QStringLiteral("current"));
    screen.periodSelector()->setGrain(Grain::Hour);
    screen.setPostcodes(QStringLiteral("SW19, ZZ99"));
    screen.preview();
    QTRY_VERIFY2(screen.status().contains(QLatin1String("ZZ99: no user in the warehouse has ever had this postcode")),
                 qPrintable(screen.status()));
    ReportTableModel *model = screen.tableModel();
    QCOMPARE(model->rowCount(), 2); // SW19 at 03-01 10:00 and 03-02 10:00; ZZ99 said, not silently dropped
    QCOMPARE(model->headerData(model->hoursLoadedColumn(), Qt::Horizontal).toString(), QStringLiteral("Hours loaded"));
    QCOMPARE(model->index(0, model->hoursLoadedColumn()).data().toString(), QStringLiteral("1 of 1"));
    QVERIFY(!model->index(0, 0).data(ReportTableModel::PartialRole).toBool());
    QVERIFY(!screen.status().contains(QLatin1String("partial")));

    // Days: each has 1 of 24 hours loaded, marked in the table and in the status.
    screen.periodSelector()->setGrain(Grain::Day);
    QTRY_COMPARE(model->index(0, model->hoursLoadedColumn()).data().toString(), QStringLiteral("1 of 24"));
    QVERIFY(model->index(0, 0).data(ReportTableModel::PartialRole).toBool());
    QVERIFY(model->index(0, 1).data(Qt::ToolTipRole).toString().contains(QLatin1String("1 of 24 hours loaded")));
    QTRY_VERIFY2(screen.status().contains(QLatin1String("2 in partial periods")), qPrintable(screen.status()));
    // Visibly: a partial row's cells are tinted amber.
    auto *table = screen.findChild<QTableView *>();
    QVERIFY(table);
    const QRect cell = table->visualRect(table->model()->index(0, 1));
    QTRY_VERIFY(!cell.isEmpty());
    const QImage shot = table->viewport()->grab().toImage();
    const QColor tint = shot.pixelColor(cell.right() - 3, cell.center().y());
    QVERIFY2(tint.red() > 230 && tint.blue() < 190, qPrintable(tint.name()));

    // The export carries hours_loaded and period_hours by default.
    QSignalSpy finished(&screen, &ReportsScreen::exportFinished);
    const QString path = m_hand.folder() + QStringLiteral("/partial.csv");
    screen.exportCsv(path);
    QVERIFY(finished.wait(20000));
    QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
    QCOMPARE(readFile(path), QByteArray("period_start,postcode,pageviews,hours_loaded,period_hours\n"
                                        "2024-03-01 00:00:00,SW19,1,1,24\n2024-03-02 00:00:00,SW19,1,1,24\n"));
}

void AnalystGuiTest::reportsOpenOnTheLastCompleteDaysTopPostcodes()
{
    // The last complete day: the newest whose 24 hours are all before the newest loaded hour's end; biggest first.
    ReportsScreen screen(m_generated.path());
    QVERIFY(showAt(screen, 1100, 700));
    QTRY_VERIFY(screen.tableModel()->rowCount() > 1);
    const DataFreshness freshness = screen.periodSelector()->freshness();
    const qint64 dayEnd = floorDiv(*freshness.newestHour + secondsPerHour, secondsPerDay) * secondsPerDay;
    QCOMPARE(screen.periodSelector()->range(), (std::pair{dayEnd - secondsPerDay, dayEnd}));
    QCOMPARE(screen.periodSelector()->grain(), Grain::Day);
    QVERIFY2(screen.status().contains(QStringLiteral("%1 to %2 UTC per day")
                                          .arg(formatTimestamp(dayEnd - secondsPerDay).left(16), formatTimestamp(dayEnd).left(16))),
             qPrintable(screen.status()));
    const auto *table = screen.findChild<QTableView *>();
    QCOMPARE(table->model()->rowCount(), screen.tableModel()->rowCount());
    for (int row = 1; row < table->model()->rowCount(); ++row)
        QVERIFY(table->model()->index(row - 1, 2).data(Qt::EditRole).toLongLong() >= table->model()->index(row, 2).data(Qt::EditRole).toLongLong());
    // Where the basis is chosen, the bases are explained.
    auto *link = screen.findChild<QLabel *>(QStringLiteral("basesExplained"));
    QVERIFY(link && link->isVisible());
    emit link->linkActivated(QStringLiteral("bases"));
    auto *explanation = screen.findChild<QMessageBox *>(QStringLiteral("basesExplanation"));
    QVERIFY(explanation);
    QVERIFY2(explanation->text().contains(QLatin1String("At-time: the postcode the user had when they viewed the page")),
             qPrintable(explanation->text()));
    explanation->close();
    // The table sorts as a header is clicked; the model (and so the export) keeps the command line's order.
    QCOMPARE(screen.tableModel()->index(0, 0).data().toString(), formatTimestamp(dayEnd - secondsPerDay));
    QVERIFY(screen.tableModel()->index(0, 1).data().toString() < screen.tableModel()->index(1, 1).data().toString());
}

void AnalystGuiTest::reportsPreviewBothBases()
{
    ReportsScreen screen(m_hand.path());
    QTRY_VERIFY(screen.periodSelector()->freshness().newestHour);
    screen.periodSelector()->setRecentRange(RecentRange::AllData);
    screen.periodSelector()->setGrain(Grain::Day);
    screen.setBasis(QString());
    QTRY_COMPARE(screen.tableModel()->columnCount(), 6);
    QTRY_COMPARE(screen.tableModel()->rowCount(), 5);
    QCOMPARE(screen.tableModel()->index(1, 1).data().toString(), QStringLiteral("SW19"));
    QCOMPARE(screen.tableModel()->index(1, 4).data().toLongLong(), -2);
    QVERIFY2(screen.status().startsWith(QLatin1String("5 rows")), qPrintable(screen.status()));

    screen.setPostcodes(QStringLiteral("SW19; EC1A"));
    screen.setBasis(QStringLiteral("at-time"));
    QTRY_COMPARE(screen.tableModel()->columnCount(), 4);
    QTRY_COMPARE(screen.tableModel()->rowCount(), 4);

    screen.setPostcodes(QStringLiteral("SW19, nonsense!"));
    screen.preview();
    QTRY_VERIFY2(screen.status().contains(QLatin1String("nonsense!")), qPrintable(screen.status()));
    QCOMPARE(screen.tableModel()->rowCount(), 0);
}

void AnalystGuiTest::reportsExportEqualsCommandLine()
{
    ReportsScreen screen(m_generated.path());
    screen.resize(1100, 700);
    screen.show();
    QTRY_VERIFY(screen.periodSelector()->freshness().newestHour);
    screen.periodSelector()->setRecentRange(RecentRange::Last24Hours);
    screen.periodSelector()->setGrain(Grain::Hour);
    screen.setBasis(QStringLiteral("at-time"));
    const auto range = screen.periodSelector()->range();
    QVERIFY(range);
    QSignalSpy finished(&screen, &ReportsScreen::exportFinished);
    const QString path = m_generated.folder() + QStringLiteral("/report.csv");
    screen.exportCsv(path);
    QVERIFY(finished.wait(20000));
    QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
    const QByteArray expected = runReportCommand(m_generated.path(),
                                                 {QStringLiteral("--basis"), QStringLiteral("at-time"), QStringLiteral("--grain"),
                                                  QStringLiteral("hour"), QStringLiteral("--from"), formatTimestamp(range->first),
                                                  QStringLiteral("--to"), formatTimestamp(range->second),
                                                  QStringLiteral("--hours-loaded")}); // on by default on the desktop
    QVERIFY(expected.count('\n') > 10);
    QCOMPARE(readFile(path), expected);
    QVERIFY(screen.status().startsWith(QLatin1String("Exported")));
}

void AnalystGuiTest::reportsExportWithHeaderLinesAndBom()
{
    ReportsScreen screen(m_hand.path());
    screen.periodSelector()->setCustomRange(at("2024-03-01 00:00:00"), at("2024-03-03 00:00:00"));
    screen.setBasis(QString());
    ReportCsvOptions options;
    options.headerLines = true;
    options.utf8Bom = true;
    screen.setCsvOptions(options);
    QSignalSpy finished(&screen, &ReportsScreen::exportFinished);
    const QString path = m_hand.folder() + QStringLiteral("/both.csv");
    screen.exportCsv(path);
    QVERIFY(finished.wait(20000));
    QVERIFY(finished.first().at(0).toBool());
    const QByteArray csv = readFile(path);
    QVERIFY(csv.startsWith("\xEF\xBB\xBF# pvadmin report\n# basis: both;"));
    QVERIFY(csv.contains("# range: [2024-03-01 00:00:00; 2024-03-03 00:00:00) on pageview time\n"));
    QVERIFY(csv.contains("# data: pageviews 2024-03-01 10:00:00 to 2024-03-02 10:00:00 (2 hours loaded)"));
    QVERIFY(csv.contains("period_start,postcode,current,at_time,difference\n2024-03-01 00:00:00,EC1A,3,1,2\n"
                         "2024-03-01 00:00:00,SW19,1,3,-2\n"));
}

QTEST_MAIN(AnalystGuiTest)
#include "tst_analystgui.moc"
