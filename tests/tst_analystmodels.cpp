// The analyst's engine queries and item models: both bases as two columns, chart series with gaps,
// postcode search, ranking, movers and residents, a user's history, the CSV export (quoting, formula
// neutralisation, header lines, BOM, byte-equality with `pvadmin report`) and the query thread.
#include "analystwarehouses.h"
#include "failingdevice.h"

#include "query/basiscomparison.h"
#include "core/loadfeedback.h"
#include "query/pageviewquery.h"
#include "itemmodels/pageviewseriesmodel.h"
#include "query/postcodedirectory.h"
#include "query/querythread.h"
#include "export/csvwriter.h"
#include "export/reportcsv.h"
#include "itemmodels/reporttablemodels.h"
#include "query/userhistory.h"
#include "itemmodels/userhistorymodels.h"
#include "storage/warehouse.h"
#include "query/warehousecoverage.h"

#include <QAbstractItemModelTester>
#include <QBuffer>
#include <QLocale>
#include <QProcess>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

using namespace pv;
using analyst::at;

namespace {

QString rowsText(const QList<ComparisonRow> &rows)
{
    QStringList parts;
    for (const ComparisonRow &r : rows)
        parts << QStringLiteral("%1 %2=%3/%4").arg(formatTimestamp(r.periodStart).left(10), r.postcode).arg(r.current).arg(r.atTime);
    return parts.join(QStringLiteral("; "));
}

struct Cli
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Cli runPvadmin(const QStringList &arguments)
{
    QProcess process;
    process.start(QStringLiteral(PVADMIN_BINARY), arguments);
    Cli result;
    if (!process.waitForFinished(60000))
        return result;
    result.exitCode = process.exitCode();
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

QByteArray exportToBytes(const ReportTable &table, const ReportDescription &description, const ReportCsvOptions &options)
{
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    QString error;
    if (ReportCsvWriter(options).write(table, description, &buffer, nullptr, &error) != WriteOutcome::Written)
        qWarning("export failed: %s", qPrintable(error));
    return buffer.data();
}

} // namespace

class AnalystModelsTest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void bothBasesAsTwoColumns();
    void seriesHasGapsNotZeros();
    void seriesMarksPartialPeriods();
    void seriesMatchesReportsOnGeneratedWarehouse();
    void freshnessAndRecentRanges();
    void postcodeSearch();
    void topPostcodesOnBothBases();
    void residentsAndMovers();
    void userHistoryAndPageviews();
    void modelsPassTheTester();
    void countsAreGroupedForPeople();

    void csvQuotingAndNeutralisation_data();
    void csvQuotingAndNeutralisation();
    void csvNumbersAreNeverNeutralised();
    void csvHeaderLinesAndBom();
    void csvPlainExportEqualsCommandLine_data();
    void csvPlainExportEqualsCommandLine();
    void csvExportIsAllOrNothing();
    void csvWriteFailureIsReported_data();
    void csvWriteFailureIsReported();

    void queryThreadSupersedesOlderRequests();
    void queryThreadReportsAnUnopenableWarehouse();

private:
    analyst::TestWarehouse m_hand;
    analyst::TestWarehouse m_generated;
    Warehouse m_handDb;
    Warehouse m_generatedDb;
};

void AnalystModelsTest::initTestCase()
{
    QString error;
    QVERIFY2(m_hand.buildHandMade(&error), qPrintable(error));
    QVERIFY2(m_generated.buildGenerated(&error), qPrintable(error));
    QVERIFY2(m_handDb.open(m_hand.path(), &error), qPrintable(error));
    QVERIFY2(m_generatedDb.open(m_generated.path(), &error), qPrintable(error));
}

void AnalystModelsTest::bothBasesAsTwoColumns()
{
    ReportQuery query;
    query.grain = Grain::Day;
    QString error;
    const auto rows = compareBases(m_handDb.pageviews(), query, &error);
    QVERIFY2(rows, qPrintable(error));
    // User 1 made 2 pageviews in SW19 on 03-01 and has since moved to EC1A.
    QCOMPARE(rowsText(*rows), QStringLiteral("2024-03-01 EC1A=3/1; 2024-03-01 SW19=1/3; "
                                             "2024-03-02 EC1A=1/1; 2024-03-02 SW19=1/1; 2024-03-02 UNKNOWN=1/1"));
    QCOMPARE(rows->at(1).difference(), -2);

    // A postcode with a count on one basis only gets 0 on the other.
    const QList<ComparisonRow> joined = joinBases({{0, QStringLiteral("A1"), 5}}, {{0, QStringLiteral("B1"), 2}});
    QCOMPARE(rowsText(joined), QStringLiteral("1970-01-01 A1=5/0; 1970-01-01 B1=0/2"));

    query.postcodes = {QStringLiteral("not a postcode")};
    QVERIFY(!compareBases(m_handDb.pageviews(), query, &error));
    QVERIFY(error.contains(QLatin1String("not a postcode")));
}

