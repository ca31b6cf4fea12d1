// The headless command line (docs/contract.md §5), driven as a real process: exit codes, stdout and stderr of every
// command, on success and on each kind of failure. Each test works in its own temporary folder, with its own
// warehouse on each storage engine (tests/testwarehouse.h).

#include "command.h"
#include "core/filename.h"
#include "extract/csvrecordreader.h"

#include "testwarehouse.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

#include <csignal>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

namespace {

const QByteArray reportHeader = "period_start,postcode,pageviews\n";

struct CliResult
{
    QStringList arguments;
    int exitCode = -1;
    bool finished = false;
    QByteArray out;
    QByteArray err;
};

QByteArray describe(const CliResult &r)
{
    return "pvadmin " + r.arguments.join(QLatin1Char(' ')).toUtf8()
        + (r.finished ? "\nexit code " + QByteArray::number(r.exitCode) : QByteArray("\ndid not finish normally"))
        + "\n--- stdout:\n" + r.out + "--- stderr:\n" + r.err + "---";
}

/// Fails the test unless the process ran to completion with the given exit code; prints what it said.
/// Each macro evaluates its arguments once, so `EXPECT_EXIT(box.run(...), 0)` runs the command once.
#define EXPECT_EXIT(result, code)                                                                              \
    do {                                                                                                       \
        const CliResult &expectExitResult = (result);                                                          \
        QVERIFY2(expectExitResult.finished && expectExitResult.exitCode == (code),                             \
                 describe(expectExitResult).constData());                                                      \
    } while (false)

/// stderr is exactly one line (the docs/contract.md §5 "one-line reason").
bool isOneLine(const QByteArray &text)
{
    return text.endsWith('\n') && text.count('\n') == 1;
}

#define EXPECT_ONE_LINE_ERROR(result)                                                                          \
    do {                                                                                                       \
        const CliResult &oneLineResult = (result);                                                             \
        QVERIFY2(isOneLine(oneLineResult.err),                                                                 \
                 ("expected a one-line reason on stderr\n" + describe(oneLineResult)).constData());            \
    } while (false)

#define EXPECT_CONTAINS(haystack, needle)                                                                      \
    do {                                                                                                       \
        const QByteArray containsHaystack(haystack);                                                           \
        const QByteArray containsNeedle(needle);                                                               \
        QVERIFY2(containsHaystack.contains(containsNeedle),                                                    \
                 ("expected to find '" + containsNeedle + "' in:\n" + containsHaystack).constData());          \
    } while (false)

#define EXPECT_NOT_CONTAINS(haystack, needle)                                                                  \
    do {                                                                                                       \
        const QByteArray containsHaystack(haystack);                                                           \
        const QByteArray containsNeedle(needle);                                                               \
        QVERIFY2(!containsHaystack.contains(containsNeedle),                                                   \
                 ("did not expect '" + containsNeedle + "' in:\n" + containsHaystack).constData());            \
    } while (false)

/// A report as pvadmin prints it: the header, then one line per row.
QByteArray reportCsv(const QList<QByteArray> &rows)
{
    QByteArray text = reportHeader;
    for (const QByteArray &row : rows)
        text += row + '\n';
    return text;
}

/// "RUN STATUS" of each line of `pvadmin runs` after the header, e.g. "3 succeeded".
QStringList runStatuses(const QByteArray &runsOutput)
{
    QStringList lines = QString::fromUtf8(runsOutput).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    if (!lines.isEmpty())
        lines.removeFirst();
    QStringList statuses;
    for (const QString &line : lines) {
        const QStringList cells = line.split(QLatin1Char(' '), Qt::SkipEmptyParts);
        statuses << (cells.size() >= 3 ? cells[0] + QLatin1Char(' ') + cells[2] : line);
    }
    return statuses;
}

/// The line of `pvadmin runs` for one run.
QString runLine(const QByteArray &runsOutput, qint64 runId)
{
    const QStringList lines = QString::fromUtf8(runsOutput).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    for (const QString &line : lines)
        if (line.section(QLatin1Char(' '), 0, 0) == QString::number(runId))
            return line;
    return {};
}

/// The run number in "...: loaded as run N, ..." or "... [run N failed]".
qint64 runIdIn(const QByteArray &text, int occurrence = 0)
{
    static const QRegularExpression pattern(QStringLiteral(R"((?:loaded as run |\[run )(\d+))"));
    QRegularExpressionMatchIterator it = pattern.globalMatch(QString::fromUtf8(text));
    for (int i = 0; it.hasNext(); ++i) {
        const QRegularExpressionMatch m = it.next();
        if (i == occurrence)
            return m.captured(1).toLongLong();
    }
    return 0;
}

/// Start of an hour as the warehouse stores it: hours since the epoch.
qint64 hourIndex(int year, int month, int day, int hour)
{
    return QDateTime(QDate(year, month, day), QTime(hour, 0), QTimeZone::utc()).toSecsSinceEpoch() / 3600;
}

/// A users snapshot with ids first..last, all in one postcode, except the ids listed in skip.
QByteArray usersRange(int first, int last, const char *postcode, const QList<int> &skip = {})
{
    QByteArray csv = "id,postcode\n";
    for (int id = first; id <= last; ++id)
        if (!skip.contains(id))
            csv += QByteArray::number(id) + ',' + postcode + '\n';
    return csv;
}

/// One temporary folder and a warehouse of its own, and the pvadmin binary run against it.
class Sandbox
{
public:
    Sandbox() = default;

    bool isValid() const { return m_dir.isValid(); }
    QString path(const QString &name) const { return m_dir.filePath(name); }
    /// The warehouse's location (warehouse.sqlite in the folder, or a database on the PostgreSQL test
    /// server), chosen on first use; nothing is there until a command creates it.
    QString warehouse() const
    {
        if (m_warehouse.isEmpty())
            m_warehouse = newWarehouseLocation(m_dir, QStringLiteral("warehouse"));
        return m_warehouse;
    }
    /// The location of another warehouse, named name in the folder on SQLite.
    QString otherWarehouse(const QString &name) const { return newWarehouseLocation(m_dir, name); }

    /// Writes a file (creating folders) and returns its absolute path.
    QString write(const QString &name, const QByteArray &content) const
    {
        const QString file = path(name);
        QDir().mkpath(QFileInfo(file).absolutePath());
        QFile f(file);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(content) != content.size())
            qFatal("cannot write the fixture %s", qPrintable(file));
        return file;
    }

    /// pvadmin --db <this warehouse> ARGS, with optional standard input.
    CliResult run(const QStringList &args, const QByteArray &input = {}) const
    {
        return runRaw(QStringList{QStringLiteral("--db"), warehouse()} + args, input);
    }

    /// pvadmin ARGS without --db; extra environment variables on top of a clean one; standard output to
    /// standardOutputFile when one is named (e.g. /dev/full), else captured.
    CliResult runRaw(const QStringList &args, const QByteArray &input = {},
                     const QList<QPair<QString, QString>> &extraEnvironment = {},
                     const QString &standardOutputFile = {}) const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("PVADMIN_DB"));
        // Never the operator's real warehouse, whatever a test forgets.
        env.insert(QStringLiteral("HOME"), path(QStringLiteral("home")));
        env.insert(QStringLiteral("XDG_DATA_HOME"), path(QStringLiteral("home/.local/share")));
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        for (const auto &[name, value] : extraEnvironment)
            env.insert(name, value);

        CliResult result;
        result.arguments = args;
        QProcess process;
        process.setProcessEnvironment(env);
        process.setWorkingDirectory(m_dir.path());
        if (!standardOutputFile.isEmpty())
            process.setStandardOutputFile(standardOutputFile);
        process.start(QStringLiteral(PVADMIN_BINARY), args);
        if (!process.waitForStarted(10000)) {
            result.err = "could not start " PVADMIN_BINARY ": " + process.errorString().toUtf8();
            return result;
        }
        if (!input.isEmpty())
            process.write(input);
        process.closeWriteChannel();
        if (!process.waitForFinished(30000)) {
            process.kill();
            process.waitForFinished(5000);
            result.err = "timed out; stderr so far: " + process.readAllStandardError();
            return result;
        }
        result.finished = process.exitStatus() == QProcess::NormalExit;
        result.exitCode = process.exitCode();
        result.out = process.readAllStandardOutput();
        result.err = process.readAllStandardError();
        return result;
    }

    /// stdout of `report` with the given options (empty on failure, which the caller's compare shows).
    QByteArray report(const QStringList &options) const
    {
        const CliResult r = run(QStringList{QStringLiteral("report")} + options);
        if (!r.finished || r.exitCode != 0)
            return "report failed: " + describe(r);
        return r.out;
    }

private:
    QTemporaryDir m_dir;
    mutable QString m_warehouse;
};

// The mover scenario, used by several tests (all times naive UTC):
//   user 1: SW19 in the 2024-03-01 snapshot, N1 in the 2024-03-02 snapshot
//   user 2: EC1A in both; user 3: "sw1a 1aa" in both (normalised to SW1A 1AA); user 99: in no snapshot
//   2024-03-01 10h: user 1 ×2, user 2 ×1, user 3 ×1
//   2024-03-02 09h: user 1 ×3, user 2 ×1, user 99 ×1
const QByteArray moverUsers1 = "id,postcode\n1,SW19\n2,EC1A\n3,sw1a 1aa\n";
const QByteArray moverUsers2 = "id,postcode\n1,N1\n2,EC1A\n3,SW1A 1AA\n";
/// Starts `pvadmin load -` on the box's warehouse, feeds it a pageviews extract of at least `bytes` bytes,
/// and keeps the pipe open: a writer gone quiet. Waits until the load has recorded its run as running,
/// and returns the `runs` listing that showed it (the last listing read when it never did).
QByteArray startLoadGoneQuiet(const Sandbox &box, QProcess &load, qsizetype bytes)
{
    QByteArray views("user_id,url,pageview_datetime\n");
    while (views.size() < bytes)
        views += "1,/home,2024-03-01 10:15:00\n";
    load.start(QStringLiteral(PVADMIN_BINARY), {QStringLiteral("--db"), box.warehouse(), QStringLiteral("load"), QStringLiteral("-")});
    if (!load.waitForStarted(10000))
        return "the load did not start";
    load.write(views);
    CliResult runs;
    for (int waitedMs = 0; waitedMs < 10000 && !runs.out.contains(" running "); waitedMs += 100) {
        QTest::qWait(100);
        runs = box.run({QStringLiteral("runs")});
    }
    return runs.out;
}

const QByteArray moverViewsDay1 = "user_id,url,pageview_datetime\n"
                                  "1,/home,2024-03-01 10:05:00\n"
                                  "2,/home,2024-03-01 10:15:00\n"
                                  "1,/basket,2024-03-01 10:40:00\n"
                                  "3,/help,2024-03-01 10:59:59\n";
const QByteArray moverViewsDay2 = "user_id,url,pageview_datetime\n"
                                  "1,/home,2024-03-02 09:00:00\n"
                                  "2,/home,2024-03-02 09:10:00\n"
                                  "99,/promo,2024-03-02 09:20:00\n"
                                  "1,/basket,2024-03-02 09:30:00\n"
                                  "1,/checkout,2024-03-02 09:45:00\n";

const QList<QByteArray> moverAtTimeHourly = {
    "2024-03-01 10:00:00,EC1A,1",
    "2024-03-01 10:00:00,SW19,2",
    "2024-03-01 10:00:00,SW1A 1AA,1",
    "2024-03-02 09:00:00,EC1A,1",
    "2024-03-02 09:00:00,N1,3",
    "2024-03-02 09:00:00,UNKNOWN,1",
};
const QList<QByteArray> moverCurrentHourly = {
    "2024-03-01 10:00:00,EC1A,1",
    "2024-03-01 10:00:00,N1,2",
    "2024-03-01 10:00:00,SW1A 1AA,1",
    "2024-03-02 09:00:00,EC1A,1",
    "2024-03-02 09:00:00,N1,3",
    "2024-03-02 09:00:00,UNKNOWN,1",
};

/// Writes the mover scenario's files into folder (relative to the sandbox); returns them in the order
/// snapshot 1, pageviews day 1, pageviews day 2, snapshot 2 (the second snapshot arrives late).
QStringList writeMoverFiles(const Sandbox &box, const QString &folder = QStringLiteral("extracts"))
{
    return {box.write(folder + QStringLiteral("/users_extract_2024-03-01.csv"), moverUsers1),
            box.write(folder + QStringLiteral("/pageviews_2024-03-01T10.csv"), moverViewsDay1),
            box.write(folder + QStringLiteral("/pageviews_2024-03-02T09.csv"), moverViewsDay2),
            box.write(folder + QStringLiteral("/users_extract_2024-03-02.csv"), moverUsers2)};
}

#define LOAD_MOVER_SCENARIO(box)                                                                               \
    do {                                                                                                       \
        const CliResult moverLoad = (box).run(QStringList{QStringLiteral("load")} + writeMoverFiles(box));     \
        EXPECT_EXIT(moverLoad, 0);                                                                             \
    } while (false)

// The calendar scenario: one user in SW19, views around a month end and an ISO week boundary.
//   2024-02-29 (Thursday) 23h: 2; 2024-03-03 (Sunday) 23:59:59: 1; 2024-03-04 (Monday) 00h: 4, 05h: 1
const QByteArray calendarUsers = "id,postcode\n1,SW19\n";
const QByteArray calendarViews = "user_id,url,pageview_datetime\n"
                                 "1,/a,2024-02-29 23:10:00\n"
                                 "1,/b,2024-02-29 23:20:00\n"
                                 "1,/c,2024-03-03 23:59:59\n"
                                 "1,/d,2024-03-04 00:00:00\n"
                                 "1,/e,2024-03-04 00:00:01\n"
                                 "1,/f,2024-03-04 00:30:00\n"
                                 "1,/g,2024-03-04 00:59:59\n"
                                 "1,/h,2024-03-04 05:30:00\n";

#define LOAD_CALENDAR_SCENARIO(box)                                                                            \
    do {                                                                                                       \
        const CliResult calendarLoad =                                                                         \
            (box).run({QStringLiteral("load"), (box).write(QStringLiteral("users_extract_2024-02-01.csv"), calendarUsers), \
                       (box).write(QStringLiteral("pageviews_calendar.csv"), calendarViews)});                 \
        EXPECT_EXIT(calendarLoad, 0);                                                                          \
    } while (false)

} // namespace

class CommandlineTest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void initCreatesWarehouse();
    void environmentVariableNamesWarehouse();
    void readingCommandsRefuseAMissingWarehouse();

    void loadUsersThenPageviewsKindFromHeader();
    void loadKindMismatch_data();
    void loadKindMismatch();
    void loadSameFileTwiceSaysAlreadyLoaded();
    void loadPageviewsFromStdin();
    void loadBlockedOnItsInputStopsOnASignal();
    void loadKilledAnywhereLeavesAllOrNothing();
    void loadKilledWhileReadingLeavesAnInterruptedRun();
    void killedLoadIsNotKeptRunningByAReusedPid();
    void readersKilledAnywhereChangeNothing();
    void loadsAtOnceBesideReadersAllLand();
    void loadUsersFromStdinWithAsOf();
    void loadUsersFromStdinWithoutAsOfFails();
    void loadSeveralFilesEachItsOwnRun();
    void loadBadFileAmongGoodOnes();
    void loadUnusableFile_data();
    void loadUnusableFile();
    void loadOverRejectThresholdChangesNothing();
    void loadWithMaxRejectsListsRejects();
    void rejectThresholdBoundary_data();
    void rejectThresholdBoundary();
    void removalGuardRefusesUntilForced();
    void hourOptionOverridesWindow();
    void differentFileForSameWindowReplaces();
    void zonedTimesLoadInUtcAndMixedOnesAreRefused();
    void otherPipelinesFilesLoadWithTheirLayout();
    void snapshotDateInsideTheFileAndAheadOfTheClock();
    void repeatedIdsAreCountedInTheRefusal();
    void loadBadOptionValues_data();
    void loadBadOptionValues();

    void reportMover_data();
    void reportMover();
    void reportGrains_data();
    void reportGrains();
    void reportFromToBoundaries_data();
    void reportFromToBoundaries();
    void reportPostcodeFilterNormalised();
    void reportInvalidPostcode();
    void reportPostcodeNobodyHadIsSaid();
    void statusTellsAMonitorWhatNeedsAttention();
    void reportHoursLoadedMarksPartialPeriods_data();
    void reportHoursLoadedMarksPartialPeriods();
    void reportUserInNoSnapshotIsUnknown();
    void reportOutputFileSameBytes();
    void outputToFullStandardOutputFails_data();
    void outputToFullStandardOutputFails();
    void reportUsageErrors_data();
    void reportUsageErrors();

    void runsListsEveryRunWithStatus();
    void terminalSequencesFromAFileAreShownNotRun();
    void fileNameThatIsNotUtf8IsLoadedByItsBytes();
    void fileNamedForTheOtherKindIsRefused();
    void rejectsErrors_data();
    void rejectsErrors();
    void historyOfMover();
    void historyUnknownUserAndBadId();
    void failedReadIsAnErrorNotAnEmptyAnswer();

    void checkPassesAfterLoads();
    void checkFindsCorruptedAggregate();
    void checkProvesThePostcodeDictionary();
    void loadMemoryGrowsWithPairsNotRows();
    void loadCutOffByTheServerSaysWhatRunsWillShow();
    void rejectedLinesKeepABoundedPrefix();
    void copyMovesTheWarehouseAndRefusesAFullOne();
    void passwordInTheAddressIsRefusedAndNeverShown();
    void statsCountsFactsAndProjectsAYear();

    void watchOnceLoadsPresentFiles();
    void watchOnceReportsBadFile();

    void helpAndUsageErrors_data();
    void helpAndUsageErrors();
    void commandHelpListsEveryOption_data();
    void commandHelpListsEveryOption();
    void versionNamesTheCommit();
    void manPageAndCompletionCoverEveryOption();

    void generateWritesLoadableExtracts();
    void generateIsDeterministic();
};

void CommandlineTest::initTestCase()
{
    QVERIFY2(QFileInfo(QStringLiteral(PVADMIN_BINARY)).isExecutable(), PVADMIN_BINARY " is not built");
}

// ---------------------------------------------------------------------------------------------------- init

void CommandlineTest::initCreatesWarehouse()
{
    Sandbox box;
    QVERIFY(box.isValid());
    const CliResult first = box.run({QStringLiteral("init")});
    EXPECT_EXIT(first, 0);
    QVERIFY(warehouseExists(box.warehouse()));
    EXPECT_CONTAINS(first.out, box.warehouse().toUtf8());

    // Running it again is harmless and keeps what was loaded.
    LOAD_MOVER_SCENARIO(box);
    const QByteArray before = box.report({QStringLiteral("--basis"), QStringLiteral("at-time")});
    const CliResult again = box.run({QStringLiteral("init")});
    EXPECT_EXIT(again, 0);
    QCOMPARE(box.report({QStringLiteral("--basis"), QStringLiteral("at-time")}), before);
    QCOMPARE(before, reportCsv(moverAtTimeHourly));

    // The --db=PATH spelling names the same warehouse.
    const CliResult equalsForm = box.runRaw({QStringLiteral("--db=") + box.warehouse(), QStringLiteral("report"),
                                             QStringLiteral("--basis"), QStringLiteral("at-time")});
    EXPECT_EXIT(equalsForm, 0);
    QCOMPARE(equalsForm.out, before);

    // init takes no arguments.
    const CliResult extra = box.run({QStringLiteral("init"), QStringLiteral("something")});
    EXPECT_EXIT(extra, 2);
}

