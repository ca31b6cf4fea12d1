// The operator desktop's non-widget parts: the item models (each under QAbstractItemModelTester), the
// extract preview, the warehouse status and the load queue.
#include "failingdevice.h"
#include "operatorfixture.h"

#include "extract/extractpreview.h"
#include "itemmodels/daycalendarmodel.h"
#include "itemmodels/loadcalendarmodel.h"
#include "itemmodels/loadrunsmodel.h"
#include "export/rejectedlinescsv.h"
#include "itemmodels/rejectedlinesmodel.h"
#include "load/loadworker.h"
#include "query/querythread.h"
#include "query/warehousestatus.h"
#include "storage/runlog.h"

#include <QAbstractItemModelTester>
#include <QBuffer>
#include <QElapsedTimer>
#include <QLocale>
#include <QSignalSpy>

using namespace pv;

namespace {
using Tester = QAbstractItemModelTester;
constexpr auto qtTest = QAbstractItemModelTester::FailureReportingMode::QtTest;

/// 100,000 runs written straight into load_runs: every status, sizes and windows that sort differently.
void insertRuns(Warehouse &warehouse, int count)
{
    const RawSqlite raw(warehouse);
    QSqlDatabase db = raw.database();
    db.transaction();
    QSqlQuery q(db);
    q.prepare(QStringLiteral("INSERT INTO load_runs (kind, file, window_hour, started_at, finished_at, rows_read, "
                             "rows_loaded, rows_rejected, status, error) VALUES ('pageviews', ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    const QStringList statuses{QStringLiteral("succeeded"), QStringLiteral("failed"), QStringLiteral("replaced"),
                               QStringLiteral("cancelled")};
    for (int i = 0; i < count; ++i) {
        const qint64 rows = (qint64(i) * 7919) % 10007;
        q.addBindValue(QStringLiteral("/in/pageviews_%1.csv").arg(i % 977, 4, 10, QLatin1Char('0')));
        q.addBindValue(qint64(1709251200) + qint64(i % 5000) * 3600);
        q.addBindValue(qint64(1700000000000) + i * 1000);
        q.addBindValue(qint64(1700000000000) + i * 1000 + (i % 13) * 100);
        q.addBindValue(rows);
        q.addBindValue(rows);
        q.addBindValue(i % 3 == 0 ? 1 : 0);
        q.addBindValue(statuses[i % 4]);
        q.addBindValue(i % 4 == 1 ? QVariant(QStringLiteral("pageviews_x.csv:12: column 'url': empty")) : QVariant());
        if (!q.exec())
            qFatal("insert failed");
    }
    db.commit();
}

/// Waits for the rows a model asked the query thread for (reload, sort, filter, fetchMore, setRun).
template <typename Model>
bool settled(const Model &model)
{
    return QTest::qWaitFor([&] { return !model.isFetching(); }, 20000);
}

/// Scrolls a model to its end as a view would: a batch at a time, each asked for once the last arrived.
template <typename Model>
bool fetchAll(Model &model)
{
    if (!settled(model))
        return false;
    while (model.canFetchMore({})) {
        model.fetchMore({});
        if (!settled(model))
            return false;
    }
    return true;
}
} // namespace

class TestOperatorModels : public QObject
{
    Q_OBJECT

private slots:
    void runsModelPagesSortsAndFilters100kRuns()
    {
        OperatorFixture f;
        Warehouse warehouse;
        QString error;
        QVERIFY(warehouse.open(f.warehousePath(), &error));
        insertRuns(warehouse, 100000);

        QueryThread queries(f.warehousePath());
        QElapsedTimer clock;
        clock.start();
        // No QAbstractItemModelTester here: it asks for more rows after every batch, which would read all
        // 100,000 runs; runsModelUnderTheTester gives it a warehouse it can read whole.
        LoadRunsModel model(&queries);
        QCOMPARE(model.rowCount(), 0); // the query thread reads; the GUI thread does not wait
        QVERIFY(settled(model));
        QVERIFY2(clock.elapsed() < 1000, "the first batch of 100,000 runs took more than a second");
        // Only a batch is read.
        QCOMPARE(model.rowCount(), LoadRunsModel::batchSize);
        QCOMPARE(model.matchingRunCount(), 100000);
        QCOMPARE(model.runAt(0).id, 100000); // newest first
        QVERIFY(model.canFetchMore({}));
        const int before = model.rowCount();
        model.fetchMore({});
        QVERIFY(settled(model));
        QCOMPARE(model.rowCount(), before + LoadRunsModel::batchSize);
        QCOMPARE(model.runAt(before).id, 100000 - before);
        QCOMPARE(model.data(model.index(0, LoadRunsModel::RowsRead)).toString(),
                 QLocale().toString((qint64(99999) * 7919) % 10007));

        model.sort(LoadRunsModel::Duration, Qt::AscendingOrder);
        QVERIFY(settled(model));
        model.fetchMore({});
        QVERIFY(settled(model));

        // Scrolling to the end in run order reads every run once.
        model.sort(LoadRunsModel::Id, Qt::AscendingOrder);
        clock.restart();
        QVERIFY(fetchAll(model));
        qInfo("fetched all 100,000 runs in %lld ms", clock.elapsed());
        QCOMPARE(model.rowCount(), 100000);
        QCOMPARE(model.runAt(99999).id, 100000);

        // Sorted by rows read, descending, the key continues across batches (ties broken by id): in order,
        // no run twice.
        model.sort(LoadRunsModel::RowsRead, Qt::DescendingOrder);
        QVERIFY(settled(model));
        clock.restart();
        for (int batch = 0; batch < 10; ++batch) {
            model.fetchMore({});
            QVERIFY(settled(model));
        }
        qInfo("fetched %d runs sorted by rows read in %lld ms", model.rowCount(), clock.elapsed());
        QSet<qint64> ids;
        for (int row = 0; row < model.rowCount(); ++row) {
            ids.insert(model.runAt(row).id);
            if (row > 0)
                QVERIFY(model.runAt(row - 1).rowsRead > model.runAt(row).rowsRead
                        || (model.runAt(row - 1).rowsRead == model.runAt(row).rowsRead
                            && model.runAt(row - 1).id > model.runAt(row).id));
        }
        QCOMPARE(ids.size(), model.rowCount());
        QCOMPARE(model.runAt(0).rowsRead, 10006);

        // Sorted by file (text) ascending, across a batch boundary.
        model.sort(LoadRunsModel::File, Qt::AscendingOrder);
        QVERIFY(settled(model));
        model.fetchMore({});
        QVERIFY(settled(model));
        for (int row = 1; row < model.rowCount(); ++row)
            QVERIFY(model.runAt(row - 1).file <= model.runAt(row).file);

        // Filters: by status, by text in the error, by run number.
        model.setStatusFilter({QStringLiteral("failed")});
        QVERIFY(settled(model));
        QCOMPARE(model.matchingRunCount(), 25000);
        QCOMPARE(model.runAt(0).status, RunStatus::Failed);
        model.setTextFilter(QStringLiteral("'url': EMPTY"));
        QVERIFY(settled(model));
        QCOMPARE(model.matchingRunCount(), 25000);
        model.setStatusFilter({});
        model.setTextFilter(QStringLiteral("12345"));
        QVERIFY(settled(model));
        QCOMPARE(model.matchingRunCount(), 1);
        QCOMPARE(model.runAt(0).id, 12345);
        model.setTextFilter(QStringLiteral("100%"));
        QVERIFY(settled(model));
        QCOMPARE(model.matchingRunCount(), 0);
    }

