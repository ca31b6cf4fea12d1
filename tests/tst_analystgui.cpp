// The analyst's screens on the offscreen platform: History, Charts and Reports driven as an analyst would,
// with their queries running on each screen's query thread.
#include "analystwarehouses.h"

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

#include <QElapsedTimer>
#include <QImage>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
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

    void historyShowsAUsersTimelineAndPageviews();
    void historyShowsAMoversTimeline();
    void historyShowsAPostcodesMovers();
    void chartsDrawTheReportOnBothBases();
    void chartsShowDifferenceAndTopPostcodes();
    void chartsSwitchGrainQuickly();
    void reportsPreviewBothBases();
    void reportsExportEqualsCommandLine();
    void reportsExportWithHeaderLinesAndBom();

private:
    analyst::TestWarehouse m_hand;
    analyst::TestWarehouse m_generated;
};

void AnalystGuiTest::initTestCase()
{
    QString error;
    QVERIFY2(m_hand.buildHandMade(&error), qPrintable(error));
    QVERIFY2(m_generated.buildGenerated(&error), qPrintable(error));
}

void AnalystGuiTest::historyShowsAUsersTimelineAndPageviews()
{
    HistoryScreen screen(m_hand.path());
    screen.resize(1000, 700);
    screen.show();
    QVERIFY(QTest::qWaitForWindowExposed(&screen));
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
    screen.resize(1200, 760);
    screen.show();
    QVERIFY(QTest::qWaitForWindowExposed(&screen));
    // With nothing chosen, the screen starts with the three biggest postcodes.
    QTRY_COMPARE(screen.postcodes().size(), 3);
    screen.periodSelector()->setRecentRange(RecentRange::AllData);
    screen.periodSelector()->setGrain(Grain::Hour);
    const auto range = screen.periodSelector()->range();
    QVERIFY(range);
    QTRY_COMPARE(screen.seriesModel()->series().grain, Grain::Hour);
    QTRY_COMPARE(screen.seriesModel()->series().from, range->first);

    const PageviewChartView *chart = screen.chartView();
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
                              .arg(series.postcodes[0], QLocale(QLocale::English).toString(series.current[0][loaded]),
                                   QLocale(QLocale::English).toString(series.atTime[0][loaded]))),
             qPrintable(tip));
    QVERIFY(chart->toolTipText(firstWith(false)).contains(QLatin1String("not loaded")));

    const QString png = m_generated.folder() + QStringLiteral("/chart.png");
    QVERIFY(screen.exportPng(png));
    const QImage image(png);
    QVERIFY(!image.isNull());
    QVERIFY(image.width() > 300);
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
    for (Grain grain : {Grain::Hour, Grain::Week, Grain::Month, Grain::Day}) {
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

void AnalystGuiTest::reportsPreviewBothBases()
{
    ReportsScreen screen(m_hand.path());
    QTRY_VERIFY(screen.periodSelector()->freshness().newestHour);
    screen.periodSelector()->setRecentRange(RecentRange::AllData);
    screen.periodSelector()->setGrain(Grain::Day);
    screen.setBasis(QString());
    QTRY_COMPARE(screen.tableModel()->columnCount(), 5);
    QTRY_COMPARE(screen.tableModel()->rowCount(), 5);
    QCOMPARE(screen.tableModel()->index(1, 1).data().toString(), QStringLiteral("SW19"));
    QCOMPARE(screen.tableModel()->index(1, 4).data().toLongLong(), -2);
    QVERIFY2(screen.status().startsWith(QLatin1String("5 rows")), qPrintable(screen.status()));

    screen.setPostcodes(QStringLiteral("SW19; EC1A"));
    screen.setBasis(QStringLiteral("at-time"));
    QTRY_COMPARE(screen.tableModel()->columnCount(), 3);
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
                                                  QStringLiteral("--to"), formatTimestamp(range->second)});
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
