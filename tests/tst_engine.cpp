// Engine integration: every docs/contract.md §2 definition on small hand-built warehouses whose expected
// counts are written here. Runs on each storage engine (tests/testwarehouse.h); what only the SQLite engine's
// file has is in tst_sqlitefile.
#include "load/extractload.h"
#include "core/time.h"
#include "core/loadfeedback.h"
#include "storage/runlog.h"
#include "query/warehousecoverage.h"
#include "query/pageviewquery.h"
#include "history/postcodehistory.h"
#include "load/radixsort.h"
#include "query/userhistory.h"
#include "storage/warehouse.h"
#include "storage/warehousechanges.h"
#include "storage/warehousecopy.h"
#include "storage/warehousestats.h"

#include "testwarehouse.h"

#include <QFile>
#include <QMutex>
#include <QSignalSpy>
#include <QUrl>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <atomic>
#include <random>
#include <thread>
#include <tuple>

using namespace pv;

namespace {

/// "period,postcode=count;..." of a report: compact to write expected answers by hand.
QString answer(const QList<ReportRow> &rows)
{
    QStringList parts;
    for (const ReportRow &r : rows)
        parts << QStringLiteral("%1 %2=%3").arg(formatTimestamp(r.periodStart).left(13), r.postcode).arg(r.pageviews);
    return parts.join(QStringLiteral("; "));
}

class Fixture
{
public:
    Fixture()
    {
        QString error;
        if (!m_warehouse.open(newWarehouseLocation(m_dir), &error))
            qFatal("cannot open warehouse: %s", qPrintable(error));
    }

    QString write(const QString &name, const QByteArray &content)
    {
        QFile file(m_dir.filePath(name));
        if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
            qFatal("cannot write %s", qPrintable(name));
        return file.fileName();
    }

    LoadResult load(const QString &name, const QByteArray &content, LoadOptions options = {})
    {
        return loadExtract(m_warehouse, write(name, content), options);
    }

    QString report(Basis basis, Grain grain = Grain::Hour, QStringList postcodes = {})
    {
        ReportQuery q;
        q.basis = basis;
        q.grain = grain;
        q.postcodes = postcodes;
        QString error;
        const auto rows = m_warehouse.pageviews().report(q, &error);
        if (!rows)
            return QStringLiteral("error: ") + error;
        return answer(*rows);
    }

    QString current() { return report(Basis::Current); }
    QString atTime() { return report(Basis::AtTime); }

    QString history(qint64 userId) { return historyText(m_warehouse, userId); }

    /// Everything a load may change, as text: compared before/after loads that must change nothing.
    QString state()
    {
        const WarehouseSql sql(m_warehouse.path());
        QString text;
        for (const char *query : {"SELECT * FROM user_postcode_history ORDER BY 1, 2", "SELECT * FROM user_postcode_changes ORDER BY 1, 2", "SELECT * FROM postcode_current_users ORDER BY 1", "SELECT block, data FROM user_directory_blocks ORDER BY 1",
                                  "SELECT load_id, first_user, last_user, facts, data FROM pageview_fact_segments ORDER BY 1, 2", "SELECT * FROM views_at_time_hourly ORDER BY 1, 2",
                                  "SELECT * FROM views_current_hourly ORDER BY 1, 2", "SELECT * FROM snapshots ORDER BY 1",
                                  "SELECT * FROM pageview_windows ORDER BY 1", "SELECT * FROM postcodes ORDER BY 1",
                                  "SELECT * FROM load_hour_views ORDER BY 1, 2"}) {
            for (const QStringList &row : sql.rows(QString::fromLatin1(query)))
                text += row.join(QLatin1Char(',')) + QLatin1Char('\n');
            text += QLatin1String("--\n");
        }
        return text;
    }

    /// Aggregate rows holding 0: a count that falls to zero is deleted, never kept.
    qint64 zeroAggregateRows()
    {
        return WarehouseSql(m_warehouse.path())
            .value(QStringLiteral("SELECT (SELECT COUNT(*) FROM views_current_hourly WHERE views = 0)"
                                  " + (SELECT COUNT(*) FROM views_at_time_hourly WHERE views = 0)"
                                  " + (SELECT COUNT(*) FROM views_current_daily WHERE views = 0)"
                                  " + (SELECT COUNT(*) FROM views_at_time_daily WHERE views = 0)"))
            .toLongLong();
    }

    QString runStatus(qint64 id) { return runStatusName(m_warehouse.runLog().run(id).value_or(LoadRun{}).status); }
    qint64 runCount() { return m_warehouse.runLog().runCount(); }

    bool check()
    {
        const CheckReport report = m_warehouse.check();
        if (!report.ok())
            qWarning().noquote() << report.differences.join(QLatin1Char('\n'));
        return report.ok();
    }

    Warehouse &warehouse() { return m_warehouse; }
    QString dir() const { return m_dir.path(); }

private:
    QTemporaryDir m_dir;
    Warehouse m_warehouse;
};

const QByteArray usersDay1 = "id,postcode\n1,SW19\n2,EC1A 1BB\n3,W1\n";
const QByteArray usersDay2 = "id,postcode\n1,N1\n2,EC1A 1BB\n3,W1\n";

} // namespace

class EngineTest : public QObject
{
    Q_OBJECT

private slots:
    void postcodeAtFollowsTheDefinition();
    void applySnapshotStateCases_data();
    void applySnapshotStateCases();
    void moverCountsUnderBothBases();
    void snapshotArrivingAfterPageviewsReattributes();
    void userBeforeTheirFirstSnapshotTakesTheEarliestPostcode();
    void userInNoSnapshotIsUnknownUntilOneArrives();
    void removedUserKeepsLastKnownPostcode();
    void returningUserHistoryAndAtTime();
    void backfilledSnapshotMatchesInOrderLoading();
    void correctedSnapshotForSameAsOfReplacesIt();
    void identicalFileIsAlreadyLoaded();
    void snapshotRepeatingAnEarlierDayIsLoaded();
    void newFileForLoadedWindowReplacesIt();
    void lateRowsCountInTheirOwnHour();
    void windowCanBeGivenByTheOperator();
    void rejectThresholdFailsTheWholeLoad();
    void rejectedUserRowLeavesUserUnchanged();
    void ambiguousDuplicateIdsAreRejected();
    void removalGuardRefusesThenForceLoads();
    void snapshotWithoutAsOfIsRefused();
    void statsProjectAYearByWhatEachFamilyGrowsWith();
    void readerLeavesThisProcesssRunningLoadAlone();
    void cancelledLoadChangesNothing();
    void databaseErrorMidLoadChangesNothing();
    void crashedRunIsMarkedInterrupted();
    void grainsRollUpHours();
    void rangeAndPostcodeFilters();
    void checkFindsTamperedAggregates();
    void checkFindsBrokenHistoryLinks();
    void checkFindsEachKindOfDamage_data();
    void checkFindsEachKindOfDamage();
    void checkOfARangeLooksOnlyThere();
    void newestSnapshotOnlyAddsChanges();
    void radixSortOrdersAndKeepsEqualKeysInOrder();
    void copyCarriesTheWholeWarehouseBetweenEngines();
    void biViewsAnswerAsTheReportsDo();
    void watcherHearsAnotherConnectionsCommit();
    void readSnapshotSeesOneMoment();
    void loadWaitsForAnotherWriterThenLands();
    void sameFileFromTwoClientsAtOnceLoadsOnce();
    void readOnlyConnectionRefusesLoadsAndStillReads();
    void readOnlyRolesCannotStopLoadsAndReadOnlyTheirWarehouse();
    void upgradeKeepsTheReadersAWarehouseHad();
};

void EngineTest::postcodeAtFollowsTheDefinition()
{
    const std::vector<PostcodePeriod> history{{100, 200, 1}, {300, openEnded, 2}};
    QCOMPARE(postcodeAt(history, 50), 1u);   // before any snapshot with the user: the earliest
    QCOMPARE(postcodeAt(history, 100), 1u);
    QCOMPARE(postcodeAt(history, 250), 1u);  // absent at 200, but the latest snapshot containing them said 1
    QCOMPARE(postcodeAt(history, 300), 2u);
    QCOMPARE(postcodeAt({}, 300), 0u);
    QCOMPARE(currentPostcode(history), 2u);
    QCOMPARE(currentPostcode({}), 0u);
}

void EngineTest::applySnapshotStateCases_data()
{
    QTest::addColumn<QString>("before");
    QTest::addColumn<qint64>("asOf");
    QTest::addColumn<qint64>("next");
    QTest::addColumn<int>("postcode"); // -1: absent
    QTest::addColumn<QString>("after");
    const qint64 open = openEnded;
    QTest::newRow("new user, newest") << "" << 10LL << open << 1 << "10-max:1";
    QTest::newRow("mover, newest") << "0-max:1" << 10LL << open << 2 << "0-10:1 10-max:2";
    QTest::newRow("unchanged") << "0-max:1" << 10LL << open << 1 << "0-max:1";
    QTest::newRow("removed, newest") << "0-max:1" << 10LL << open << -1 << "0-10:1";
    QTest::newRow("returns, newest") << "0-10:1" << 20LL << open << 1 << "0-10:1 20-max:1";
    QTest::newRow("backfill splits a period") << "0-max:1" << 10LL << 20LL << 2 << "0-10:1 10-20:2 20-max:1";
    QTest::newRow("backfill matches the later postcode") << "0-20:1 20-max:2" << 10LL << 20LL << 2 << "0-10:1 10-max:2";
    QTest::newRow("backfill before the first snapshot") << "20-max:2" << 10LL << 20LL << 2 << "10-max:2";
    QTest::newRow("backfill absent inside a period") << "0-max:1" << 10LL << 20LL << -1 << "0-10:1 20-max:1";
    QTest::newRow("backfill present in a gap") << "0-10:1 30-max:1" << 20LL << 30LL << 1 << "0-10:1 20-max:1";
    QTest::newRow("replace same as-of") << "0-10:1 10-max:2" << 10LL << open << 1 << "0-max:1";
    QTest::newRow("replace same as-of, absent") << "0-10:1 10-max:2" << 10LL << open << -1 << "0-10:1";
}