void AnalystModelsTest::seriesHasGapsNotZeros()
{
    const qint64 from = at("2024-03-01 09:00:00");
    const qint64 to = at("2024-03-02 11:00:00");
    ReportQuery query;
    query.grain = Grain::Hour;
    query.from = from;
    query.to = to;
    QString error;
    const PageviewQuery &pageviews = m_handDb.pageviews();
    query.basis = Basis::Current;
    const auto current = pageviews.report(query, &error);
    query.basis = Basis::AtTime;
    const auto atTime = pageviews.report(query, &error);
    QVERIFY(current && atTime);
    const QList<qint64> loaded = m_handDb.coverage().loadedHours(from, to);
    QCOMPARE(loaded, (QList<qint64>{at("2024-03-01 10:00:00"), at("2024-03-02 10:00:00")}));
    const QStringList postcodes{QStringLiteral("SW19"), QStringLiteral("EC1A")};
    const PageviewSeries series = PageviewSeries::fromReports(Grain::Hour, from, to, postcodes, *current, *atTime, loaded);
    QCOMPARE(series.periods.size(), 26);
    QCOMPARE(std::count_if(series.coverage.cbegin(), series.coverage.cend(), [](const PeriodCoverage &c) { return c.hoursLoaded > 0; }), 2);
    QCOMPARE(series.coverage[1].hoursLoaded, 1);
    QCOMPARE(series.coverage[1].hours, 1);
    QCOMPARE(series.current[0][1], 1);  // SW19 03-01 10:00
    QCOMPARE(series.atTime[0][1], 3);
    QCOMPARE(series.current[1][1], 3);  // EC1A
    QCOMPARE(series.atTime[1][1], 1);

    PageviewSeriesModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setSeries(series);
    QCOMPARE(model.rowCount(), 26);
    QCOMPARE(model.columnCount(), 2 + 2 * 3);
    QCOMPARE(model.index(1, 0).data().toString(), QStringLiteral("2024-03-01 10:00"));
    QCOMPARE(model.index(1, PageviewSeriesModel::column(0, PageviewSeriesModel::Difference)).data().toLongLong(), -2);
    // A period never loaded is no value, not a zero; a loaded period without pageviews is a zero.
    QVERIFY(!model.index(0, PageviewSeriesModel::column(0, PageviewSeriesModel::Current)).data().isValid());
    QCOMPARE(model.index(0, 1).data().toString(), QStringLiteral("0 of 1"));
    QCOMPARE(model.index(0, 1).data(PageviewSeriesModel::PartialRole).toBool(), true);
    QCOMPARE(model.index(1, 1).data(PageviewSeriesModel::PartialRole).toBool(), false);
    QCOMPARE(model.headerData(PageviewSeriesModel::column(1, PageviewSeriesModel::AtTime), Qt::Horizontal).toString(),
             QStringLiteral("EC1A at-time"));

    // Day grain: both days have one loaded hour of 24, so both are partial and say so.
    const PageviewSeries days = PageviewSeries::fromReports(Grain::Day, from, to, postcodes, {}, {}, loaded);
    QCOMPARE(days.periods, (QList<qint64>{at("2024-03-01 00:00:00"), at("2024-03-02 00:00:00")}));
    QCOMPARE(days.coverage.size(), 2);
    for (const PeriodCoverage &day : days.coverage) {
        QCOMPARE(day.hoursLoaded, 1);
        QCOMPARE(day.hours, 24);
        QVERIFY(day.isPartial());
        QCOMPARE(day.describe(), QStringLiteral("1 of 24 hours loaded"));
    }
    QCOMPARE(days.current[0], (QList<qint64>{0, 0}));
}

void AnalystModelsTest::seriesMarksPartialPeriods()
{
    // 2023-12-31 22:00 to 2024-01-01 02:00: hours 22h and 01h loaded; 00h never loaded but holds 29 late rows
    // from another hour's file; 23h never loaded and empty.
    const qint64 from = at("2023-12-31 22:00:00");
    const qint64 to = at("2024-01-01 02:00:00");
    const QStringList postcodes{QStringLiteral("SW19")};
    const QList<ReportRow> current{{at("2023-12-31 22:00:00"), QStringLiteral("SW19"), 700},
                                   {at("2024-01-01 00:00:00"), QStringLiteral("SW19"), 29},
                                   {at("2024-01-01 01:00:00"), QStringLiteral("SW19"), 650}};
    const QList<qint64> loaded{at("2023-12-31 22:00:00"), at("2024-01-01 01:00:00")};
    const PageviewSeries hours = PageviewSeries::fromReports(Grain::Hour, from, to, postcodes, current, current, loaded);
    QCOMPARE(hours.periods.size(), 4);
    QVERIFY(!hours.coverage[0].isPartial());
    QVERIFY(!hours.value(0, 1, Basis::Current));            // 23h: a gap, not a zero
    QCOMPARE(hours.value(0, 2, Basis::Current), 29);        // 00h: the late rows, drawn as partial
    QVERIFY(hours.coverage[2].isPartial());
    QCOMPARE(hours.coverage[2].describe(), QStringLiteral("0 of 1 hours loaded"));

    // Months: December's last two hours and January's first two are in the range; one loaded in each.
    const PageviewSeries months = PageviewSeries::fromReports(Grain::Month, from, to, postcodes, {}, {}, loaded);
    QCOMPARE(months.periods, (QList<qint64>{at("2023-12-01 00:00:00"), at("2024-01-01 00:00:00")}));
    QCOMPARE(months.coverage[0].hoursLoaded, 1);
    QCOMPARE(months.coverage[0].hours, 31 * 24);
    QCOMPARE(months.coverage[1].hours, 31 * 24);
    QVERIFY(months.coverage[1].isPartial());
    QCOMPARE(periodEnd(Grain::Month, at("2024-02-01 00:00:00")), at("2024-03-01 00:00:00"));
    QCOMPARE(periodEnd(Grain::Week, at("2024-02-26 00:00:00")), at("2024-03-04 00:00:00"));

    // A whole day loaded is not partial; one hour short of it is.
    QList<qint64> day;
    for (int h = 0; h < 24; ++h)
        day << at("2024-03-04 00:00:00") + h * secondsPerHour;
    const HourCoverage whole(at("2024-03-04 00:00:00"), at("2024-03-05 00:00:00"), day);
    QVERIFY(!whole.period(Grain::Day, at("2024-03-04 00:00:00")).isPartial());
    day.removeAt(5);
    const HourCoverage short1(at("2024-03-04 00:00:00"), at("2024-03-05 00:00:00"), day);
    QCOMPARE(short1.period(Grain::Day, at("2024-03-04 00:00:00")).describe(), QStringLiteral("23 of 24 hours loaded"));

    PageviewSeriesModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setSeries(hours);
    QCOMPARE(model.index(2, PageviewSeriesModel::column(0, PageviewSeriesModel::Current)).data().toLongLong(), 29);
    QVERIFY(!model.index(1, PageviewSeriesModel::column(0, PageviewSeriesModel::Current)).data().isValid());
    QCOMPARE(model.index(2, 1).data(PageviewSeriesModel::PartialRole).toBool(), true);
}