    void runsModelUnderTheTester()
    {
        OperatorFixture f;
        {
            Warehouse warehouse;
            QString error;
            QVERIFY(warehouse.open(f.warehousePath(), &error));
            insertRuns(warehouse, 1000);
        }
        QueryThread queries(f.warehousePath());
        LoadRunsModel model(&queries);
        Tester tester(&model, qtTest);
        QVERIFY(fetchAll(model));
        QCOMPARE(model.rowCount(), 1000);
        QCOMPARE(model.runAt(0).id, 1000);
        model.sort(LoadRunsModel::File, Qt::AscendingOrder);
        QVERIFY(fetchAll(model));
        QCOMPARE(model.rowCount(), 1000);
        for (int row = 1; row < model.rowCount(); ++row)
            QVERIFY(model.runAt(row - 1).file <= model.runAt(row).file);
        model.setStatusFilter({QStringLiteral("replaced")});
        QVERIFY(fetchAll(model));
        QCOMPARE(model.rowCount(), 250);
        QCOMPARE(model.matchingRunCount(), 250);
        // Filters changed faster than the thread answers: only the last one's rows are shown.
        model.setStatusFilter({QStringLiteral("failed")});
        model.setTextFilter(QStringLiteral("pageviews_0001.csv"));
        model.setStatusFilter({});
        QVERIFY(settled(model));
        QTest::qWait(50);
        QVERIFY(settled(model));
        QCOMPARE(model.matchingRunCount(), 2); // runs 2 and 979 (i = 1, 978)
        QCOMPARE(model.rowCount(), 2);
    }

    void rejectedLinesModelFetchesAndExports()
    {
        OperatorFixture f;
        QByteArray csv("id,postcode\n");
        for (int i = 1; i <= 2000; ++i)
            csv += i % 2 ? QByteArray::number(i) + ",SW19\n" : QByteArray::number(i) + ",\"NOT, A \"\"POSTCODE\"\"\"\n";
        LoadOptions options;
        options.maxRejectPercent = 60;
        const LoadResult result = f.load(f.write(QStringLiteral("users_2024-03-01.csv"), csv), options);
        QCOMPARE(result.outcome, LoadOutcome::Loaded);
        QCOMPARE(result.run.rowsRejected, 1000);

        Warehouse warehouse;
        QString error;
        QVERIFY(warehouse.open(f.warehousePath(), &error));
        QueryThread queries(f.warehousePath());
        RejectedLinesModel model(&queries);
        model.setRun(result.run.id);
        QVERIFY(settled(model));
        QCOMPARE(model.rowCount(), RejectedLinesModel::batchSize);
        QCOMPARE(model.lineAt(0).line, 3);
        QVERIFY(fetchAll(model));
        QCOMPARE(model.rowCount(), 1000);
        QCOMPARE(model.lineAt(999).line, 2001);
        QCOMPARE(model.data(model.index(0, RejectedLinesModel::RawText)).toString(),
                 QStringLiteral("2,\"NOT, A \"\"POSTCODE\"\"\""));
        {
            RejectedLinesModel tested(&queries);
            Tester tester(&tested, qtTest);
            tested.setRun(result.run.id);
            QVERIFY(fetchAll(tested));
            QCOMPARE(tested.rowCount(), 1000);
            QCOMPARE(tested.lineAt(999).line, 2001);
        }

        const QString out = f.path(QStringLiteral("rejects.csv"));
        QCOMPARE(exportRejectedLinesCsv(warehouse.runLog(), result.run.id, out, &error), 1000);
        QFile file(out);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = file.readAll().split('\n');
        QCOMPARE(lines.size(), 1002); // header, 1000 lines, the final newline
        QVERIFY(lines[1].startsWith("3,"));
        QVERIFY(lines[1].endsWith(",\"2,\"\"NOT, A \"\"\"\"POSTCODE\"\"\"\"\"\"\""));
        QCOMPARE(exportRejectedLinesCsv(warehouse.runLog(), result.run.id, QStringLiteral("/nonexistent/dir/x.csv"), &error), -1);
        QVERIFY(error.contains(QStringLiteral("/nonexistent/dir/x.csv")));

        // A device that fills up mid-export: a failure with the reason, not a count of lines.
        FailingDevice full(5000);
        QCOMPARE(writeRejectedLinesCsv(warehouse.runLog(), result.run.id, &full, &error), -1);
        QCOMPARE(error, QStringLiteral("cannot write: No space left on device"));

        // Another run while a batch is on its way: only the newest run's lines are shown.
        model.setRun(result.run.id);
        model.setRun(0);
        QVERIFY(settled(model));
        QTest::qWait(50);
        QCOMPARE(model.rowCount(), 0);
    }