void CommandlineTest::environmentVariableNamesWarehouse()
{
    Sandbox box;
    QVERIFY(box.isValid());
    const QString envDb = box.otherWarehouse(QStringLiteral("from-env/env"));
    const QList<QPair<QString, QString>> env{{QStringLiteral("PVADMIN_DB"), envDb}};

    const CliResult init = box.runRaw({QStringLiteral("init")}, {}, env);
    EXPECT_EXIT(init, 0);
    QVERIFY2(warehouseExists(envDb), "PVADMIN_DB did not name the warehouse init created");
    QVERIFY(!warehouseExists(box.warehouse()));

    const CliResult load = box.runRaw({QStringLiteral("load"), box.write(QStringLiteral("users_extract_2024-03-01.csv"), moverUsers1),
                                       box.write(QStringLiteral("pv.csv"), moverViewsDay1)},
                                      {}, env);
    EXPECT_EXIT(load, 0);
    const CliResult report = box.runRaw({QStringLiteral("report"), QStringLiteral("--basis"), QStringLiteral("current")}, {}, env);
    EXPECT_EXIT(report, 0);
    QCOMPARE(report.out, reportCsv({"2024-03-01 10:00:00,EC1A,1", "2024-03-01 10:00:00,SW19,2",
                                    "2024-03-01 10:00:00,SW1A 1AA,1"}));

    // --db wins over the environment: this other warehouse is empty.
    EXPECT_EXIT(box.runRaw({QStringLiteral("--db"), box.warehouse(), QStringLiteral("init")}, {}, env), 0);
    const CliResult other = box.runRaw({QStringLiteral("--db"), box.warehouse(), QStringLiteral("report"),
                                        QStringLiteral("--basis"), QStringLiteral("current")},
                                       {}, env);
    EXPECT_EXIT(other, 0);
    QCOMPARE(other.out, reportHeader);
}

void CommandlineTest::readingCommandsRefuseAMissingWarehouse()
{
    // A mistyped --db must not quietly create an empty warehouse and answer from it.
    Sandbox box;
    QVERIFY(box.isValid());
    for (const QStringList &command : {QStringList{QStringLiteral("report"), QStringLiteral("--basis"), QStringLiteral("current")},
                                       QStringList{QStringLiteral("runs")}, QStringList{QStringLiteral("history"), QStringLiteral("1")},
                                       QStringList{QStringLiteral("rejects"), QStringLiteral("1")}, QStringList{QStringLiteral("check")}}) {
        const CliResult r = box.run(command);
        EXPECT_EXIT(r, 1);
        EXPECT_ONE_LINE_ERROR(r);
        QVERIFY2(r.err.contains("no warehouse there"), r.err.constData());
        QVERIFY(!warehouseExists(box.warehouse()));
    }
}

// ---------------------------------------------------------------------------------------------------- load

void CommandlineTest::loadUsersThenPageviewsKindFromHeader()
{
    Sandbox box;
    QVERIFY(box.isValid());
    // Neither name says its kind; the header does. The snapshot's as-of comes from the date in its name.
    const QString users = box.write(QStringLiteral("snapshot_2024-03-01.csv"), "ID,Postcode\n1,SW19\n2,n1\n3,EC1A\n");
    const QString views = box.write(QStringLiteral("hourly.csv"), "url,pageview_datetime,user_id\n"
                                                                   "/a,2024-03-01 10:05:00,1\n"
                                                                   "/b,2024-03-01 10:06:00,1\n"
                                                                   "/c,2024-03-01 10:07:00,2\n");
    const CliResult u = box.run({QStringLiteral("load"), users});
    EXPECT_EXIT(u, 0);
    QCOMPARE(u.out, QByteArray("snapshot_2024-03-01.csv: loaded as run 1, as of 2024-03-01 00:00:00: 3 rows read, "
                               "3 users loaded, 0 rejected; 3 new, 0 moved, 0 removed; 0 pageview facts re-attributed\n"));
    const CliResult p = box.run({QStringLiteral("load"), views});
    EXPECT_EXIT(p, 0);
    QCOMPARE(p.out, QByteArray("hourly.csv: loaded as run 2, window 2024-03-01 10:00:00: 3 rows read, 3 loaded, "
                               "0 rejected, 0 late rows\n"));
    // Not on a terminal: no progress, nothing on stderr.
    QCOMPARE(u.err, QByteArray());
    QCOMPARE(p.err, QByteArray());
    QCOMPARE(box.report({QStringLiteral("--basis"), QStringLiteral("at-time")}),
             reportCsv({"2024-03-01 10:00:00,N1,1", "2024-03-01 10:00:00,SW19,2"}));

    const CliResult runs = box.run({QStringLiteral("runs")});
    EXPECT_EXIT(runs, 0);
    EXPECT_CONTAINS(runLine(runs.out, 1).toUtf8(), "users");
    EXPECT_CONTAINS(runLine(runs.out, 1).toUtf8(), "as of 2024-03-01 00:00:00");
    EXPECT_CONTAINS(runLine(runs.out, 2).toUtf8(), "pageviews");
    EXPECT_CONTAINS(runLine(runs.out, 2).toUtf8(), "hour 2024-03-01 10:00:00");
}

void CommandlineTest::loadKindMismatch_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("fileName");
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QByteArray>("saysItIs");
    QTest::newRow("pageviews file as users") << QStringLiteral("users") << QStringLiteral("pv_2024-03-01.csv")
                                             << moverViewsDay1 << QByteArray("a pageviews extract");
    QTest::newRow("users file as pageviews") << QStringLiteral("pageviews") << QStringLiteral("users_extract_2024-03-01.csv")
                                             << moverUsers1 << QByteArray("a users snapshot");
}

void CommandlineTest::loadKindMismatch()
{
    QFETCH(QString, kind);
    QFETCH(QString, fileName);
    QFETCH(QByteArray, content);
    QFETCH(QByteArray, saysItIs);
    Sandbox box;
    QVERIFY(box.isValid());
    const CliResult r = box.run({QStringLiteral("load"), QStringLiteral("--kind"), kind, box.write(fileName, content)});
    EXPECT_EXIT(r, 1);
    EXPECT_ONE_LINE_ERROR(r);
    EXPECT_CONTAINS(r.err, fileName.toUtf8());
    EXPECT_CONTAINS(r.err, "this is " + saysItIs);
    QCOMPARE(r.out, QByteArray());
    QCOMPARE(box.report({QStringLiteral("--basis"), QStringLiteral("current")}), reportHeader);
    const CliResult runs = box.run({QStringLiteral("runs")});
    QCOMPARE(runStatuses(runs.out), QStringList{QStringLiteral("1 failed")});
}

void CommandlineTest::loadSameFileTwiceSaysAlreadyLoaded()
{
    Sandbox box;
    QVERIFY(box.isValid());
    LOAD_MOVER_SCENARIO(box);
    const QByteArray before = box.report({QStringLiteral("--basis"), QStringLiteral("at-time")});

    const CliResult again = box.run({QStringLiteral("load"), box.path(QStringLiteral("extracts/pageviews_2024-03-01T10.csv"))});
    EXPECT_EXIT(again, 0);
    EXPECT_CONTAINS(again.out, "already loaded");
    EXPECT_CONTAINS(again.out, "run 2");

    // Identical content under another name is the same extract.
    const CliResult copy = box.run({QStringLiteral("load"), box.write(QStringLiteral("copy-of-day1.csv"), moverViewsDay1)});
    EXPECT_EXIT(copy, 0);
    EXPECT_CONTAINS(copy.out, "already loaded");

    const CliResult snapshotAgain = box.run({QStringLiteral("load"), box.path(QStringLiteral("extracts/users_extract_2024-03-02.csv"))});
    EXPECT_EXIT(snapshotAgain, 0);
    EXPECT_CONTAINS(snapshotAgain.out, "already loaded");

    QCOMPARE(box.report({QStringLiteral("--basis"), QStringLiteral("at-time")}), before);
    const CliResult runs = box.run({QStringLiteral("runs")});
    QCOMPARE(runStatuses(runs.out).size(), 4);
}

void CommandlineTest::loadPageviewsFromStdin()
{
    Sandbox box;
    QVERIFY(box.isValid());
    const CliResult users = box.run({QStringLiteral("load"), box.write(QStringLiteral("users_extract_2024-03-01.csv"), moverUsers1)});
    EXPECT_EXIT(users, 0);
    const CliResult r = box.run({QStringLiteral("load"), QStringLiteral("-")}, moverViewsDay1);
    EXPECT_EXIT(r, 0);
    QCOMPARE(r.out, QByteArray("<stdin>: loaded as run 2, window 2024-03-01 10:00:00: 4 rows read, 4 loaded, "
                               "0 rejected, 0 late rows\n"));
    QCOMPARE(box.report({QStringLiteral("--basis"), QStringLiteral("at-time")}),
             reportCsv({"2024-03-01 10:00:00,EC1A,1", "2024-03-01 10:00:00,SW19,2", "2024-03-01 10:00:00,SW1A 1AA,1"}));

    // The same bytes again through stdin are recognised by content.
    const CliResult again = box.run({QStringLiteral("load"), QStringLiteral("-")}, moverViewsDay1);
    EXPECT_EXIT(again, 0);
    EXPECT_CONTAINS(again.out, "already loaded");
}

void CommandlineTest::loadBlockedOnItsInputStopsOnASignal()
{
    Sandbox box;
    QVERIFY(box.isValid());
    EXPECT_EXIT(box.run({QStringLiteral("init")}), 0);
    const QString fifo = box.path(QStringLiteral("pageviews_2024-03-01T10.csv"));
    QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
    // Standard input that never ends (a writer that says nothing) and a FIFO nobody opens for writing: the
    // load blocks in read() or open(), so the cancel flag is never seen; the signal must still end it.
    for (const auto &[input, signal] : {std::pair{QStringLiteral("-"), SIGTERM}, std::pair{fifo, SIGINT}}) {
        QProcess process;
        process.start(QStringLiteral(PVADMIN_BINARY), {QStringLiteral("--db"), box.warehouse(), QStringLiteral("load"), input});
        QVERIFY(process.waitForStarted(10000));
        QTest::qWait(700);
        QCOMPARE(process.state(), QProcess::Running);
        ::kill(pid_t(process.processId()), signal);
        QVERIFY2(process.waitForFinished(10000), "still blocked after the signal");
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 1);
        const QByteArray err = process.readAllStandardError();
        QVERIFY2(err.contains("cancelled while reading") && err.contains("nothing was loaded"), err.constData());
        // And says which input it was.
        QVERIFY2(err.contains(input == fifo ? "pageviews_2024-03-01T10.csv" : "<stdin>"), err.constData());
    }
    const CliResult runs = box.run({QStringLiteral("runs")});
    EXPECT_EXIT(runs, 0);
    QVERIFY2(runs.out.count('\n') == 1, runs.out.constData()); // the header only: nothing was recorded

    // A pipe that gave rows, then went quiet: the load has recorded its run and waits in read(). The
    // signal still ends it, and its run says cancelled (not interrupted, as after a crash).
    QProcess quiet;
    const QByteArray recorded = startLoadGoneQuiet(box, quiet, pv::CsvRecordReader::ChunkBytes + 65536);
    QVERIFY2(recorded.contains(" running "), recorded.constData());
    QTest::qWait(1500); // its first chunk's rows are counted; it waits for the rest of the second
    ::kill(pid_t(quiet.processId()), SIGTERM);
    QVERIFY2(quiet.waitForFinished(10000), "still blocked after the signal");
    QCOMPARE(quiet.exitCode(), 1);
    const QByteArray err = quiet.readAllStandardError();
    QVERIFY2(err.contains("cancelled while reading; nothing was loaded"), err.constData());
    const CliResult after = box.run({QStringLiteral("runs")});
    QVERIFY2(after.out.contains(" cancelled ") && !after.out.contains("interrupted") && !after.out.contains(" running "),
             after.out.constData());

}

void CommandlineTest::loadKilledAnywhereLeavesAllOrNothing()
{
    Sandbox box;
    QVERIFY(box.isValid());
    QByteArray users("id,postcode\n");
    for (int id = 1; id <= 3000; ++id)
        users += QByteArray::number(id) + (id % 3 ? ",SW19\n" : ",EC1A 1BB\n");
    EXPECT_EXIT(box.run({QStringLiteral("load"), box.write(QStringLiteral("users_extract_2024-03-01.csv"), users)}), 0);
    // An hour of 80,000 pageviews (and a few late rows in the hour before), killed at many points of its load.
    QByteArray views("user_id,url,pageview_datetime\n");
    for (int i = 0; i < 80000; ++i)
        views += QByteArray::number(i % 3000 + 1) + ",/p" + QByteArray::number(i % 97) + ",2024-03-01 1"
               + (i % 1000 == 0 ? "0:59:59\n" : "1:" + QByteArray::number(10 + i % 50) + ":00\n");
    const QString file = box.write(QStringLiteral("pageviews_2024-03-01T11.csv"), views);
    const auto state = [&] {
        return box.report({QStringLiteral("--basis"), QStringLiteral("current")})
               + box.report({QStringLiteral("--basis"), QStringLiteral("at-time")});
    };
    const QByteArray before = state();
    QList<QByteArray> seen;
    int killedMidway = 0;
    // Every 8 ms from the start: before the run record, while reading, while writing, around the commit.
    for (int delayMs = 0; delayMs <= 2000; delayMs += 8) {
        QProcess load;
        load.start(QStringLiteral(PVADMIN_BINARY), {QStringLiteral("--db"), box.warehouse(), QStringLiteral("load"), file});
        QVERIFY(load.waitForStarted(10000));
        QTest::qWait(delayMs);
        if (load.state() == QProcess::Running) {
            ::kill(pid_t(load.processId()), SIGKILL);
            ++killedMidway;
        }
        QVERIFY(load.state() == QProcess::NotRunning || load.waitForFinished(10000));
        // Whatever the moment, check finds nothing to correct and the answers are before or after, whole.
        const CliResult check = box.run({QStringLiteral("check")});
        QVERIFY2(check.finished && check.exitCode == 0, describe(check).constData());
        seen << state();
        if (seen.last() != before)
            break; // this attempt committed: the rest would be "already loaded"
    }
    QVERIFY2(killedMidway >= 5, "the load ended before most kills: make the file bigger");
    const CliResult finish = box.run({QStringLiteral("load"), file});
    EXPECT_EXIT(finish, 0);
    const QByteArray after = state();
    QVERIFY(after != before);
    for (const QByteArray &answer : std::as_const(seen))
        QVERIFY2(answer == before || answer == after, answer.left(400).constData());
    // No run is left running: each killed one was marked interrupted by the next client.
    const CliResult runs = box.run({QStringLiteral("runs")});
    EXPECT_NOT_CONTAINS(runs.out, " running ");
}

void CommandlineTest::killedLoadIsNotKeptRunningByAReusedPid()
{
    Sandbox box;
    QVERIFY(box.isValid());
    EXPECT_EXIT(box.run({QStringLiteral("load"), box.write(QStringLiteral("users_extract_2024-03-01.csv"), moverUsers1)}), 0);
    QProcess load;
    const QByteArray recorded = startLoadGoneQuiet(box, load, 3 * pv::CsvRecordReader::ChunkBytes);
    QVERIFY2(recorded.contains(" running "), recorded.constData());
    // While it lives, every other client sees it running.
    QVERIFY2(box.run({QStringLiteral("runs")}).out.contains(" running "), "a live load is not shown running");
    ::kill(pid_t(load.processId()), SIGKILL);
    QVERIFY(load.waitForFinished(10000));
    // Its process id now belongs to an unrelated process that lives on (the kernel reuses ids): what the run
    // recorded is made to name one, as a reused id would.
    QProcess unrelated;
    unrelated.start(QStringLiteral("sleep"), {QStringLiteral("60")});
    QVERIFY(unrelated.waitForStarted(10000));
    QCOMPARE(execWarehouseSql(box.warehouse(), QStringLiteral("UPDATE load_runs SET pid = %1 WHERE status = 'running'")
                                                   .arg(unrelated.processId())),
             1);
    const CliResult runs = box.run({QStringLiteral("runs")});
    EXPECT_EXIT(runs, 0);
    EXPECT_NOT_CONTAINS(runs.out, " running ");
    EXPECT_CONTAINS(runs.out, "interrupted");
    const CliResult status = box.run({QStringLiteral("status")});
    EXPECT_NOT_CONTAINS(status.out, "loads running");
    unrelated.kill();
    unrelated.waitForFinished(10000);
}

void CommandlineTest::loadKilledWhileReadingLeavesAnInterruptedRun()
{
    Sandbox box;
    QVERIFY(box.isValid());
    EXPECT_EXIT(box.run({QStringLiteral("load"), box.write(QStringLiteral("users_extract_2024-03-01.csv"), moverUsers1)}), 0);
    // A pageviews extract arriving on a pipe: more rows than the reader takes in at once, then the writer
    // goes quiet. The load is reading (nothing written yet) when it dies; the operator must still learn
    // that it was attempted.
    QProcess load;
    const QByteArray recorded = startLoadGoneQuiet(box, load, 3 * pv::CsvRecordReader::ChunkBytes);
    QVERIFY2(recorded.contains(" running "), recorded.constData());
    EXPECT_CONTAINS(recorded, "<stdin>");
    ::kill(pid_t(load.processId()), SIGKILL);
    QVERIFY(load.waitForFinished(10000));
    // The next client to open the warehouse marks the run of the dead load interrupted; nothing was loaded.
    const CliResult runs = box.run({QStringLiteral("runs")});
    EXPECT_EXIT(runs, 0);
    EXPECT_NOT_CONTAINS(runs.out, " running ");
    EXPECT_CONTAINS(runs.out, "interrupted");
    QCOMPARE(box.report({QStringLiteral("--basis"), QStringLiteral("current")}), QByteArray("period_start,postcode,pageviews\n"));
    // An identical file loaded again still leaves the run log as it was: no run for it.
    const QString users = box.path(QStringLiteral("users_extract_2024-03-01.csv"));
    const QByteArray logBefore = box.run({QStringLiteral("runs")}).out;
    const CliResult again = box.run({QStringLiteral("load"), users});
    EXPECT_EXIT(again, 0);
    EXPECT_CONTAINS(again.out, "already loaded");
    QCOMPARE(box.run({QStringLiteral("runs")}).out, logBefore);
}

void CommandlineTest::readersKilledAnywhereChangeNothing()
{
    Sandbox box;
    QVERIFY(box.isValid());
    QByteArray users("id,postcode\n");
    for (int id = 1; id <= 2000; ++id)
        users += QByteArray::number(id) + ",SW" + QByteArray::number(1 + id % 20) + "\n";
    EXPECT_EXIT(box.run({QStringLiteral("load"), box.write(QStringLiteral("users_extract_2024-03-01.csv"), users)}), 0);
    QByteArray views("user_id,url,pageview_datetime\n");
    for (int i = 0; i < 60000; ++i)
        views += QByteArray::number(i % 1999 + 1) + ",/p,2024-03-0" + QByteArray::number(1 + i % 3) + " 1"
               + QByteArray::number(i % 10) + ":00:00\n";
    EXPECT_EXIT(box.run({QStringLiteral("load"), box.write(QStringLiteral("pageviews_2024-03-01T11.csv"), views)}), 0);
    const QStringList report{QStringLiteral("report"), QStringLiteral("--basis"), QStringLiteral("at-time"),
                             QStringLiteral("--grain"), QStringLiteral("hour")};
    const QByteArray before = box.report(report.mid(1));
    QVERIFY2(before.count('\n') > 500, before.left(300).constData());
    const QString output = box.path(QStringLiteral("out/report.csv"));
    QDir().mkpath(QFileInfo(output).absolutePath());
    // check and report --output (about 50 ms each here), killed every 3 ms from their start: the warehouse
    // answers as before, check still passes, and the report's file is whole or not there (never cut short).
    for (const QStringList &command : {QStringList{QStringLiteral("check")}, report + QStringList{QStringLiteral("--output"), output}}) {
        int killed = 0;
        for (int delayMs = 0; delayMs <= 3000; delayMs += 3) {
            QFile::remove(output);
            QProcess reader;
            reader.start(QStringLiteral(PVADMIN_BINARY), QStringList{QStringLiteral("--db"), box.warehouse()} + command);
            QVERIFY(reader.waitForStarted(10000));
            QTest::qWait(delayMs);
            if (reader.state() != QProcess::Running)
                break;
            ::kill(pid_t(reader.processId()), SIGKILL);
            QVERIFY(reader.waitForFinished(10000));
            ++killed;
            if (QFileInfo::exists(output)) {
                QFile written(output);
                QVERIFY(written.open(QIODevice::ReadOnly));
                QCOMPARE(written.readAll(), before);
            }
            // Nor is a half-written temporary left beside it.
            const QStringList left = QDir(QFileInfo(output).absolutePath()).entryList(QDir::Files | QDir::Hidden);
            QVERIFY2(left.isEmpty() || left == QStringList{QStringLiteral("report.csv")}, qPrintable(left.join(QLatin1Char(' '))));
        }
        QVERIFY2(killed >= 5, qPrintable(command.first() + QStringLiteral(" ended before most kills")));
        const CliResult check = box.run({QStringLiteral("check")});
        QVERIFY2(check.finished && check.exitCode == 0, describe(check).constData());
        QCOMPARE(box.report(report.mid(1)), before);
    }
}