void AnalystModelsTest::seriesMatchesReportsOnGeneratedWarehouse()
{
    const DataFreshness freshness = m_generatedDb.coverage().freshness();
    const auto range = recentRange(RecentRange::AllData, freshness);
    QVERIFY(range);
    const QList<PostcodeRanking> top = topPostcodes(m_generatedDb.pageviews(), range->first, range->second, 3, Basis::Current);
    QCOMPARE(top.size(), 3);
    QStringList postcodes;
    for (const PostcodeRanking &r : top)
        postcodes << r.postcode;
    const QList<qint64> loaded = m_generatedDb.coverage().loadedHours(range->first, range->second);
    QVERIFY(loaded.size() >= 12);
    for (Grain grain : allGrains) {
        ReportQuery query;
        query.grain = grain;
        query.from = range->first;
        query.to = range->second;
        query.postcodes = postcodes;
        QString error;
        query.basis = Basis::Current;
        const auto current = m_generatedDb.pageviews().report(query, &error);
        query.basis = Basis::AtTime;
        const auto atTime = m_generatedDb.pageviews().report(query, &error);
        QVERIFY(current && atTime);
        const auto read = PageviewSeries::read(m_generatedDb, grain, range->first, range->second, postcodes, &error);
        QVERIFY2(read, qPrintable(error));
        const PageviewSeries &series = *read;
        // Every non-zero value of the series is a report row and every report row is a value.
        for (const auto &[rows, values] : {std::pair{&*current, &series.current}, std::pair{&*atTime, &series.atTime}}) {
            QList<ReportRow> fromSeries;
            for (qsizetype t = 0; t < series.periods.size(); ++t)
                for (qsizetype p = 0; p < postcodes.size(); ++p)
                    if ((*values)[p][t] != 0) {
                        QVERIFY(series.value(int(p), int(t), Basis::Current));
                        fromSeries.append({series.periods[t], postcodes[p], (*values)[p][t]});
                    }
            std::sort(fromSeries.begin(), fromSeries.end(), [](const ReportRow &a, const ReportRow &b) {
                return a.periodStart != b.periodStart ? a.periodStart < b.periodStart : a.postcode < b.postcode;
            });
            QCOMPARE(fromSeries.size(), rows->size());
            for (qsizetype i = 0; i < rows->size(); ++i) {
                QCOMPARE(fromSeries[i].periodStart, rows->at(i).periodStart);
                QCOMPARE(fromSeries[i].postcode, rows->at(i).postcode);
                QCOMPARE(fromSeries[i].pageviews, rows->at(i).pageviews);
            }
        }
        if (grain == Grain::Hour) // 4 of each day's 24 hours were loaded
            QCOMPARE(std::count_if(series.coverage.cbegin(), series.coverage.cend(), [](const PeriodCoverage &c) { return c.hoursLoaded > 0; }), loaded.size());
    }
}