    void rejectedLinesExportNeutralisesFormulas()
    {
        OperatorFixture f;
        const QByteArray csv("id,postcode\n1,SW19\n=1+2,N1\n@SUM(1+1)*cmd|' /C calc'!A0,N1\n"
                             "3,=HYPERLINK(\"http://x\")\n-4,N1\n");
        LoadOptions options;
        options.maxRejectPercent = 90;
        const LoadResult result = f.load(f.write(QStringLiteral("users_2024-03-01.csv"), csv), options);
        QCOMPARE(result.run.rowsRejected, 4);
        Warehouse warehouse;
        QString error;
        QVERIFY(warehouse.open(f.warehousePath(), &error));
        QBuffer buffer;
        buffer.open(QIODevice::WriteOnly);
        QCOMPARE(writeRejectedLinesCsv(warehouse.runLog(), result.run.id, &buffer, &error), 4);
        const QList<QByteArray> lines = buffer.data().split('\n');
        // Every raw text a spreadsheet would run starts with an apostrophe; the line numbers stay numbers.
        QVERIFY2(lines[1].startsWith("3,") && lines[1].endsWith(",\"'=1+2,N1\""), lines[1].constData());
        QVERIFY2(lines[2].endsWith(",\"'@SUM(1+1)*cmd|' /C calc'!A0,N1\""), lines[2].constData());
        QVERIFY2(lines[3].endsWith(",\"3,=HYPERLINK(\"\"http://x\"\")\""), lines[3].constData());
        QVERIFY2(lines[4].endsWith(",\"'-4,N1\""), lines[4].constData());
    }

    void failedReadIsReportedNotShownAsEmpty()
    {
        OperatorFixture f;
        QByteArray csv("id,postcode\n1,SW19\n2,NOT A POSTCODE\n3,N1\n");
        LoadOptions options;
        options.maxRejectPercent = 50;
        const LoadResult result = f.load(f.write(QStringLiteral("users_2024-03-01.csv"), csv), options);
        QCOMPARE(result.run.rowsRejected, 1);
        Warehouse warehouse;
        QString error;
        QVERIFY(warehouse.open(f.warehousePath(), &error));
        {
            const RawSqlite raw(warehouse);
            QSqlQuery q(raw.database());
            QVERIFY(q.exec(QStringLiteral("DROP TABLE load_rejects")));
        }

        QueryThread queries(f.warehousePath());
        QSignalSpy failed(&queries, &QueryThread::failed);
        RejectedLinesModel model(&queries);
        model.setRun(result.run.id);
        QVERIFY(failed.wait(20000));
        QVERIFY2(failed.at(0).at(0).toString().contains(QStringLiteral("no such table: load_rejects")),
                 qPrintable(failed.at(0).at(0).toString()));
        QVERIFY(!model.isFetching());
        QVERIFY(!model.canFetchMore({}));
        QCOMPARE(model.rowCount(), 0);

        QBuffer buffer;
        buffer.open(QIODevice::WriteOnly);
        QCOMPARE(writeRejectedLinesCsv(warehouse.runLog(), result.run.id, &buffer, &error), -1);
        QVERIFY2(error.startsWith(QStringLiteral("cannot read the rejected lines: ")), qPrintable(error));
    }