void CommandlineTest::loadsAtOnceBesideReadersAllLand()
{
    Sandbox box;
    QVERIFY(box.isValid());
    QByteArray users("id,postcode\n");
    for (int id = 1; id <= 1000; ++id)
        users += QByteArray::number(id) + (id % 2 ? ",SW19\n" : ",N1\n");
    EXPECT_EXIT(box.run({QStringLiteral("load"), box.write(QStringLiteral("users_extract_2024-03-01.csv"), users)}), 0);
    // Three hours, each 60,000 views (30,000 a postcode), and the first hour twice: four processes at once.
    QStringList files;
    for (int hour = 10; hour <= 12; ++hour) {
        QByteArray views("user_id,url,pageview_datetime\n");
        for (int i = 0; i < 60000; ++i)
            views += QByteArray::number(i % 1000 + 1) + ",/p,2024-03-01 " + QByteArray::number(hour) + ":30:00\n";
        files << box.write(QStringLiteral("pageviews_2024-03-01T%1.csv").arg(hour), views);
    }
    files << files.first();
    QList<QProcess *> loads;
    for (const QString &file : std::as_const(files)) {
        auto *load = new QProcess(this);
        load->start(QStringLiteral(PVADMIN_BINARY), {QStringLiteral("--db"), box.warehouse(), QStringLiteral("load"), file});
        loads << load;
    }
    // Readers beside them see each hour either whole or not at all.
    const QList<QByteArray> wholeHours{"SW19,30000", "N1,30000"};
    int reads = 0;
    const auto anyRunning = [&] {
        return std::any_of(loads.cbegin(), loads.cend(), [](const QProcess *p) { return p->state() != QProcess::NotRunning; });
    };
    while (anyRunning()) {
        const QByteArray answer = box.report({QStringLiteral("--basis"), QStringLiteral("at-time"), QStringLiteral("--grain"), QStringLiteral("hour")});
        QVERIFY2(answer.startsWith("period_start,postcode,pageviews\n"), answer.constData());
        for (const QByteArray &line : answer.trimmed().split('\n').mid(1))
            QVERIFY2(line.endsWith(wholeHours[0]) || line.endsWith(wholeHours[1]), answer.constData());
        ++reads;
        QTest::qWait(20);
    }
    QByteArray outcomes;
    for (QProcess *load : std::as_const(loads)) {
        QVERIFY(load->state() == QProcess::NotRunning || load->waitForFinished(60000));
        QVERIFY2(load->exitStatus() == QProcess::NormalExit && load->exitCode() == 0, load->readAllStandardError().constData());
        outcomes += load->readAllStandardOutput();
        delete load;
    }
    // Every hour landed once; the file loaded twice at once was loaded by one process and found by the other.
    QCOMPARE(outcomes.count("loaded as run"), 3);
    QCOMPARE(outcomes.count("already loaded"), 1);
    const QByteArray expected = "period_start,postcode,pageviews\n"
                                "2024-03-01 10:00:00,N1,30000\n2024-03-01 10:00:00,SW19,30000\n"
                                "2024-03-01 11:00:00,N1,30000\n2024-03-01 11:00:00,SW19,30000\n"
                                "2024-03-01 12:00:00,N1,30000\n2024-03-01 12:00:00,SW19,30000\n";
    QCOMPARE(box.report({QStringLiteral("--basis"), QStringLiteral("at-time"), QStringLiteral("--grain"), QStringLiteral("hour")}), expected);
    const CliResult check = box.run({QStringLiteral("check")});
    QVERIFY2(check.finished && check.exitCode == 0, describe(check).constData());
    QVERIFY(reads > 0);
}

void CommandlineTest::loadUsersFromStdinWithAsOf()
{
    Sandbox box;
    QVERIFY(box.isValid());
    const CliResult r = box.run({QStringLiteral("load"), QStringLiteral("--as-of"), QStringLiteral("2024-03-01 00:00:00"),
                                 QStringLiteral("-")},
                                moverUsers1);
    EXPECT_EXIT(r, 0);
    EXPECT_CONTAINS(r.out, "<stdin>: loaded as run 1, as of 2024-03-01 00:00:00: 3 rows read, 3 users loaded");
    const CliResult history = box.run({QStringLiteral("history"), QStringLiteral("3")});
    EXPECT_EXIT(history, 0);
    EXPECT_CONTAINS(history.out, "SW1A 1AA");
    EXPECT_CONTAINS(history.out, "2024-03-01 00:00:00");
}

void CommandlineTest::loadUsersFromStdinWithoutAsOfFails()
{
    Sandbox box;
    QVERIFY(box.isValid());
    const CliResult r = box.run({QStringLiteral("load"), QStringLiteral("-")}, moverUsers1);
    QVERIFY2(r.finished && r.exitCode != 0, describe(r).constData());
    EXPECT_ONE_LINE_ERROR(r);
    EXPECT_CONTAINS(r.err, "--as-of");
    EXPECT_CONTAINS(r.err, "<stdin>");
    const CliResult history = box.run({QStringLiteral("history"), QStringLiteral("1")});
    EXPECT_EXIT(history, 0);
    EXPECT_NOT_CONTAINS(history.out, "SW19");
}

void CommandlineTest::loadSeveralFilesEachItsOwnRun()
{
    Sandbox box;
    QVERIFY(box.isValid());
    const QStringList files = writeMoverFiles(box);
    const CliResult r = box.run(QStringList{QStringLiteral("load")} + files);
    EXPECT_EXIT(r, 0);
    const QList<QByteArray> lines = r.out.trimmed().split('\n');
    QCOMPARE(lines.size(), 4);
    QVERIFY(lines[0].startsWith("users_extract_2024-03-01.csv: loaded as run 1,"));
    QVERIFY(lines[1].startsWith("pageviews_2024-03-01T10.csv: loaded as run 2,"));
    QVERIFY(lines[2].startsWith("pageviews_2024-03-02T09.csv: loaded as run 3,"));
    QVERIFY(lines[3].startsWith("users_extract_2024-03-02.csv: loaded as run 4,"));
    // The late snapshot moves user 1's three day-2 views from SW19 to N1.
    EXPECT_CONTAINS(lines[3], "1 moved");
    const CliResult runs = box.run({QStringLiteral("runs")});
    EXPECT_EXIT(runs, 0);
    QCOMPARE(runStatuses(runs.out), (QStringList{QStringLiteral("1 succeeded"), QStringLiteral("2 succeeded"),
                                                  QStringLiteral("3 succeeded"), QStringLiteral("4 succeeded")}));
}

void CommandlineTest::loadBadFileAmongGoodOnes()
{
    Sandbox box;
    QVERIFY(box.isValid());
    const QString users = box.write(QStringLiteral("users_extract_2024-03-01.csv"), moverUsers1);
    const QString bad = box.write(QStringLiteral("broken.csv"), "userid,link,when\n1,/a,2024-03-01 11:00:00\n");
    const QString views = box.write(QStringLiteral("pv.csv"), moverViewsDay1);
    const CliResult r = box.run({QStringLiteral("load"), users, bad, views});
    EXPECT_EXIT(r, 1);
    EXPECT_ONE_LINE_ERROR(r);
    EXPECT_CONTAINS(r.err, "broken.csv");
    const QList<QByteArray> lines = r.out.trimmed().split('\n');
    QCOMPARE(lines.size(), 2);
    EXPECT_CONTAINS(lines[0], "users_extract_2024-03-01.csv: loaded as run");
    EXPECT_CONTAINS(lines[1], "pv.csv: loaded as run");
    const CliResult runs = box.run({QStringLiteral("runs")});
    QCOMPARE(runStatuses(runs.out), (QStringList{QStringLiteral("1 succeeded"), QStringLiteral("2 failed"),
                                                  QStringLiteral("3 succeeded")}));
    QCOMPARE(box.report({QStringLiteral("--basis"), QStringLiteral("at-time")}),
             reportCsv({"2024-03-01 10:00:00,EC1A,1", "2024-03-01 10:00:00,SW19,2", "2024-03-01 10:00:00,SW1A 1AA,1"}));
}

void CommandlineTest::loadUnusableFile_data()
{
    QTest::addColumn<QString>("fileName");
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<bool>("create");
    QTest::addColumn<QByteArray>("reason");
    QTest::newRow("empty") << QStringLiteral("empty.csv") << QByteArray() << true << QByteArray("empty");
    QTest::newRow("binary") << QStringLiteral("image.csv")
                            << QByteArray::fromHex("89504e470d0a1a0a0000000d4948445200000010000000100806000000")
                            << true << QByteArray("binary");
    QTest::newRow("missing") << QStringLiteral("nosuch.csv") << QByteArray() << false << QByteArray("does not exist");
    QTest::newRow("wrong header") << QStringLiteral("people.csv") << QByteArray("name,age\nbob,30\n") << true
                                  << QByteArray("header");
    QTest::newRow("missing column") << QStringLiteral("pv_partial.csv")
                                    << QByteArray("user_id,url\n1,/a\n") << true << QByteArray("pageview_datetime");
    QTest::newRow("header only") << QStringLiteral("pv_header_only.csv")
                                 << QByteArray("user_id,url,pageview_datetime\n") << true << QByteArray("no valid rows");
}

void CommandlineTest::loadUnusableFile()
{
    QFETCH(QString, fileName);
    QFETCH(QByteArray, content);
    QFETCH(bool, create);
    QFETCH(QByteArray, reason);
    Sandbox box;
    QVERIFY(box.isValid());
    LOAD_MOVER_SCENARIO(box);
    const QByteArray atTime = box.report({QStringLiteral("--basis"), QStringLiteral("at-time")});
    const QByteArray current = box.report({QStringLiteral("--basis"), QStringLiteral("current")});

    const QString file = create ? box.write(fileName, content) : box.path(fileName);
    const CliResult r = box.run({QStringLiteral("load"), file});
    QVERIFY2(r.finished && r.exitCode != 0, describe(r).constData());
    EXPECT_ONE_LINE_ERROR(r);
    EXPECT_CONTAINS(r.err, fileName.toUtf8());
    EXPECT_CONTAINS(r.err, reason);
    QCOMPARE(r.out, QByteArray());

    QCOMPARE(box.report({QStringLiteral("--basis"), QStringLiteral("at-time")}), atTime);
    QCOMPARE(box.report({QStringLiteral("--basis"), QStringLiteral("current")}), current);
    const CliResult runs = box.run({QStringLiteral("runs")});
    QCOMPARE(runStatuses(runs.out).value(4), QStringLiteral("5 failed"));
    EXPECT_EXIT(box.run({QStringLiteral("check")}), 0);
}

void CommandlineTest::loadOverRejectThresholdChangesNothing()
{
    Sandbox box;
    QVERIFY(box.isValid());
    LOAD_MOVER_SCENARIO(box);
    const QByteArray atTime = box.report({QStringLiteral("--basis"), QStringLiteral("at-time")});
    const QByteArray current = box.report({QStringLiteral("--basis"), QStringLiteral("current")});

    // 2 bad rows of 10 (20%, over the default 1%), in a new hour and in an hour already loaded.
    const QString file = box.write(QStringLiteral("pv_with_rejects.csv"), "user_id,url,pageview_datetime\n"
                                                                          "1,/a,2024-03-01 11:00:00\n"
                                                                          "2,/a,2024-03-01 11:05:00\n"
                                                                          "abc,/a,2024-03-01 11:10:00\n"
                                                                          "1,/a,2024-03-01 11:15:00\n"
                                                                          "2,/a,2024-03-01 11:20:00\n"
                                                                          "1,/a,2024-03-01 11:25:00\n"
                                                                          "2,/a,2024-03-01 10:30:00\n"
                                                                          "1,/a,2024-03-01 99:00:00\n"
                                                                          "1,/a,2024-03-01 11:35:00\n"
                                                                          "2,/a,2024-03-01 11:40:00\n");
    const CliResult r = box.run({QStringLiteral("load"), file});
    EXPECT_EXIT(r, 1);
    EXPECT_ONE_LINE_ERROR(r);
    EXPECT_CONTAINS(r.err, "2 of 10 rows rejected");
    EXPECT_CONTAINS(r.err, "--max-rejects");

    QCOMPARE(box.report({QStringLiteral("--basis"), QStringLiteral("at-time")}), atTime);
    QCOMPARE(box.report({QStringLiteral("--basis"), QStringLiteral("current")}), current);
    const CliResult runs = box.run({QStringLiteral("runs")});
    QCOMPARE(runStatuses(runs.out).value(4), QStringLiteral("5 failed"));
    EXPECT_EXIT(box.run({QStringLiteral("check")}), 0);

    // docs/contract.md §4: every bad input gets an error that names the file (with several FILEs on one command
    // line, the operator must see which one was refused).
    EXPECT_CONTAINS(r.err, "pv_with_rejects.csv");
}

void CommandlineTest::loadWithMaxRejectsListsRejects()
{
    Sandbox box;
    QVERIFY(box.isValid());
    EXPECT_EXIT(box.run({QStringLiteral("load"), box.write(QStringLiteral("users_extract_2024-03-01.csv"), moverUsers1)}), 0);
    const QString file = box.write(QStringLiteral("pv_with_rejects.csv"), "user_id,url,pageview_datetime\n"
                                                                          "1,/a,2024-03-01 11:00:00\n"
                                                                          "2,/a,2024-03-01 11:05:00\n"
                                                                          "abc,/a,2024-03-01 11:10:00\n"
                                                                          "1,/a,2024-03-01 11:15:00\n"
                                                                          "2,,2024-03-01 11:20:00\n"
                                                                          "1,/a,2024-03-01 11:25:00\n"
                                                                          "2,/a,2024-03-01 11:30:00\n"
                                                                          "1,/a,2024-13-01 11:30:00\n"
                                                                          "1,/a,2024-03-01 11:35:00\n"
                                                                          "2,/a,2024-03-01 11:40:00\n");
    const CliResult refused = box.run({QStringLiteral("load"), file});
    EXPECT_EXIT(refused, 1);

    const CliResult r = box.run({QStringLiteral("load"), QStringLiteral("--max-rejects"), QStringLiteral("50"), file});
    EXPECT_EXIT(r, 0);
    EXPECT_CONTAINS(r.out, "10 rows read, 7 loaded, 3 rejected");
    const qint64 runId = runIdIn(r.out);
    QCOMPARE(runId, qint64(3));
    QCOMPARE(box.report({QStringLiteral("--basis"), QStringLiteral("at-time")}),
             reportCsv({"2024-03-01 11:00:00,EC1A,3", "2024-03-01 11:00:00,SW19,4"}));

    const CliResult rejects = box.run({QStringLiteral("rejects"), QString::number(runId)});
    EXPECT_EXIT(rejects, 0);
    EXPECT_CONTAINS(rejects.out, "3 rejected of 10 rows read");
    const QList<QByteArray> lines = rejects.out.split('\n');
    // Lines count from the header (line 1): the bad rows are file lines 4, 6 and 9.
    QStringList rows;
    for (const QByteArray &line : lines) {
        const QByteArray trimmedLine = line.trimmed();
        if (!trimmedLine.isEmpty() && trimmedLine.at(0) >= '0' && trimmedLine.at(0) <= '9')
            rows << QString::fromUtf8(trimmedLine);
    }
    QCOMPARE(rows.size(), 3);
    QVERIFY2(rows[0].startsWith(QLatin1String("4 ")) && rows[0].contains(QLatin1String("user_id"))
                 && rows[0].contains(QLatin1String("abc")),
             qPrintable(rows[0]));
    QVERIFY2(rows[1].startsWith(QLatin1String("6 ")) && rows[1].contains(QLatin1String("url")), qPrintable(rows[1]));
    QVERIFY2(rows[2].startsWith(QLatin1String("9 ")) && rows[2].contains(QLatin1String("pageview_datetime"))
                 && rows[2].contains(QLatin1String("month 13")),
             qPrintable(rows[2]));

    // The refused run kept its reason too.
    const CliResult failedRejects = box.run({QStringLiteral("rejects"), QStringLiteral("2")});
    EXPECT_EXIT(failedRejects, 0);
    EXPECT_CONTAINS(failedRejects.out, "failed");
    EXPECT_CONTAINS(failedRejects.out, "3 rejected of 10 rows read");
}

void CommandlineTest::rejectThresholdBoundary_data()
{
    QTest::addColumn<int>("badRows");
    QTest::addColumn<QStringList>("options");
    QTest::addColumn<int>("exitCode");
    QTest::newRow("1 of 100 is the default 1%: loads") << 1 << QStringList{} << 0;
    QTest::newRow("2 of 100 is over the default 1%") << 2 << QStringList{} << 1;
    QTest::newRow("--max-rejects 0 refuses any reject") << 1 << QStringList{QStringLiteral("--max-rejects"), QStringLiteral("0")} << 1;
    QTest::newRow("--max-rejects 0 with no reject loads") << 0 << QStringList{QStringLiteral("--max-rejects"), QStringLiteral("0")} << 0;
    QTest::newRow("--max-rejects 2.5 allows 2") << 2 << QStringList{QStringLiteral("--max-rejects"), QStringLiteral("2.5")} << 0;
}

void CommandlineTest::rejectThresholdBoundary()
{
    QFETCH(int, badRows);
    QFETCH(QStringList, options);
    QFETCH(int, exitCode);
    Sandbox box;
    QVERIFY(box.isValid());
    QByteArray csv = "user_id,url,pageview_datetime\n";
    for (int i = 0; i < 100; ++i)
        csv += (i < badRows ? QByteArray("-") : QByteArray()) + "7,/p,2024-03-01 10:"
            + QByteArray::number(i % 60).rightJustified(2, '0') + ":00\n";
    const CliResult r = box.run(QStringList{QStringLiteral("load")} + options
                                + QStringList{box.write(QStringLiteral("pv.csv"), csv)});
    EXPECT_EXIT(r, exitCode);
    QCOMPARE(box.report({QStringLiteral("--basis"), QStringLiteral("current")}),
             exitCode == 0 ? reportCsv({"2024-03-01 10:00:00,UNKNOWN," + QByteArray::number(100 - badRows)})
                           : reportHeader);
}