void AnalystModelsTest::freshnessAndRecentRanges()
{
    const DataFreshness freshness = m_handDb.coverage().freshness();
    QCOMPARE(freshness.newestHour, at("2024-03-02 10:00:00"));
    QCOMPARE(freshness.oldestHour, at("2024-03-01 10:00:00"));
    QCOMPARE(freshness.latestSnapshot, at("2024-03-02 00:00:00"));
    QCOMPARE(freshness.loadedHours, 2);
    QVERIFY(freshness.lastLoadFinishedMs > 0);
    QCOMPARE(freshness.describe(), QStringLiteral("pageviews 2024-03-01 10:00:00 to 2024-03-02 10:00:00 (2 hours loaded); "
                                                  "users as of 2024-03-02 00:00:00"));
    // Relative to the newest loaded hour, never the wall clock.
    QCOMPARE(recentRange(RecentRange::Last24Hours, freshness), (std::pair{at("2024-03-01 11:00:00"), at("2024-03-02 11:00:00")}));
    QCOMPARE(recentRange(RecentRange::Last7Days, freshness), (std::pair{at("2024-02-24 11:00:00"), at("2024-03-02 11:00:00")}));
    QCOMPARE(recentRange(RecentRange::Last30Days, freshness)->first, at("2024-02-01 11:00:00"));
    QCOMPARE(recentRange(RecentRange::LastYear, freshness)->first, at("2023-03-03 11:00:00"));
    QCOMPARE(recentRange(RecentRange::AllData, freshness), (std::pair{at("2024-03-01 10:00:00"), at("2024-03-02 11:00:00")}));
    QVERIFY(!recentRange(RecentRange::Last7Days, DataFreshness{}));
    // In whole periods of a grain, then the newest period so far (2024-03-02, a Saturday, to 11:00).
    QCOMPARE(recentRange(RecentRange::Last7Days, freshness, Grain::Day), (std::pair{at("2024-02-24 00:00:00"), at("2024-03-02 11:00:00")}));
    QCOMPARE(recentRange(RecentRange::Last24Hours, freshness, Grain::Day), (std::pair{at("2024-03-01 00:00:00"), at("2024-03-02 11:00:00")}));
    QCOMPARE(recentRange(RecentRange::Last7Days, freshness, Grain::Week)->first, at("2024-02-19 00:00:00"));
    QCOMPARE(recentRange(RecentRange::Last24Hours, freshness, Grain::Week)->first, at("2024-02-19 00:00:00"));
    QCOMPARE(recentRange(RecentRange::Last30Days, freshness, Grain::Week)->first, at("2024-01-29 00:00:00"));
    QCOMPARE(recentRange(RecentRange::Last30Days, freshness, Grain::Month)->first, at("2024-02-01 00:00:00"));
    QCOMPARE(recentRange(RecentRange::LastYear, freshness, Grain::Month)->first, at("2023-03-01 00:00:00"));
    QCOMPARE(recentRange(RecentRange::LastCompleteDay, freshness, Grain::Hour), (std::pair{at("2024-03-01 00:00:00"), at("2024-03-02 00:00:00")}));
    // A newest day that is complete is the last of the range, with nothing partial after it.
    DataFreshness wholeDay = freshness;
    wholeDay.newestHour = at("2024-03-02 23:00:00");
    QCOMPARE(recentRange(RecentRange::Last7Days, wholeDay, Grain::Day), (std::pair{at("2024-02-25 00:00:00"), at("2024-03-03 00:00:00")}));
    QCOMPARE(recentRange(RecentRange::LastCompleteDay, wholeDay), (std::pair{at("2024-03-02 00:00:00"), at("2024-03-03 00:00:00")}));
}

void AnalystModelsTest::postcodeSearch()
{
    const PostcodeDirectory &directory = m_handDb.postcodes();
    QCOMPARE(directory.search(QStringLiteral("sw")), QStringList{QStringLiteral("SW19")});
    QCOMPARE(directory.search(QStringLiteral(" e")), QStringList{QStringLiteral("EC1A")});
    QCOMPARE(directory.search(QStringLiteral("")), (QStringList{QStringLiteral("EC1A"), QStringLiteral("SW19")}));
    QCOMPARE(directory.search(QStringLiteral("UNK")), QStringList());
    QCOMPARE(directory.search(QStringLiteral("X")), QStringList());
    QCOMPARE(m_generatedDb.postcodes().search(QStringLiteral("S"), 3).size(), 3);
}

void AnalystModelsTest::topPostcodesOnBothBases()
{
    const PageviewQuery &pageviews = m_handDb.pageviews();
    const QList<PostcodeRanking> top = topPostcodes(pageviews, at("2024-03-01 00:00:00"), at("2024-03-03 00:00:00"), 5, Basis::Current);
    QCOMPARE(top.size(), 2); // UNKNOWN is left out
    QCOMPARE(top[0].postcode, QStringLiteral("EC1A"));
    QCOMPARE(top[0].current, 4);
    QCOMPARE(top[0].atTime, 2);
    QCOMPARE(top[1].postcode, QStringLiteral("SW19"));
    QCOMPARE(top[1].current, 2);
    QCOMPARE(top[1].atTime, 4);
    const QList<PostcodeRanking> byAtTime = topPostcodes(pageviews, at("2024-03-01 00:00:00"), at("2024-03-03 00:00:00"), 1, Basis::AtTime);
    QCOMPARE(byAtTime.size(), 1);
    QCOMPARE(byAtTime[0].postcode, QStringLiteral("SW19"));
    QCOMPARE(byAtTime[0].current, 2);
    // The range counts hours starting in [from, to).
    QCOMPARE(topPostcodes(pageviews, at("2024-03-02 00:00:00"), at("2024-03-03 00:00:00"), 5, Basis::Current)[0].current, 1);
    QVERIFY(topPostcodes(pageviews, at("2024-03-05 00:00:00"), at("2024-03-06 00:00:00"), 5, Basis::Current).isEmpty());
}