namespace {
std::vector<PostcodePeriod> parsePeriods(const QString &text)
{
    std::vector<PostcodePeriod> periods;
    for (const QString &part : text.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        const QStringList range = part.section(QLatin1Char(':'), 0, 0).split(QLatin1Char('-'));
        const qint64 to = range[1] == QLatin1String("max") ? openEnded : range[1].toLongLong();
        periods.push_back({range[0].toLongLong(), to, part.section(QLatin1Char(':'), 1).toUInt()});
    }
    return periods;
}
QString periodsText(const std::vector<PostcodePeriod> &periods)
{
    QStringList parts;
    for (const PostcodePeriod &p : periods)
        parts << QStringLiteral("%1-%2:%3")
                     .arg(p.validFrom)
                     .arg(p.validTo == openEnded ? QStringLiteral("max") : QString::number(p.validTo))
                     .arg(p.postcodeId);
    return parts.join(QLatin1Char(' '));
}
} // namespace

void EngineTest::applySnapshotStateCases()
{
    QFETCH(QString, before);
    QFETCH(qint64, asOf);
    QFETCH(qint64, next);
    QFETCH(int, postcode);
    QFETCH(QString, after);
    const auto state = postcode < 0 ? std::nullopt : std::optional<quint32>(quint32(postcode));
    QCOMPARE(periodsText(applySnapshotState(parsePeriods(before), asOf, next, state)), after);
}

void EngineTest::moverCountsUnderBothBases()
{
    Fixture f;
    QCOMPARE(f.load("users_extract_2024-03-01.csv", usersDay1).outcome, LoadOutcome::Loaded);
    QCOMPARE(f.load("users_extract_2024-03-02.csv", usersDay2).outcome, LoadOutcome::Loaded);
    // user 1: two views on day 1 (SW19 then), three on day 2 (N1 now); user 2 one view on day 2.
    QCOMPARE(f.load("pv_d1.csv", "user_id,url,pageview_datetime\n1,/a,2024-03-01 10:01:00\n1,/b,2024-03-01 10:59:59\n")
                 .outcome,
             LoadOutcome::Loaded);
    QCOMPARE(f.load("pv_d2.csv", "user_id,url,pageview_datetime\n1,/a,2024-03-02 09:00:00\n1,/a,2024-03-02 09:10:00\n"
                                 "1,/a,2024-03-02 09:20:00\n2,/x,2024-03-02 09:30:00\n")
                 .outcome,
             LoadOutcome::Loaded);
    QCOMPARE(f.current(), QStringLiteral("2024-03-01 10 N1=2; 2024-03-02 09 EC1A 1BB=1; 2024-03-02 09 N1=3"));
    QCOMPARE(f.atTime(), QStringLiteral("2024-03-01 10 SW19=2; 2024-03-02 09 EC1A 1BB=1; 2024-03-02 09 N1=3"));
    QCOMPARE(f.history(1), QStringLiteral("SW19 2024-03-01..2024-03-02 | N1 2024-03-02.."));
    QVERIFY(f.check());
}

void EngineTest::snapshotArrivingAfterPageviewsReattributes()
{
    Fixture f;
    QCOMPARE(f.load("users_extract_2024-03-01.csv", usersDay1).outcome, LoadOutcome::Loaded);
    f.load("pv_d1.csv", "user_id,url,pageview_datetime\n1,/a,2024-03-01 10:01:00\n1,/b,2024-03-01 10:59:59\n");
    f.load("pv_d2.csv", "user_id,url,pageview_datetime\n1,/a,2024-03-02 09:00:00\n");
    QCOMPARE(f.current(), QStringLiteral("2024-03-01 10 SW19=2; 2024-03-02 09 SW19=1"));
    // The day-2 snapshot arrives after the day-2 pageviews: at-time for day 2 and current for all change.
    const LoadResult day2 = f.load("users_extract_2024-03-02.csv", usersDay2);
    QCOMPARE(day2.outcome, LoadOutcome::Loaded);
    QCOMPARE(day2.run.usersMoved, 1);
    // Both facts count under N1 now: day 1's on the current basis, day 2's on both.
    QCOMPARE(day2.run.factsReattributed, 2);
    QCOMPARE(f.current(), QStringLiteral("2024-03-01 10 N1=2; 2024-03-02 09 N1=1"));
    QCOMPARE(f.atTime(), QStringLiteral("2024-03-01 10 SW19=2; 2024-03-02 09 N1=1"));
    // SW19's current counts and day 2's at-time count fell to zero: their rows are gone.
    QCOMPARE(f.zeroAggregateRows(), 0);
    QVERIFY(f.check());
}

void EngineTest::userBeforeTheirFirstSnapshotTakesTheEarliestPostcode()
{
    Fixture f;
    f.load("users_extract_2024-03-02.csv", "id,postcode\n7,LS6\n");
    f.load("users_extract_2024-03-03.csv", "id,postcode\n7,M1\n");
    // A view on day 1, before any snapshot containing user 7: at-time is the earliest snapshot's postcode.
    f.load("pv.csv", "user_id,url,pageview_datetime\n7,/a,2024-03-01 08:00:00\n");
    QCOMPARE(f.atTime(), QStringLiteral("2024-03-01 08 LS6=1"));
    QCOMPARE(f.current(), QStringLiteral("2024-03-01 08 M1=1"));
    QVERIFY(f.check());
}

void EngineTest::userInNoSnapshotIsUnknownUntilOneArrives()
{
    Fixture f;
    f.load("users_extract_2024-03-01.csv", usersDay1);
    f.load("pv.csv", "user_id,url,pageview_datetime\n99,/a,2024-03-01 12:00:00\n99,/b,2024-03-01 12:30:00\n1,/c,2024-03-01 12:40:00\n");
    QCOMPARE(f.current(), QStringLiteral("2024-03-01 12 SW19=1; 2024-03-01 12 UNKNOWN=2"));
    QCOMPARE(f.atTime(), QStringLiteral("2024-03-01 12 SW19=1; 2024-03-01 12 UNKNOWN=2"));
    // User 99 signs up and appears in the next snapshot: the earlier views move from UNKNOWN to B33 on both bases.
    f.load("users_extract_2024-03-02.csv", usersDay1 + "99,b33\n");
    QCOMPARE(f.current(), QStringLiteral("2024-03-01 12 B33=2; 2024-03-01 12 SW19=1"));
    QCOMPARE(f.atTime(), QStringLiteral("2024-03-01 12 B33=2; 2024-03-01 12 SW19=1"));
    QVERIFY(f.check());
}

void EngineTest::removedUserKeepsLastKnownPostcode()
{
    Fixture f;
    f.load("users_extract_2024-03-01.csv", usersDay1);
    LoadOptions force;
    force.force = true;
    QCOMPARE(f.load("users_extract_2024-03-02.csv", "id,postcode\n2,EC1A 1BB\n3,W1\n", force).outcome, LoadOutcome::Loaded);
    f.load("pv.csv", "user_id,url,pageview_datetime\n1,/a,2024-03-03 10:00:00\n");
    QCOMPARE(f.current(), QStringLiteral("2024-03-03 10 SW19=1"));
    QCOMPARE(f.atTime(), QStringLiteral("2024-03-03 10 SW19=1"));
    QCOMPARE(f.history(1), QStringLiteral("SW19 2024-03-01..2024-03-02"));
    QVERIFY(f.check());
}

void EngineTest::returningUserHistoryAndAtTime()
{
    Fixture f;
    LoadOptions force;
    force.force = true;
    f.load("users_extract_2024-03-01.csv", "id,postcode\n1,SW19\n");
    f.load("users_extract_2024-03-02.csv", "id,postcode\n2,E1\n", force);
    f.load("users_extract_2024-03-03.csv", "id,postcode\n1,N1\n2,E1\n", force);
    QCOMPARE(f.history(1), QStringLiteral("SW19 2024-03-01..2024-03-02 | N1 2024-03-03.."));
    f.load("pv.csv", "user_id,url,pageview_datetime\n1,/a,2024-03-02 12:00:00\n1,/a,2024-03-03 12:00:00\n");
    QCOMPARE(f.atTime(), QStringLiteral("2024-03-02 12 SW19=1; 2024-03-03 12 N1=1"));
    QCOMPARE(f.current(), QStringLiteral("2024-03-02 12 N1=1; 2024-03-03 12 N1=1"));
    QVERIFY(f.check());
}

void EngineTest::backfilledSnapshotMatchesInOrderLoading()
{
    const QByteArray d1 = "id,postcode\n1,SW19\n2,E1\n3,W1\n";
    const QByteArray d2 = "id,postcode\n1,N1\n2,E1\n3,W1\n4,M1\n";
    const QByteArray d3 = "id,postcode\n1,N1\n2,B33\n3,W1\n4,M1\n";
    const QByteArray views = "user_id,url,pageview_datetime\n1,/a,2024-03-01 10:00:00\n1,/a,2024-03-02 10:00:00\n"
                             "2,/a,2024-03-02 11:00:00\n4,/a,2024-03-01 12:00:00\n1,/a,2024-03-03 10:00:00\n";
    Fixture inOrder, backfilled;
    inOrder.load("users_extract_2024-03-01.csv", d1);
    inOrder.load("users_extract_2024-03-02.csv", d2);
    inOrder.load("users_extract_2024-03-03.csv", d3);
    inOrder.load("pv.csv", views);

    backfilled.load("pv.csv", views);
    backfilled.load("users_extract_2024-03-03.csv", d3);
    backfilled.load("users_extract_2024-03-01.csv", d1);
    QCOMPARE(backfilled.load("users_extract_2024-03-02.csv", d2).outcome, LoadOutcome::Loaded);

    const QString expectedAtTime = QStringLiteral("2024-03-01 10 SW19=1; 2024-03-01 12 M1=1; 2024-03-02 10 N1=1; "
                                                  "2024-03-02 11 E1=1; 2024-03-03 10 N1=1");
    QCOMPARE(inOrder.atTime(), expectedAtTime);
    QCOMPARE(backfilled.atTime(), expectedAtTime);
    QCOMPARE(backfilled.current(), inOrder.current());
    QCOMPARE(backfilled.history(1), QStringLiteral("SW19 2024-03-01..2024-03-02 | N1 2024-03-02.."));
    QCOMPARE(backfilled.history(2), inOrder.history(2));
    QCOMPARE(backfilled.history(4), inOrder.history(4));
    QVERIFY(inOrder.check());
    QVERIFY(backfilled.check());
}