    void calendarModelStates()
    {
        OperatorFixture f;
        ExtractGenerator gen = f.generate(400, 3, 6, 200);
        // Day 0 and day 2 snapshots (day 1 missing); hours 0..5 of days 0 and 1, except day 1 03:00,
        // which fails on bad rows; day 0 02:00 is loaded twice (replaced).
        QCOMPARE(f.load(f.path(gen.usersFileName(0))).outcome, LoadOutcome::Loaded);
        QCOMPARE(f.load(f.path(gen.usersFileName(2))).outcome, LoadOutcome::Loaded);
        for (int day = 0; day < 2; ++day)
            for (int hour = 0; hour < 6; ++hour)
                if (day != 1 || hour != 3)
                    QCOMPARE(f.load(f.path(gen.pageviewsFileName(day, hour))).outcome, LoadOutcome::Loaded);
        QByteArray bad("user_id,url,pageview_datetime\n1,u,2024-03-02 03:00:00\nx,u,2024-03-02 03:00:00\n");
        QCOMPARE(f.load(f.write(QStringLiteral("bad.csv"), bad)).outcome, LoadOutcome::Failed);
        QFile original(f.path(gen.pageviewsFileName(0, 2)));
        QVERIFY(original.open(QIODevice::ReadOnly));
        const QByteArray resent = original.readAll().chopped(40).left(3000);
        LoadOptions correction;
        correction.replace = true;
        const LoadResult replacing = f.load(f.write(QStringLiteral("resent.csv"), resent.left(resent.lastIndexOf('\n') + 1)), correction);
        QCOMPARE(replacing.outcome, LoadOutcome::Loaded);
        QVERIFY(replacing.run.replacedRun != 0);

        Warehouse warehouse;
        QString error;
        QVERIFY(warehouse.open(f.warehousePath(), &error));
        LoadCalendarModel model;
        Tester tester(&model, qtTest);
        model.setRecords(warehouse.runLog().calendar());
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.columnCount(), 25);
        QCOMPARE(model.headerData(0, Qt::Vertical).toString(), QStringLiteral("Fri 2024-03-01"));
        const auto state = [&](qint64 at) {
            return LoadCalendarModel::State(model.indexOfHour(at).data(LoadCalendarModel::StateRole).toInt());
        };
        QCOMPARE(state(gen.hourStart(0, 0)), LoadCalendarModel::State::Loaded);
        QCOMPARE(state(gen.hourStart(0, 2)), LoadCalendarModel::State::Replaced);
        QCOMPARE(model.indexOfHour(gen.hourStart(0, 2)).data(LoadCalendarModel::RunIdRole).toLongLong(), replacing.run.id);
        QCOMPARE(state(gen.hourStart(1, 3)), LoadCalendarModel::State::Failed);
        QVERIFY(model.indexOfHour(gen.hourStart(1, 3)).data(Qt::ToolTipRole).toString().contains(QStringLiteral("rejected")));
        QCOMPARE(state(gen.hourStart(1, 6)), LoadCalendarModel::State::NotDue);
        QCOMPARE(state(gen.hourStart(0, 8)), LoadCalendarModel::State::Missing); // between loaded hours
        // Late rows from the next file amend an hour.
        QVERIFY(model.indexOfHour(gen.hourStart(0, 0)).data(LoadCalendarModel::AmendedRole).toBool());
        QVERIFY(model.indexOfHour(gen.hourStart(0, 0)).data(Qt::ToolTipRole).toString().contains(QStringLiteral("late rows")));
        // Snapshots: days 0 and 2 loaded, day 1 missing.
        QCOMPARE(model.index(0, 0).data(LoadCalendarModel::StateRole).toInt(), int(LoadCalendarModel::State::Loaded));
        QCOMPARE(model.index(1, 0).data(LoadCalendarModel::StateRole).toInt(), int(LoadCalendarModel::State::Missing));
        QCOMPARE(model.missingSnapshots(), QList<qint64>{gen.snapshotAsOf(1)});
        QCOMPARE(model.failedHours(), QList<qint64>{gen.hourStart(1, 3)});
        QVERIFY(model.missingHours().contains(gen.hourStart(0, 8)));
        QVERIFY(!model.missingHours().contains(gen.hourStart(1, 6)));

        // An empty warehouse: no rows.
        OperatorFixture empty;
        Warehouse none;
        QVERIFY(none.open(empty.warehousePath(), &error));
        LoadCalendarModel emptyModel;
        Tester emptyTester(&emptyModel, qtTest);
        emptyModel.setRecords(none.runLog().calendar());
        QCOMPARE(emptyModel.rowCount(), 0);
    }

    void refusedAttemptsNeedAttentionUntilMadeGood()
    {
        const qint64 day = 1709251200 / secondsPerHour; // 2024-03-01 00:00, in hours
        LoadCalendarRecords records;
        for (qint64 h = 0; h < 2; ++h)
            records.windows[day + h] = {10 + h, QStringLiteral("pageviews_%1.csv").arg(h), 100, 0};
        records.snapshots[day * secondsPerHour] = {12, QStringLiteral("users_2024-03-01.csv"), 100, 0, 100};
        // 00:00: a correction refused after its hour was loaded; 01:00: a refusal that a later load made good;
        // 02:00: refused and never loaded; the next day's snapshot refused by the removal guard.
        records.hourAttempts[day] = {30, RunStatus::Refused,
                                     QStringLiteral("other.csv: not loaded: the hour 2024-03-01 00:00:00 is already loaded from another "
                                                    "file, pageviews_0.csv (run 10); nothing changed"),
                                     QStringLiteral("/in/other.csv")};
        records.hourAttempts[day + 1] = {5, RunStatus::Refused, QStringLiteral("early.csv: not loaded: whatever"), QStringLiteral("early.csv")};
        records.hourAttempts[day + 2] = {31, RunStatus::Refused,
                                         QStringLiteral("users.csv: its name says a users snapshot, but its header "
                                                        "('user_id,url,pageview_datetime') is a pageviews extract's: rename the file"),
                                         QStringLiteral("users.csv")};
        records.snapshotAttempts[day / hoursPerDay + 1] = {32, RunStatus::Refused,
                                                           QStringLiteral("users_2024-03-02.csv: refused: 50 of the 100 users of the previous "
                                                                          "snapshot are missing (50%), more than the 5% removal guard allows; "
                                                                          "a truncated extract is likely"),
                                                           QStringLiteral("users_2024-03-02.csv")};
        LoadCalendarModel model;
        Tester tester(&model, qtTest);
        model.setRecords(records);
        const auto state = [&](const QModelIndex &index) { return LoadCalendarModel::State(index.data(LoadCalendarModel::StateRole).toInt()); };
        QCOMPARE(state(model.indexOfHour(day * secondsPerHour)), LoadCalendarModel::State::Loaded);
        QCOMPARE(state(model.indexOfHour((day + 2) * secondsPerHour)), LoadCalendarModel::State::Refused);
        QCOMPARE(state(model.index(1, LoadCalendarModel::SnapshotColumn)), LoadCalendarModel::State::Refused);
        QCOMPARE(model.refusedHours(), QList<qint64>{(day + 2) * secondsPerHour});
        QVERIFY(model.failedHours().isEmpty());
        QCOMPARE(model.unresolvedAttempts(),
                 QStringList({QStringLiteral("file for 2024-03-01 00:00–01:00 UTC refused (run 30, other.csv); run 10 still counts: "
                                             "the hour 2024-03-01 00:00:00 is already loaded from another file, pageviews_0.csv (run 10)"),
                              QStringLiteral("file for 2024-03-01 02:00–03:00 UTC refused (run 31, users.csv): its name says a users "
                                             "snapshot, but its header ('user_id,url,pageview_datetime') is a pageviews extract's: rename the file"),
                              QStringLiteral("users snapshot for 2024-03-02 refused (run 32, users_2024-03-02.csv): 50 of the 100 users "
                                             "of the previous snapshot are missing (50%), more than the 5% removal guard allows")}));
    }