void CommandlineTest::removalGuardRefusesUntilForced()
{
    Sandbox box;
    QVERIFY(box.isValid());
    const CliResult first = box.run({QStringLiteral("load"), box.write(QStringLiteral("users_extract_2024-03-01.csv"),
                                                                       usersRange(1, 20, "SW19"))});
    EXPECT_EXIT(first, 0);
    const CliResult views = box.run({QStringLiteral("load"), box.write(QStringLiteral("pv.csv"),
                                                                       "user_id,url,pageview_datetime\n"
                                                                       "20,/a,2024-03-02 08:00:00\n"
                                                                       "1,/a,2024-03-02 08:10:00\n")});
    EXPECT_EXIT(views, 0);
    const QByteArray atTime = box.report({QStringLiteral("--basis"), QStringLiteral("at-time")});

    // Users 19 and 20 are missing: 10% of the previous snapshot, over the 5% guard.
    const QString truncated = box.write(QStringLiteral("users_extract_2024-03-02.csv"), usersRange(1, 20, "N1", {19, 20}));
    const CliResult refused = box.run({QStringLiteral("load"), truncated});
    QVERIFY2(refused.finished && refused.exitCode != 0, describe(refused).constData());
    EXPECT_ONE_LINE_ERROR(refused);
    EXPECT_CONTAINS(refused.err, "--force");
    EXPECT_CONTAINS(refused.err, "users_extract_2024-03-02.csv");
    EXPECT_CONTAINS(refused.err, "2 of the 20 users");
    QCOMPARE(box.report({QStringLiteral("--basis"), QStringLiteral("at-time")}), atTime);
    CliResult history = box.run({QStringLiteral("history"), QStringLiteral("1")});
    EXPECT_NOT_CONTAINS(history.out, "N1");
    CliResult runs = box.run({QStringLiteral("runs")});
    QCOMPARE(runStatuses(runs.out).value(2), QStringLiteral("3 refused"));

    const CliResult forced = box.run({QStringLiteral("load"), QStringLiteral("--force"), truncated});
    EXPECT_EXIT(forced, 0);
    EXPECT_CONTAINS(forced.out, "18 users loaded");
    EXPECT_CONTAINS(forced.out, "18 moved, 2 removed");
    runs = box.run({QStringLiteral("runs")});
    QCOMPARE(runStatuses(runs.out).value(3), QStringLiteral("4 succeeded"));
    // User 1 moved; user 20 disappeared and keeps SW19 as their last known postcode.
    QCOMPARE(box.report({QStringLiteral("--basis"), QStringLiteral("at-time")}),
             reportCsv({"2024-03-02 08:00:00,N1,1", "2024-03-02 08:00:00,SW19,1"}));
    QCOMPARE(box.report({QStringLiteral("--basis"), QStringLiteral("current")}),
             reportCsv({"2024-03-02 08:00:00,N1,1", "2024-03-02 08:00:00,SW19,1"}));
    history = box.run({QStringLiteral("history"), QStringLiteral("20")});
    EXPECT_EXIT(history, 0);
    EXPECT_CONTAINS(history.out.simplified(), "SW19 2024-03-01 00:00:00 2024-03-02 00:00:00");
    EXPECT_EXIT(box.run({QStringLiteral("check")}), 0);
}

void CommandlineTest::hourOptionOverridesWindow()
{
    Sandbox box;
    QVERIFY(box.isValid());
    EXPECT_EXIT(box.run({QStringLiteral("load"), box.write(QStringLiteral("users_extract_2024-03-01.csv"), moverUsers1)}), 0);
    // Most rows are in 10h, but the operator says this is the 11h extract: the 10h rows are late.
    const QString a = box.write(QStringLiteral("pv_a.csv"), "user_id,url,pageview_datetime\n"
                                                            "1,/a,2024-03-01 10:50:00\n"
                                                            "1,/a,2024-03-01 10:55:00\n"
                                                            "2,/a,2024-03-01 10:58:00\n"
                                                            "2,/a,2024-03-01 11:15:00\n");
    const CliResult r = box.run({QStringLiteral("load"), QStringLiteral("--hour"), QStringLiteral("2024-03-01 11:00:00"), a});
    EXPECT_EXIT(r, 0);
    EXPECT_CONTAINS(r.out, "window 2024-03-01 11:00:00");
    EXPECT_CONTAINS(r.out, "3 late rows");
    const CliResult runs = box.run({QStringLiteral("runs")});
    EXPECT_CONTAINS(runLine(runs.out, 2).toUtf8(), "hour 2024-03-01 11:00:00");

    // The real 10h extract does not replace it (its window is 10h), so both count.
    const QString b = box.write(QStringLiteral("pv_b.csv"), "user_id,url,pageview_datetime\n"
                                                            "1,/b,2024-03-01 10:01:00\n"
                                                            "2,/b,2024-03-01 10:02:00\n");
    const CliResult rb = box.run({QStringLiteral("load"), b});
    EXPECT_EXIT(rb, 0);
    EXPECT_CONTAINS(rb.out, "window 2024-03-01 10:00:00");
    EXPECT_NOT_CONTAINS(rb.out, "replaced");
    QCOMPARE(box.report({QStringLiteral("--basis"), QStringLiteral("at-time")}),
             reportCsv({"2024-03-01 10:00:00,EC1A,2", "2024-03-01 10:00:00,SW19,3", "2024-03-01 11:00:00,EC1A,1"}));
}

void CommandlineTest::differentFileForSameWindowReplaces()
{
    Sandbox box;
    QVERIFY(box.isValid());
    EXPECT_EXIT(box.run({QStringLiteral("load"), box.write(QStringLiteral("users_extract_2024-02-12.csv"), "id,postcode\n1,SW19\n2,N1\n")}), 0);
    // Two hourly files cut at :51, named for their hours: most of the second one's rows fall in the first one's
    // hour. Each file's window is the hour in its name, so neither takes the other's place.
    const QString at15 = box.write(QStringLiteral("pageview_extract_2024021215.csv"),
                                   "user_id,url,pageview_datetime\n1,/a,2024-02-12 14:51:30\n1,/b,2024-02-12 15:00:30\n"
                                   "1,/c,2024-02-12 15:10:30\n");
    const QString at16 = box.write(QStringLiteral("pageview_extract_2024021216.csv"),
                                   "user_id,url,pageview_datetime\n1,/d,2024-02-12 15:51:30\n1,/e,2024-02-12 15:55:30\n"
                                   "1,/f,2024-02-12 16:05:30\n");
    const CliResult both = box.run({QStringLiteral("load"), at15, at16});
    EXPECT_EXIT(both, 0);
    EXPECT_CONTAINS(both.out, "window 2024-02-12 15:00:00");
    EXPECT_CONTAINS(both.out, "window 2024-02-12 16:00:00");
    EXPECT_NOT_CONTAINS(both.out, "replaced");
    // The summary says when the name's hour holds fewer than half of the file's rows.
    EXPECT_CONTAINS(both.out, "pageview_extract_2024021216.csv: loaded as run 3, window 2024-02-12 16:00:00: 3 rows read, "
                              "3 loaded, 0 rejected, 2 late rows in 2024-02-12 15:00:00 (2); the window is the hour in the "
                              "file's name, though only 1 of its 3 pageviews fall in it");
    const QByteArray all = reportCsv({"2024-02-12 14:00:00,SW19,1", "2024-02-12 15:00:00,SW19,4", "2024-02-12 16:00:00,SW19,1"});
    QCOMPARE(box.report({QStringLiteral("--basis"), QStringLiteral("current")}), all);

    // A file of another name for a loaded hour: refused before anything is written, naming the run that holds
    // the hour and both ways forward.
    const QString resent = box.write(QStringLiteral("pageviews_resent.csv"), "user_id,url,pageview_datetime\n"
                                                                             "2,/a,2024-02-12 15:11:00\n"
                                                                             "2,/b,2024-02-12 15:12:00\n");
    const CliResult refused = box.run({QStringLiteral("load"), resent});
    EXPECT_EXIT(refused, 1);
    EXPECT_CONTAINS(refused.err, "pageviews_resent.csv: not loaded: the hour 2024-02-12 15:00:00 is already loaded from "
                                 "another file, pageview_extract_2024021215.csv (run 2); nothing changed. If this file "
                                 "corrects that one, load it again with --replace; if it is for another hour, give that "
                                 "hour with --hour");
    QCOMPARE(box.report({QStringLiteral("--basis"), QStringLiteral("current")}), all);

    // Said to be a correction, it replaces the earlier file entirely (its late row too: no 14:00 row).
    const CliResult r = box.run({QStringLiteral("load"), QStringLiteral("--replace"), resent});
    EXPECT_EXIT(r, 0);
    EXPECT_CONTAINS(r.out, "replaced run 2");
    QCOMPARE(box.report({QStringLiteral("--basis"), QStringLiteral("current")}),
             reportCsv({"2024-02-12 15:00:00,N1,2", "2024-02-12 15:00:00,SW19,2", "2024-02-12 16:00:00,SW19,1"}));
    // A file sent again under the same name is evidently a correction of it.
    box.write(QStringLiteral("pageview_extract_2024021216.csv"), "user_id,url,pageview_datetime\n2,/g,2024-02-12 16:20:00\n");
    const CliResult again = box.run({QStringLiteral("load"), at16});
    EXPECT_EXIT(again, 0);
    EXPECT_CONTAINS(again.out, "replaced run 3");
    QCOMPARE(box.report({QStringLiteral("--basis"), QStringLiteral("at-time")}),
             reportCsv({"2024-02-12 15:00:00,N1,2", "2024-02-12 16:00:00,N1,1"}));
    const CliResult runs = box.run({QStringLiteral("runs")});
    QCOMPARE(runStatuses(runs.out), (QStringList{QStringLiteral("1 succeeded"), QStringLiteral("2 replaced"),
                                                  QStringLiteral("3 replaced"), QStringLiteral("4 refused"),
                                                  QStringLiteral("5 succeeded"), QStringLiteral("6 succeeded")}));
    EXPECT_CONTAINS(runLine(runs.out, 2).toUtf8(), "replaced by run 5");
    EXPECT_EXIT(box.run({QStringLiteral("check")}), 0);
}

void CommandlineTest::zonedTimesLoadInUtcAndMixedOnesAreRefused()
{
    Sandbox box;
    QVERIFY(box.isValid());
    EXPECT_EXIT(box.run({QStringLiteral("load"), box.write(QStringLiteral("users_extract_2024-03-01.csv"), "id,postcode\n1,SW19\n2,N1\n")}), 0);
    // As PostgreSQL, pandas and BigQuery write UTC and other zones: each counts in its UTC hour.
    const CliResult zoned = box.run({QStringLiteral("load"), box.write(QStringLiteral("export.csv"),
                                                                       "user_id,url,pageview_datetime\n"
                                                                       "1,/a,2024-03-01 10:05:00+00\n"
                                                                       "1,/b,2024-03-01T10:10:00+00:00\n"
                                                                       "2,/c,2024-03-01 10:15:00 UTC\n"
                                                                       "2,/d,2024-03-01 11:20:00+01:00\n"
                                                                       "2,/e,2024-03-01 05:25:00-05:00\n")});
    EXPECT_EXIT(zoned, 0);
    QCOMPARE(box.report({QStringLiteral("--basis"), QStringLiteral("at-time")}),
             reportCsv({"2024-03-01 10:00:00,N1,3", "2024-03-01 10:00:00,SW19,2"}));
    // Naive and zoned times in one file: refused, naming the first line of each; nothing changes.
    const CliResult mixed = box.run({QStringLiteral("load"), box.write(QStringLiteral("mixed.csv"),
                                                                       "user_id,url,pageview_datetime\n"
                                                                       "1,/a,2024-03-01 12:05:00\n"
                                                                       "2,/b,2024-03-01 12:10:00+01:00\n")});
    EXPECT_EXIT(mixed, 1);
    EXPECT_CONTAINS(mixed.err, "mixed.csv:3: line 3 has a pageview time with a zone ('2024-03-01 12:10:00+01:00') and "
                               "line 2 one without ('2024-03-01 12:05:00')");
    QCOMPARE(box.report({QStringLiteral("--basis"), QStringLiteral("at-time")}),
             reportCsv({"2024-03-01 10:00:00,N1,3", "2024-03-01 10:00:00,SW19,2"}));
}

void CommandlineTest::otherPipelinesFilesLoadWithTheirLayout()
{
    Sandbox box;
    QVERIFY(box.isValid());
    // A dbt source's names, pipe-separated: the separator is told from the header; the names need a mapping,
    // which the refusal offers.
    const QString users = box.write(QStringLiteral("user_extract_20240301.csv"), "Customer_id|Customer_postcode|load_date\n"
                                                                                 "1|SW19|2024-03-01\n2|n1 9gu|2024-03-01\n");
    const CliResult unmapped = box.run({QStringLiteral("load"), users});
    EXPECT_EXIT(unmapped, 1);
    EXPECT_CONTAINS(unmapped.err, "user_extract_20240301.csv:1: the header is not recognised");
    EXPECT_CONTAINS(unmapped.err, "map them with --columns");
    EXPECT_EXIT(box.run({QStringLiteral("load"), QStringLiteral("--columns"), QStringLiteral("id=customer_id,postcode=customer_postcode"),
                         QStringLiteral("--as-of"), QStringLiteral("2024-03-01"), users}),
                0);
    // Tab-separated with the pipeline's names; a bad row names the file's column and its line.
    const QString tabs = box.write(QStringLiteral("pageview_extract_2024030110.csv"), "user_id\tpage_url\ttimestamp\n"
                                                                                     "1\t/a\t2024-03-01 10:05:00+00\n"
                                                                                     "2\t/b\t2024-03-01 10:10:00+00\n");
    EXPECT_EXIT(box.run({QStringLiteral("load"), QStringLiteral("--columns=url=page_url,pageview_datetime=timestamp"), tabs}), 0);
    // Without a header, in the contract's order; the kind from the name.
    const QString headerless = box.write(QStringLiteral("pageview_extract_2024030111.csv"), "1,/c,2024-03-01 11:05:00\n");
    const CliResult asHeader = box.run({QStringLiteral("load"), headerless});
    EXPECT_EXIT(asHeader, 1);
    EXPECT_CONTAINS(asHeader.err, "a file without one loads with --no-header");
    EXPECT_EXIT(box.run({QStringLiteral("load"), QStringLiteral("--no-header"), headerless}), 0);
    QCOMPARE(box.report({QStringLiteral("--basis"), QStringLiteral("at-time")}),
             reportCsv({"2024-03-01 10:00:00,N1 9GU,1", "2024-03-01 10:00:00,SW19,1", "2024-03-01 11:00:00,SW19,1"}));
    // watch takes the same layout for a folder one pipeline feeds; a separator given is used as given.
    box.write(QStringLiteral("incoming/pageview_extract_2024030112.csv"), "2;/d,e;2024-03-01 12:05:00\n");
    const QString folder = box.path(QStringLiteral("incoming"));
    const CliResult watched = box.run({QStringLiteral("watch"), QStringLiteral("--once"), QStringLiteral("--delimiter"),
                                       QStringLiteral("semicolon"), QStringLiteral("--no-header"), folder});
    EXPECT_EXIT(watched, 0);
    EXPECT_CONTAINS(watched.out, "loaded as run");
    QCOMPARE(box.report({QStringLiteral("--basis"), QStringLiteral("at-time"), QStringLiteral("--from"), QStringLiteral("2024-03-01 12:00:00")}),
             reportCsv({"2024-03-01 12:00:00,N1 9GU,1"}));
}

void CommandlineTest::snapshotDateInsideTheFileAndAheadOfTheClock()
{
    Sandbox box;
    QVERIFY(box.isValid());
    // A load_date that disagrees with the name: loaded as the name says, with a warning naming both dates.
    const CliResult named = box.run({QStringLiteral("load"), box.write(QStringLiteral("users_extract_2024-03-02.csv"),
                                                                       "id,postcode,load_date\n1,SW19,2024-03-05\n2,N1,2024-03-05\n")});
    EXPECT_EXIT(named, 0);
    EXPECT_CONTAINS(named.out, "as of 2024-03-02 00:00:00");
    EXPECT_CONTAINS(named.out, "warning: its load_date column says 2024-03-05 (line 2) where its name says 2024-03-02; "
                               "loaded as of the name (--as-of-column load_date takes the column's)");
    // One that agrees says nothing.
    const CliResult agreeing = box.run({QStringLiteral("load"), box.write(QStringLiteral("users_extract_2024-03-03.csv"),
                                                                          "id,postcode,extract_date\n1,SW19,2024-03-03 00:00:00\n2,N1,2024-03-03\n")});
    EXPECT_EXIT(agreeing, 0);
    EXPECT_NOT_CONTAINS(agreeing.out, "warning");
    // --as-of-column: the column's single value is the as-of, whatever the name says.
    const QString columned = box.write(QStringLiteral("users_extract_2024-03-01.csv"), "id,postcode,snap\n1,E1,2024-03-04\n2,N1,2024-03-04\n");
    const CliResult byColumn = box.run({QStringLiteral("load"), QStringLiteral("--as-of-column"), QStringLiteral("SNAP"), columned});
    EXPECT_EXIT(byColumn, 0);
    EXPECT_CONTAINS(byColumn.out, "as of 2024-03-04 00:00:00");
    const CliResult history = box.run({QStringLiteral("history"), QStringLiteral("1")});
    EXPECT_CONTAINS(history.out, "2024-03-04 00:00:00");
    // Two values in it: refused, naming the first line of each; nothing changes.
    const CliResult two = box.run({QStringLiteral("load"), QStringLiteral("--as-of-column"), QStringLiteral("snap"),
                                   box.write(QStringLiteral("users_two.csv"), "id,postcode,snap\n1,W1,2024-03-05\n2,W2,2024-03-05\n3,W3,2024-03-06\n")});
    EXPECT_EXIT(two, 1);
    EXPECT_CONTAINS(two.err, "users_two.csv: column 'snap', given as the as-of column, holds '2024-03-05' on line 2 and "
                             "'2024-03-06' on line 4; a snapshot has one as-of, so nothing was loaded");
    EXPECT_EXIT(box.run({QStringLiteral("load"), QStringLiteral("--as-of"), QStringLiteral("2024-03-05"), QStringLiteral("--as-of-column"),
                         QStringLiteral("snap"), columned}),
                2);
    // A far-future date read from the name is refused, saying where it was read; --as-of loads it.
    const QString future = box.write(QStringLiteral("users_9999-12-31.csv"), "id,postcode\n1,YO1 7HH\n2,N1\n");
    const CliResult ahead = box.run({QStringLiteral("load"), future});
    EXPECT_EXIT(ahead, 1);
    EXPECT_CONTAINS(ahead.err, "users_9999-12-31.csv: the as-of 9999-12-31 00:00:00, read from the file name, is more than "
                               "a day after the clock");
    EXPECT_CONTAINS(ahead.err, "if it is right, give it with --as-of");
    EXPECT_NOT_CONTAINS(box.run({QStringLiteral("history"), QStringLiteral("1")}).out, "YO1");
    const QDate tomorrow = QDateTime::currentDateTimeUtc().date().addDays(1);
    const QString nextDay = box.write(QStringLiteral("users_%1.csv").arg(tomorrow.toString(QStringLiteral("yyyy-MM-dd"))),
                                      "id,postcode\n1,E1\n2,N1\n");
    EXPECT_EXIT(box.run({QStringLiteral("load"), nextDay}), 0); // midnight tonight: within a day of the clock
}

void CommandlineTest::repeatedIdsAreCountedInTheRefusal()
{
    Sandbox box;
    QVERIFY(box.isValid());
    QByteArray users("id,postcode\n");
    for (int id = 1; id <= 40; ++id)
        users += QByteArray::number(id) + ",SW19\n";
    users += "7,N1\n12,E1\n12,E2\n";
    const CliResult r = box.run({QStringLiteral("load"), box.write(QStringLiteral("users_2024-03-01.csv"), users)});
    EXPECT_EXIT(r, 1);
    EXPECT_CONTAINS(r.err, "5 of 43 rows rejected");
    EXPECT_CONTAINS(r.err, "2 ids appear with different postcodes; the first is user 7 on lines 8, 42 (SW19, N1).");
    EXPECT_NOT_CONTAINS(box.run({QStringLiteral("history"), QStringLiteral("1")}).out, "SW19");
}