void EngineTest::correctedSnapshotForSameAsOfReplacesIt()
{
    Fixture f;
    f.load("users_extract_2024-03-01.csv", usersDay1);
    f.load("pv.csv", "user_id,url,pageview_datetime\n1,/a,2024-03-01 10:00:00\n");
    const LoadResult corrected = f.load("users_extract_2024-03-01_fixed.csv", "id,postcode\n1,SE1\n2,EC1A 1BB\n3,W1\n");
    QCOMPARE(corrected.outcome, LoadOutcome::Loaded);
    QCOMPARE(corrected.run.replacedRun, 1);
    QCOMPARE(f.runStatus(1), QStringLiteral("replaced"));
    QCOMPARE(f.history(1), QStringLiteral("SE1 2024-03-01.."));
    QCOMPARE(f.atTime(), QStringLiteral("2024-03-01 10 SE1=1"));
    QVERIFY(f.check());
}

void EngineTest::identicalFileIsAlreadyLoaded()
{
    Fixture f;
    f.load("users_extract_2024-03-01.csv", usersDay1);
    const QByteArray views = "user_id,url,pageview_datetime\n1,/a,2024-03-01 10:00:00\n";
    QCOMPARE(f.load("pv.csv", views).outcome, LoadOutcome::Loaded);
    const QString before = f.state();
    const qint64 runs = f.runCount();
    const LoadResult again = f.load("pv_copy.csv", views);
    QCOMPARE(again.outcome, LoadOutcome::AlreadyLoaded);
    QCOMPARE(again.existingRunId, 2);
    QVERIFY(again.message.contains(QLatin1String("already loaded")));
    QCOMPARE(f.state(), before);
    QCOMPARE(f.runCount(), runs);
    QCOMPARE(f.load("users_extract_2024-03-01.csv", usersDay1).outcome, LoadOutcome::AlreadyLoaded);
}

void EngineTest::snapshotRepeatingAnEarlierDayIsLoaded()
{
    // A users snapshot is identified by its content *and* its as-of: day 3's extract may be byte for byte
    // day 1's (the user moved back), and it is a new snapshot, not "already loaded".
    const QByteArray a = "id,postcode\n1,SW19\n";
    const QByteArray b = "id,postcode\n1,N1\n";
    Fixture f;
    f.load("users_extract_2024-03-01.csv", a);
    f.load("users_extract_2024-03-02.csv", b);
    const LoadResult third = f.load("users_extract_2024-03-03.csv", a);
    QCOMPARE(third.outcome, LoadOutcome::Loaded);
    QCOMPARE(f.history(1), QStringLiteral("SW19 2024-03-01..2024-03-02 | N1 2024-03-02..2024-03-03 | SW19 2024-03-03.."));
    f.load("pv.csv", "user_id,url,pageview_datetime\n1,/a,2024-03-02 12:00:00\n1,/a,2024-03-03 12:00:00\n");
    QCOMPARE(f.atTime(), QStringLiteral("2024-03-02 12 N1=1; 2024-03-03 12 SW19=1"));
    QCOMPARE(f.current(), QStringLiteral("2024-03-02 12 SW19=1; 2024-03-03 12 SW19=1"));
    // The same file for the same as-of again is still already loaded.
    QCOMPARE(f.load("users_extract_2024-03-03.csv", a).outcome, LoadOutcome::AlreadyLoaded);
    QVERIFY(f.check());
}

void EngineTest::newFileForLoadedWindowReplacesIt()
{
    Fixture f;
    f.load("users_extract_2024-03-01.csv", usersDay1);
    // First file for 10:00: 3 views in the window and one late view at 09:00.
    const LoadResult first = f.load("pv_10.csv", "user_id,url,pageview_datetime\n1,/a,2024-03-01 10:00:00\n"
                                                 "1,/a,2024-03-01 10:10:00\n2,/a,2024-03-01 10:20:00\n3,/a,2024-03-01 09:59:00\n");
    QCOMPARE(first.run.lateRows, 1);
    QCOMPARE(f.current(), QStringLiteral("2024-03-01 09 W1=1; 2024-03-01 10 EC1A 1BB=1; 2024-03-01 10 SW19=2"));
    // A file of another name for the same window is refused until it is said to be a correction: nothing
    // changes, and the refusal names the run holding the hour and both ways forward.
    const QByteArray corrected = "user_id,url,pageview_datetime\n2,/a,2024-03-01 10:00:00\n2,/a,2024-03-01 10:30:00\n";
    const LoadResult refused = f.load("pv_10_v2.csv", corrected);
    QCOMPARE(refused.outcome, LoadOutcome::Refused);
    QVERIFY2(refused.message.contains(QStringLiteral("the hour 2024-03-01 10:00:00 is already loaded from another file, "
                                                     "pv_10.csv (run %1)").arg(first.run.id))
                 && refused.message.contains(QStringLiteral("--replace")) && refused.message.contains(QStringLiteral("--hour")),
             qPrintable(refused.message));
    QCOMPARE(f.current(), QStringLiteral("2024-03-01 09 W1=1; 2024-03-01 10 EC1A 1BB=1; 2024-03-01 10 SW19=2"));
    QCOMPARE(f.runStatus(first.run.id), QStringLiteral("succeeded"));
    // Said to be a correction: the first file's views (late ones too) stop counting.
    LoadOptions replace;
    replace.replace = true;
    const LoadResult second = f.load("pv_10_v2.csv", corrected, replace);
    QCOMPARE(second.outcome, LoadOutcome::Loaded);
    QCOMPARE(second.run.replacedRun, first.run.id);
    QCOMPARE(f.runStatus(first.run.id), QStringLiteral("replaced"));
    QCOMPARE(f.current(), QStringLiteral("2024-03-01 10 EC1A 1BB=2"));
    QCOMPARE(f.atTime(), QStringLiteral("2024-03-01 10 EC1A 1BB=2"));
    QVERIFY(f.check());
}

void EngineTest::lateRowsCountInTheirOwnHour()
{
    Fixture f;
    f.load("users_extract_2024-03-01.csv", usersDay1);
    const LoadResult r = f.load("pv_11.csv", "user_id,url,pageview_datetime\n1,/a,2024-03-01 11:00:00\n"
                                             "1,/a,2024-03-01 11:05:00\n2,/a,2024-03-01 10:58:00\n");
    QCOMPARE(r.run.windowHour.value_or(0), at("2024-03-01 11:00:00"));
    QCOMPARE(r.run.lateRows, 1);
    QVERIFY(r.message.contains(QLatin1String("1 late rows")));
    // The 10:00 file arrives afterwards: the late row and the new file both count in 10:00.
    f.load("pv_10.csv", "user_id,url,pageview_datetime\n3,/a,2024-03-01 10:15:00\n");
    QCOMPARE(f.current(), QStringLiteral("2024-03-01 10 EC1A 1BB=1; 2024-03-01 10 W1=1; 2024-03-01 11 SW19=2"));
    QVERIFY(f.check());
}

void EngineTest::windowCanBeGivenByTheOperator()
{
    Fixture f;
    LoadOptions options;
    options.windowHour = at("2024-03-01 10:00:00");
    const LoadResult r = f.load("pv.csv", "user_id,url,pageview_datetime\n1,/a,2024-03-01 11:00:00\n1,/a,2024-03-01 10:05:00\n"
                                          "1,/a,2024-03-01 11:30:00\n", options);
    QCOMPARE(r.run.windowHour.value_or(0), at("2024-03-01 10:00:00"));
    QCOMPARE(r.run.lateRows, 2);
}

void EngineTest::rejectThresholdFailsTheWholeLoad()
{
    Fixture f;
    f.load("users_extract_2024-03-01.csv", usersDay1);
    const QString before = f.state();
    const QByteArray views = "user_id,url,pageview_datetime\n1,/a,2024-03-01 10:00:00\n-5,/a,2024-03-01 10:00:00\n"
                             "2,/a,2024-03-01 10:00:00\n2,/a,not a time\n3,,2024-03-01 10:00:00\n";
    const LoadResult failed = f.load("pv.csv", views);
    QCOMPARE(failed.outcome, LoadOutcome::Failed);
    QVERIFY2(failed.message.contains(QLatin1String("3 of 5 rows rejected")), qPrintable(failed.message));
    QCOMPARE(f.runStatus(failed.run.id), QStringLiteral("failed"));
    QCOMPARE(f.state(), before);
    const QList<RejectedLine> kept = f.warehouse().runLog().rejects(failed.run.id);
    QCOMPARE(kept.size(), 3);
    QCOMPARE(kept[0].line, 3);
    QCOMPARE(kept[1].line, 5);
    QCOMPARE(kept[2].line, 6);
    QCOMPARE(kept[1].raw, QByteArray("2,/a,not a time"));

    LoadOptions lenient;
    lenient.maxRejectPercent = 60;
    const LoadResult loaded = f.load("pv.csv", views, lenient);
    QCOMPARE(loaded.outcome, LoadOutcome::Loaded);
    QCOMPARE(loaded.run.rowsLoaded, 2);
    QCOMPARE(loaded.run.rowsRejected, 3);
    QCOMPARE(f.current(), QStringLiteral("2024-03-01 10 EC1A 1BB=1; 2024-03-01 10 SW19=1"));
    QCOMPARE(f.warehouse().runLog().rejects(loaded.run.id).size(), 3);
    QVERIFY(f.check());
}

void EngineTest::rejectedUserRowLeavesUserUnchanged()
{
    Fixture f;
    f.load("users_extract_2024-03-01.csv", "id,postcode\n1,SW19\n2,E1\n3,W1\n4,M1\n5,B33\n");
    LoadOptions lenient;
    lenient.maxRejectPercent = 50;
    // User 1's row has an invalid postcode: user 1 stays in SW19, not removed; user 2 moves.
    const LoadResult r = f.load("users_extract_2024-03-02.csv", "id,postcode\n1,NOT A POSTCODE\n2,N1\n3,W1\n4,M1\n5,B33\n", lenient);
    QCOMPARE(r.outcome, LoadOutcome::Loaded);
    QCOMPARE(r.run.rowsRejected, 1);
    QCOMPARE(r.run.usersRemoved, 0);
    QCOMPARE(r.run.usersMoved, 1);
    QCOMPARE(f.history(1), QStringLiteral("SW19 2024-03-01.."));
    QVERIFY(f.check());
}