    void cancelledAttemptsDoNotMakeHoursDue()
    {
        // Hours 00-03 of 2024-03-01 loaded; 02:00 failed afterwards and 03:00 was cancelled afterwards; a
        // cancelled attempt at 10:00 (the user cancelled while it was aggregating) and a cancelled snapshot
        // attempt the next day.
        const qint64 day = 1709251200 / secondsPerHour; // 2024-03-01 00:00, in hours
        LoadCalendarRecords records;
        for (qint64 h = 0; h < 4; ++h)
            records.windows[day + h] = {10 + h, QStringLiteral("pageviews_%1.csv").arg(h), 100, 0};
        records.hourAttempts[day + 2] = {20, RunStatus::Failed, QStringLiteral("f: failed"), QStringLiteral("again.csv")};
        records.hourAttempts[day + 3] = {21, RunStatus::Cancelled, QStringLiteral("f: cancelled"), QStringLiteral("again.csv")};
        records.hourAttempts[day + 10] = {22, RunStatus::Cancelled, QStringLiteral("f: cancelled"), QStringLiteral("late.csv")};
        records.snapshotAttempts[day / hoursPerDay + 1] = {23, RunStatus::Cancelled, QString(), QStringLiteral("users.csv")};
        LoadCalendarModel model;
        Tester tester(&model, qtTest);
        model.setRecords(records);
        const auto cell = [&](qint64 h) { return model.indexOfHour((day + h) * secondsPerHour); };
        QCOMPARE(model.rowCount(), 1); // the cancelled snapshot attempt adds no day
        QCOMPARE(cell(10).data(LoadCalendarModel::StateRole).toInt(), int(LoadCalendarModel::State::NotDue));
        QVERIFY(cell(10).data(Qt::ToolTipRole).toString().contains(QStringLiteral("Run 22 (late.csv) cancelled")));
        for (qint64 h = 4; h < 24; ++h)
            QCOMPARE(cell(h).data(LoadCalendarModel::StateRole).toInt(), int(LoadCalendarModel::State::NotDue));
        QVERIFY(model.missingHours().isEmpty());
        // The window wins over a later failed or cancelled attempt at the same hour.
        for (qint64 h : {2, 3}) {
            QCOMPARE(cell(h).data(LoadCalendarModel::StateRole).toInt(), int(LoadCalendarModel::State::Loaded));
            QCOMPARE(cell(h).data(LoadCalendarModel::RunIdRole).toLongLong(), 10 + h);
        }
        QVERIFY(model.failedHours().isEmpty());
        QCOMPARE(model.loadedHours(), 4);
    }

    void snapshotCellSaysWhatItCounts()
    {
        // 5,065 users in the snapshot; its run loaded 5,063 rows (2 users' rows were rejected, kept unchanged).
        LoadCalendarRecords records;
        records.snapshots[1709251200] = {7, QStringLiteral("users_2024-03-01.csv"), 5065, 0, 5063};
        const QLocale saved;
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
        LoadCalendarModel model;
        Tester tester(&model, qtTest);
        model.setRecords(records);
        const QModelIndex snapshot = model.index(0, LoadCalendarModel::SnapshotColumn);
        const QString tip = snapshot.data(Qt::ToolTipRole).toString();
        const QString shown = snapshot.data().toString();
        QLocale::setDefault(saved);
        QCOMPARE(shown, QStringLiteral("5,065"));
        QVERIFY2(tip.contains(QStringLiteral("5,065 users")) && tip.contains(QStringLiteral("5,063 rows loaded"))
                     && tip.contains(QStringLiteral("2 users whose rows were rejected, kept unchanged")),
                 qPrintable(tip));
    }