void AnalystModelsTest::residentsAndMovers()
{
    const PostcodeDirectory &directory = m_handDb.postcodes();
    QCOMPARE(directory.currentUsers(QStringLiteral("SW19")), 2);
    QCOMPARE(directory.currentUsers(QStringLiteral("ec1a")), 2);
    QCOMPARE(directory.currentUsers(QStringLiteral("ZZ9")), std::nullopt);

    const QList<PostcodeMove> sw19 = directory.moves(QStringLiteral("SW19"), at("2024-03-01 00:00:00"), at("2024-03-03 00:00:00"));
    QCOMPARE(sw19.size(), 2);
    QCOMPARE(sw19[0].userId, 1);
    QCOMPARE(sw19[0].direction, PostcodeMove::Direction::Out);
    QCOMPARE(sw19[0].toPostcode, QStringLiteral("EC1A"));
    QCOMPARE(sw19[0].at, at("2024-03-02 00:00:00"));
    QCOMPARE(sw19[1].userId, 4);
    QCOMPARE(sw19[1].direction, PostcodeMove::Direction::In);
    QCOMPARE(sw19[1].fromPostcode, QString()); // new to the snapshots
    const QList<PostcodeMove> ec1a = directory.moves(QStringLiteral("EC1A"), at("2024-03-01 00:00:00"), at("2024-03-03 00:00:00"));
    QCOMPARE(ec1a.size(), 1);
    QCOMPARE(ec1a[0].fromPostcode, QStringLiteral("SW19"));
    // Outside the range: nothing.
    QVERIFY(directory.moves(QStringLiteral("SW19"), at("2024-03-02 00:00:01"), at("2024-03-03 00:00:00")).isEmpty());

    PostcodeMovesModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setMoves(sw19);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(0, PostcodeMovesModel::DirectionColumn).data().toString(), QStringLiteral("moved out"));
    QCOMPARE(model.index(1, PostcodeMovesModel::FromColumn).data().toString(), QStringLiteral("(new to the snapshots)"));
}

void AnalystModelsTest::userHistoryAndPageviews()
{
    const UserHistory &history = m_handDb.userHistory();
    const QList<UserPostcodePeriod> periods = history.periods(1);
    QCOMPARE(periods.size(), 2);
    QCOMPARE(periods[0].postcode, QStringLiteral("SW19"));
    QCOMPARE(periods[0].validFrom, at("2024-03-01 00:00:00"));
    QCOMPARE(periods[0].validTo, at("2024-03-02 00:00:00"));
    QVERIFY(!periods[0].current);
    QCOMPARE(periods[1].postcode, QStringLiteral("EC1A"));
    QCOMPARE(periods[1].validTo, std::nullopt);
    QVERIFY(periods[1].current);

    const QList<UserPageviews> days = history.pageviews(1, Grain::Day);
    QCOMPARE(days.size(), 2);
    QCOMPARE(days[0].periodStart, at("2024-03-01 00:00:00"));
    QCOMPARE(days[0].atTimePostcode, QStringLiteral("SW19"));
    QCOMPARE(days[0].pageviews, 2);
    QCOMPARE(days[1].atTimePostcode, QStringLiteral("EC1A"));
    QCOMPARE(days[1].pageviews, 1);
    // A week spanning the move: one row per postcode.
    const QList<UserPageviews> weeks = history.pageviews(1, Grain::Week);
    QCOMPARE(weeks.size(), 2);
    QCOMPARE(weeks[0].periodStart, at("2024-02-26 00:00:00"));
    QCOMPARE(weeks[1].periodStart, at("2024-02-26 00:00:00"));

    QVERIFY(history.periods(9).isEmpty());
    QCOMPARE(history.pageviews(9, Grain::Day).size(), 1);
    QCOMPARE(history.pageviews(9, Grain::Day)[0].atTimePostcode, QStringLiteral("UNKNOWN"));
}

void AnalystModelsTest::modelsPassTheTester()
{
    const UserHistory &history = m_handDb.userHistory();
    PostcodeHistoryModel periods;
    QAbstractItemModelTester periodsTester(&periods, QAbstractItemModelTester::FailureReportingMode::QtTest);
    periods.setPeriods(history.periods(1));
    QCOMPARE(periods.rowCount(), 2);
    QCOMPARE(periods.index(0, PostcodeHistoryModel::ValidToColumn).data().toString(), QStringLiteral("2024-03-02 00:00:00"));
    QCOMPARE(periods.index(1, PostcodeHistoryModel::CurrentColumn).data().toString(), QStringLiteral("current"));
    periods.setPeriods({});
    QCOMPARE(periods.rowCount(), 0);

    UserPageviewsModel pageviews;
    QAbstractItemModelTester pageviewsTester(&pageviews, QAbstractItemModelTester::FailureReportingMode::QtTest);
    pageviews.setPageviews(Grain::Week, history.pageviews(1, Grain::Week));
    QCOMPARE(pageviews.index(0, UserPageviewsModel::PeriodColumn).data().toString(), QStringLiteral("2024-W09"));

    ReportTableModel report;
    QAbstractItemModelTester reportTester(&report, QAbstractItemModelTester::FailureReportingMode::QtTest);
    ReportQuery query;
    query.grain = Grain::Day;
    QString error;
    report.setTable(*runReport(m_handDb, query, true, &error));
    QCOMPARE(report.columnCount(), 6);
    QCOMPARE(report.rowCount(), 5);
    QCOMPARE(report.index(1, 4).data().toLongLong(), -2);
    query.basis = Basis::AtTime;
    report.setTable(*runReport(m_handDb, query, false, &error));
    QCOMPARE(report.columnCount(), 4);
    QCOMPARE(report.headerData(2, Qt::Horizontal).toString(), QStringLiteral("Pageviews (at-time)"));

    PostcodeRankingModel ranking;
    QAbstractItemModelTester rankingTester(&ranking, QAbstractItemModelTester::FailureReportingMode::QtTest);
    ranking.setRanking(topPostcodes(m_handDb.pageviews(), 0, at("2025-01-01 00:00:00"), 5, Basis::Current));
    QCOMPARE(ranking.rowCount(), 2);
    QCOMPARE(ranking.index(0, PostcodeRankingModel::DifferenceColumn).data().toLongLong(), 2);
}