void EngineTest::ambiguousDuplicateIdsAreRejected()
{
    Fixture f;
    f.load("users_extract_2024-03-01.csv", "id,postcode\n1,SW19\n2,E1\n3,W1\n4,M1\n5,B33\n");
    LoadOptions lenient;
    lenient.maxRejectPercent = 50;
    const LoadResult r = f.load("users_extract_2024-03-02.csv",
                                "id,postcode\n1,N1\n2,E1\n1,SE1\n3,W1\n3,w1\n4,M1\n5,B33\n", lenient);
    QCOMPARE(r.outcome, LoadOutcome::Loaded);
    QCOMPARE(r.run.rowsRejected, 2); // both lines of user 1; user 3's repeat with the same postcode is harmless
    QCOMPARE(f.history(1), QStringLiteral("SW19 2024-03-01.."));
    QCOMPARE(f.history(3), QStringLiteral("W1 2024-03-01.."));
    const QList<RejectedLine> rejects = f.warehouse().runLog().rejects(r.run.id);
    QCOMPARE(rejects.size(), 2);
    QCOMPARE(rejects[0].line, 2);
    QCOMPARE(rejects[1].line, 4);
    QVERIFY(rejects[0].reason.contains(QLatin1String("ambiguous")));
    QVERIFY(f.check());
}

void EngineTest::removalGuardRefusesThenForceLoads()
{
    Fixture f;
    QByteArray twenty = "id,postcode\n";
    for (int id = 1; id <= 20; ++id)
        twenty += QByteArray::number(id) + ",SW19\n";
    f.load("users_extract_2024-03-01.csv", twenty);
    // 2 of 20 users missing = 10% > 5%.
    QByteArray eighteen = "id,postcode\n";
    for (int id = 1; id <= 18; ++id)
        eighteen += QByteArray::number(id) + ",SW19\n";
    const QString before = f.state();
    const LoadResult refused = f.load("users_extract_2024-03-02.csv", eighteen);
    QCOMPARE(refused.outcome, LoadOutcome::Refused);
    QVERIFY(refused.message.contains(QLatin1String("--force")));
    QCOMPARE(f.runStatus(refused.run.id), QStringLiteral("refused"));
    QCOMPARE(f.state(), before);
    // 1 of 20 missing = 5% is within the guard.
    QByteArray nineteen = eighteen + "19,SW19\n";
    LoadOptions force;
    force.force = true;
    QCOMPARE(f.load("users_extract_2024-03-02.csv", eighteen, force).outcome, LoadOutcome::Loaded);
    QCOMPARE(f.load("users_extract_2024-03-03.csv", nineteen).outcome, LoadOutcome::Loaded);
    QVERIFY(f.check());
}

void EngineTest::snapshotWithoutAsOfIsRefused()
{
    Fixture f;
    const LoadResult r = f.load("users.csv", usersDay1);
    QCOMPARE(r.outcome, LoadOutcome::Refused);
    QVERIFY(r.message.contains(QLatin1String("--as-of")));
    LoadOptions options;
    options.asOf = at("2024-03-05 00:00:00");
    const LoadResult ok = f.load("users.csv", usersDay1, options);
    QCOMPARE(ok.outcome, LoadOutcome::Loaded);
    QCOMPARE(ok.run.asOf.value_or(0), at("2024-03-05 00:00:00"));
}

void EngineTest::statsProjectAYearByWhatEachFamilyGrowsWith()
{
    using Growth = WarehouseStats::Growth;
    WarehouseStats stats;
    stats.families = {{QStringLiteral("facts"), {}, Growth::Hours, 100},
                      {QStringLiteral("history"), {}, Growth::Snapshots, 10},
                      {QStringLiteral("user directory"), {}, Growth::Users, 7},
                      {QStringLiteral("run log"), {}, Growth::Runs, 2}};
    QCOMPARE(stats.projectedYearBytes(), std::nullopt); // nothing loaded: no rate to project
    stats.loadedHours = 48;
    stats.snapshots = 1;
    QCOMPARE(stats.projectedYearBytes(), std::nullopt); // one snapshot: no rate of change yet
    stats.snapshots = 3;
    stats.historyBaselineShare = 0.8; // the first snapshot wrote 8 of the history's 10 bytes
    QCOMPARE(stats.projectedYearBytes(stats.families[0]), std::optional<qint64>(100 * 8760 / 48));
    // The baseline as it is; the 2 bytes of two later snapshots become 364 snapshots' worth.
    QCOMPARE(stats.projectedYearBytes(stats.families[1]), std::optional<qint64>(8 + 2 * 364 / 2));
    QCOMPARE(stats.projectedYearBytes(stats.families[2]), std::optional<qint64>(7));
    QCOMPARE(stats.projectedYearBytes(stats.families[3]), std::optional<qint64>(2 * 8760 / 48));
    QCOMPARE(stats.projectedYearBytes(), std::optional<qint64>(18250 + 372 + 7 + 365));
    stats.facts = 4;
    stats.factBytes = 34;
    QCOMPARE(stats.bytesPerFact(), 8.5);
}

void EngineTest::readerLeavesThisProcesssRunningLoadAlone()
{
    Fixture f;
    QCOMPARE(f.load("users_extract_2024-03-01.csv", usersDay1).outcome, LoadOutcome::Loaded);
    // A load of this process in progress: its run record says running, with this pid.
    execWarehouseSql(f.warehouse().path(), QStringLiteral("INSERT INTO load_runs (id, kind, file, started_at, status, pid) "
                                                          "VALUES (50, 'pageviews', '/in/x.csv', 0, 'running', %1)")
                                               .arg(QCoreApplication::applicationPid()));
    const QString path = f.warehouse().path();
    // A screen's query thread opening beside it does not take the live load for a crashed one...
    Warehouse reader;
    QString error;
    QVERIFY2(reader.open(path, &error, Warehouse::Role::Reader), qPrintable(error));
    QCOMPARE(reader.runLog().run(50)->status, RunStatus::Running);
    // ...while the process's main connection, opened before any load of its own, does.
    Warehouse main;
    QVERIFY2(main.open(path, &error), qPrintable(error));
    QCOMPARE(main.runLog().run(50)->status, RunStatus::Interrupted);
}

void EngineTest::cancelledLoadChangesNothing()
{
    Fixture f;
    f.load("users_extract_2024-03-01.csv", usersDay1);
    const QString before = f.state();
    LoadFeedback feedback;
    // Cancel as soon as the load starts writing: the transaction must roll back.
    connect(&feedback, &LoadFeedback::stageChanged, &feedback, [&](const QString &stage) {
        if (stage == QLatin1String("attributing"))
            feedback.cancel();
    });
    const LoadResult r = loadExtract(f.warehouse(), f.write("pv.csv", "user_id,url,pageview_datetime\n1,/a,2024-03-01 10:00:00\n"),
                                     {}, &feedback);
    QCOMPARE(r.outcome, LoadOutcome::Cancelled);
    QCOMPARE(f.runStatus(r.run.id), QStringLiteral("cancelled"));
    QCOMPARE(f.state(), before);
    QVERIFY(f.check());
}

void EngineTest::databaseErrorMidLoadChangesNothing()
{
    Fixture f;
    f.load("users_extract_2024-03-01.csv", usersDay1);
    f.load("pv_09.csv", "user_id,url,pageview_datetime\n1,/a,2024-03-01 09:00:00\n");
    // The last write of a load fails (as a full disk would): facts were already written by then. A trigger
    // that raises is the one piece of SQL each engine spells its own way.
    const WarehouseSql sql(f.warehouse().path());
    if (testBackendIsPostgres()) {
        sql.exec(QStringLiteral("CREATE FUNCTION fail_window() RETURNS trigger LANGUAGE plpgsql "
                                "AS $$BEGIN RAISE EXCEPTION 'disk full (simulated)'; END$$"));
        sql.exec(QStringLiteral("CREATE TRIGGER fail_window BEFORE INSERT ON pageview_windows "
                                "FOR EACH ROW EXECUTE FUNCTION fail_window()"));
    } else {
        sql.exec(QStringLiteral("CREATE TRIGGER fail_window BEFORE INSERT ON pageview_windows "
                                "BEGIN SELECT RAISE(ABORT, 'disk full (simulated)'); END"));
    }
    const QString before = f.state();
    const LoadResult r = f.load("pv_10.csv", "user_id,url,pageview_datetime\n1,/a,2024-03-01 10:00:00\n2,/b,2024-03-01 10:00:00\n");
    QCOMPARE(r.outcome, LoadOutcome::Failed);
    QVERIFY2(r.message.contains(QLatin1String("disk full (simulated)")), qPrintable(r.message));
    QCOMPARE(f.runStatus(r.run.id), QStringLiteral("failed"));
    QCOMPARE(f.state(), before);
    QVERIFY(f.check());

    // A correction of hour 09 fails the same way: the run it was replacing stands, and the failed run's
    // record says it replaced nothing (runs would otherwise note "replaced run 2" beside the failure).
    const LoadResult correction = f.load("pv_09.csv", "user_id,url,pageview_datetime\n2,/b,2024-03-01 09:00:00\n");
    QCOMPARE(correction.outcome, LoadOutcome::Failed);
    QCOMPARE(correction.run.replacedRun, 0);
    for (const LoadRun &run : f.warehouse().runLog().runs()) {
        QCOMPARE(run.replacedRun, 0);
        QCOMPARE(run.replacedBy, 0);
    }
    QCOMPARE(f.state(), before);
}

void EngineTest::crashedRunIsMarkedInterrupted()
{
    QTemporaryDir dir;
    const QString path = newWarehouseLocation(dir);
    {
        Warehouse w;
        QString error;
        QVERIFY(w.open(path, &error));
        // A run left 'running' by a process that no longer exists (pid 2^30 is never a live process here).
        execWarehouseSql(path, QStringLiteral("INSERT INTO load_runs (kind, file, started_at, status, pid) "
                                              "VALUES ('pageviews', 'x.csv', 0, 'running', 1073741824)"));
    }
    Warehouse w;
    QString error;
    QVERIFY(w.open(path, &error));
    const LoadRun run = w.runLog().run(1).value_or(LoadRun{});
    QCOMPARE(run.status, RunStatus::Interrupted);
    QVERIFY(!run.error.isEmpty());
}