void CommandlineTest::loadBadOptionValues_data()
{
    QTest::addColumn<QStringList>("options");
    QTest::newRow("max-rejects abc") << QStringList{QStringLiteral("--max-rejects"), QStringLiteral("abc")};
    QTest::newRow("max-rejects 150") << QStringList{QStringLiteral("--max-rejects"), QStringLiteral("150")};
    QTest::newRow("max-rejects -1") << QStringList{QStringLiteral("--max-rejects=-1")};
    QTest::newRow("kind foo") << QStringList{QStringLiteral("--kind"), QStringLiteral("foo")};
    QTest::newRow("as-of garbage") << QStringList{QStringLiteral("--as-of"), QStringLiteral("garbage")};
    QTest::newRow("as-of bad month") << QStringList{QStringLiteral("--as-of"), QStringLiteral("2024-13-01")};
    QTest::newRow("hour garbage") << QStringList{QStringLiteral("--hour"), QStringLiteral("ten o'clock")};
    QTest::newRow("hour not on the hour") << QStringList{QStringLiteral("--hour"), QStringLiteral("2024-03-01 10:30:00")};
    QTest::newRow("unknown option") << QStringList{QStringLiteral("--frobnicate")};
    QTest::newRow("delimiter of two characters") << QStringList{QStringLiteral("--delimiter"), QStringLiteral("::")};
    QTest::newRow("columns, a column not read") << QStringList{QStringLiteral("--columns"), QStringLiteral("page=page_url")};
    QTest::newRow("columns without =") << QStringList{QStringLiteral("--columns"), QStringLiteral("url")};
}

void CommandlineTest::loadBadOptionValues()
{
    QFETCH(QStringList, options);
    Sandbox box;
    QVERIFY(box.isValid());
    const QString file = box.write(QStringLiteral("users_extract_2024-03-01.csv"), moverUsers1);
    const CliResult r = box.run(QStringList{QStringLiteral("load")} + options + QStringList{file});
    EXPECT_EXIT(r, 2);
    EXPECT_ONE_LINE_ERROR(r);
    QCOMPARE(r.out, QByteArray());
    const CliResult noFile = box.run({QStringLiteral("load")});
    EXPECT_EXIT(noFile, 2);
    // Nothing was loaded.
    const CliResult history = box.run({QStringLiteral("history"), QStringLiteral("1")});
    EXPECT_NOT_CONTAINS(history.out, "SW19");
}

// -------------------------------------------------------------------------------------------------- report

void CommandlineTest::reportMover_data()
{
    QTest::addColumn<QStringList>("options");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("at-time hour") << QStringList{QStringLiteral("--basis"), QStringLiteral("at-time"),
                                                 QStringLiteral("--grain"), QStringLiteral("hour")}
                                  << reportCsv(moverAtTimeHourly);
    QTest::newRow("current hour") << QStringList{QStringLiteral("--basis"), QStringLiteral("current"),
                                                 QStringLiteral("--grain"), QStringLiteral("hour")}
                                  << reportCsv(moverCurrentHourly);
    QTest::newRow("at-time day") << QStringList{QStringLiteral("--basis"), QStringLiteral("at-time"),
                                                QStringLiteral("--grain"), QStringLiteral("day")}
                                 << reportCsv({"2024-03-01 00:00:00,EC1A,1", "2024-03-01 00:00:00,SW19,2",
                                               "2024-03-01 00:00:00,SW1A 1AA,1", "2024-03-02 00:00:00,EC1A,1",
                                               "2024-03-02 00:00:00,N1,3", "2024-03-02 00:00:00,UNKNOWN,1"});
    QTest::newRow("current day") << QStringList{QStringLiteral("--basis"), QStringLiteral("current"),
                                                QStringLiteral("--grain"), QStringLiteral("day")}
                                 << reportCsv({"2024-03-01 00:00:00,EC1A,1", "2024-03-01 00:00:00,N1,2",
                                               "2024-03-01 00:00:00,SW1A 1AA,1", "2024-03-02 00:00:00,EC1A,1",
                                               "2024-03-02 00:00:00,N1,3", "2024-03-02 00:00:00,UNKNOWN,1"});
    QTest::newRow("at-time month") << QStringList{QStringLiteral("--basis"), QStringLiteral("at-time"),
                                                  QStringLiteral("--grain"), QStringLiteral("month")}
                                   << reportCsv({"2024-03-01 00:00:00,EC1A,2", "2024-03-01 00:00:00,N1,3",
                                                 "2024-03-01 00:00:00,SW19,2", "2024-03-01 00:00:00,SW1A 1AA,1",
                                                 "2024-03-01 00:00:00,UNKNOWN,1"});
    QTest::newRow("current month") << QStringList{QStringLiteral("--basis"), QStringLiteral("current"),
                                                  QStringLiteral("--grain"), QStringLiteral("month")}
                                   << reportCsv({"2024-03-01 00:00:00,EC1A,2", "2024-03-01 00:00:00,N1,5",
                                                 "2024-03-01 00:00:00,SW1A 1AA,1", "2024-03-01 00:00:00,UNKNOWN,1"});
}

void CommandlineTest::reportMover()
{
    QFETCH(QStringList, options);
    QFETCH(QByteArray, expected);
    Sandbox box;
    QVERIFY(box.isValid());
    LOAD_MOVER_SCENARIO(box);
    const CliResult r = box.run(QStringList{QStringLiteral("report")} + options);
    EXPECT_EXIT(r, 0);
    QCOMPARE(r.out, expected);
    QCOMPARE(r.err, QByteArray());
}

void CommandlineTest::reportGrains_data()
{
    QTest::addColumn<QString>("grain");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("hour") << QStringLiteral("hour")
                          << reportCsv({"2024-02-29 23:00:00,SW19,2", "2024-03-03 23:00:00,SW19,1",
                                        "2024-03-04 00:00:00,SW19,4", "2024-03-04 05:00:00,SW19,1"});
    QTest::newRow("day") << QStringLiteral("day")
                         << reportCsv({"2024-02-29 00:00:00,SW19,2", "2024-03-03 00:00:00,SW19,1",
                                       "2024-03-04 00:00:00,SW19,5"});
    // ISO weeks start on Monday: Thursday 29 Feb and Sunday 3 Mar are in the week of Monday 26 Feb.
    QTest::newRow("week") << QStringLiteral("week")
                          << reportCsv({"2024-02-26 00:00:00,SW19,3", "2024-03-04 00:00:00,SW19,5"});
    QTest::newRow("month") << QStringLiteral("month")
                           << reportCsv({"2024-02-01 00:00:00,SW19,2", "2024-03-01 00:00:00,SW19,6"});
}

void CommandlineTest::reportGrains()
{
    QFETCH(QString, grain);
    QFETCH(QByteArray, expected);
    Sandbox box;
    QVERIFY(box.isValid());
    LOAD_CALENDAR_SCENARIO(box);
    for (const QString &basis : {QStringLiteral("current"), QStringLiteral("at-time")}) {
        const CliResult r = box.run({QStringLiteral("report"), QStringLiteral("--basis"), basis,
                                     QStringLiteral("--grain"), grain});
        EXPECT_EXIT(r, 0);
        QCOMPARE(r.out, expected);
    }
}

void CommandlineTest::reportFromToBoundaries_data()
{
    QTest::addColumn<QStringList>("options");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("from inclusive, to exclusive")
        << QStringList{QStringLiteral("--grain"), QStringLiteral("hour"), QStringLiteral("--from"),
                       QStringLiteral("2024-03-03 23:00:00"), QStringLiteral("--to"), QStringLiteral("2024-03-04 05:00:00")}
        << reportCsv({"2024-03-03 23:00:00,SW19,1", "2024-03-04 00:00:00,SW19,4"});
    QTest::newRow("to at a view's exact time excludes it")
        << QStringList{QStringLiteral("--grain"), QStringLiteral("hour"), QStringLiteral("--to"),
                       QStringLiteral("2024-03-04 00:00:00")}
        << reportCsv({"2024-02-29 23:00:00,SW19,2", "2024-03-03 23:00:00,SW19,1"});
    QTest::newRow("from at a view's exact time includes it")
        << QStringList{QStringLiteral("--grain"), QStringLiteral("hour"), QStringLiteral("--from"),
                       QStringLiteral("2024-03-04 00:00:00")}
        << reportCsv({"2024-03-04 00:00:00,SW19,4", "2024-03-04 05:00:00,SW19,1"});
    QTest::newRow("bare dates, day grain")
        << QStringList{QStringLiteral("--grain"), QStringLiteral("day"), QStringLiteral("--from"),
                       QStringLiteral("2024-03-03"), QStringLiteral("--to"), QStringLiteral("2024-03-04")}
        << reportCsv({"2024-03-03 00:00:00,SW19,1"});
    QTest::newRow("week grain over a partial range")
        << QStringList{QStringLiteral("--grain"), QStringLiteral("week"), QStringLiteral("--from"),
                       QStringLiteral("2024-03-01"), QStringLiteral("--to"), QStringLiteral("2024-03-04 01:00:00")}
        << reportCsv({"2024-02-26 00:00:00,SW19,1", "2024-03-04 00:00:00,SW19,4"});
    QTest::newRow("empty range") << QStringList{QStringLiteral("--from"), QStringLiteral("2024-03-05"),
                                                QStringLiteral("--to"), QStringLiteral("2024-04-01")}
                                 << reportHeader;
    QTest::newRow("from equals to") << QStringList{QStringLiteral("--from"), QStringLiteral("2024-03-04"),
                                                   QStringLiteral("--to"), QStringLiteral("2024-03-04")}
                                    << reportHeader;
}

void CommandlineTest::reportFromToBoundaries()
{
    QFETCH(QStringList, options);
    QFETCH(QByteArray, expected);
    Sandbox box;
    QVERIFY(box.isValid());
    LOAD_CALENDAR_SCENARIO(box);
    const CliResult r = box.run(QStringList{QStringLiteral("report"), QStringLiteral("--basis"), QStringLiteral("at-time")}
                                + options);
    EXPECT_EXIT(r, 0);
    QCOMPARE(r.out, expected);
}

void CommandlineTest::reportPostcodeFilterNormalised()
{
    Sandbox box;
    QVERIFY(box.isValid());
    LOAD_MOVER_SCENARIO(box);
    QCOMPARE(box.report({QStringLiteral("--basis"), QStringLiteral("at-time"), QStringLiteral("--postcode"),
                         QStringLiteral("sw19"), QStringLiteral("--postcode"), QStringLiteral(" n1 ")}),
             reportCsv({"2024-03-01 10:00:00,SW19,2", "2024-03-02 09:00:00,N1,3"}));
    QCOMPARE(box.report({QStringLiteral("--basis"), QStringLiteral("current"), QStringLiteral("--postcode"),
                         QStringLiteral("sw19"), QStringLiteral("--postcode"), QStringLiteral("N1")}),
             reportCsv({"2024-03-01 10:00:00,N1,2", "2024-03-02 09:00:00,N1,3"}));
    // A full postcode with extra inner spaces, lower-cased.
    QCOMPARE(box.report({QStringLiteral("--basis"), QStringLiteral("at-time"), QStringLiteral("--grain"),
                         QStringLiteral("day"), QStringLiteral("--postcode"), QStringLiteral("sw1a   1aa")}),
             reportCsv({"2024-03-01 00:00:00,SW1A 1AA,1"}));
    // A valid postcode nobody has: just the header.
    QCOMPARE(box.report({QStringLiteral("--basis"), QStringLiteral("at-time"), QStringLiteral("--postcode"),
                         QStringLiteral("E1")}),
             reportHeader);
}

void CommandlineTest::reportInvalidPostcode()
{
    Sandbox box;
    QVERIFY(box.isValid());
    LOAD_MOVER_SCENARIO(box);
    const CliResult r = box.run({QStringLiteral("report"), QStringLiteral("--basis"), QStringLiteral("at-time"),
                                 QStringLiteral("--postcode"), QStringLiteral("SW19"), QStringLiteral("--postcode"),
                                 QStringLiteral("12345")});
    QVERIFY2(r.finished && r.exitCode != 0, describe(r).constData());
    EXPECT_ONE_LINE_ERROR(r);
    EXPECT_CONTAINS(r.err, "12345");
    QCOMPARE(r.out, QByteArray());
}

void CommandlineTest::reportPostcodeNobodyHadIsSaid()
{
    Sandbox box;
    QVERIFY(box.isValid());
    LOAD_CALENDAR_SCENARIO(box);
    const CliResult r = box.run({QStringLiteral("report"), QStringLiteral("--basis"), QStringLiteral("current"),
                                 QStringLiteral("--postcode"), QStringLiteral("zz99"), QStringLiteral("--postcode"),
                                 QStringLiteral("SW19"), QStringLiteral("--grain"), QStringLiteral("month")});
    // The CSV is true (SW19's rows, none for ZZ99) and the likely typo is said, once, on stderr.
    EXPECT_EXIT(r, 0);
    QCOMPARE(r.out, reportCsv({"2024-02-01 00:00:00,SW19,2", "2024-03-01 00:00:00,SW19,6"}));
    QCOMPARE(r.err, QByteArray("pvadmin report: ZZ99: no user in the warehouse has ever had this postcode\n"));
}

void CommandlineTest::statusTellsAMonitorWhatNeedsAttention()
{
    Sandbox box;
    QVERIFY(box.isValid());
    // Hours 10, 12 and 14 loaded; 11 never arrived; 13's file failed on its rejected rows.
    EXPECT_EXIT(box.run({QStringLiteral("load"), box.write(QStringLiteral("users_extract_2024-03-01.csv"), "id,postcode\n1,SW19\n")}), 0);
    for (const int hour : {10, 12, 14}) {
        const QByteArray row = QStringLiteral("1,/a,2024-03-01 %1:05:00\n").arg(hour).toUtf8();
        EXPECT_EXIT(box.run({QStringLiteral("load"), box.write(QStringLiteral("pv_%1.csv").arg(hour), "user_id,url,pageview_datetime\n" + row)}), 0);
    }
    const CliResult failed = box.run({QStringLiteral("load"), box.write(QStringLiteral("pv_13.csv"), "user_id,url,pageview_datetime\n"
                                                                                                     "1,/a,2024-03-01 13:05:00\nx,/a,2024-03-01 13:06:00\n")});
    EXPECT_EXIT(failed, 1);
    const QStringList at{QStringLiteral("status"), QStringLiteral("--now"), QStringLiteral("2024-03-01 15:30:00")};

    const CliResult text = box.run(at);
    EXPECT_EXIT(text, 1);
    EXPECT_CONTAINS(text.out, "needs attention");
    EXPECT_CONTAINS(text.out, "attention: 1 hour missing in the last 48 hours: 2024-03-01 11:00");
    EXPECT_CONTAINS(text.out, "attention: 1 hour failed in the last 48 hours: 2024-03-01 13:00");
    EXPECT_CONTAINS(text.out, "last failure: run 5 (pv_13.csv) failed");

    const CliResult json = box.run(at + QStringList{QStringLiteral("--json")});
    EXPECT_EXIT(json, 1);
    const QJsonObject object = QJsonDocument::fromJson(json.out).object();
    QCOMPARE(object.value(QStringLiteral("status")).toString(), QStringLiteral("attention"));
    QCOMPARE(object.value(QStringLiteral("newest_hour")).toString(), QStringLiteral("2024-03-01 14:00:00"));
    const QJsonObject window = object.value(QStringLiteral("window")).toObject();
    QCOMPARE(window.value(QStringLiteral("from")).toString(), QStringLiteral("2024-03-01 10:00:00")); // the oldest loaded
    QCOMPARE(window.value(QStringLiteral("missing_hours")).toArray(), QJsonArray{QStringLiteral("2024-03-01 11:00:00")});
    QCOMPARE(window.value(QStringLiteral("failed_hours")).toArray(), QJsonArray{QStringLiteral("2024-03-01 13:00:00")});
    QCOMPARE(object.value(QStringLiteral("last_failure")).toObject().value(QStringLiteral("run")).toInt(), 5);

    // The last hour alone is fine and fresh: healthy. Hours later nothing new has come: attention.
    const CliResult lastHour = box.run(at + QStringList{QStringLiteral("--window"), QStringLiteral("1")});
    EXPECT_EXIT(lastHour, 0);
    EXPECT_CONTAINS(lastHour.out, "healthy");
    const CliResult later = box.run({QStringLiteral("status"), QStringLiteral("--now"), QStringLiteral("2024-03-01 19:00:00"),
                                     QStringLiteral("--window"), QStringLiteral("1")});
    EXPECT_EXIT(later, 1);
    EXPECT_CONTAINS(later.out, "the newest hour loaded (2024-03-01 14:00 UTC) started 5 hours ago, more than 3");

    // No warehouse there: 2, in JSON too.
    const CliResult none = box.runRaw({QStringLiteral("--db"), box.path(QStringLiteral("none.sqlite")), QStringLiteral("status"),
                                       QStringLiteral("--json")});
    EXPECT_EXIT(none, 2);
    QCOMPARE(QJsonDocument::fromJson(none.out).object().value(QStringLiteral("status")).toString(), QStringLiteral("error"));
}

void CommandlineTest::reportHoursLoadedMarksPartialPeriods_data()
{
    // The calendar scenario's one file fills the window 2024-03-04 00h (4 of its 8 rows); its other rows are
    // late rows in hours whose own file never loaded: every period but that hour is partial.
    QTest::addColumn<QStringList>("options");
    QTest::addColumn<QByteArray>("expected");
    const QByteArray header = "period_start,postcode,pageviews,hours_loaded,period_hours\n";
    QTest::newRow("hour") << QStringList{QStringLiteral("--grain"), QStringLiteral("hour")}
                          << header + "2024-02-29 23:00:00,SW19,2,0,1\n2024-03-03 23:00:00,SW19,1,0,1\n"
                                      "2024-03-04 00:00:00,SW19,4,1,1\n2024-03-04 05:00:00,SW19,1,0,1\n";
    QTest::newRow("day") << QStringList{QStringLiteral("--grain"), QStringLiteral("day")}
                         << header + "2024-02-29 00:00:00,SW19,2,0,24\n2024-03-03 00:00:00,SW19,1,0,24\n"
                                     "2024-03-04 00:00:00,SW19,5,1,24\n";
    QTest::newRow("week") << QStringList{QStringLiteral("--grain"), QStringLiteral("week")}
                          << header + "2024-02-26 00:00:00,SW19,3,0,168\n2024-03-04 00:00:00,SW19,5,1,168\n";
    // February 2024 has 29 days.
    QTest::newRow("month") << QStringList{QStringLiteral("--grain"), QStringLiteral("month")}
                           << header + "2024-02-01 00:00:00,SW19,2,0,696\n2024-03-01 00:00:00,SW19,6,1,744\n";
    // Hours of the period outside the range are not loaded for this count.
    QTest::newRow("day clipped by the range")
        << QStringList{QStringLiteral("--grain"), QStringLiteral("day"), QStringLiteral("--from"),
                       QStringLiteral("2024-03-04 00:00:00"), QStringLiteral("--to"), QStringLiteral("2024-03-04 03:00:00")}
        << header + "2024-03-04 00:00:00,SW19,4,1,24\n";
}

void CommandlineTest::reportHoursLoadedMarksPartialPeriods()
{
    QFETCH(QStringList, options);
    QFETCH(QByteArray, expected);
    Sandbox box;
    QVERIFY(box.isValid());
    LOAD_CALENDAR_SCENARIO(box);
    for (const QString &basis : {QStringLiteral("current"), QStringLiteral("at-time")}) {
        const CliResult r = box.run(QStringList{QStringLiteral("report"), QStringLiteral("--basis"), basis,
                                                QStringLiteral("--hours-loaded")} + options);
        EXPECT_EXIT(r, 0);
        QCOMPARE(r.out, expected);
        QCOMPARE(r.err, QByteArray());
    }
}