    void dayCalendarSumsHoursIntoDays()
    {
        // 2024-02-28 (a Wednesday) to 03-04: the 28th whole at 100 views an hour; the 29th at 50, its 05:00
        // missing and its 09:00 failed; March 1st at 200, 7 late rows amending its 00:00, without a snapshot;
        // the 2nd's first 12 hours at 10 (the rest not due); the 3rd without a snapshot; the 4th's snapshot.
        const qint64 first = QDate(1970, 1, 1).daysTo(QDate(2024, 2, 28)) * hoursPerDay; // in hours
        LoadCalendarRecords records;
        qint64 run = 1;
        for (int day = 0; day < 4; ++day) {
            for (qint64 h = 0; h < (day == 3 ? 12 : 24); ++h)
                if (day != 1 || (h != 5 && h != 9))
                    records.windows[first + day * hoursPerDay + h] = {run++, QStringLiteral("pageviews.csv"), QList<qint64>{100, 50, 200, 10}[day], 0};
            if (day != 2)
                records.snapshots[(first + day * hoursPerDay) * secondsPerHour] = {run++, QStringLiteral("users.csv"), 10, 0, 10};
        }
        records.snapshots[(first + 5 * hoursPerDay) * secondsPerHour] = {run++, QStringLiteral("users.csv"), 10, 0, 10};
        records.hourAttempts[first + hoursPerDay + 9] = {run++, RunStatus::Failed, QStringLiteral("f: failed"), QStringLiteral("f.csv")};
        records.lateViews[first + 2 * hoursPerDay][run] = 7;

        const QLocale saved;
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
        LoadCalendarModel hours;
        DayCalendarModel days(&hours);
        Tester tester(&days, qtTest);
        QCOMPARE(days.rowCount(), 0);
        hours.setRecords(records); // the days follow

        QCOMPARE(days.zoom(), DayCalendarModel::Zoom::Weeks);
        QCOMPARE(days.rowCount(), 2);
        QCOMPARE(days.columnCount(), 7);
        QCOMPARE(days.headerData(0, Qt::Vertical).toString(), QStringLiteral("W09 · 2024-02-26"));
        QCOMPARE(days.headerData(1, Qt::Vertical).toString(), QStringLiteral("W10 · 2024-03-04"));
        QCOMPARE(days.headerData(0, Qt::Horizontal).toString(), QStringLiteral("Mon"));
        QCOMPARE(days.headerData(6, Qt::Horizontal).toString(), QStringLiteral("Sun"));
        const auto at = [&](int month, int day) { return days.indexOfDate(QDate(2024, month, day)); };
        QCOMPARE(at(2, 28), days.index(0, 2));
        QCOMPARE(at(3, 4), days.index(1, 0));
        QVERIFY(!at(2, 25).isValid());
        QVERIFY(!at(3, 11).isValid());
        const auto state = [](const QModelIndex &index) { return LoadCalendarModel::State(index.data(DayCalendarModel::StateRole).toInt()); };
        const auto views = [](const QModelIndex &index) { return index.data(DayCalendarModel::ViewsRole).toLongLong(); };
        const auto shade = [](const QModelIndex &index) { return index.data(DayCalendarModel::ShadeRole).toDouble(); };

        // A day's pageviews are its hours' views, late rows included; the busiest day is the darkest.
        for (int row = 0; row < hours.rowCount(); ++row) {
            qint64 sum = 0;
            for (int h = 1; h <= LoadCalendarModel::HourColumns; ++h)
                sum += hours.index(row, h).data(LoadCalendarModel::ViewsRole).toLongLong();
            QCOMPARE(views(days.indexOfDate(hours.day(row))), sum);
        }
        QCOMPARE(views(at(2, 28)), 2400);
        QCOMPARE(views(at(2, 29)), 1100);
        QCOMPARE(views(at(3, 1)), 4807);
        QCOMPARE(views(at(3, 2)), 120);
        QCOMPARE(days.busiestDay(), QDate(2024, 3, 1));
        QCOMPARE(days.busiestViews(), 4807);
        QCOMPARE(shade(at(3, 1)), 1.0);
        QCOMPARE(shade(at(2, 28)), 2400.0 / 4807);
        QVERIFY(shade(at(3, 2)) < shade(at(2, 29)) && shade(at(2, 29)) < shade(at(2, 28)));

        // The worst problem marks the day: a failed hour over a missing one, a missing snapshot; loaded
        // otherwise, and not due without an hour due (its snapshot loaded or not), also before the calendar.
        QCOMPARE(state(at(2, 28)), LoadCalendarModel::State::Loaded);
        QCOMPARE(state(at(2, 29)), LoadCalendarModel::State::Failed);
        QCOMPARE(state(at(3, 1)), LoadCalendarModel::State::Missing);
        QCOMPARE(state(at(3, 2)), LoadCalendarModel::State::Loaded);
        QCOMPARE(state(at(3, 3)), LoadCalendarModel::State::Missing);
        QCOMPARE(state(at(3, 4)), LoadCalendarModel::State::NotDue);
        QCOMPARE(state(days.index(0, 0)), LoadCalendarModel::State::NotDue);
        QCOMPARE(days.index(0, 0).data(DayCalendarModel::DateRole).toDate(), QDate(2024, 2, 26));
        QCOMPARE(at(3, 2).data(DayCalendarModel::LoadedHoursRole).toInt(), 12);
        QCOMPARE(at(2, 29).data(Qt::ToolTipRole).toString(),
                 QStringLiteral("Thursday 2024-02-29\n1,100 pageviews\n22 of 24 hours loaded\n"
                                "Needs attention: 1 hour failed (09:00), 1 hour missing (05:00)\nClick to see its hours."));
        QCOMPARE(at(3, 1).data(Qt::ToolTipRole).toString(),
                 QStringLiteral("Friday 2024-03-01\n4,807 pageviews\n24 of 24 hours loaded\n"
                                "Needs attention: users snapshot missing\nClick to see its hours."));
        QVERIFY(at(3, 4).data(Qt::ToolTipRole).toString().startsWith(QStringLiteral("Monday 2024-03-04\nNot due")));
        QCOMPARE(at(3, 2).data().toString(), QStringLiteral("2")); // a week's cells say their day of the month

        // Months: one row each, columns 1…31, nothing past a month's end.
        days.setZoom(DayCalendarModel::Zoom::Months);
        QCOMPARE(days.rowCount(), 2);
        QCOMPARE(days.columnCount(), 31);
        QCOMPARE(days.headerData(0, Qt::Vertical).toString(), QStringLiteral("February 2024"));
        QCOMPARE(days.headerData(1, Qt::Vertical).toString(), QStringLiteral("March 2024"));
        QCOMPARE(days.headerData(30, Qt::Horizontal).toString(), QStringLiteral("31"));
        QCOMPARE(at(2, 29), days.index(0, 28));
        QCOMPARE(at(3, 1), days.index(1, 0));
        QCOMPARE(views(at(3, 1)), 4807);
        QCOMPARE(state(at(2, 29)), LoadCalendarModel::State::Failed);
        QVERIFY(!days.index(0, 29).data(DayCalendarModel::DateRole).isValid());
        QVERIFY(!days.index(0, 29).data(DayCalendarModel::StateRole).isValid());
        QCOMPARE(days.flags(days.index(0, 29)), Qt::NoItemFlags);
        QCOMPARE(state(days.index(0, 0)), LoadCalendarModel::State::NotDue); // February 1st, before the calendar
        QVERIFY(at(3, 2).data().toString().isEmpty()); // the column says the day
        QLocale::setDefault(saved);

        hours.setRecords({});
        QCOMPARE(days.rowCount(), 0);
        QVERIFY(!days.busiestDay().isValid());
    }