void EngineTest::grainsRollUpHours()
{
    Fixture f;
    f.load("users_extract_2024-02-01.csv", "id,postcode\n1,SW19\n");
    // 2024-03-03 is a Sunday, 2024-03-04 a Monday; 2024-02-29 is in February (leap year).
    f.load("pv1.csv", "user_id,url,pageview_datetime\n1,/a,2024-03-03 23:59:59\n");
    f.load("pv2.csv", "user_id,url,pageview_datetime\n1,/a,2024-03-04 00:00:00\n1,/a,2024-03-04 05:00:00\n");
    f.load("pv3.csv", "user_id,url,pageview_datetime\n1,/a,2024-02-29 12:00:00\n");
    QCOMPARE(f.report(Basis::Current, Grain::Day),
             QStringLiteral("2024-02-29 00 SW19=1; 2024-03-03 00 SW19=1; 2024-03-04 00 SW19=2"));
    QCOMPARE(f.report(Basis::Current, Grain::Week),
             QStringLiteral("2024-02-26 00 SW19=2; 2024-03-04 00 SW19=2"));
    QCOMPARE(f.report(Basis::AtTime, Grain::Month), QStringLiteral("2024-02-01 00 SW19=1; 2024-03-01 00 SW19=3"));
    // A year is a calendar year: the last second of 2023 and New Year's first hour fall apart.
    f.load("pv4.csv", "user_id,url,pageview_datetime\n1,/a,2023-12-31 23:59:59\n");
    f.load("pv5.csv", "user_id,url,pageview_datetime\n1,/a,2025-01-01 00:00:00\n");
    for (const Basis basis : {Basis::AtTime, Basis::Current})
        QCOMPARE(f.report(basis, Grain::Year), QStringLiteral("2023-01-01 00 SW19=1; 2024-01-01 00 SW19=4; 2025-01-01 00 SW19=1"));
}

void EngineTest::rangeAndPostcodeFilters()
{
    Fixture f;
    f.load("users_extract_2024-03-01.csv", usersDay1);
    f.load("pv.csv", "user_id,url,pageview_datetime\n1,/a,2024-03-01 10:00:00\n2,/a,2024-03-01 11:00:00\n"
                     "3,/a,2024-03-01 12:00:00\n3,/a,2024-03-01 12:01:00\n9,/a,2024-03-01 12:02:00\n");
    ReportQuery q;
    q.basis = Basis::Current;
    q.grain = Grain::Hour;
    q.from = at("2024-03-01 11:00:00");
    q.to = at("2024-03-01 12:00:00");
    QString error;
    QCOMPARE(answer(*f.warehouse().pageviews().report(q, &error)), QStringLiteral("2024-03-01 11 EC1A 1BB=1"));
    q.from.reset();
    q.to.reset();
    q.postcodes = {QStringLiteral("w1"), QStringLiteral(" unknown ")};
    QCOMPARE(answer(*f.warehouse().pageviews().report(q, &error)),
             QStringLiteral("2024-03-01 12 UNKNOWN=1; 2024-03-01 12 W1=2"));
    q.postcodes = {QStringLiteral("not a postcode!")};
    QVERIFY(!f.warehouse().pageviews().report(q, &error));
    QVERIFY(error.contains(QLatin1String("not a postcode!")));
}

void EngineTest::checkFindsTamperedAggregates()
{
    Fixture f;
    f.load("users_extract_2024-03-01.csv", usersDay1);
    f.load("pv.csv", "user_id,url,pageview_datetime\n1,/a,2024-03-01 10:00:00\n");
    QVERIFY(f.check());
    execWarehouseSql(f.warehouse().path(), QStringLiteral("UPDATE views_at_time_hourly SET views = views + 1"));
    const CheckReport report = f.warehouse().check();
    QVERIFY(!report.ok());
    QVERIFY2(report.differences.join(QLatin1Char('\n')).contains(QLatin1String("at-time aggregate: hour 2024-03-01 10:00:00, postcode SW19: stored 2, recomputed 1")),
             qPrintable(report.differences.join(QLatin1Char('\n'))));
}

void EngineTest::checkFindsBrokenHistoryLinks()
{
    Fixture f;
    f.load("users_extract_2024-03-01.csv", usersDay1);
    f.load("users_extract_2024-03-02.csv", "id,postcode\n1,N1\n2,EC1A 1BB\n3,W1\n");
    QVERIFY(f.check());
    execWarehouseSql(f.warehouse().path(),
                     QStringLiteral("UPDATE user_postcode_changes SET previous_postcode_id = NULL WHERE user_id = 1 AND "
                                    "previous_as_of IS NOT NULL"));
    const CheckReport report = f.warehouse().check();
    QVERIFY(!report.ok());
    QVERIFY2(report.differences.join(QLatin1Char('\n')).contains(QLatin1String("history: user 1, change at")),
             qPrintable(report.differences.join(QLatin1Char('\n'))));

    // A link that does not go back in time fails a load that needs the history, instead of looping.
    execWarehouseSql(f.warehouse().path(),
                     QStringLiteral("UPDATE user_postcode_changes SET previous_as_of = as_of WHERE user_id = 1 AND "
                                    "previous_as_of IS NOT NULL"));
    const QString before = f.state();
    const LoadResult broken = f.load("pv.csv", "user_id,url,pageview_datetime\n1,/a,2024-03-01 10:00:00\n");
    QCOMPARE(broken.outcome, LoadOutcome::Failed);
    QVERIFY2(broken.message.contains(QLatin1String("run pvadmin check")), qPrintable(broken.message));
    QCOMPARE(f.state(), before);
}

void EngineTest::checkFindsEachKindOfDamage_data()
{
    QTest::addColumn<QString>("damage");
    QTest::addColumn<QString>("found");
    // Users 1 (SW19, then N1 from 2024-03-02) and 2, 3; views on 2024-03-01 at 10:00 (2 by user 1, 1 by
    // user 2) and at 11:00 (1 by user 3).
    QTest::newRow("day rollup") << QStringLiteral("UPDATE views_current_daily SET views = views + 1 WHERE postcode_id = "
                                                  "(SELECT id FROM postcodes WHERE postcode = 'W1')")
                                << QStringLiteral("day rollup current: day 2024-03-01, postcode W1: stored 2, recomputed 1");
    QTest::newRow("missing hour row") << QStringLiteral("DELETE FROM views_at_time_hourly WHERE hour % 24 = 11")
                                      << QStringLiteral("at-time aggregate: hour 2024-03-01 11:00:00, postcode W1: stored 0, recomputed 1");
    QTest::newRow("extra hour row") << QStringLiteral("INSERT INTO views_current_hourly SELECT hour + 1000, postcode_id, 0 "
                                                      "FROM views_current_hourly LIMIT 1")
                                    << QStringLiteral("a stored row of 0 pageviews, where none should be");
    QTest::newRow("moved user counted under the old postcode")
        << QStringLiteral("UPDATE views_current_hourly SET postcode_id = (SELECT id FROM postcodes WHERE postcode = 'SW19') "
                          "WHERE postcode_id = (SELECT id FROM postcodes WHERE postcode = 'N1')")
        << QStringLiteral("current aggregate: hour 2024-03-01 10:00:00, postcode N1: stored 0, recomputed 2");
    QTest::newRow("recorded pageviews") << QStringLiteral("UPDATE load_hour_views SET views = views + 1 WHERE hour % 24 = 10")
                                        << QStringLiteral("holds 3 pageviews in hour 2024-03-01 10:00:00, but its load recorded 4");
    QTest::newRow("reconciliation") << QStringLiteral("UPDATE load_hour_views SET views = views + 1 WHERE hour % 24 = 11")
                                    << QStringLiteral("reconciliation: hour 2024-03-01 11:00:00: 2 pageviews loaded, 1 in facts, 1 at-time, 1 current");
    QTest::newRow("current users") << QStringLiteral("UPDATE postcode_current_users SET users = users + 1 WHERE postcode_id = "
                                                     "(SELECT id FROM postcodes WHERE postcode = 'N1')")
                                   << QStringLiteral("current users: postcode N1 has 1 users with it as current, but 2 are recorded");
    QTest::newRow("history at no snapshot") << QStringLiteral("DELETE FROM snapshots WHERE as_of = (SELECT MAX(as_of) FROM snapshots)")
                                            << QStringLiteral("history: user 1, change at 2024-03-02 00:00:00 is at no loaded snapshot's as-of");
    QTest::newRow("window without its load") << QStringLiteral("DELETE FROM pageview_windows")
                                             << QStringLiteral("exactly once: run 2 counts for the window 2024-03-01 10:00:00, whose load is none");
    QTest::newRow("facts of a dead run") << QStringLiteral("UPDATE load_runs SET status = 'failed' WHERE kind = 'pageviews'")
                                         << QStringLiteral("has facts but is not a live run");
}

void EngineTest::checkFindsEachKindOfDamage()
{
    QFETCH(QString, damage);
    QFETCH(QString, found);
    Fixture f;
    f.load("users_extract_2024-03-01.csv", usersDay1);
    f.load("pv.csv", "user_id,url,pageview_datetime\n1,/a,2024-03-01 10:00:00\n1,/b,2024-03-01 10:30:00\n"
                     "2,/a,2024-03-01 10:10:00\n3,/a,2024-03-01 11:05:00\n");
    f.load("users_extract_2024-03-02.csv", "id,postcode\n1,N1\n2,EC1A 1BB\n3,W1\n");
    QVERIFY(f.check());
    execWarehouseSql(f.warehouse().path(), damage);
    const CheckReport report = f.warehouse().check();
    QVERIFY(!report.ok());
    const QString differences = report.differences.join(QLatin1Char('\n'));
    QVERIFY2(differences.contains(found), qPrintable(differences));
}

void EngineTest::checkOfARangeLooksOnlyThere()
{
    Fixture f;
    f.load("users_extract_2024-03-01.csv", usersDay1);
    f.load("pv.csv", "user_id,url,pageview_datetime\n1,/a,2024-03-01 10:00:00\n");
    f.load("pv2.csv", "user_id,url,pageview_datetime\n2,/a,2024-03-02 10:00:00\n3,/a,2024-03-02 11:00:00\n");
    execWarehouseSql(f.warehouse().path(), QStringLiteral("UPDATE views_at_time_hourly SET views = views + 1 WHERE hour % 24 = 10"));
    const qint64 day2 = at("2024-03-02 00:00:00") / 3600;

    // The whole of day 2: its two hours, and the damaged one among them.
    CheckReport report = f.warehouse().check(nullptr, HourSpan{day2, day2 + 24});
    QCOMPARE(report.factsChecked, 2);
    QCOMPARE(report.hoursChecked, 2);
    QCOMPARE(report.differences.size(), 2); // the aggregate and the hour's reconciliation
    QVERIFY2(report.differences.join(QLatin1Char('\n')).contains(QLatin1String("hour 2024-03-02 10:00:00")),
             qPrintable(report.differences.join(QLatin1Char('\n'))));

    // Day 2's 11:00 alone is sound; so is nothing at all.
    report = f.warehouse().check(nullptr, HourSpan{day2 + 11, day2 + 12});
    QVERIFY2(report.ok(), qPrintable(report.differences.join(QLatin1Char('\n'))));
    QCOMPARE(report.factsChecked, 1);
    QCOMPARE(report.usersChecked, 3);
    QVERIFY(f.warehouse().check(nullptr, HourSpan{day2 + 100, day2 + 200}).ok());

    // Everything: both damaged hours.
    report = f.warehouse().check();
    QCOMPARE(report.factsChecked, 3);
    QCOMPARE(report.differences.size(), 4);
}