void CommandlineTest::reportUserInNoSnapshotIsUnknown()
{
    Sandbox box;
    QVERIFY(box.isValid());
    LOAD_MOVER_SCENARIO(box);
    for (const QString &basis : {QStringLiteral("current"), QStringLiteral("at-time")}) {
        QCOMPARE(box.report({QStringLiteral("--basis"), basis, QStringLiteral("--postcode"), QStringLiteral("unknown")}),
                 reportCsv({"2024-03-02 09:00:00,UNKNOWN,1"}));
    }
    // User 99 later turns up in a snapshot: their view moves out of UNKNOWN on both bases.
    const CliResult late = box.run({QStringLiteral("load"), box.write(QStringLiteral("users_extract_2024-03-03.csv"),
                                                                      "id,postcode\n1,N1\n2,EC1A\n3,SW1A 1AA\n99,E1\n")});
    EXPECT_EXIT(late, 0);
    for (const QString &basis : {QStringLiteral("current"), QStringLiteral("at-time")}) {
        QCOMPARE(box.report({QStringLiteral("--basis"), basis, QStringLiteral("--postcode"), QStringLiteral("UNKNOWN"),
                             QStringLiteral("--postcode"), QStringLiteral("e1")}),
                 reportCsv({"2024-03-02 09:00:00,E1,1"}));
    }
}

void CommandlineTest::reportOutputFileSameBytes()
{
    Sandbox box;
    QVERIFY(box.isValid());
    LOAD_MOVER_SCENARIO(box);
    const QStringList options{QStringLiteral("report"), QStringLiteral("--basis"), QStringLiteral("current"),
                              QStringLiteral("--grain"), QStringLiteral("day")};
    const CliResult toStdout = box.run(options);
    EXPECT_EXIT(toStdout, 0);
    const QString file = box.path(QStringLiteral("out/report.csv"));
    QVERIFY(QDir().mkpath(QFileInfo(file).absolutePath()));
    const CliResult toFile = box.run(options + QStringList{QStringLiteral("--output"), file});
    EXPECT_EXIT(toFile, 0);
    QCOMPARE(toFile.out, QByteArray());
    QFile f(file);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), toStdout.out);
    QCOMPARE(toStdout.out, reportCsv({"2024-03-01 00:00:00,EC1A,1", "2024-03-01 00:00:00,N1,2",
                                      "2024-03-01 00:00:00,SW1A 1AA,1", "2024-03-02 00:00:00,EC1A,1",
                                      "2024-03-02 00:00:00,N1,3", "2024-03-02 00:00:00,UNKNOWN,1"}));

    // A place that cannot be written: a failure with the reason, not a usage error.
    const CliResult unwritable = box.run(options + QStringList{QStringLiteral("--output"),
                                                               box.path(QStringLiteral("no/such/folder/report.csv"))});
    EXPECT_EXIT(unwritable, 1);
    EXPECT_ONE_LINE_ERROR(unwritable);
    EXPECT_CONTAINS(unwritable.err, "report.csv");

    // A report that fails leaves no output file behind.
    const QString failed = box.path(QStringLiteral("out/failed.csv"));
    const CliResult invalid = box.run({QStringLiteral("report"), QStringLiteral("--basis"), QStringLiteral("current"),
                                       QStringLiteral("--postcode"), QStringLiteral("not a postcode"),
                                       QStringLiteral("--output"), failed});
    QVERIFY2(invalid.finished && invalid.exitCode != 0, describe(invalid).constData());
    QVERIFY(!QFileInfo::exists(failed));
}

void CommandlineTest::outputToFullStandardOutputFails_data()
{
    QTest::addColumn<QStringList>("command");
    QTest::newRow("report") << QStringList{QStringLiteral("report"), QStringLiteral("--basis"), QStringLiteral("current")};
    QTest::newRow("runs") << QStringList{QStringLiteral("runs")};
    QTest::newRow("rejects") << QStringList{QStringLiteral("rejects"), QStringLiteral("1")};
    QTest::newRow("history") << QStringList{QStringLiteral("history"), QStringLiteral("1")};
    QTest::newRow("check") << QStringList{QStringLiteral("check")};
    QTest::newRow("help") << QStringList{QStringLiteral("help"), QStringLiteral("report")};
}

void CommandlineTest::outputToFullStandardOutputFails()
{
    QFETCH(QStringList, command);
    QVERIFY2(QFileInfo::exists(QStringLiteral("/dev/full")), "the test needs Linux's /dev/full");
    Sandbox box;
    QVERIFY(box.isValid());
    LOAD_MOVER_SCENARIO(box);
    // Every write fails with ENOSPC: the command is a failure with the reason, never a silent exit 0.
    const CliResult full = box.runRaw(QStringList{QStringLiteral("--db"), box.warehouse()} + command, {}, {},
                                      QStringLiteral("/dev/full"));
    EXPECT_EXIT(full, 1);
    EXPECT_ONE_LINE_ERROR(full);
    EXPECT_CONTAINS(full.err, "cannot write");
    EXPECT_CONTAINS(full.err, "No space left on device");
}

void CommandlineTest::reportUsageErrors_data()
{
    QTest::addColumn<QStringList>("options");
    QTest::newRow("no basis") << QStringList{QStringLiteral("--grain"), QStringLiteral("day")};
    QTest::newRow("bad basis") << QStringList{QStringLiteral("--basis"), QStringLiteral("latest")};
    QTest::newRow("from inside an hour") << QStringList{QStringLiteral("--basis"), QStringLiteral("current"),
                                                        QStringLiteral("--from"), QStringLiteral("2024-03-01 10:30:00")};
    QTest::newRow("to inside an hour") << QStringList{QStringLiteral("--basis"), QStringLiteral("at-time"),
                                                      QStringLiteral("--to"), QStringLiteral("2024-03-01 10:00:01")};
    QTest::newRow("bad grain") << QStringList{QStringLiteral("--basis"), QStringLiteral("current"),
                                              QStringLiteral("--grain"), QStringLiteral("decade")};
    QTest::newRow("bad from") << QStringList{QStringLiteral("--basis"), QStringLiteral("current"),
                                             QStringLiteral("--from"), QStringLiteral("yesterday")};
    QTest::newRow("bad to") << QStringList{QStringLiteral("--basis"), QStringLiteral("current"),
                                           QStringLiteral("--to"), QStringLiteral("2024-02-30")};
    QTest::newRow("from after to") << QStringList{QStringLiteral("--basis"), QStringLiteral("current"),
                                                  QStringLiteral("--from"), QStringLiteral("2024-03-02"),
                                                  QStringLiteral("--to"), QStringLiteral("2024-03-01")};
    QTest::newRow("stray argument") << QStringList{QStringLiteral("--basis"), QStringLiteral("current"),
                                                   QStringLiteral("SW19")};
}

void CommandlineTest::reportUsageErrors()
{
    QFETCH(QStringList, options);
    Sandbox box;
    QVERIFY(box.isValid());
    LOAD_MOVER_SCENARIO(box);
    const CliResult r = box.run(QStringList{QStringLiteral("report")} + options);
    EXPECT_EXIT(r, 2);
    EXPECT_ONE_LINE_ERROR(r);
    QCOMPARE(r.out, QByteArray());
}

// ------------------------------------------------------------------------------ runs, rejects, history

void CommandlineTest::runsListsEveryRunWithStatus()
{
    Sandbox box;
    QVERIFY(box.isValid());
    EXPECT_EXIT(box.run({QStringLiteral("init")}), 0);
    const CliResult empty = box.run({QStringLiteral("runs")});
    EXPECT_EXIT(empty, 0);
    QCOMPARE(empty.out.count('\n'), 1);
    QVERIFY2(empty.out.startsWith("RUN "), empty.out.constData());

    LOAD_MOVER_SCENARIO(box);
    EXPECT_EXIT(box.run({QStringLiteral("load"), box.write(QStringLiteral("bad.csv"), "hello\n")}), 1);
    const CliResult runs = box.run({QStringLiteral("runs")});
    EXPECT_EXIT(runs, 0);
    const QList<QByteArray> lines = runs.out.trimmed().split('\n');
    QVERIFY2(lines.size() == 6, ("expected a header and 5 runs:\n" + runs.out).constData());
    const QList<QByteArray> header = lines[0].simplified().split(' ');
    QCOMPARE(header.value(0), QByteArray("RUN"));
    QVERIFY2(header.contains("STATUS") && header.contains("KIND") && header.contains("FILE"), lines[0].constData());
    QCOMPARE(runStatuses(runs.out), (QStringList{QStringLiteral("1 succeeded"), QStringLiteral("2 succeeded"),
                                                  QStringLiteral("3 succeeded"), QStringLiteral("4 succeeded"),
                                                  QStringLiteral("5 failed")}));
    EXPECT_CONTAINS(lines[1], "users_extract_2024-03-01.csv");
    EXPECT_CONTAINS(lines[5], "bad.csv");
    EXPECT_CONTAINS(box.run({QStringLiteral("runs"), QStringLiteral("extra")}).err, "runs takes no arguments");
}

void CommandlineTest::terminalSequencesFromAFileAreShownNotRun()
{
    Sandbox box;
    QVERIFY(box.isValid());
    // A title-setting OSC, a screen clear and a BEL inside bad values, and one in the file name.
    const QString file = box.write(QStringLiteral("users_2024-03-01\x1b[2J.csv"),
                                   "id,postcode\n1,SW19\n\x1b]0;owned\x07,N1\n2,\x1b[2JW1\n3,N1\n4,N1\n5,N1\n6,N1\n");
    const CliResult load = box.run({QStringLiteral("load"), QStringLiteral("--max-rejects"), QStringLiteral("50"),
                                    QStringLiteral("--as-of"), QStringLiteral("2024-03-01 00:00:00"), file});
    EXPECT_EXIT(load, 0);
    const CliResult failed = box.run({QStringLiteral("load"), QStringLiteral("--as-of"), QStringLiteral("2024-03-02 00:00:00"), file});
    EXPECT_EXIT(failed, 1);
    const CliResult rejects = box.run({QStringLiteral("rejects"), QString::number(runIdIn(load.out))});
    EXPECT_EXIT(rejects, 0);
    const CliResult runs = box.run({QStringLiteral("runs")});
    EXPECT_EXIT(runs, 0);
    for (const CliResult *r : {&load, &failed, &rejects, &runs}) {
        for (const QByteArray &text : {r->out, r->err}) {
            QVERIFY2(!text.contains('\x1b') && !text.contains('\x07'), text.constData());
        }
    }
    // What was there is still shown, escaped.
    EXPECT_CONTAINS(rejects.out, "\\x1b]0;owned\\x07");
    EXPECT_CONTAINS(rejects.out, "\\x1b[2JW1");
    EXPECT_CONTAINS(runs.out, "users_2024-03-01\\x1b[2J.csv");

    // A line feed in a name cannot forge a line of a log: the name is shown with it escaped, on one line.
    const QString forged = box.write(QStringLiteral("pageviews_2024-03-01T10.csv\npvadmin: all loads succeeded.csv"),
                                     "user_id,url,pageview_datetime\nx,/a,2024-03-01 10:00:00\n");
    const CliResult forgedLoad = box.run({QStringLiteral("load"), forged});
    EXPECT_EXIT(forgedLoad, 1);
    EXPECT_ONE_LINE_ERROR(forgedLoad);
    EXPECT_CONTAINS(forgedLoad.err, "pageviews_2024-03-01T10.csv\\x0apvadmin: all loads succeeded.csv");
    const CliResult forgedRuns = box.run({QStringLiteral("runs")});
    QCOMPARE(forgedRuns.out.count('\n'), 4); // the header and three runs
    EXPECT_CONTAINS(forgedRuns.out, "pageviews_2024-03-01T10.csv\\x0apvadmin: all loads succeeded.csv");
    const CliResult forgedRejects = box.run({QStringLiteral("rejects"), QString::number(runIdIn(forgedLoad.err))});
    QCOMPARE(forgedRejects.out.count('\n'), 3); // the summary, the table's header and the one rejected line
    EXPECT_CONTAINS(forgedRejects.out, "(pageviews_2024-03-01T10.csv\\x0apvadmin: all loads succeeded.csv, failed)");
    const CliResult forgedStatus = box.run({QStringLiteral("status")});
    EXPECT_CONTAINS(forgedStatus.out, "pageviews_2024-03-01T10.csv\\x0apvadmin: all loads succeeded.csv");
    QVERIFY2(!forgedStatus.out.contains("\npvadmin: all loads succeeded"), forgedStatus.out.constData());
}

void CommandlineTest::fileNamedForTheOtherKindIsRefused()
{
    Sandbox box;
    QVERIFY(box.isValid());
    // A users snapshot sent under an hour's name would be read as a snapshot as of that hour.
    const QString misnamedUsers = box.write(QStringLiteral("pageviews_2024-03-04T12.csv"), "id,postcode\n1,SW19\n2,N1\n");
    const CliResult users = box.run({QStringLiteral("load"), misnamedUsers});
    EXPECT_EXIT(users, 1);
    EXPECT_ONE_LINE_ERROR(users);
    EXPECT_CONTAINS(users.err, "pageviews_2024-03-04T12.csv:1: its name says a pageviews extract, but its header ('id,postcode') is a "
                               "users snapshot's: rename the file, or give its kind (--kind users) if the header is right");
    const QString misnamedViews = box.write(QStringLiteral("users_extract_2024-03-04.csv"), "user_id,url,pageview_datetime\n1,/a,2024-03-04 12:00:00\n");
    const CliResult views = box.run({QStringLiteral("load"), misnamedViews});
    EXPECT_EXIT(views, 1);
    EXPECT_CONTAINS(views.err, "its name says a users snapshot, but its header ('user_id,url,pageview_datetime') is a pageviews extract's");
    QCOMPARE(box.report({QStringLiteral("--basis"), QStringLiteral("current")}), QByteArray("period_start,postcode,pageviews\n"));
    // A name that says both, or neither, leaves it to the header; the operator's --kind overrides the name.
    EXPECT_EXIT(box.run({QStringLiteral("load"), box.write(QStringLiteral("pageviews_by_user_2024-03-04T12.csv"),
                                                          "user_id,url,pageview_datetime\n1,/a,2024-03-04 12:00:00\n")}), 0);
    EXPECT_EXIT(box.run({QStringLiteral("load"), QStringLiteral("--kind"), QStringLiteral("users"), misnamedUsers}), 0);
    EXPECT_CONTAINS(box.run({QStringLiteral("history"), QStringLiteral("2")}).out, "N1");
}

void CommandlineTest::fileNameThatIsNotUtf8IsLoadedByItsBytes()
{
    Sandbox box;
    QVERIFY(box.isValid());
    EXPECT_EXIT(box.run({QStringLiteral("load"), box.write(QStringLiteral("users_extract_2024-03-01.csv"), "id,postcode\n1,SW19\n")}), 0);
    // An extract named in Latin-1 by an older system: "café" with a lone byte E9, not UTF-8.
    const QByteArray folder = QFile::encodeName(box.path(QStringLiteral("latin1")));
    QVERIFY(QDir().mkpath(box.path(QStringLiteral("latin1"))));
    const auto writeByBytes = [](const QByteArray &name, const QByteArray &content) {
        const int fd = ::open(name.constData(), O_WRONLY | O_CREAT | O_EXCL, 0600);
        const bool written = fd >= 0 && ::write(fd, content.constData(), size_t(content.size())) == ssize_t(content.size());
        return fd >= 0 && ::close(fd) == 0 && written;
    };
    QVERIFY(writeByBytes(folder + "/pageviews_2024-03-01T10_caf\xe9.csv",
                         "user_id,url,pageview_datetime\n1,/a,2024-03-01 10:05:00\n1,/b,2024-03-01 10:06:00\n"));
    // Named on the command line by its bytes, as a shell's glob names it (QProcess would re-encode a QString).
    const auto viaShell = [&](const QString &script) {
        QProcess shell;
        shell.start(QStringLiteral("sh"), {QStringLiteral("-c"), script, QStringLiteral(PVADMIN_BINARY), box.warehouse(),
                                           box.path(QStringLiteral("latin1"))});
        CliResult result;
        result.finished = shell.waitForFinished(30000) && shell.exitStatus() == QProcess::NormalExit;
        result.exitCode = shell.exitCode();
        result.out = shell.readAllStandardOutput();
        result.err = shell.readAllStandardError();
        return result;
    };
    const QString loadTheFolder = QStringLiteral("exec \"$0\" --db \"$1\" load \"$2\"/*");
    const CliResult load = viaShell(loadTheFolder);
    EXPECT_EXIT(load, 0);
    EXPECT_CONTAINS(load.out, "pageviews_2024-03-01T10_caf\\xe9.csv: loaded as run 2, window 2024-03-01 10:00:00: 2 rows read");
    QCOMPARE(box.report({QStringLiteral("--basis"), QStringLiteral("current")}), QByteArray("period_start,postcode,pageviews\n2024-03-01 10:00:00,SW19,2\n"));
    EXPECT_CONTAINS(box.run({QStringLiteral("runs")}).out, "pageviews_2024-03-01T10_caf\\xe9.csv");
    // The same file again is the same file (its name is recorded, not lost).
    EXPECT_CONTAINS(viaShell(loadTheFolder).out, "already loaded (run 2, identical content)");
    // A name that is not there is "does not exist", shown with its byte escaped.
    const CliResult missing = viaShell(QStringLiteral("exec \"$0\" --db \"$1\" load \"$2\"/\"$(printf 'nosuch\\351.csv')\""));
    EXPECT_EXIT(missing, 1);
    EXPECT_ONE_LINE_ERROR(missing);
    EXPECT_CONTAINS(missing.err, "nosuch\\xe9.csv: the file does not exist (" + folder + "/nosuch\\xe9.csv)");
    // A warehouse's location goes to SQLite as text: one that is not UTF-8 is refused, and nothing is created.
    const CliResult latin1Warehouse = viaShell(QStringLiteral("exec \"$0\" --db \"$2\"/\"$(printf 'w\\351.sqlite')\" init"));
    EXPECT_EXIT(latin1Warehouse, 1);
    EXPECT_CONTAINS(latin1Warehouse.err, "/w\\xe9.sqlite: not a location pvadmin can use: it is not UTF-8");
    // (Counted by bytes: QDir leaves out the names it cannot decode.)
    QStringList entries;
    if (DIR *listing = ::opendir(folder.constData())) {
        while (const dirent *entry = ::readdir(listing)) {
            if (qstrcmp(entry->d_name, ".") != 0 && qstrcmp(entry->d_name, "..") != 0)
                entries << pv::shownFileName(pv::decodeFileName(entry->d_name));
        }
        ::closedir(listing);
    }
    QCOMPARE(entries, QStringList{QStringLiteral("pageviews_2024-03-01T10_caf\\xe9.csv")});

    // watch sees such a file too (a folder listing by QDir would leave it out), loads it and puts it away.
    const QString incoming = box.path(QStringLiteral("incoming"));
    QVERIFY(QDir().mkpath(incoming));
    QVERIFY(writeByBytes(QFile::encodeName(incoming) + "/pageviews_2024-03-01T11_caf\xe9.csv",
                         "user_id,url,pageview_datetime\n1,/a,2024-03-01 11:05:00\n"));
    const CliResult watched = box.run({QStringLiteral("watch"), QStringLiteral("--once"), incoming});
    EXPECT_EXIT(watched, 0);
    EXPECT_CONTAINS(watched.out, "pageviews_2024-03-01T11_caf\\xe9.csv: loaded as run");
    EXPECT_CONTAINS(watched.out, "moved to loaded/");
    struct stat st;
    QCOMPARE(::stat(QFile::encodeName(incoming) + "/loaded/pageviews_2024-03-01T11_caf\xe9.csv", &st), 0);
    EXPECT_CONTAINS(box.report({QStringLiteral("--basis"), QStringLiteral("current")}), "2024-03-01 11:00:00,SW19,1\n");
}

void CommandlineTest::rejectsErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exitCode");
    QTest::newRow("no such run") << QStringList{QStringLiteral("999")} << 1;
    QTest::newRow("not a number") << QStringList{QStringLiteral("abc")} << 2;
    QTest::newRow("zero") << QStringList{QStringLiteral("0")} << 2;
    QTest::newRow("no run id") << QStringList{} << 2;
    QTest::newRow("two run ids") << QStringList{QStringLiteral("1"), QStringLiteral("2")} << 2;
}