void AnalystModelsTest::countsAreGroupedForPeople()
{
    // The C locale leaves digit grouping out unless asked; the analyst's tables group every count there too,
    // and keep the number itself as the edit role. A user id is an id: never grouped.
    const QLocale before;
    QLocale::setDefault(QLocale::c());
    const auto restore = qScopeGuard([&] { QLocale::setDefault(before); });
    QCOMPARE(countText(1234567), QStringLiteral("1,234,567"));
    QCOMPARE(countText(-12345), QStringLiteral("-12,345"));

    ReportTable table;
    table.basis = Basis::Current;
    table.rows << ReportRow{at("2024-03-01 00:00:00"), QStringLiteral("SW19"), 12345};
    ReportTableModel report;
    report.setTable(table);
    QCOMPARE(report.index(0, 2).data().toString(), QStringLiteral("12,345"));
    QCOMPARE(report.index(0, 2).data(Qt::EditRole).toLongLong(), 12345);
    table.basis.reset();
    table.comparison << ComparisonRow{at("2024-03-01 00:00:00"), QStringLiteral("SW19"), 12345, 1000};
    report.setTable(table);
    QCOMPARE(report.index(0, 2).data().toString(), QStringLiteral("12,345"));
    QCOMPARE(report.index(0, 3).data().toString(), QStringLiteral("1,000"));
    QCOMPARE(report.index(0, 4).data().toString(), QStringLiteral("11,345"));

    PostcodeRankingModel ranking;
    ranking.setRanking({PostcodeRanking{QStringLiteral("SW19"), 2000000, 1999000}});
    QCOMPARE(ranking.index(0, PostcodeRankingModel::CurrentColumn).data().toString(), QStringLiteral("2,000,000"));
    QCOMPARE(ranking.index(0, PostcodeRankingModel::DifferenceColumn).data().toString(), QStringLiteral("1,000"));

    UserPageviewsModel pageviews;
    pageviews.setPageviews(Grain::Day, {UserPageviews{at("2024-03-01 00:00:00"), QStringLiteral("SW19"), 4321}});
    QCOMPARE(pageviews.index(0, UserPageviewsModel::PageviewsColumn).data().toString(), QStringLiteral("4,321"));
    QCOMPARE(pageviews.index(0, UserPageviewsModel::PageviewsColumn).data(Qt::EditRole).toLongLong(), 4321);

    PostcodeMovesModel moves;
    PostcodeMove move;
    move.userId = 1234567;
    moves.setMoves({move});
    QCOMPARE(moves.index(0, PostcodeMovesModel::UserColumn).data().toString(), QStringLiteral("1234567"));
}

void AnalystModelsTest::csvQuotingAndNeutralisation_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("neutralise");
    QTest::addColumn<QByteArray>("field");
    QTest::newRow("plain") << "SW19" << true << QByteArray("SW19");
    QTest::newRow("inner space") << "SW1A 1AA" << true << QByteArray("SW1A 1AA");
    QTest::newRow("comma") << "a,b" << true << QByteArray("\"a,b\"");
    QTest::newRow("quote") << "say \"hi\"" << true << QByteArray("\"say \"\"hi\"\"\"");
    QTest::newRow("newline") << "two\nlines" << true << QByteArray("\"two\nlines\"");
    QTest::newRow("crlf") << "a\r\nb" << true << QByteArray("\"a\r\nb\"");
    QTest::newRow("equals") << "=1+2" << true << QByteArray("'=1+2");
    QTest::newRow("plus") << "+44 20" << true << QByteArray("'+44 20");
    QTest::newRow("minus text") << "-3" << true << QByteArray("'-3");
    QTest::newRow("at") << "@SUM(A1)" << true << QByteArray("'@SUM(A1)");
    QTest::newRow("tab") << "\t=1" << true << QByteArray("'\t=1");
    QTest::newRow("cr") << "\r=1" << true << QByteArray("\"'\r=1\"");
    QTest::newRow("formula with comma") << "=HYPERLINK(\"x\",\"y\")" << true
                                         << QByteArray("\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"");
    QTest::newRow("equals inside") << "a=b" << true << QByteArray("a=b");
    QTest::newRow("off") << "=1+2" << false << QByteArray("=1+2");
    QTest::newRow("utf-8") << QStringLiteral("café") << true << QByteArray("caf\xc3\xa9");
    QTest::newRow("empty") << "" << true << QByteArray("");
}

void AnalystModelsTest::csvQuotingAndNeutralisation()
{
    QFETCH(QString, text);
    QFETCH(bool, neutralise);
    QFETCH(QByteArray, field);
    QCOMPARE(CsvWriter::field(text.toUtf8(), neutralise ? CsvWriter::Formulas::Neutralise : CsvWriter::Formulas::Keep),
             field);
}

void AnalystModelsTest::csvNumbersAreNeverNeutralised()
{
    ReportTable table;
    table.comparison = {{at("2024-03-01 00:00:00"), QStringLiteral("SW19"), 1, 3},
                        {at("2024-03-01 00:00:00"), QStringLiteral("=cmd|' /C calc'!A0"), 5, 0}};
    ReportDescription description;
    description.bothBases = true;
    const QByteArray csv = exportToBytes(table, description, {});
    QCOMPARE(csv, QByteArray("period_start,postcode,current,at_time,difference\n"
                             "2024-03-01 00:00:00,SW19,1,3,-2\n"
                             "2024-03-01 00:00:00,'=cmd|' /C calc'!A0,5,0,5\n"));
}