void EngineTest::newestSnapshotOnlyAddsChanges()
{
    // The nightly snapshot must not touch the rows of earlier snapshots: that is what keeps it from
    // rewriting every user's history (BENCHMARKS.md).
    Fixture f;
    f.load("users_extract_2024-03-01.csv", usersDay1);
    auto rowsBefore = [&f](const char *asOf) {
        QStringList rows;
        for (const QStringList &row : WarehouseSql(f.warehouse().path())
                                          .rows(QStringLiteral("SELECT user_id, postcode_id, previous_as_of FROM user_postcode_changes "
                                                               "WHERE as_of = %1 ORDER BY user_id")
                                                    .arg(at(asOf))))
            rows << QStringLiteral("%1:%2:%3").arg(row[0], row[1].isNull() ? QStringLiteral("-") : row[1],
                                                   row[2].isNull() ? QStringLiteral("-") : row[2]);
        return rows.join(QLatin1Char(' '));
    };
    const QString day1 = rowsBefore("2024-03-01 00:00:00");
    LoadOptions force;
    force.force = true;
    f.load("users_extract_2024-03-02.csv", "id,postcode\n1,N1\n3,W1\n4,E1\n", force);
    QCOMPARE(rowsBefore("2024-03-01 00:00:00"), day1);
    auto postcodeId = [&f](const char *postcode) {
        return WarehouseSql(f.warehouse().path())
            .value(QStringLiteral("SELECT id FROM postcodes WHERE postcode = '%1'").arg(QLatin1String(postcode)));
    };
    // Moved, left (no postcode), new (no change before it): each names the change before it.
    QCOMPARE(rowsBefore("2024-03-02 00:00:00"), QStringLiteral("1:%1:%2 2:-:%2 4:%3:-")
                                                    .arg(postcodeId("N1"))
                                                    .arg(at("2024-03-01 00:00:00"))
                                                    .arg(postcodeId("E1")));
}

void EngineTest::radixSortOrdersAndKeepsEqualKeysInOrder()
{
    // Keys of 1 to 40 bits (one to three passes), many equal keys, inputs small enough for one thread and
    // big enough for two: the result must equal a stable sort.
    struct Item
    {
        quint64 key;
        quint32 order;
        bool operator==(const Item &) const = default;
    };
    for (const auto &[keyBits, count] : {std::pair{1, 50000}, {9, 50000}, {14, 50000}, {15, 50000}, {27, 1200000}, {40, 1100001}}) {
        std::mt19937_64 random(static_cast<quint64>(keyBits));
        const quint64 mask = (quint64(1) << keyBits) - 1;
        std::vector<Item> items;
        for (int i = 0; i < count; ++i)
            items.push_back({random() & mask & (i % 3 == 0 ? quint64(0xff) : ~quint64(0)), quint32(i)});
        std::vector<Item> expected = items;
        std::stable_sort(expected.begin(), expected.end(), [](const Item &a, const Item &b) { return a.key < b.key; });
        radixSort(items, bitsFor(mask), [](const Item &item) { return item.key; });
        QVERIFY2(items == expected, qPrintable(QStringLiteral("%1-bit keys, %2 items").arg(keyBits).arg(count)));
    }
    QCOMPARE(bitsFor(0), 0);
    QCOMPARE(bitsFor(1), 1);
    QCOMPARE(bitsFor(0x7ffffff), 27);
}

namespace {
/// The notices a load tells (LoadFeedback::notice), collected from whichever thread runs it.
class HeardNotices
{
public:
    explicit HeardNotices(LoadFeedback &feedback)
    {
        QObject::connect(&feedback, &LoadFeedback::notice, &feedback, [this](const QString &text) {
            const QMutexLocker lock(&m_mutex);
            m_notices << text;
        }, Qt::DirectConnection);
    }
    QStringList all() const
    {
        const QMutexLocker lock(&m_mutex);
        return m_notices;
    }

private:
    mutable QMutex m_mutex;
    QStringList m_notices;
};

/// Another client takes the write lock a load waits for, until it ends its transaction: on PostgreSQL the
/// load lock (pglocks.h) in a transaction, on SQLite a write transaction.
void holdWriteLock(const WarehouseSql &other)
{
    if (testBackendIsPostgres()) {
        other.exec(QStringLiteral("BEGIN"));
        other.value(QStringLiteral("SELECT id FROM load_lock WHERE id = 1 FOR UPDATE"));
    } else {
        other.exec(QStringLiteral("BEGIN IMMEDIATE"));
    }
}

/// A warehouse with two snapshots (a mover), two pageview hours, a replaced hour and a rejected line: every
/// table has rows.
void loadEveryKindOfRow(Fixture &f)
{
    QCOMPARE(f.load("users_extract_2024-03-01.csv", usersDay1).outcome, LoadOutcome::Loaded);
    QCOMPARE(f.load("users_extract_2024-03-02.csv", usersDay2).outcome, LoadOutcome::Loaded);
    QCOMPARE(f.load("pv_d1.csv", "user_id,url,pageview_datetime\n1,/a,2024-03-01 10:01:00\n3,/b,2024-03-01 10:59:59\n").outcome,
             LoadOutcome::Loaded);
    LoadOptions correction;
    correction.replace = true;
    QCOMPARE(f.load("pv_d1b.csv", "user_id,url,pageview_datetime\n1,/a,2024-03-01 10:01:00\n2,/b,2024-03-01 10:20:00\n", correction).outcome,
             LoadOutcome::Loaded); // replaces pv_d1.csv's hour
    LoadOptions lenient;
    lenient.maxRejectPercent = 50;
    QCOMPARE(f.load("pv_d2.csv", "user_id,url,pageview_datetime\n1,/a,2024-03-02 09:00:00\n2,/x,2024-03-02 09:30:00\nnot-a-user,/y,2024-03-02 09:40:00\n", lenient)
                 .outcome,
             LoadOutcome::Loaded);
}

/// What an analyst and an operator read of a warehouse, as text.
QString everythingRead(Warehouse &w)
{
    QString text;
    for (const Basis basis : {Basis::Current, Basis::AtTime})
        for (const Grain grain : allGrains) {
            ReportQuery q;
            q.basis = basis;
            q.grain = grain;
            QString error;
            text += answer(w.pageviews().report(q, &error).value_or(QList<ReportRow>{})) + error + QLatin1Char('\n');
        }
    for (const LoadRun &run : w.runLog().runs())
        text += QStringLiteral("run %1 %2 %3 %4 %5\n").arg(run.id).arg(runStatusName(run.status), run.file).arg(run.rowsLoaded).arg(run.replacedBy);
    for (const RejectedLine &r : w.runLog().rejects(5))
        text += QStringLiteral("reject %1 %2 %3\n").arg(r.line).arg(r.reason, QString::fromUtf8(r.raw));
    for (qint64 user : {1, 2, 3})
        text += historyText(w, user) + QLatin1Char('\n');
    return text;
}
} // namespace

void EngineTest::copyCarriesTheWholeWarehouseBetweenEngines()
{
    Fixture f;
    loadEveryKindOfRow(f);
    const QString original = everythingRead(f.warehouse());
    QVERIFY(original.contains(QLatin1String("reject 4")));

    // To a SQLite file (from this run's engine), and from that file back into a new warehouse of this engine.
    QTemporaryDir dir;
    Warehouse file, back;
    QString error;
    QVERIFY2(file.open(dir.filePath(QStringLiteral("copy.sqlite")), &error), qPrintable(error));
    const CopyOutcome there = copyWarehouse(f.warehouse(), file, nullptr);
    QVERIFY2(there.ok, qPrintable(there.error));
    QVERIFY2(back.open(newWarehouseLocation(dir, QStringLiteral("back")), &error), qPrintable(error));
    const CopyOutcome again = copyWarehouse(file, back, nullptr);
    QVERIFY2(again.ok, qPrintable(again.error));
    QCOMPARE(again.rows, there.rows);
    for (Warehouse *copy : {&file, &back}) {
        QCOMPARE(everythingRead(*copy), original);
        QVERIFY(copy->check().ok());
    }

    // The copy goes on where the original stopped: the next run takes the next id.
    const qint64 lastRun = f.runCount();
    const QString next = f.write("pv_d3.csv", "user_id,url,pageview_datetime\n3,/a,2024-03-03 08:00:00\n");
    const LoadResult loaded = loadExtract(back, next, {});
    QCOMPARE(loaded.outcome, LoadOutcome::Loaded);
    QCOMPARE(loaded.run.id, lastRun + 1);
    QVERIFY(back.check().ok());

    // Only into a new or empty warehouse: one with runs is refused and left as it was.
    const QString before = everythingRead(back);
    const CopyOutcome refused = copyWarehouse(f.warehouse(), back, nullptr);
    QVERIFY(!refused.ok);
    QVERIFY2(refused.error.contains(QLatin1String("already holds a warehouse")), qPrintable(refused.error));
    QCOMPARE(everythingRead(back), before);
}