void CommandlineTest::rejectsErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    Sandbox box;
    QVERIFY(box.isValid());
    LOAD_MOVER_SCENARIO(box);
    const CliResult r = box.run(QStringList{QStringLiteral("rejects")} + arguments);
    EXPECT_EXIT(r, exitCode);
    EXPECT_ONE_LINE_ERROR(r);
    QCOMPARE(r.out, QByteArray());

    // A run without rejects says so, exit 0.
    const CliResult clean = box.run({QStringLiteral("rejects"), QStringLiteral("2")});
    EXPECT_EXIT(clean, 0);
    EXPECT_CONTAINS(clean.out, "0 rejected of 4 rows read");
}

void CommandlineTest::historyOfMover()
{
    Sandbox box;
    QVERIFY(box.isValid());
    LOAD_MOVER_SCENARIO(box);
    const CliResult r = box.run({QStringLiteral("history"), QStringLiteral("1")});
    EXPECT_EXIT(r, 0);
    const QList<QByteArray> lines = r.out.trimmed().split('\n');
    QCOMPARE(lines.size(), 4);
    EXPECT_CONTAINS(lines[0], "1");
    EXPECT_CONTAINS(lines[1], "POSTCODE");
    QCOMPARE(lines[2].simplified(), QByteArray("SW19 2024-03-01 00:00:00 2024-03-02 00:00:00"));
    QCOMPARE(lines[3].simplified(), QByteArray("N1 2024-03-02 00:00:00 - current"));

    // A user who never moved: one open period.
    const CliResult steady = box.run({QStringLiteral("history"), QStringLiteral("3")});
    EXPECT_EXIT(steady, 0);
    const QList<QByteArray> steadyLines = steady.out.trimmed().split('\n');
    QCOMPARE(steadyLines.size(), 3);
    QCOMPARE(steadyLines[2].simplified(), QByteArray("SW1A 1AA 2024-03-01 00:00:00 - current"));
}

void CommandlineTest::historyUnknownUserAndBadId()
{
    Sandbox box;
    QVERIFY(box.isValid());
    LOAD_MOVER_SCENARIO(box);
    const CliResult unknown = box.run({QStringLiteral("history"), QStringLiteral("99")});
    EXPECT_EXIT(unknown, 0);
    EXPECT_CONTAINS(unknown.out, "99");
    EXPECT_CONTAINS(unknown.out, "UNKNOWN");
    EXPECT_NOT_CONTAINS(unknown.out, "current");

    for (const QString &bad : {QStringLiteral("abc"), QStringLiteral("0"), QStringLiteral("1.5")}) {
        const CliResult r = box.run({QStringLiteral("history"), bad});
        EXPECT_EXIT(r, 2);
        EXPECT_ONE_LINE_ERROR(r);
    }
    EXPECT_EXIT(box.run({QStringLiteral("history")}), 2);
}

void CommandlineTest::failedReadIsAnErrorNotAnEmptyAnswer()
{
    Sandbox box;
    QVERIFY(box.isValid());
    LOAD_MOVER_SCENARIO(box);
    // A damaged warehouse: two tables the reads rely on are gone (renamed away: PostgreSQL refuses to drop
    // user_postcode_changes while the view user_postcode_history is built on it).
    execWarehouseSql(box.warehouse(), QStringLiteral("ALTER TABLE load_rejects RENAME TO lost_load_rejects"));
    execWarehouseSql(box.warehouse(), QStringLiteral("ALTER TABLE user_postcode_changes RENAME TO lost_user_postcode_changes"));

    // Not "0 rejected" and not "UNKNOWN": the command fails and says why (the database's own words), naming
    // the warehouse.
    const auto noSuchTable = [](const QByteArray &table) -> QByteArray {
        if (testBackendIsPostgres())
            return "relation \"" + table + "\" does not exist";
        return "no such table: " + table;
    };
    const CliResult rejects = box.run({QStringLiteral("rejects"), QStringLiteral("2")});
    EXPECT_EXIT(rejects, 1);
    EXPECT_ONE_LINE_ERROR(rejects);
    EXPECT_CONTAINS(rejects.err, noSuchTable("load_rejects"));
    EXPECT_CONTAINS(rejects.err, box.warehouse().toUtf8());
    const CliResult history = box.run({QStringLiteral("history"), QStringLiteral("1")});
    EXPECT_EXIT(history, 1);
    EXPECT_ONE_LINE_ERROR(history);
    EXPECT_CONTAINS(history.err, noSuchTable("user_postcode_changes"));
    EXPECT_NOT_CONTAINS(history.out, "UNKNOWN");
    // A report whose table is gone: the command line was right (exit 1, not 2), the warehouse is named.
    execWarehouseSql(box.warehouse(), QStringLiteral("ALTER TABLE views_current_hourly RENAME TO lost_views_current_hourly"));
    const CliResult report = box.run({QStringLiteral("report"), QStringLiteral("--basis"), QStringLiteral("current")});
    EXPECT_EXIT(report, 1);
    EXPECT_ONE_LINE_ERROR(report);
    EXPECT_CONTAINS(report.err, noSuchTable("views_current_hourly"));
    EXPECT_CONTAINS(report.err, box.warehouse().toUtf8());
    EXPECT_NOT_CONTAINS(report.err, "help report");
    // What does not rely on them still reads.
    EXPECT_EXIT(box.run({QStringLiteral("runs")}), 0);
}

// --------------------------------------------------------------------------------------------------- check

void CommandlineTest::checkPassesAfterLoads()
{
    Sandbox box;
    QVERIFY(box.isValid());
    EXPECT_EXIT(box.run({QStringLiteral("init")}), 0);
    const CliResult emptyCheck = box.run({QStringLiteral("check")});
    EXPECT_EXIT(emptyCheck, 0);
    EXPECT_CONTAINS(emptyCheck.out, "check passed");

    LOAD_MOVER_SCENARIO(box);
    const CliResult r = box.run({QStringLiteral("check")});
    EXPECT_EXIT(r, 0);
    EXPECT_CONTAINS(r.out, "check passed");
    // Facts are (user, hour, load): users 1, 2, 3 in day 1's hour, users 1, 2, 99 in day 2's; 3 users known.
    EXPECT_CONTAINS(r.out, "6 facts, 2 hours, 3 users");
    QCOMPARE(r.err, QByteArray());
}

void CommandlineTest::passwordInTheAddressIsRefusedAndNeverShown()
{
    Sandbox box;
    QVERIFY(box.isValid());
    for (const QString &address : {QStringLiteral("postgresql://ops:Secret123@127.0.0.1:1/pageviews"),
                                   QStringLiteral("postgresql://ops@127.0.0.1:1/pageviews?password=Secret123"),
                                   QStringLiteral("host=127.0.0.1 port=1 dbname=pageviews password=Secret123"),
                                   // Keyword addresses whatever their first keyword: never a file of that name.
                                   QStringLiteral("sslmode=disable host=127.0.0.1 port=1 dbname=w user=u password=Secret123"),
                                   QStringLiteral("password=Secret123 host=127.0.0.1 port=1"),
                                   QStringLiteral("connect_timeout=5 host=127.0.0.1 port=1 password=Secret123"),
                                   QStringLiteral("user=a;b host=127.0.0.1 port=1 password=Secret123"),
                                   QStringLiteral("user=a;b host=127.0.0.1 port=1 application_name=Secret123"),
                                   QStringLiteral("postgresql://ops:Secret123@[::1/pageviews")}) {
        for (const QString &command : {QStringLiteral("runs"), QStringLiteral("init")}) {
            const CliResult r = box.runRaw({QStringLiteral("--db"), address, command});
            EXPECT_EXIT(r, 1);
            EXPECT_ONE_LINE_ERROR(r);
            EXPECT_NOT_CONTAINS(r.err, "Secret123");
            EXPECT_NOT_CONTAINS(r.out, "Secret123");
        }
        // Nor does a load through PVADMIN_DB create a file named after the address.
        const CliResult load = box.runRaw({QStringLiteral("load"), box.write(QStringLiteral("users_2024-03-01.csv"), "id,postcode\n1,SW19\n")},
                                          {}, {{QStringLiteral("PVADMIN_DB"), address}});
        EXPECT_EXIT(load, 1);
        EXPECT_NOT_CONTAINS(load.err, "Secret123");
        QCOMPARE(QDir(box.path(QStringLiteral("."))).entryList(QDir::Files).filter(QStringLiteral("Secret")), QStringList());
    }
    const CliResult r = box.runRaw({QStringLiteral("--db"), QStringLiteral("postgresql://ops:Secret123@127.0.0.1:1/pageviews"), QStringLiteral("runs")});
    EXPECT_CONTAINS(r.err, "~/.pgpass");
}

void CommandlineTest::copyMovesTheWarehouseAndRefusesAFullOne()
{
    Sandbox box;
    QVERIFY(box.isValid());
    LOAD_MOVER_SCENARIO(box);
    EXPECT_EXIT(box.run({QStringLiteral("copy")}), 2); // where to?

    // Out to a SQLite file and back into a new warehouse of this run's engine: the same answers, check passes.
    const QString file = box.path(QStringLiteral("moved.sqlite"));
    const CliResult out = box.run({QStringLiteral("copy"), QStringLiteral("--to"), file});
    EXPECT_EXIT(out, 0);
    EXPECT_CONTAINS(out.out, "copied ");
    const QString back = box.otherWarehouse(QStringLiteral("back"));
    EXPECT_EXIT(box.runRaw({QStringLiteral("--db"), file, QStringLiteral("copy"), QStringLiteral("--to"), back}), 0);
    for (const QString &basis : {QStringLiteral("current"), QStringLiteral("at-time")}) {
        const QStringList report{QStringLiteral("report"), QStringLiteral("--basis"), basis, QStringLiteral("--grain"), QStringLiteral("hour")};
        const CliResult original = box.run(report);
        EXPECT_EXIT(original, 0);
        QVERIFY(original.out.count('\n') > 1);
        QCOMPARE(box.runRaw(QStringList{QStringLiteral("--db"), file} + report).out, original.out);
        QCOMPARE(box.runRaw(QStringList{QStringLiteral("--db"), back} + report).out, original.out);
    }
    EXPECT_EXIT(box.runRaw({QStringLiteral("--db"), back, QStringLiteral("check")}), 0);

    // A warehouse that holds runs is never overwritten.
    const CliResult refused = box.run({QStringLiteral("copy"), QStringLiteral("--to"), file});
    EXPECT_EXIT(refused, 1);
    EXPECT_ONE_LINE_ERROR(refused);
    EXPECT_CONTAINS(refused.err, "already holds a warehouse");
}

void CommandlineTest::checkFindsCorruptedAggregate()
{
    Sandbox box;
    QVERIFY(box.isValid());
    LOAD_MOVER_SCENARIO(box);
    EXPECT_EXIT(box.run({QStringLiteral("check")}), 0);

    QCOMPARE(execWarehouseSql(box.warehouse(),
                              QStringLiteral("UPDATE views_current_hourly SET views = views + 1 WHERE hour = %1 AND "
                                             "postcode_id = (SELECT id FROM postcodes WHERE postcode = 'N1')")
                                  .arg(hourIndex(2024, 3, 1, 10))),
             1);

    const CliResult r = box.run({QStringLiteral("check")});
    EXPECT_EXIT(r, 1);
    EXPECT_ONE_LINE_ERROR(r);
    EXPECT_CONTAINS(r.err, "check failed");
    bool named = false;
    for (const QByteArray &line : r.out.split('\n'))
        named |= line.contains("2024-03-01 10:00:00") && line.contains("N1") && line.contains("current");
    QVERIFY2(named, ("no difference line names the hour and the postcode:\n" + r.out).constData());
    EXPECT_NOT_CONTAINS(r.out, "2024-03-02 09:00:00");

    // A range checks only its own hours: day 2 is sound, day 1 holds the damage.
    const CliResult day2 = box.run({QStringLiteral("check"), QStringLiteral("--from"), QStringLiteral("2024-03-02")});
    EXPECT_EXIT(day2, 0);
    EXPECT_CONTAINS(day2.out, "check passed from 2024-03-02 00:00:00 to the end: 3 facts, 1 hours, 3 users");
    const CliResult day1 = box.run({QStringLiteral("check"), QStringLiteral("--from"), QStringLiteral("2024-03-01"),
                                    QStringLiteral("--to"), QStringLiteral("2024-03-02")});
    EXPECT_EXIT(day1, 1);
    EXPECT_CONTAINS(day1.out, "2024-03-01 10:00:00");
    for (const QStringList &bad : {QStringList{QStringLiteral("--from"), QStringLiteral("2024-03-02 00:30:00")},
                                   QStringList{QStringLiteral("--from"), QStringLiteral("2024-03-03"), QStringLiteral("--to"),
                                               QStringLiteral("2024-03-02")},
                                   QStringList{QStringLiteral("--to"), QStringLiteral("tomorrow")}}) {
        const CliResult usage = box.run(QStringList{QStringLiteral("check")} + bad);
        EXPECT_EXIT(usage, 2);
        EXPECT_ONE_LINE_ERROR(usage);
    }
}

void CommandlineTest::checkProvesThePostcodeDictionary()
{
    Sandbox box;
    QVERIFY(box.isValid());
    LOAD_MOVER_SCENARIO(box); // ids: 0 UNKNOWN, 1 SW19, 2 EC1A, 3 SW1A 1AA, 4 N1
    const CliResult sound = box.run({QStringLiteral("check")});
    EXPECT_EXIT(sound, 0);
    EXPECT_CONTAINS(sound.out, "5 postcodes match what the loads wrote");
    EXPECT_CONTAINS(sound.out, testBackendIsPostgres() ? "storage structure: PostgreSQL's index structure not checked: the amcheck "
                                                         "extension is not installed"
                                                       : "storage structure: SQLite's quick_check passed");
    if (testBackendIsPostgres()) {
        // Where amcheck is installed, every B-tree index of the warehouse is checked with it.
        execWarehouseSql(box.warehouse(), QStringLiteral("CREATE EXTENSION amcheck SCHEMA public"));
        const CliResult amchecked = box.run({QStringLiteral("check")});
        EXPECT_EXIT(amchecked, 0);
        QVERIFY2(QRegularExpression(QStringLiteral("storage structure: amcheck passed on [1-9][0-9]* B-tree indexes"))
                     .match(QString::fromUtf8(amchecked.out))
                     .hasMatch(),
                 amchecked.out.constData());
    }
    const auto update = [&](const QString &sql) { return execWarehouseSql(box.warehouse(), sql); };

    // A warehouse from before the seals: the upgrade seals the postcodes as they read, and check passes.
    update(QStringLiteral("ALTER TABLE postcodes DROP COLUMN seal"));
    QCOMPARE(update(QStringLiteral("DELETE FROM settings WHERE key = 'postcode_count'")), 1);
    if (testBackendIsPostgres()) { // and version 4 after it, to be upgraded again
        update(QStringLiteral("DROP TABLE load_lock"));
        QCOMPARE(update(QStringLiteral("DELETE FROM schema_migrations WHERE version >= 3")), 2);
    } else {
        QCOMPARE(update(QStringLiteral("DELETE FROM schema_migrations WHERE version >= 6")), 1);
    }
    EXPECT_CONTAINS(box.run({QStringLiteral("check")}).err, "init upgrades it");
    EXPECT_EXIT(box.run({QStringLiteral("init")}), 0);
    EXPECT_CONTAINS(box.run({QStringLiteral("check")}).out, "5 postcodes match what the loads wrote");

    const auto failsNaming = [&](const char *what) {
        const CliResult r = box.run({QStringLiteral("check")});
        EXPECT_EXIT(r, 1);
        EXPECT_ONE_LINE_ERROR(r);
        EXPECT_CONTAINS(r.out, what);
        // A range still proves the dictionary: every answer names postcodes through it.
        const CliResult day = box.run({QStringLiteral("check"), QStringLiteral("--from"), QStringLiteral("2024-03-02")});
        EXPECT_EXIT(day, 1);
        EXPECT_CONTAINS(day.out, what);
    };

    // The issue's damage: a shell renames a postcode, and every answer shows N1's pageviews under it.
    QCOMPARE(update(QStringLiteral("UPDATE postcodes SET postcode = 'ZZ9 9ZZ' WHERE postcode = 'N1'")), 1);
    EXPECT_CONTAINS(box.report({QStringLiteral("--basis"), QStringLiteral("current")}), "ZZ9 9ZZ");
    failsNaming("postcode dictionary: id 4 reads 'ZZ9 9ZZ', not the text a load wrote there");
    QCOMPARE(update(QStringLiteral("UPDATE postcodes SET postcode = 'N1' WHERE id = 4")), 1);
    EXPECT_EXIT(box.run({QStringLiteral("check")}), 0);

    // Two texts swapped: each is named with the text it was loaded as.
    QCOMPARE(update(QStringLiteral("UPDATE postcodes SET postcode = 'TMP' WHERE id = 1")), 1);
    QCOMPARE(update(QStringLiteral("UPDATE postcodes SET postcode = 'SW19' WHERE id = 2")), 1);
    QCOMPARE(update(QStringLiteral("UPDATE postcodes SET postcode = 'EC1A' WHERE id = 1")), 1);
    failsNaming("postcode dictionary: id 1 reads 'EC1A' but was loaded as 'SW19' (the text id 2 holds now)");
    failsNaming("postcode dictionary: id 2 reads 'SW19' but was loaded as 'EC1A' (the text id 1 holds now)");
    QCOMPARE(update(QStringLiteral("UPDATE postcodes SET postcode = 'TMP' WHERE id = 1")), 1);
    QCOMPARE(update(QStringLiteral("UPDATE postcodes SET postcode = 'EC1A' WHERE id = 2")), 1);
    QCOMPARE(update(QStringLiteral("UPDATE postcodes SET postcode = 'SW19' WHERE id = 1")), 1);
    EXPECT_EXIT(box.run({QStringLiteral("check")}), 0);

    // A row gone, and a row no load wrote.
    QCOMPARE(update(QStringLiteral("DELETE FROM postcodes WHERE id = 3")), 1);
    QCOMPARE(update(QStringLiteral("INSERT INTO postcodes (id, postcode) VALUES (7, 'AB1 2CD')")), 1);
    failsNaming("postcode dictionary: id 3 is missing (the loads handed out ids 0 to 4)");
    failsNaming("postcode dictionary: id 7 ('AB1 2CD') was not handed out by any load");
}

void CommandlineTest::loadMemoryGrowsWithPairsNotRows()
{
    Sandbox box;
    QVERIFY(box.isValid());
    EXPECT_EXIT(box.run({QStringLiteral("load"), box.write(QStringLiteral("users_2024-03-01.csv"), "id,postcode\n1,SW19\n")}), 0);
    // A small limit, so the load compacts its pairs many times while it reads.
    QCOMPARE(execWarehouseSql(box.warehouse(), QStringLiteral("INSERT INTO settings (key, value) VALUES ('max_pageview_pairs', '1000')")), 1);
    const auto viewsOf = [](int users, int repeats) {
        QByteArray views("user_id,url,pageview_datetime\n");
        for (int r = 0; r < repeats; ++r)
            for (int u = 1; u <= users; ++u)
                views += QByteArray::number(u) + ",/p," + (u % 2 ? "2024-03-01 10:00:00" : "2024-03-01 10:59:59") + "\n";
        return views;
    };
    // 100,000 rows of 500 pairs: held as 500, counted exactly.
    const CliResult repeated = box.run({QStringLiteral("load"), box.write(QStringLiteral("pageviews_2024-03-01T10.csv"), viewsOf(500, 200))});
    EXPECT_EXIT(repeated, 0);
    EXPECT_CONTAINS(repeated.out, "100000 rows read, 100000 loaded");
    QCOMPARE(box.report({QStringLiteral("--basis"), QStringLiteral("at-time")}),
             reportCsv({"2024-03-01 10:00:00,SW19,200", "2024-03-01 10:00:00,UNKNOWN,99800"}));
    // 100,000 rows of 2,000 pairs: refused while it reads (the line where the pairs passed the limit), nothing loaded.
    const CliResult tooMany = box.run({QStringLiteral("load"), box.write(QStringLiteral("pageviews_2024-03-01T11.csv"), viewsOf(2000, 50))});
    EXPECT_EXIT(tooMany, 1);
    EXPECT_ONE_LINE_ERROR(tooMany);
    EXPECT_CONTAINS(tooMany.err, "pageviews_2024-03-01T11.csv: refused at line 1001: more than 1000 distinct (user, hour) pairs");
    EXPECT_CONTAINS(tooMany.err, "max_pageview_pairs");
    QCOMPARE(box.report({QStringLiteral("--basis"), QStringLiteral("at-time")}),
             reportCsv({"2024-03-01 10:00:00,SW19,200", "2024-03-01 10:00:00,UNKNOWN,99800"}));
    EXPECT_CONTAINS(box.run({QStringLiteral("runs")}).out, "refused");
}