void AnalystModelsTest::csvHeaderLinesAndBom()
{
    ReportQuery query;
    query.grain = Grain::Week;
    query.from = at("2024-03-01 00:00:00");
    query.to = at("2024-03-03 00:00:00");
    query.postcodes = {QStringLiteral("SW19"), QStringLiteral("SW1A 1AA")};
    QString error;
    ReportDescription description;
    description.query = query;
    description.bothBases = true;
    description.freshness = m_handDb.coverage().freshness();
    description.exportedAt = at("2024-03-05 12:00:00");
    const auto table = runReport(m_handDb, query, true, &error);
    QVERIFY2(table, qPrintable(error));
    ReportCsvOptions options;
    options.headerLines = true;
    options.utf8Bom = true;
    const QByteArray csv = exportToBytes(*table, description, options);
    QVERIFY(csv.startsWith("\xEF\xBB\xBF# pvadmin report\n"));
    const QList<QByteArray> lines = csv.mid(3).split('\n');
    QCOMPARE(lines.value(1), QByteArray("# basis: both; current = each pageview counted under the user's most recent known "
                                        "postcode; at-time = each pageview counted under the postcode the user had when it "
                                        "happened; difference = current - at_time"));
    QCOMPARE(lines.value(2), QByteArray("# grain: week (times UTC; ISO weeks start on Monday; months are calendar months)"));
    QCOMPARE(lines.value(3), QByteArray("# range: [2024-03-01 00:00:00; 2024-03-03 00:00:00) on pageview time"));
    QCOMPARE(lines.value(4), QByteArray("# postcodes: SW19; SW1A 1AA"));
    QCOMPARE(lines.value(5), QByteArray("# data: pageviews 2024-03-01 10:00:00 to 2024-03-02 10:00:00 (2 hours loaded); "
                                        "users as of 2024-03-02 00:00:00"));
    QCOMPARE(lines.value(6), QByteArray("# exported: 2024-03-05 12:00:00 UTC"));
    QCOMPARE(lines.value(7), QByteArray("period_start,postcode,current,at_time,difference"));
    QCOMPARE(lines.value(8), QByteArray("2024-02-26 00:00:00,SW19,2,4,-2"));
    QCOMPARE(lines.size(), 10); // ... and the final newline

    description.bothBases = false;
    description.query.basis = Basis::AtTime;
    description.query.postcodes.clear();
    description.query.from.reset();
    const auto oneBasis = runReport(m_handDb, description.query, false, &error);
    options.utf8Bom = false;
    const QList<QByteArray> plain = exportToBytes(*oneBasis, description, options).split('\n');
    QCOMPARE(plain.value(1), QByteArray("# basis: at-time = each pageview counted under the postcode the user had when it happened"));
    QCOMPARE(plain.value(3), QByteArray("# range: [beginning; 2024-03-03 00:00:00) on pageview time"));
    QCOMPARE(plain.value(4), QByteArray("# postcodes: all"));
    QCOMPARE(plain.value(7), QByteArray("period_start,postcode,pageviews"));
}

void AnalystModelsTest::csvPlainExportEqualsCommandLine_data()
{
    QTest::addColumn<QString>("warehouse");
    QTest::addColumn<QStringList>("arguments");
    QTest::newRow("hand, current, day") << "hand" << QStringList{"--basis", "current", "--grain", "day"};
    QTest::newRow("hand, at-time, hour, range") << "hand" << QStringList{"--basis", "at-time", "--grain", "hour", "--from",
                                                                         "2024-03-01 00:00:00", "--to", "2024-03-02 10:00:00"};
    QTest::newRow("generated, current, hour") << "generated" << QStringList{"--basis", "current", "--grain", "hour"};
    QTest::newRow("generated, at-time, week, postcodes")
        << "generated" << QStringList{"--basis", "at-time", "--grain", "week", "--postcode", "SW19", "--postcode", "sw1a 1aa",
                                      "--postcode", "E1"};
    QTest::newRow("generated, current, month, range")
        << "generated" << QStringList{"--basis", "current", "--grain", "month", "--from", "2024-03-01 02:00:00", "--to",
                                      "2024-03-03 03:00:00"};
}

void AnalystModelsTest::csvPlainExportEqualsCommandLine()
{
    QFETCH(QString, warehouse);
    QFETCH(QStringList, arguments);
    const QString path = warehouse == QLatin1String("hand") ? m_hand.path() : m_generated.path();
    const Cli cli = runPvadmin(QStringList{QStringLiteral("--db"), path, QStringLiteral("report")} + arguments);
    QVERIFY2(cli.exitCode == 0, cli.err.constData());

    // The same filters through the Reports screen's path.
    ReportQuery query;
    for (qsizetype i = 0; i + 1 < arguments.size(); i += 2) {
        const QString &name = arguments[i];
        const QString &value = arguments[i + 1];
        if (name == QLatin1String("--basis"))
            query.basis = *basisFromName(value);
        else if (name == QLatin1String("--grain"))
            query.grain = *grainFromName(value);
        else if (name == QLatin1String("--from"))
            query.from = at(qPrintable(value));
        else if (name == QLatin1String("--to"))
            query.to = at(qPrintable(value));
        else if (name == QLatin1String("--postcode"))
            query.postcodes << value;
    }
    Warehouse db;
    QString error;
    QVERIFY(db.open(path, &error));
    const auto table = runReport(db, query, false, &error);
    QVERIFY2(table, qPrintable(error));
    QVERIFY(table->size() > 0);
    const QString out = m_hand.folder() + QStringLiteral("/export.csv");
    LoadFeedback feedback;
    ReportDescription description;
    description.query = query;
    QVERIFY2(exportReportCsv(out, *table, description, ReportCsvOptions{}, &feedback, &error) == WriteOutcome::Written,
             qPrintable(error));
    QFile file(out);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), cli.out);
    QCOMPARE(feedback.done(), table->size());
}