void EngineTest::biViewsAnswerAsTheReportsDo()
{
    Fixture f;
    loadEveryKindOfRow(f);
    const WarehouseSql sql(f.warehouse().path());
    const struct
    {
        const char *view;
        Grain grain;
    } views[] = {{"pageviews_hourly", Grain::Hour}, {"pageviews_daily", Grain::Day}, {"pageviews_weekly", Grain::Week},
                 {"pageviews_monthly", Grain::Month}};
    for (const auto &v : views)
        for (const Basis basis : {Basis::Current, Basis::AtTime}) {
            // period_start is text on SQLite and a timestamp on PostgreSQL: both read as "YYYY-MM-DD HH".
            QStringList fromView;
            for (const QStringList &row : sql.rows(QStringLiteral("SELECT period_start, postcode, pageviews FROM %1 WHERE basis = '%2' "
                                                                  "ORDER BY 1, 2")
                                                       .arg(QLatin1String(v.view), basisName(basis))))
                fromView << QStringLiteral("%1 %2=%3").arg(QString(row[0]).replace(QLatin1Char('T'), QLatin1Char(' ')).left(13), row[1], row[2]);
            QCOMPARE(fromView.join(QStringLiteral("; ")), f.report(basis, v.grain));
        }
}

void EngineTest::watcherHearsAnotherConnectionsCommit()
{
    Fixture f;
    QCOMPARE(f.load("users_extract_2024-03-01.csv", usersDay1).outcome, LoadOutcome::Loaded);
    QString error;
    const std::unique_ptr<WarehouseChangeWatcher> watcher = WarehouseChangeWatcher::watch(f.warehouse().path(), &error);
    QVERIFY2(watcher, qPrintable(error));
    QSignalSpy changed(watcher.get(), &WarehouseChangeWatcher::changed);
    QTest::qWait(1200);
    QCOMPARE(changed.count(), 0); // nothing committed, nothing heard
    QCOMPARE(f.load("pv_d1.csv", "user_id,url,pageview_datetime\n1,/a,2024-03-01 10:01:00\n").outcome, LoadOutcome::Loaded);
    QTRY_VERIFY_WITH_TIMEOUT(changed.count() > 0, 2000);
}

void EngineTest::readSnapshotSeesOneMoment()
{
    Fixture f;
    QCOMPARE(f.load("users_extract_2024-03-01.csv", usersDay1).outcome, LoadOutcome::Loaded);
    Warehouse reader;
    QString error;
    QVERIFY2(reader.open(f.warehouse().path(), &error, Warehouse::Role::Reader), qPrintable(error));
    {
        // A screen's request: its first read fixes the moment; a load committing meanwhile is not half seen.
        const Warehouse::ReadSnapshot snapshot(reader);
        QCOMPARE(reader.runLog().runCount(), 1);
        QCOMPARE(f.load("pv_d1.csv", "user_id,url,pageview_datetime\n1,/a,2024-03-01 10:01:00\n").outcome, LoadOutcome::Loaded);
        QCOMPARE(reader.runLog().runCount(), 1);
        QVERIFY(reader.runLog().calendar().windows.empty());
        QVERIFY(!reader.coverage().freshness().newestHour);
        // Nested: the connection is in a transaction already and stays in the outer one.
        const Warehouse::ReadSnapshot inner(reader);
        QCOMPARE(reader.runLog().runCount(), 1);
    }
    // The next request sees the load whole.
    const Warehouse::ReadSnapshot next(reader);
    QCOMPARE(reader.runLog().runCount(), 2);
    QCOMPARE(reader.runLog().calendar().windows.size(), size_t(1));
    QCOMPARE(reader.coverage().freshness().newestHour, at("2024-03-01 10:00:00"));
}

void EngineTest::loadWaitsForAnotherWriterThenLands()
{
    Fixture f;
    QCOMPARE(f.load("users_extract_2024-03-01.csv", usersDay1).outcome, LoadOutcome::Loaded);
    const QString location = f.warehouse().path();
    const QString file = f.write("pv_d1.csv", "user_id,url,pageview_datetime\n1,/a,2024-03-01 10:01:00\n");

    // Another client holds the write lock: on PostgreSQL a load's session (its run's lock and the load lock),
    // on SQLite a write transaction.
    WarehouseSql other(location);
    if (testBackendIsPostgres()) {
        other.exec(QStringLiteral("INSERT INTO load_runs (id, kind, file, started_at, status, host) "
                                  "VALUES (999, 'pageviews', 'other.csv', 0, 'running', 'otherhost')"));
        other.value(QStringLiteral("SELECT pg_advisory_lock(1886806373, 999)"));
    }
    holdWriteLock(other);

    LoadFeedback feedback;
    const HeardNotices notices(feedback);
    std::atomic<bool> done = false;
    LoadResult result;
    std::thread loader([&] {
        Warehouse w; // a connection belongs to the thread that opens it
        QString error;
        if (w.open(location, &error))
            result = loadExtract(w, file, {}, &feedback);
        else
            result.message = error;
        done = true;
    });
    QTest::qWait(1500);
    const bool finishedWhileLocked = done;
    const QStringList heard = notices.all();
    other.exec(QStringLiteral("ROLLBACK"));
    loader.join();
    QVERIFY(!finishedWhileLocked);
    QVERIFY2(result.outcome == LoadOutcome::Loaded, qPrintable(result.message));
    if (testBackendIsPostgres()) // SQLite cannot say who holds its lock
        QCOMPARE(heard, QStringList{QStringLiteral("pv_d1.csv: waiting for run 999 (other.csv on otherhost) to finish loading")});
    QCOMPARE(f.report(Basis::AtTime), QStringLiteral("2024-03-01 10 SW19=1"));
}

void EngineTest::sameFileFromTwoClientsAtOnceLoadsOnce()
{
    Fixture f;
    QCOMPARE(f.load("users_extract_2024-03-01.csv", usersDay1).outcome, LoadOutcome::Loaded);
    const QString location = f.warehouse().path();
    const QString file = f.write("pv_d1.csv", "user_id,url,pageview_datetime\n1,/a,2024-03-01 10:01:00\n2,/a,2024-03-01 10:02:00\n");

    // Both clients read the file and find it new while a third holds the write lock; then it lets go. (On
    // SQLite it holds it longer than a load waits to record its run before reading, so both read.)
    WarehouseSql other(location);
    holdWriteLock(other);
    LoadResult results[2];
    std::vector<std::thread> clients;
    for (LoadResult &result : results)
        clients.emplace_back([&] {
            Warehouse w;
            QString error;
            if (w.open(location, &error))
                result = loadExtract(w, file, {});
            else
                result.message = error;
        });
    QTest::qWait(3500);
    other.exec(QStringLiteral("ROLLBACK"));
    for (std::thread &client : clients)
        client.join();

    // Exactly once: one loads it, the other finds it loaded and changes nothing.
    QList<LoadOutcome> outcomes{results[0].outcome, results[1].outcome};
    std::sort(outcomes.begin(), outcomes.end());
    QCOMPARE(outcomes, (QList<LoadOutcome>{LoadOutcome::Loaded, LoadOutcome::AlreadyLoaded}));
    const LoadResult &second = results[0].outcome == LoadOutcome::AlreadyLoaded ? results[0] : results[1];
    const LoadResult &first = results[0].outcome == LoadOutcome::Loaded ? results[0] : results[1];
    QCOMPARE(second.existingRunId, first.run.id);
    // Found under the write lock ("already loaded by run N") or, when one client was slower to start
    // and found it done before it waited, before it ("already loaded (run N").
    QVERIFY2(second.message.contains(QLatin1String("already loaded")), qPrintable(second.message));
    const WarehouseSql sql(location);
    QCOMPARE(sql.value(QStringLiteral("SELECT COUNT(*) FROM load_runs WHERE file LIKE '%pv_d1.csv' AND status = 'succeeded'")), QStringLiteral("1"));
    QCOMPARE(sql.value(QStringLiteral("SELECT COUNT(*) FROM load_runs WHERE status = 'replaced'")), QStringLiteral("0"));
    QCOMPARE(f.report(Basis::AtTime), QStringLiteral("2024-03-01 10 EC1A 1BB=1; 2024-03-01 10 SW19=1"));
    QVERIFY(f.check());
}

void EngineTest::readOnlyConnectionRefusesLoadsAndStillReads()
{
    Fixture f;
    QCOMPARE(f.load("users_extract_2024-03-01.csv", usersDay1).outcome, LoadOutcome::Loaded);
    QCOMPARE(f.load("pv_d1.csv", "user_id,url,pageview_datetime\n1,/a,2024-03-01 10:01:00\n").outcome, LoadOutcome::Loaded);
    QCOMPARE(f.warehouse().whyReadOnly(), QString()); // the owner loads
    if (!testBackendIsPostgres())
        return; // a SQLite file's permissions do not bind root, which runs these tests in CI
    // An analyst's role: SELECT on everything (docs/bi.md), nothing else.
    const QString role = QStringLiteral("analyst_%1").arg(QCoreApplication::applicationPid());
    WarehouseSql admin(f.warehouse().path());
    admin.exec(QStringLiteral("DROP ROLE IF EXISTS %1").arg(role));
    admin.exec(QStringLiteral("CREATE ROLE %1 LOGIN IN ROLE pvadmin_reader_%2").arg(role, admin.value(QStringLiteral("SELECT current_database()"))));
    // A load that died: its run is left running, with no session holding its lock.
    admin.exec(QStringLiteral("INSERT INTO load_runs (id, kind, file, started_at, status) VALUES (998, 'pageviews', 'died.csv', 0, 'running')"));
    QUrl url(f.warehouse().path());
    url.setUserName(role);
    {
        Warehouse analyst;
        QString error;
        QVERIFY2(analyst.open(url.toString(), &error), qPrintable(error));
        // The analyst cannot mark it, and must not keep others from doing so while their window is open.
        QCOMPARE(analyst.runLog().run(998)->status, RunStatus::Running);
        Warehouse owner;
        QVERIFY2(owner.open(f.warehouse().path(), &error), qPrintable(error));
        QCOMPARE(owner.runLog().run(998)->status, RunStatus::Interrupted);
        QVERIFY2(analyst.whyReadOnly().contains(QLatin1String("may read this warehouse but not load into it")),
                 qPrintable(analyst.whyReadOnly()));
        const QString file = f.write("pv_d2.csv", "user_id,url,pageview_datetime\n1,/a,2024-03-02 10:01:00\n");
        const LoadResult refused = loadExtract(analyst, file, {});
        QCOMPARE(refused.outcome, LoadOutcome::Refused);
        QVERIFY2(refused.message.contains(role), qPrintable(refused.message));
        ReportQuery q;
        q.basis = Basis::AtTime;
        q.grain = Grain::Hour;
        QCOMPARE(answer(analyst.pageviews().report(q, &error).value_or(QList<ReportRow>{})), QStringLiteral("2024-03-01 10 SW19=1"));
        QCOMPARE(historyText(analyst, 1), QStringLiteral("SW19 2024-03-01.."));
        QCOMPARE(analyst.runLog().runCount(), 3);
    }
    QCOMPARE(f.runCount(), 3); // the refused load left no run (beside the two loads and the dead one)
    admin.exec(QStringLiteral("DROP OWNED BY %1").arg(role));
    admin.exec(QStringLiteral("DROP ROLE %1").arg(role));
}