    void desktopMessagesGroupCountsAndNameNoFlags()
    {
        const QLocale saved;
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
        const QString message = desktopMessage(QStringLiteral(
            "users_2024-03-02.csv: refused: 5083 of the 10150 users of the previous snapshot are missing (50.1%), as of "
            "2024-03-02 00:00:00, first at line 12345 of /tmp/1234/x.csv. If the users really left, load it again with --force"));
        QLocale::setDefault(saved);
        QCOMPARE(message, QStringLiteral("users_2024-03-02.csv: refused: 5,083 of the 10,150 users of the previous snapshot are "
                                         "missing (50.1%), as of 2024-03-02 00:00:00, first at line 12,345 of /tmp/1234/x.csv. "
                                         "If the users really left, import it again with “Load anyway (force)” ticked"));
        QVERIFY(!desktopMessage(QStringLiteral("raise the threshold (--max-rejects)")).contains(QStringLiteral("--")));
        // Values quoted from the file, ids and numbers too big to be counts stay as they were.
        const QString quotedValues = QStringLiteral(
            "line 2: column 'user_id': '99999999999999999999' is too large; line 3: column 'id': '00012345' ...; "
            "user 123456 moved; run 12345 failed; 99999999999999999999 rows");
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
        const QString kept = desktopMessage(quotedValues);
        QLocale::setDefault(saved);
        QCOMPARE(kept, quotedValues);
    }

    void loadAnywayLoadsOnlyTheRefusedContent()
    {
        OperatorFixture f;
        QByteArray day1("id,postcode\n");
        for (int i = 1; i <= 100; ++i)
            day1 += QByteArray::number(i) + ",SW19\n";
        QCOMPARE(f.load(f.write(QStringLiteral("users_2024-03-01.csv"), day1)).outcome, LoadOutcome::Loaded);
        const QString path = f.write(QStringLiteral("users_2024-03-02.csv"), "id,postcode\n1,N1\n2,N1\n");
        const LoadResult refused = f.load(path);
        QCOMPARE(refused.outcome, LoadOutcome::Refused);
        QVERIFY(refusedByRemovalGuard(refused.run));
        const LoadRequest again = loadAnywayRequest(refused.run);
        QVERIFY(again.options.force);

        // The file at that path was replaced meanwhile (a cron job rewriting it): not loaded in its place.
        QFile::remove(path);
        f.write(QStringLiteral("users_2024-03-02.csv"), "id,postcode\n1,W1\n");
        const LoadResult changed = f.load(again.path, again.options);
        QCOMPARE(changed.outcome, LoadOutcome::Refused);
        QVERIFY2(changed.message.contains(QStringLiteral("has changed since")), qPrintable(changed.message));

        // The refused content itself loads, past the guard, at the refused run's as-of.
        QFile::remove(path);
        f.write(QStringLiteral("users_2024-03-02.csv"), "id,postcode\n1,N1\n2,N1\n");
        const LoadResult forced = f.load(again.path, again.options);
        QCOMPARE(forced.outcome, LoadOutcome::Loaded);
        QCOMPARE(forced.run.asOf, refused.run.asOf);
    }

    void removalForecastBeforeLoading()
    {
        OperatorFixture f;
        QByteArray truncated("id,postcode\n");
        for (int i = 1; i <= 90; ++i)
            truncated += QByteArray::number(i) + ",SW19\n";
        const ExtractPreview preview = previewExtract(f.write(QStringLiteral("users_2024-03-02.csv"), truncated));
        const qint64 asOf = *preview.asOf;
        const std::map<qint64, qint64> snapshots{{asOf - secondsPerDay, 100}, {asOf + secondsPerDay, 1000}};
        const auto forecast = forecastRemovals(preview, asOf, snapshots, 5);
        QVERIFY(forecast);
        QCOMPARE(forecast->previousAsOf, asOf - secondsPerDay); // the one before, not the one after
        QCOMPARE(forecast->previousUsers, 100);
        QCOMPARE(forecast->fileRows, 90);
        QVERIFY(!forecast->estimated);
        QCOMPARE(forecast->removedAtLeast, 10);
        QVERIFY(forecast->refused);
        QVERIFY(!forecastRemovals(preview, asOf, snapshots, 10)->refused); // 10 % is allowed by a 10 % guard
        QVERIFY(!forecastRemovals(preview, asOf - 2 * secondsPerDay, snapshots, 5)); // nothing before it
        QVERIFY(!forecastRemovals(preview, std::nullopt, snapshots, 5));
    }