void CommandlineTest::loadCutOffByTheServerSaysWhatRunsWillShow()
{
    if (!testBackendIsPostgres())
        return; // a server that ends the load's session is PostgreSQL's
    Sandbox box;
    QVERIFY(box.isValid());
    EXPECT_EXIT(box.run({QStringLiteral("init")}), 0);
    QProcess load;
    const QByteArray recorded = startLoadGoneQuiet(box, load, pv::CsvRecordReader::ChunkBytes + 65536);
    QVERIFY2(recorded.contains(" running "), recorded.constData());
    // The server ends the load's session while it reads: its run cannot be recorded as it ends.
    execWarehouseSql(box.warehouse(), QStringLiteral("SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                                     "WHERE application_name = 'pvadmin' AND pid <> pg_backend_pid()"));
    load.closeWriteChannel();
    QVERIFY(load.waitForFinished(60000));
    const QByteArray err = load.readAllStandardError();
    QCOMPARE(load.exitCode(), 1);
    QVERIFY2(err.contains("the run could not be recorded") && err.contains("[run 1 interrupted]"), err.constData());
    // What the next client finds, and `runs` shows.
    QCOMPARE(runStatuses(box.run({QStringLiteral("runs")}).out), QStringList{QStringLiteral("1 interrupted")});
}

void CommandlineTest::rejectedLinesKeepABoundedPrefix()
{
    Sandbox box;
    QVERIFY(box.isValid());
    QByteArray views("user_id,url,pageview_datetime\n");
    for (int i = 0; i < 200; ++i)
        views += "1,/a,2024-03-01 10:00:00\n";
    views += "x," + QByteArray(5000, 'a') + "TAIL,2024-03-01 10:00:00\n";
    const CliResult load = box.run({QStringLiteral("load"), box.write(QStringLiteral("pageviews_2024-03-01T10.csv"), views)});
    EXPECT_EXIT(load, 0);
    EXPECT_CONTAINS(load.out, "1 rejected");
    const CliResult rejects = box.run({QStringLiteral("rejects"), QStringLiteral("1")});
    EXPECT_EXIT(rejects, 0);
    EXPECT_CONTAINS(rejects.out, "(a line of 5026 bytes: its first 1024 are kept)");
    EXPECT_CONTAINS(rejects.out, "x,aaaa");
    EXPECT_NOT_CONTAINS(rejects.out, "TAIL");
}

void CommandlineTest::statsCountsFactsAndProjectsAYear()
{
    Sandbox box;
    QVERIFY(box.isValid());
    EXPECT_EXIT(box.run({QStringLiteral("init")}), 0);
    const CliResult empty = box.run({QStringLiteral("stats")});
    EXPECT_EXIT(empty, 0);
    EXPECT_CONTAINS(empty.out, "facts: 0 in 0 segments");
    EXPECT_CONTAINS(empty.out, "no projection of a year");

    LOAD_MOVER_SCENARIO(box);
    const CliResult r = box.run({QStringLiteral("stats")});
    EXPECT_EXIT(r, 0);
    QCOMPARE(r.err, QByteArray());
    // The same facts check counts: users 1, 2, 3 in day 1's hour, 1, 2, 99 in day 2's, one segment a load.
    EXPECT_CONTAINS(r.out, "facts: 6 in 2 segments");
    EXPECT_CONTAINS(r.out, "loaded: 2 hours (2024-03-01 10:00 to 2024-03-02 09:00 UTC), 2 users snapshots, 3 users");
    for (const QByteArray family : {"facts", "aggregates", "history", "user directory", "run log"})
        EXPECT_CONTAINS(r.out, "\n" + family + " ");
    EXPECT_CONTAINS(r.out, "a year of hourly and nightly loads at this rate (8,760 hours, 365 snapshots): about ");
}

// --------------------------------------------------------------------------------------------------- watch

void CommandlineTest::watchOnceLoadsPresentFiles()
{
    Sandbox box;
    QVERIFY(box.isValid());
    writeMoverFiles(box, QStringLiteral("incoming"));
    box.write(QStringLiteral("incoming/notes.txt"), "not an extract\n");
    const QString dir = box.path(QStringLiteral("incoming"));

    const CliResult first = box.run({QStringLiteral("watch"), dir, QStringLiteral("--once")});
    EXPECT_EXIT(first, 0);
    QCOMPARE(first.out.count("loaded as run"), 4);
    EXPECT_NOT_CONTAINS(first.out, "notes.txt");
    // Files arrive in name order (pageviews before the snapshots): the answers are the same anyway.
    QCOMPARE(box.report({QStringLiteral("--basis"), QStringLiteral("at-time")}), reportCsv(moverAtTimeHourly));
    QCOMPARE(box.report({QStringLiteral("--basis"), QStringLiteral("current")}), reportCsv(moverCurrentHourly));

    // Handled files moved to loaded/; the rest stays.
    QCOMPARE(QDir(dir).entryList(QDir::Files), QStringList{QStringLiteral("notes.txt")});
    const QStringList loaded = QDir(dir + QStringLiteral("/loaded")).entryList(QDir::Files);
    QCOMPARE(loaded.size(), 4);
    EXPECT_CONTAINS(first.out, "moved to loaded/");
    // The same files again (copied back) are already loaded; --keep leaves them where they are.
    for (const QString &name : loaded)
        QVERIFY(QFile::copy(dir + QStringLiteral("/loaded/") + name, dir + QLatin1Char('/') + name));
    const CliResult second = box.run({QStringLiteral("watch"), QStringLiteral("--once"), QStringLiteral("--keep"), dir});
    EXPECT_EXIT(second, 0);
    QCOMPARE(second.out.count("already loaded"), 4);
    QCOMPARE(second.out.count("loaded as run"), 0);
    QCOMPARE(QDir(dir).entryList(QDir::Files).size(), 5);
    QCOMPARE(runStatuses(box.run({QStringLiteral("runs")}).out).size(), 4);
    // Files being written under a .part name, and hidden ones, are not touched.
    box.write(QStringLiteral("incoming/pageviews_late.csv.part"), moverViewsDay1);
    box.write(QStringLiteral("incoming/.pageviews_hidden.csv"), moverViewsDay1);
    const CliResult third = box.run({QStringLiteral("watch"), QStringLiteral("--once"), dir});
    EXPECT_EXIT(third, 0);
    QVERIFY(QFileInfo::exists(dir + QStringLiteral("/pageviews_late.csv.part")));
    QVERIFY(QFileInfo::exists(dir + QStringLiteral("/.pageviews_hidden.csv")));
    EXPECT_NOT_CONTAINS(third.out, "pageviews_late");
    EXPECT_EXIT(box.run({QStringLiteral("check")}), 0);

    const CliResult missing = box.run({QStringLiteral("watch"), box.path(QStringLiteral("nowhere")), QStringLiteral("--once")});
    QVERIFY2(missing.finished && missing.exitCode != 0, describe(missing).constData());
    EXPECT_ONE_LINE_ERROR(missing);
    EXPECT_CONTAINS(missing.err, "nowhere");
}

void CommandlineTest::watchOnceReportsBadFile()
{
    Sandbox box;
    QVERIFY(box.isValid());
    box.write(QStringLiteral("incoming/a_users_extract_2024-03-01.csv"), moverUsers1);
    box.write(QStringLiteral("incoming/b_broken.csv"), "this is not,an extract\n1,2\n");
    box.write(QStringLiteral("incoming/c_pageviews.csv"), moverViewsDay1);
    const QString dir = box.path(QStringLiteral("incoming"));
    const CliResult r = box.run({QStringLiteral("watch"), QStringLiteral("--once"), dir});
    EXPECT_EXIT(r, 1);
    EXPECT_ONE_LINE_ERROR(r);
    EXPECT_CONTAINS(r.err, "b_broken.csv");
    QCOMPARE(r.out.count("loaded as run"), 2);
    QCOMPARE(box.report({QStringLiteral("--basis"), QStringLiteral("at-time")}),
             reportCsv({"2024-03-01 10:00:00,EC1A,1", "2024-03-01 10:00:00,SW19,2", "2024-03-01 10:00:00,SW1A 1AA,1"}));
    // The bad file is put aside, never tried again.
    QVERIFY(QFileInfo::exists(dir + QStringLiteral("/failed/b_broken.csv")));
    EXPECT_CONTAINS(r.err, "moved to failed/");
    EXPECT_EXIT(box.run({QStringLiteral("watch"), QStringLiteral("--once"), QStringLiteral("--interval"),
                         QStringLiteral("0"), dir}),
                2);
}

// ---------------------------------------------------------------------------------------------- help, usage

void CommandlineTest::helpAndUsageErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<bool>("printsUsage");
    QTest::newRow("--help") << QStringList{QStringLiteral("--help")} << 0 << true;
    QTest::newRow("-h") << QStringList{QStringLiteral("-h")} << 0 << true;
    QTest::newRow("--db then --help") << QStringList{QStringLiteral("--db"), QStringLiteral("x.sqlite"), QStringLiteral("--help")}
                                      << 0 << true;
    QTest::newRow("unknown command") << QStringList{QStringLiteral("frobnicate")} << 2 << false;
    QTest::newRow("unknown option before command") << QStringList{QStringLiteral("--verbose"), QStringLiteral("runs")} << 2
                                                   << false;
}

void CommandlineTest::helpAndUsageErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    QFETCH(bool, printsUsage);
    Sandbox box;
    QVERIFY(box.isValid());
    const CliResult r = box.runRaw(arguments);
    EXPECT_EXIT(r, exitCode);
    if (printsUsage) {
        EXPECT_CONTAINS(r.out, "Usage: pvadmin");
        for (const char *command : {"init", "load", "report", "runs", "rejects", "history", "check", "watch", "generate"})
            EXPECT_CONTAINS(r.out, QByteArray("  ") + command);
        QCOMPARE(r.err, QByteArray());
    } else {
        EXPECT_ONE_LINE_ERROR(r);
        QCOMPARE(r.out, QByteArray());
    }
    // Nothing was created anywhere by asking for help or getting the command wrong.
    QVERIFY(!QFileInfo::exists(box.path(QStringLiteral("x.sqlite"))));
    QVERIFY(!QFileInfo::exists(box.path(QStringLiteral("home/.local/share/pvadmin"))));
}

void CommandlineTest::commandHelpListsEveryOption_data()
{
    QTest::addColumn<QString>("command");
    QTest::addColumn<QStringList>("arguments");
    for (const pv::cli::CommandSpec &command : pv::cli::commandTable()) {
        QTest::addRow("help %s", qPrintable(command.name)) << command.name << QStringList{QStringLiteral("help"), command.name};
        QTest::addRow("%s --help", qPrintable(command.name)) << command.name << QStringList{command.name, QStringLiteral("--help")};
        QTest::addRow("--db x %s -h", qPrintable(command.name))
            << command.name << QStringList{QStringLiteral("--db"), QStringLiteral("x.sqlite"), command.name, QStringLiteral("-h")};
    }
}

void CommandlineTest::commandHelpListsEveryOption()
{
    QFETCH(QString, command);
    QFETCH(QStringList, arguments);
    Sandbox box;
    QVERIFY(box.isValid());
    const CliResult r = box.runRaw(arguments);
    EXPECT_EXIT(r, 0);
    QCOMPARE(r.err, QByteArray());
    EXPECT_CONTAINS(r.out, "Usage: pvadmin [--db PATH] " + command.toUtf8());
    const pv::cli::CommandSpec *spec = pv::cli::findCommand(command);
    QVERIFY(spec);
    for (const pv::cli::OptionSpec &option : spec->options)
        EXPECT_CONTAINS(r.out, "  --" + option.name.toUtf8() + (option.valueName.isEmpty() ? "" : " " + option.valueName.toUtf8()));
    // A command's help is its own, not the list of every command.
    EXPECT_NOT_CONTAINS(r.out, "Commands:");
    QVERIFY(!QFileInfo::exists(box.path(QStringLiteral("x.sqlite"))));
}

void CommandlineTest::versionNamesTheCommit()
{
    Sandbox box;
    QVERIFY(box.isValid());
    const CliResult r = box.runRaw({QStringLiteral("--version")});
    EXPECT_EXIT(r, 0);
    const QRegularExpression form(QStringLiteral("^pvadmin \\d+\\.\\d+\\.\\d+ \\(commit ([0-9a-f]{7,40}(-modified)?|unknown)\\)\n$"));
    QVERIFY2(form.match(QString::fromUtf8(r.out)).hasMatch(), r.out.constData());
    // Built from this checkout: the commit is one of this repository's, never "unknown" (it may be an
    // ancestor of HEAD when commits were made after the build).
    const QRegularExpressionMatch commit = form.match(QString::fromUtf8(r.out));
    QProcess git;
    git.start(QStringLiteral("git"), {QStringLiteral("-C"), QStringLiteral(PV_SOURCE_DIR), QStringLiteral("rev-parse"),
                                      QStringLiteral("--git-dir")});
    if (git.waitForFinished(10000) && git.exitCode() == 0) {
        const QString hash = commit.captured(1).section(QLatin1Char('-'), 0, 0);
        QVERIFY2(hash != QLatin1String("unknown"), "built from a git checkout, but --version names no commit");
        git.start(QStringLiteral("git"), {QStringLiteral("-C"), QStringLiteral(PV_SOURCE_DIR), QStringLiteral("merge-base"),
                                          QStringLiteral("--is-ancestor"), hash, QStringLiteral("HEAD")});
        QVERIFY(git.waitForFinished(10000));
        QVERIFY2(git.exitCode() == 0, qPrintable(hash + QStringLiteral(" is not a commit of this checkout's history")));
    }
}

void CommandlineTest::manPageAndCompletionCoverEveryOption()
{
    auto read = [](const char *relative) {
        QFile file(QStringLiteral(PV_SOURCE_DIR "/") + QLatin1String(relative));
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    };
    const QByteArray manPage = read("installer/pvadmin.1.in");
    const QByteArray completion = read("installer/pvadmin.bash-completion");
    QVERIFY2(!manPage.isEmpty(), "installer/pvadmin.1.in is missing");
    QVERIFY2(!completion.isEmpty(), "installer/pvadmin.bash-completion is missing");
    // troff writes a hyphen in an option as \- ; compare without the escapes.
    const QByteArray man = QByteArray(manPage).replace("\\-", "-").replace("\\fB", "").replace("\\fR", "");
    for (const pv::cli::CommandSpec &command : pv::cli::commandTable()) {
        EXPECT_CONTAINS(man, command.name.toUtf8());
        EXPECT_CONTAINS(completion, command.name.toUtf8());
        for (const pv::cli::OptionSpec &option : command.options) {
            EXPECT_CONTAINS(man, "--" + option.name.toUtf8());
            EXPECT_CONTAINS(completion, "--" + option.name.toUtf8());
        }
    }
}

// ------------------------------------------------------------------------------------------------ generate

void CommandlineTest::generateWritesLoadableExtracts()
{
    Sandbox box;
    QVERIFY(box.isValid());
    const QString out = box.path(QStringLiteral("generated"));
    const CliResult gen = box.runRaw({QStringLiteral("generate"), QStringLiteral("--out"), out, QStringLiteral("--users"),
                                      QStringLiteral("200"), QStringLiteral("--days"), QStringLiteral("2"),
                                      QStringLiteral("--hours-per-day"), QStringLiteral("3"),
                                      QStringLiteral("--pageviews-per-hour"), QStringLiteral("100"),
                                      QStringLiteral("--seed"), QStringLiteral("7")});
    EXPECT_EXIT(gen, 0);

    const QDir dir(out);
    const QStringList users = dir.entryList({QStringLiteral("users_extract_*.csv")}, QDir::Files, QDir::Name);
    const QStringList views = dir.entryList({QStringLiteral("pageviews_*.csv")}, QDir::Files, QDir::Name);
    QCOMPARE(users, (QStringList{QStringLiteral("users_extract_2024-03-01.csv"), QStringLiteral("users_extract_2024-03-02.csv")}));
    QCOMPARE(views.size(), 6);
    QCOMPARE(dir.entryList(QDir::Files).size(), 8);

    QStringList files;
    for (const QString &name : users + views)
        files << dir.filePath(name);
    const CliResult load = box.run(QStringList{QStringLiteral("load")} + files);
    EXPECT_EXIT(load, 0);
    QCOMPARE(load.out.count("loaded as run"), 8);
    const CliResult check = box.run({QStringLiteral("check")});
    EXPECT_EXIT(check, 0);
    EXPECT_CONTAINS(check.out, "check passed");

    // Every generated pageview counts once on each basis: 2 days × 3 hours × 100.
    for (const QString &basis : {QStringLiteral("current"), QStringLiteral("at-time")}) {
        const QByteArray report = box.report({QStringLiteral("--basis"), basis, QStringLiteral("--grain"), QStringLiteral("month")});
        QVERIFY2(report.startsWith(reportHeader), report.constData());
        qint64 total = 0;
        for (const QByteArray &line : report.mid(reportHeader.size()).split('\n'))
            if (!line.isEmpty())
                total += line.mid(line.lastIndexOf(',') + 1).toLongLong();
        QCOMPARE(total, qint64(600));
    }
}

void CommandlineTest::generateIsDeterministic()
{
    Sandbox box;
    QVERIFY(box.isValid());
    auto generate = [&](const QString &folder, const QString &seed) {
        return box.runRaw({QStringLiteral("generate"), QStringLiteral("--out"), box.path(folder), QStringLiteral("--users"),
                           QStringLiteral("200"), QStringLiteral("--days"), QStringLiteral("2"),
                           QStringLiteral("--hours-per-day"), QStringLiteral("3"),
                           QStringLiteral("--pageviews-per-hour"), QStringLiteral("100"), QStringLiteral("--seed"), seed});
    };
    const CliResult a = generate(QStringLiteral("a"), QStringLiteral("7"));
    EXPECT_EXIT(a, 0);
    const CliResult b = generate(QStringLiteral("b"), QStringLiteral("7"));
    EXPECT_EXIT(b, 0);
    const CliResult c = generate(QStringLiteral("c"), QStringLiteral("8"));
    EXPECT_EXIT(c, 0);

    const QDir dirA(box.path(QStringLiteral("a"))), dirB(box.path(QStringLiteral("b"))), dirC(box.path(QStringLiteral("c")));
    const QStringList names = dirA.entryList(QDir::Files, QDir::Name);
    QCOMPARE(names.size(), 8);
    QCOMPARE(dirB.entryList(QDir::Files, QDir::Name), names);
    bool anyDiffers = false;
    for (const QString &name : names) {
        QFile fa(dirA.filePath(name)), fb(dirB.filePath(name)), fc(dirC.filePath(name));
        QVERIFY(fa.open(QIODevice::ReadOnly) && fb.open(QIODevice::ReadOnly) && fc.open(QIODevice::ReadOnly));
        const QByteArray bytes = fa.readAll();
        QVERIFY2(bytes.count('\n') > 1, qPrintable(name));
        QVERIFY2(bytes == fb.readAll(), qPrintable(name + QStringLiteral(" differs between two runs with seed 7")));
        anyDiffers |= bytes != fc.readAll();
    }
    QVERIFY2(anyDiffers, "seed 8 gave the same files as seed 7");
}

QTEST_GUILESS_MAIN(CommandlineTest)
#include "tst_commandline.moc"