void AnalystModelsTest::csvExportIsAllOrNothing()
{
    const QString out = m_hand.folder() + QStringLiteral("/kept.csv");
    QVERIFY(analyst::writeFile(out, "what was there\n"));
    ReportQuery query;
    QString error;
    const auto table = runReport(m_generatedDb, query, true, &error);
    QVERIFY(table && table->size() > 0);
    LoadFeedback feedback;
    feedback.cancel();
    QCOMPARE(exportReportCsv(out, *table, {}, {}, &feedback, &error), WriteOutcome::Cancelled);
    QFile kept(out);
    QVERIFY(kept.open(QIODevice::ReadOnly));
    QCOMPARE(kept.readAll(), QByteArray("what was there\n"));

    QCOMPARE(exportReportCsv(m_hand.folder() + QStringLiteral("/no/such/folder/x.csv"), *table, {}, {}, nullptr, &error),
             WriteOutcome::Failed);
    QVERIFY2(error.contains(QLatin1String("no/such/folder/x.csv")), qPrintable(error));
}

void AnalystModelsTest::csvWriteFailureIsReported_data()
{
    QTest::addColumn<qint64>("capacity");
    QTest::newRow("nothing fits") << qint64(0);
    QTest::newRow("full inside the header") << qint64(10);
    QTest::newRow("full mid-row") << qint64(100);
    QTest::newRow("full after the first buffer") << qint64(70000);
}

void AnalystModelsTest::csvWriteFailureIsReported()
{
    QFETCH(qint64, capacity);
    // The CSV writer itself: finish() is false with the device's reason.
    {
        FailingDevice device(capacity);
        CsvWriter csv(&device);
        bool rowsWritten = true;
        for (int i = 0; i < 10000 && rowsWritten; ++i)
            rowsWritten = csv.addNumber(i).addText(QStringLiteral("SW1A 1AA")).endRow();
        QVERIFY(!csv.finish());
        QVERIFY(csv.hasFailed());
        QCOMPARE(csv.errorString(), QStringLiteral("No space left on device"));
        QCOMPARE(device.written().size(), capacity);
    }
    // The report writer behind `pvadmin report` and the Reports screen.
    ReportTable table;
    for (int hour = 0; hour < 5000; ++hour)
        table.comparison << ComparisonRow{at("2024-03-01 00:00:00") + hour * 3600, QStringLiteral("SW19"), hour, 1};
    QVERIFY(exportToBytes(table, {}, {}).size() > capacity);
    FailingDevice device(capacity);
    QString error;
    QCOMPARE(ReportCsvWriter().write(table, {}, &device, nullptr, &error), WriteOutcome::Failed);
    QCOMPARE(error, QStringLiteral("cannot write: No space left on device"));
}

void AnalystModelsTest::queryThreadSupersedesOlderRequests()
{
    QList<int> delivered;
    QList<int> ran;
    {
        QueryThread queries(m_hand.path());
        QSignalSpy busy(&queries, &QueryThread::busyChanged);
        const QThread *gui = QThread::currentThread();
        for (int i = 1; i <= 5; ++i)
            queries.request(QStringLiteral("a"), [&, i, gui](Warehouse &warehouse) -> std::function<void()> {
                // Runs on the query thread with its own connection.
                Q_ASSERT(QThread::currentThread() != gui);
                const qint64 users = *warehouse.postcodes().currentUsers(QStringLiteral("SW19"));
                QThread::msleep(20);
                return [&, i, users] { delivered << i * 100 + int(users); };
            });
        queries.request(QStringLiteral("b"), [&](Warehouse &) -> std::function<void()> {
            return [&] { ran << 1; };
        });
        QVERIFY(queries.isBusy());
        QTRY_VERIFY(!queries.isBusy());
        QCOMPARE(busy.count(), 2);
        // Only the newest request of channel a delivers; channel b is independent.
        QCOMPARE(delivered, QList<int>{502});
        QCOMPARE(ran, QList<int>{1});

        // Destroyed while a request runs: waits for it and never delivers.
        queries.request(QStringLiteral("a"), [&](Warehouse &) -> std::function<void()> {
            QThread::msleep(100);
            return [&] { delivered << -1; };
        });
    }
    QCOMPARE(delivered, QList<int>{502});
}

void AnalystModelsTest::queryThreadReportsAnUnopenableWarehouse()
{
    const QString path = m_hand.folder() + QStringLiteral("/not-a-warehouse.sqlite");
    QVERIFY(analyst::writeFile(path, "this is not an SQLite database, just some text that is long enough"));
    QueryThread queries(path);
    QSignalSpy failed(&queries, &QueryThread::failed);
    bool ran = false;
    queries.request(QStringLiteral("a"), [&](Warehouse &) -> std::function<void()> {
        ran = true;
        return {};
    });
    QVERIFY(failed.wait());
    QVERIFY(failed.first().first().toString().contains(QLatin1String("not a warehouse")));
    QVERIFY(!ran);
}

QTEST_GUILESS_MAIN(AnalystModelsTest)
#include "tst_analystmodels.moc"