    void previewReadsKindRowsAndWindow()
    {
        OperatorFixture f;
        ExtractGenerator gen = f.generate(1000, 1, 2, 30000);
        const ExtractPreview users = previewExtract(f.path(gen.usersFileName(0)));
        QVERIFY(users.isValid());
        QCOMPARE(users.kind, ExtractKind::UsersSnapshot);
        QCOMPARE(users.asOf, std::optional(gen.snapshotAsOf(0)));
        QCOMPARE(users.estimatedRows, gen.usersInSnapshot(0)); // small enough to be read whole
        QCOMPARE(users.rows.size(), 20);
        QCOMPARE(users.columns.size(), users.rows.first().size());
        const ExtractPreview pageviews = previewExtract(f.path(gen.pageviewsFileName(0, 1)));
        QCOMPARE(pageviews.kind, ExtractKind::Pageviews);
        QCOMPARE(pageviews.windowHour, std::optional(gen.hourStart(0, 1)));
        QVERIFY(qAbs(pageviews.estimatedRows - 30000) < 1500);
        QVERIFY(pageviews.sizeBytes > 0);

        const ExtractPreview garbage = previewExtract(QStringLiteral(PV_FIXTURES_DIR "/binary_garbage.csv"));
        QVERIFY(!garbage.isValid());
        QVERIFY(garbage.error.contains(QStringLiteral("binary_garbage.csv")));
        const ExtractPreview empty = previewExtract(QStringLiteral(PV_FIXTURES_DIR "/empty.csv"));
        QVERIFY(!empty.isValid());
        const ExtractPreview missing = previewExtract(f.path(QStringLiteral("nope.csv")));
        QVERIFY(missing.error.contains(QStringLiteral("nope.csv")));
    }

    void statusSaysWhatIsStale()
    {
        WarehouseStatus status;
        QVERIFY(!status.isSnapshotStale() && !status.isHourStale());
        status.latestSnapshotAsOf = 1709251200;            // 2024-03-01 00:00
        status.latestHour = 1709251200 + 26 * 3600;        // 2024-03-02 02:00: the snapshot is 26 h behind
        QVERIFY(!status.isSnapshotStale());
        status.latestHour = *status.latestHour + 3600;     // 27 h
        QVERIFY(status.isSnapshotStale());
        QVERIFY(status.warning().contains(QStringLiteral("27 hours")));
        status.latestSnapshotAsOf = *status.latestHour + 2 * 3600; // a newer snapshot, the hour 2 h behind
        QVERIFY(!status.isSnapshotStale() && !status.isHourStale());
        status.latestSnapshotAsOf = *status.latestHour + 3 * 3600;
        QVERIFY(status.isHourStale());
        QVERIFY(status.warning().contains(QStringLiteral("latest hour loaded")));
    }

    void queueRunsInOrderAndCancelDropsTheRest()
    {
        OperatorFixture f;
        ExtractGenerator gen = f.generate(20000, 1, 3, 400000, 5);
        LoadQueue queue;
        QSignalSpy started(&queue, &LoadQueue::fileStarted);
        QSignalSpy finished(&queue, &LoadQueue::fileFinished);
        QSignalSpy idle(&queue, &LoadQueue::idle);
        QList<LoadRequest> requests;
        for (int hour = 0; hour < 3; ++hour)
            requests << LoadRequest{f.path(gen.pageviewsFileName(0, hour)), {}};
        queue.enqueue(f.warehousePath(), requests);
        QVERIFY(queue.isBusy());
        QVERIFY(started.wait(10000));
        QCOMPARE(started.at(0).at(0).toString(), requests[0].path);
        QCOMPARE(started.at(0).at(1).toInt(), 1);
        QCOMPARE(started.at(0).at(2).toInt(), 3);
        queue.cancel();
        QVERIFY(idle.wait(30000));
        QCOMPARE(finished.size(), 3);
        QCOMPARE(started.size(), 1); // the waiting files never started
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(finished.at(i).at(0).toString(), requests[i].path);
            QCOMPARE(finished.at(i).at(1).value<LoadResult>().outcome, LoadOutcome::Cancelled);
        }
        QVERIFY(finished.at(2).at(1).value<LoadResult>().message.contains(QStringLiteral("queue was cancelled")));
        QVERIFY(!queue.isBusy());

        // After a cancel the queue works again, in order.
        queue.enqueue(f.warehousePath(), requests.mid(0, 2));
        QVERIFY(idle.wait(60000));
        QCOMPARE(finished.size(), 5);
        QCOMPARE(finished.at(3).at(1).value<LoadResult>().outcome, LoadOutcome::Loaded);
        QCOMPARE(finished.at(4).at(1).value<LoadResult>().outcome, LoadOutcome::Loaded);
        QVERIFY(finished.at(3).at(1).value<LoadResult>().run.id < finished.at(4).at(1).value<LoadResult>().run.id);
    }
};

QTEST_GUILESS_MAIN(TestOperatorModels)
#include "tst_operatormodels.moc"