void EngineTest::readOnlyRolesCannotStopLoadsAndReadOnlyTheirWarehouse()
{
    if (!testBackendIsPostgres())
        return; // roles and server-side locks are PostgreSQL's
    // Two warehouses on one server, each with its own read-only roles (docs/bi.md).
    Fixture first;
    Fixture second;
    QCOMPARE(first.load("users_extract_2024-03-01.csv", usersDay1).outcome, LoadOutcome::Loaded);
    QCOMPARE(second.load("users_extract_2024-03-01.csv", usersDay1).outcome, LoadOutcome::Loaded);
    WarehouseSql admin(first.warehouse().path());
    const QString firstDatabase = admin.value(QStringLiteral("SELECT current_database()"));
    const QString bi = QStringLiteral("bi_%1").arg(QCoreApplication::applicationPid());
    const QString analyst = QStringLiteral("analyst_%1").arg(QCoreApplication::applicationPid());
    for (const QString &role : {bi, analyst})
        admin.exec(QStringLiteral("DROP ROLE IF EXISTS %1").arg(role));
    admin.exec(QStringLiteral("CREATE ROLE %1 LOGIN IN ROLE pvadmin_bi_%2").arg(bi, firstDatabase));
    admin.exec(QStringLiteral("CREATE ROLE %1 LOGIN IN ROLE pvadmin_reader_%2").arg(analyst, firstDatabase));
    const auto as = [](const QString &role, Fixture &f) {
        QUrl url(f.warehouse().path());
        url.setUserName(role);
        auto connection = std::make_unique<testwarehouse::Connection>(QStringLiteral("QPSQL"), url.toString());
        testwarehouse::configure(connection->database(), url);
        connection->open();
        return connection;
    };
    const auto runs = [](const testwarehouse::Connection &c, const QString &sql) {
        QSqlQuery q(c.database());
        return q.exec(sql) ? QString() : q.lastError().databaseText();
    };

    // The BI login reads the first warehouse's views, and nothing of the second.
    const auto biFirst = as(bi, first);
    const auto biSecond = as(bi, second);
    QCOMPARE(runs(*biFirst, QStringLiteral("SELECT COUNT(*) FROM pvadmin.pageviews_daily")), QString());
    QVERIFY(runs(*biFirst, QStringLiteral("SELECT COUNT(*) FROM pvadmin.load_runs")).contains(QLatin1String("permission denied")));
    QVERIFY(runs(*biSecond, QStringLiteral("SELECT COUNT(*) FROM pvadmin.pageviews_daily")).contains(QLatin1String("permission denied")));
    const auto analystFirst = as(analyst, first);
    const auto analystSecond = as(analyst, second);
    QCOMPARE(runs(*analystFirst, QStringLiteral("SELECT COUNT(*) FROM pvadmin.load_runs")), QString());
    QVERIFY(runs(*analystSecond, QStringLiteral("SELECT COUNT(*) FROM pvadmin.load_runs")).contains(QLatin1String("permission denied")));

    // pvadmin itself, as the desktop opens a warehouse, says what each role may do, and creates nothing.
    for (const auto &[role, f, expected] :
         {std::tuple{bi, &first, QStringLiteral("the role %1 may read only this warehouse's BI views").arg(bi)},
          std::tuple{analyst, &second, QStringLiteral("the role %1 may not read this warehouse; a superuser grants it "
                                                      "pvadmin_reader_").arg(analyst)}}) {
        QUrl url(f->warehouse().path());
        url.setUserName(role);
        Warehouse opened;
        QString error;
        QVERIFY(!opened.open(url.toString(), &error));
        QVERIFY2(error.contains(expected), qPrintable(error));
        QVERIFY2(!error.contains(QLatin1String("init")), qPrintable(error));
    }
    {
        Warehouse analystsOwn;
        QString error;
        QUrl url(first.warehouse().path());
        url.setUserName(analyst);
        QVERIFY2(analystsOwn.open(url.toString(), &error), qPrintable(error));
        QVERIFY(!analystsOwn.whyReadOnly().isEmpty());
    }

    // Neither can take the lock loads serialise on; the advisory lock loads once took stops nothing now.
    for (const auto *reader : {biFirst.get(), analystFirst.get()}) {
        QCOMPARE(runs(*reader, QStringLiteral("BEGIN")), QString());
        QVERIFY(runs(*reader, QStringLiteral("SELECT id FROM pvadmin.load_lock FOR UPDATE")).contains(QLatin1String("permission denied")));
        QCOMPARE(runs(*reader, QStringLiteral("ROLLBACK")), QString());
    }
    QCOMPARE(runs(*biFirst, QStringLiteral("SELECT pg_advisory_lock(1886806372, 1)")), QString());
    QCOMPARE(runs(*analystFirst, QStringLiteral("BEGIN")), QString());
    QCOMPARE(runs(*analystFirst, QStringLiteral("SELECT COUNT(*) FROM pvadmin.load_runs")), QString()); // a long read
    QElapsedTimer timer;
    timer.start();
    const LoadResult loaded = first.load("pv_d1.csv", "user_id,url,pageview_datetime\n1,/a,2024-03-01 10:01:00\n");
    QVERIFY2(loaded.outcome == LoadOutcome::Loaded, qPrintable(loaded.message));
    QVERIFY2(timer.elapsed() < 10000, qPrintable(QString::number(timer.elapsed())));
    QCOMPARE(first.report(Basis::AtTime), QStringLiteral("2024-03-01 10 SW19=1"));

    // A writer's session that is not a load and holds the lock is named by its role and process.
    WarehouseSql holder(first.warehouse().path());
    holdWriteLock(holder);
    const QString holderPid = holder.value(QStringLiteral("SELECT pg_backend_pid()"));
    LoadFeedback feedback;
    const HeardNotices notices(feedback);
    const QString location = first.warehouse().path();
    const QString file = first.write("pv_d2.csv", "user_id,url,pageview_datetime\n1,/a,2024-03-02 10:01:00\n");
    LoadResult waited;
    std::thread loader([&] {
        Warehouse w;
        QString error;
        waited = w.open(location, &error) ? loadExtract(w, file, {}, &feedback) : LoadResult{};
    });
    QTRY_VERIFY_WITH_TIMEOUT(!notices.all().isEmpty(), 10000);
    holder.exec(QStringLiteral("ROLLBACK"));
    loader.join();
    QVERIFY2(waited.outcome == LoadOutcome::Loaded, qPrintable(waited.message));
    QCOMPARE(notices.all().first(), QStringLiteral("pv_d2.csv: waiting for a session of role %1 (process %2) holding the load "
                                             "lock to finish loading")
                                  .arg(QUrl(location).userName(), holderPid));

    biFirst.get()->database().close();
    analystFirst.get()->database().close();
    biSecond.get()->database().close();
    analystSecond.get()->database().close();
    for (const QString &role : {bi, analyst}) {
        admin.exec(QStringLiteral("DROP OWNED BY %1").arg(role));
        admin.exec(QStringLiteral("DROP ROLE %1").arg(role));
    }
}

void EngineTest::upgradeKeepsTheReadersAWarehouseHad()
{
    if (!testBackendIsPostgres())
        return; // roles are PostgreSQL's
    Fixture f;
    QCOMPARE(f.load("users_extract_2024-03-01.csv", usersDay1).outcome, LoadOutcome::Loaded);
    WarehouseSql admin(f.warehouse().path());
    const QString database = admin.value(QStringLiteral("SELECT current_database()"));
    const QString bi = QStringLiteral("old_bi_%1").arg(QCoreApplication::applicationPid());
    admin.exec(QStringLiteral("DROP ROLE IF EXISTS %1").arg(bi));
    admin.exec(QStringLiteral("CREATE ROLE %1 LOGIN IN ROLE pvadmin_bi").arg(bi));
    // The warehouse as schema version 3 left it: loads took an advisory lock, the server-wide roles read it.
    admin.exec(QStringLiteral("DROP TABLE load_lock"));
    admin.exec(QStringLiteral("DELETE FROM schema_migrations WHERE version = 4"));
    admin.exec(QStringLiteral("UPDATE schema_migrations SET applied_at = applied_at - interval '1 day'"));
    admin.exec(QStringLiteral("DROP OWNED BY pvadmin_bi_%1").arg(database));
    admin.exec(QStringLiteral("DROP ROLE pvadmin_bi_%1").arg(database));
    admin.exec(QStringLiteral("GRANT USAGE ON SCHEMA pvadmin TO pvadmin_bi"));
    admin.exec(QStringLiteral("GRANT SELECT ON pageviews_daily TO pvadmin_bi"));
    {
        Warehouse upgraded;
        QString error;
        QVERIFY2(upgraded.open(f.warehouse().path(), &error), qPrintable(error));
    }
    // Its reader reads it still, through the warehouse's own role; the server-wide role is granted nothing.
    QCOMPARE(admin.value(QStringLiteral("SELECT pg_has_role('%1', 'pvadmin_bi_%2', 'MEMBER')").arg(bi, database)), QStringLiteral("true"));
    QCOMPARE(admin.value(QStringLiteral("SELECT has_table_privilege('%1', 'pvadmin.pageviews_daily', 'SELECT')").arg(bi)), QStringLiteral("true"));
    QCOMPARE(admin.value(QStringLiteral("SELECT has_schema_privilege('pvadmin_bi', 'pvadmin', 'USAGE')")), QStringLiteral("false"));
    QCOMPARE(admin.value(QStringLiteral("SELECT has_table_privilege('pvadmin_bi', 'pvadmin.pageviews_daily', 'SELECT')")), QStringLiteral("false"));
    QCOMPARE(f.load("pv_d1.csv", "user_id,url,pageview_datetime\n1,/a,2024-03-01 10:01:00\n").outcome, LoadOutcome::Loaded);
    admin.exec(QStringLiteral("DROP OWNED BY %1").arg(bi));
    admin.exec(QStringLiteral("DROP ROLE %1").arg(bi));
}

QTEST_GUILESS_MAIN(EngineTest)
#include "tst_engine.moc"
