// The warehouse beside its neighbours (issue 23), on the engine PVADMIN_TEST_BACKEND names. This process is
// the desktop: the main window on the offscreen platform, left open with every screen shown in turn and
// refreshing by itself, importing files of its own. Beside it, for a minute (PVADMIN_NEIGHBOURS_SECONDS):
// cron-like `pvadmin load`s one after another, `pvadmin watch` on a folder, and a reader loop of `runs`,
// `report`, `status`, `check`, the sqlite3 shell (psql on PostgreSQL) and a BI tool's query of the views.
// On PostgreSQL every client's backend is terminated once and the server restarted once, mid-run.
//
// Then: no process ever held a deleted -wal or -shm file of the warehouse (a client that took itself for the
// last one deleted them under a live one), the file's integrity check is ok, `check` passes, every load that
// said it succeeded is counted, what watch was given all landed, and the desktop showed each newest hour
// within 2 s of its commit (of the server being back, when a fault was under way).

#include "generate/extractgenerator.h"
#include "load/loadworker.h"
#include "importdialog.h"
#include "mainwindow.h"
#include "rundetailsdialog.h"
#include "testwarehouse.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QPointer>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include <csignal>
#include <sys/stat.h>

using namespace pv;

namespace {

constexpr int newestHourWithinMs = 2000;

QString sourceFile(const QString &relative)
{
    return QStringLiteral(PV_SOURCE_DIR "/") + relative;
}

/// The data rows of an extract file (its lines but the header).
qint64 dataRows(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    return file.readAll().count('\n') - 1;
}

/// A process run to its end (at most two minutes): its exit code (-1 when it crashed or hung) and output.
struct Finished
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Finished runToEnd(const QString &program, const QStringList &arguments)
{
    QProcess process;
    process.start(program, arguments);
    Finished finished;
    if (!process.waitForStarted(30000) || !process.waitForFinished(120000)) {
        process.kill();
        process.waitForFinished(5000);
        finished.err = "did not finish: " + process.errorString().toUtf8();
        return finished;
    }
    finished.out = process.readAllStandardOutput();
    finished.err = process.readAllStandardError();
    finished.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    return finished;
}

/// The deleted -wal, -shm or database file of the warehouse a process holds open: each one is a client that
/// took itself for the last one and removed the files under a live connection.
QStringList deletedWarehouseFiles(qint64 pid, const QString &warehouseFile)
{
    QStringList deleted;
    const QDir fds(QStringLiteral("/proc/%1/fd").arg(pid));
    for (const QString &fd : fds.entryList(QDir::System | QDir::NoDotAndDotDot)) {
        const QString target = QFile::symLinkTarget(fds.filePath(fd));
        if (target.startsWith(warehouseFile) && target.endsWith(QLatin1String(" (deleted)")))
            deleted << QStringLiteral("pid %1 fd %2 -> %3").arg(pid).arg(fd, target);
    }
    return deleted;
}

/// A message that says the server or the connection to it went away, which a client may meet while the
/// server restarts or its backend is terminated (and only then).
bool isConnectionLoss(const QByteArray &message)
{
    static const QRegularExpression loss(
        QStringLiteral("cannot connect|could not connect|connection refused|server closed the connection|terminating "
                       "connection|the database system is (starting up|shutting down|in recovery)|no connection to the "
                       "server|connection to server .* failed|administrator command|could not receive data|could not send data|"
                       "not loaded: the database failed before the load began|SSL SYSCALL"),
        QRegularExpression::CaseInsensitiveOption);
    return loss.match(QString::fromUtf8(message)).hasMatch();
}

/// One program started again and again (the next command each time it ends) until stopped.
class ProcessLoop : public QObject
{
public:
    using Next = std::function<QStringList()>; ///< the next program and its arguments; empty: wait a moment
    using Ended = std::function<void(const QStringList &command, int exitCode, const QByteArray &out, const QByteArray &err)>;

    ProcessLoop(Next next, Ended ended)
        : m_next(std::move(next))
        , m_ended(std::move(ended))
    {
        connect(&m_process, &QProcess::finished, this, [this](int exitCode, QProcess::ExitStatus status) {
            m_ended(m_command, status == QProcess::NormalExit ? exitCode : -1, m_process.readAllStandardOutput(),
                    m_process.readAllStandardError());
            startNext();
        });
    }

    void start() { startNext(); }
    void stop()
    {
        m_stopped = true;
        if (m_process.state() != QProcess::NotRunning && !m_process.waitForFinished(120000))
            qWarning("a neighbour did not finish: %s", qPrintable(m_command.join(QLatin1Char(' '))));
    }
    qint64 pid() const { return m_process.processId(); }

private:
    void startNext()
    {
        if (m_stopped)
            return;
        m_command = m_next();
        if (m_command.isEmpty()) {
            QTimer::singleShot(200, this, [this] { startNext(); });
            return;
        }
        m_process.start(m_command.first(), m_command.mid(1));
    }

    Next m_next;
    Ended m_ended;
    QProcess m_process;
    QStringList m_command;
    bool m_stopped = false;
};

} // namespace

class NeighboursTest : public QObject
{
    Q_OBJECT

private slots:
    void desktopStaysRightBesideEveryNeighbour();
    void desktopImportWaitsForARestartingServer();
    void desktopHoldsTwoConnections();

private:
    QString pvadmin() const { return QStringLiteral(PVADMIN_BINARY); }
    QStringList pvadminOn(const QStringList &arguments) const { return QStringList{pvadmin(), QStringLiteral("--db"), m_location} + arguments; }
    /// The sqlite3 shell on the file, or psql on the database, running one statement.
    QStringList shell(const QString &sql) const
    {
        if (testBackendIsPostgres())
            return {QStringLiteral("psql"), QStringLiteral("-X"), QStringLiteral("-q"), QStringLiteral("-v"),
                    QStringLiteral("ON_ERROR_STOP=1"), QStringLiteral("-d"), m_location, QStringLiteral("-c"),
                    QStringLiteral("SET search_path TO pvadmin; ") + sql};
        return {QStringLiteral("sqlite3"), QStringLiteral("-bail"), QStringLiteral("-cmd"), QStringLiteral(".timeout 10000"),
                m_location, sql};
    }
    void pgServer(const QString &command)
    {
        const Finished done = runToEnd(QStringLiteral("bash"), {sourceFile(QStringLiteral("scripts/pg-test-server.sh")), command, m_pgDir});
        if (done.exitCode != 0)
            qFatal("pg-test-server.sh %s failed: %s", qPrintable(command), done.err.constData());
    }

    /// Generates extracts into dir/extracts: users, days of hoursPerDay files of pageviewsPerHour rows.
    static GeneratorOptions extractsIn(const QTemporaryDir &dir, qint64 users, int days, int hoursPerDay,
                                       qint64 pageviewsPerHour, quint64 seed)
    {
        GeneratorOptions options;
        options.outDir = dir.filePath(QStringLiteral("extracts"));
        options.users = users;
        options.days = days;
        options.hoursPerDay = hoursPerDay;
        options.pageviewsPerHour = pageviewsPerHour;
        options.seed = seed;
        QString error;
        if (generate(options, nullptr, &error) != WriteOutcome::Written)
            qFatal("cannot generate extracts: %s", qPrintable(error));
        return options;
    }

    /// A PostgreSQL server of this test's own in dir (m_location says where), or the SQLite file's path.
    void startWarehouse(const QTemporaryDir &dir)
    {
        if (testBackendIsPostgres()) {
            // A server of its own: restarting the suites' shared one would break the others under ctest -j.
            // As root the server runs as another user, who must be able to enter this folder.
            QVERIFY(QFile::setPermissions(dir.path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner
                                                          | QFileDevice::ExeOwner | QFileDevice::ExeGroup
                                                          | QFileDevice::ExeOther));
            m_pgDir = dir.filePath(QStringLiteral("pg"));
            pgServer(QStringLiteral("start"));
            QFile url(m_pgDir + QStringLiteral("/url"));
            QVERIFY(url.open(QIODevice::ReadOnly));
            m_location = QString::fromUtf8(url.readAll().trimmed());
        } else {
            m_location = dir.filePath(QStringLiteral("w.sqlite"));
        }
    }
    void stopServer()
    {
        if (testBackendIsPostgres())
            runToEnd(QStringLiteral("bash"), {sourceFile(QStringLiteral("scripts/pg-test-server.sh")), QStringLiteral("stop"), m_pgDir});
    }

    QString m_location;
    QString m_pgDir;
};

void NeighboursTest::desktopStaysRightBesideEveryNeighbour()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const bool postgres = testBackendIsPostgres();
    startWarehouse(dir);
    const auto stopped = qScopeGuard([&] { stopServer(); });

    // Twelve days of extracts: more hours than a minute of loads gets through.
    const GeneratorOptions options = extractsIn(dir, 3000, 12, 24, 1500, 23);
    const ExtractGenerator gen(options);
    const auto extract = [&](const QString &name) { return options.outDir + QLatin1Char('/') + name; };

    // Day 0's snapshot and first hour before the desktop opens.
    QCOMPARE(runToEnd(pvadmin(), {QStringLiteral("--db"), m_location, QStringLiteral("load"),
                                  extract(gen.usersFileName(0)), extract(gen.pageviewsFileName(0, 0))})
                 .exitCode,
             0);
    qint64 pageviewsLoaded = dataRows(extract(gen.pageviewsFileName(0, 0)));
    QString newestCommitted = QDateTime::fromSecsSinceEpoch(gen.hourStart(0, 0), Qt::UTC).toString(QStringLiteral("yyyy-MM-dd HH:mm"));

    MainWindow window(m_location);
    window.resize(1400, 900);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    static const QRegularExpression latestHour(QStringLiteral("Latest hour loaded: (\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d) UTC"));
    const auto shownNewestHour = [&] { return latestHour.match(window.statusText()).captured(1); };
    QTRY_COMPARE_WITH_TIMEOUT(shownNewestHour(), newestCommitted, 10000);

    QStringList failures;
    const auto fail = [&](const QString &what) {
        qWarning("%s", qPrintable(what));
        failures << what;
    };

    // The cron-like loop: day by day, each hour's file; a snapshot on odd days goes to watch's folder while
    // watch runs (the middle half of the run), the others to the desktop's own import. A load that lost its
    // server (PostgreSQL's faults) is tried again.
    struct Expectation
    {
        QString hour;
        QElapsedTimer committed;
    };
    QList<Expectation> expectations;
    struct HourFile
    {
        int day;
        QString path;
    };
    QList<HourFile> cronQueue;
    for (int day = 0; day < options.days; ++day)
        for (int hour = day == 0 ? 1 : 0; hour < options.hoursPerDay; ++hour)
            cronQueue << HourFile{day, extract(gen.pageviewsFileName(day, hour))};
    const QString watched = dir.filePath(QStringLiteral("incoming"));
    QVERIFY(QDir().mkpath(watched));
    QStringList givenToWatch;
    QStringList desktopImports;
    int desktopImported = 0;
    int cronLoads = 0, cronRetries = 0, readerRuns = 0;
    QElapsedTimer clock;
    clock.start();
    const int seconds = qEnvironmentVariableIntValue("PVADMIN_NEIGHBOURS_SECONDS") > 0
                            ? qEnvironmentVariableIntValue("PVADMIN_NEIGHBOURS_SECONDS")
                            : 60;
    const qint64 runMs = qint64(seconds) * 1000;
    // watch runs only in the middle half: a long-lived client beside the desktop holds the warehouse's locks
    // too, and would hide a desktop that lost its own (the next client to close would not be the last). It
    // is given the odd days' snapshots (order does not matter) right after each of PostgreSQL's faults, so it
    // loads on a connection the fault broke; the desktop imports the even days' as the loop reaches them.
    QProcess watch;
    bool watchStopping = false;
    int dayReached = 0;
    int nextForWatch = 1;
    const auto feedWatch = [&] {
        if (nextForWatch >= options.days || watch.state() != QProcess::Running || watchStopping)
            return;
        // Written as NAME.part and renamed when whole, as the README asks of whoever feeds watch.
        const QString name = gen.usersFileName(nextForWatch);
        const QString target = watched + QLatin1Char('/') + name;
        if (!QFile::copy(extract(name), target + QStringLiteral(".part")) || !QFile::rename(target + QStringLiteral(".part"), target))
            fail(QStringLiteral("cannot give %1 to watch").arg(target));
        givenToWatch << name;
        nextForWatch += 2;
    };
    // PostgreSQL's faults, each a window in which a client may meet a lost connection (and only then).
    struct Fault
    {
        std::unique_ptr<QProcess> process;
        QElapsedTimer since; ///< from the start, then from the end
        bool ended = false;
    };
    std::vector<Fault> faults;
    const auto inFaultWindow = [&] {
        return std::any_of(faults.cbegin(), faults.cend(), [](const Fault &fault) {
            return !fault.ended || fault.since.elapsed() < 10000;
        });
    };
    const auto startFault = [&](const QString &program, const QStringList &arguments) {
        Fault fault;
        fault.process = std::make_unique<QProcess>();
        fault.since.start();
        QProcess *process = fault.process.get();
        faults.push_back(std::move(fault));
        const size_t index = faults.size() - 1;
        connect(process, &QProcess::finished, this, [&, index](int exitCode) {
            faults[index].ended = true;
            faults[index].since.restart();
            if (exitCode != 0)
                fail(QStringLiteral("the fault %1 failed: %2").arg(faults[index].process->arguments().join(QLatin1Char(' ')),
                                                                   QString::fromUtf8(faults[index].process->readAllStandardError())));
            QTimer::singleShot(1000, this, feedWatch);
        });
        process->start(program, arguments);
    };
    QString cronFile;
    ProcessLoop cron(
        [&]() -> QStringList {
            if (cronQueue.isEmpty() || clock.elapsed() > runMs)
                return {};
            cronFile = cronQueue.first().path;
            while (dayReached < cronQueue.first().day) {
                if (++dayReached % 2)
                    continue;
                const QString snapshot = extract(gen.usersFileName(dayReached));
                desktopImports << snapshot;
                window.startLoads({LoadRequest{snapshot, {}}});
            }
            return pvadminOn({QStringLiteral("load"), cronFile});
        },
        [&](const QStringList &, int exitCode, const QByteArray &out, const QByteArray &err) {
            if (exitCode == 0 && out.contains("loaded as run")) {
                ++cronLoads;
                pageviewsLoaded += dataRows(cronFile);
                cronQueue.removeFirst();
                const QString hour = QString::fromUtf8(out).section(QStringLiteral("window "), 1).left(16);
                newestCommitted = qMax(newestCommitted, hour);
                Expectation expectation{hour, {}};
                expectation.committed.start();
                expectations << expectation;
            } else if (exitCode == 0 && cronRetries > 0 && out.contains("already loaded")) {
                // An earlier attempt committed just before its connection was lost, so it could not say so.
                ++cronLoads;
                pageviewsLoaded += dataRows(cronFile);
                cronQueue.removeFirst();
            } else if (postgres && exitCode == 1 && isConnectionLoss(err) && inFaultWindow()) {
                ++cronRetries; // the server restarted or the backend was terminated under it: try again
            } else {
                fail(QStringLiteral("cron load of %1 exited %2: %3%4").arg(cronFile).arg(exitCode).arg(QString::fromUtf8(out), QString::fromUtf8(err)));
                cronQueue.removeFirst();
            }
        });

    // The readers, one after another: the command line's reading commands, the shell, a BI tool.
    const QList<QStringList> readers = {
        pvadminOn({QStringLiteral("runs")}),
        pvadminOn({QStringLiteral("report"), QStringLiteral("--basis"), QStringLiteral("at-time"), QStringLiteral("--grain"), QStringLiteral("day")}),
        shell(QStringLiteral("SELECT COUNT(*), MAX(id) FROM load_runs; SELECT status, COUNT(*) FROM load_runs GROUP BY status;")),
        pvadminOn({QStringLiteral("report"), QStringLiteral("--basis"), QStringLiteral("current"), QStringLiteral("--grain"),
                   QStringLiteral("hour"), QStringLiteral("--hours-loaded")}),
        shell(QStringLiteral("SELECT basis, SUM(pageviews) FROM pageviews_daily GROUP BY basis; "
                             "SELECT postcode, SUM(pageviews) FROM pageviews_hourly WHERE basis = 'at-time' GROUP BY postcode "
                             "ORDER BY 2 DESC LIMIT 5;")),
        pvadminOn({QStringLiteral("status")}),
        pvadminOn({QStringLiteral("check"), QStringLiteral("--from"), QStringLiteral("2024-03-01"), QStringLiteral("--to"), QStringLiteral("2024-03-02")}),
    };
    ProcessLoop readerLoop(
        [&]() -> QStringList { return clock.elapsed() > runMs ? QStringList() : readers.at(readerRuns % readers.size()); },
        [&](const QStringList &command, int exitCode, const QByteArray &out, const QByteArray &err) {
            ++readerRuns;
            // status says 1 when hours are missing (the loop has not reached them): that is an answer.
            const bool answered = exitCode == 0 || (exitCode == 1 && command.contains(QStringLiteral("status")));
            // A run is interrupted only when its load died: on SQLite nothing kills one here.
            if (!postgres && command.contains(QStringLiteral("runs")) && out.contains("interrupted"))
                fail(QStringLiteral("a live load's run was shown interrupted:\n%1").arg(QString::fromUtf8(out)));
            if (!answered && !(postgres && isConnectionLoss(err) && inFaultWindow()))
                fail(QStringLiteral("%1 exited %2: %3%4").arg(command.join(QLatin1Char(' '))).arg(exitCode).arg(QString::fromUtf8(out.left(300)), QString::fromUtf8(err)));
        });

    connect(window.loadQueue(), &LoadQueue::fileFinished, this, [&](const QString &path, const LoadResult &result) {
        if (result.outcome == LoadOutcome::Loaded)
            ++desktopImported;
        else if (postgres && result.transient)
            window.startLoads({LoadRequest{path, {}}}); // its connection was lost: the operator would import it again
        else
            fail(QStringLiteral("the desktop's import of %1: %2").arg(path, result.message));
    });

    // The desktop shows every screen in turn and is refreshed by hand now and then (F5).
    const QStringList screens = {QStringLiteral("Overview"), QStringLiteral("Loads"), QStringLiteral("History"),
                                 QStringLiteral("Charts"), QStringLiteral("Reports")};
    int shown = 0;
    QTimer browse;
    connect(&browse, &QTimer::timeout, this, [&] {
        window.showScreen(screens.at(shown++ % screens.size()));
        if (shown % 10 == 0)
            window.refresh();
    });
    browse.start(700);

    // Every 50 ms: nobody holds a deleted file of the warehouse, and each commit reached the desktop in time.
    QStringList deleted;
    QTimer watchdog;
    connect(&watchdog, &QTimer::timeout, this, [&] {
        if (!postgres) {
            for (const qint64 pid : {QCoreApplication::applicationPid(), watch.processId(), cron.pid(), readerLoop.pid()})
                if (pid > 0)
                    for (const QString &file : deletedWarehouseFiles(pid, m_location))
                        if (!deleted.contains(file))
                            deleted << file;
        }
        const QString shownHour = shownNewestHour();
        // While a fault is under way (the server down or restarting) nobody can read; the time a commit
        // has to reach the desktop counts from when the server is back.
        const bool serverAway = std::any_of(faults.cbegin(), faults.cend(), [](const Fault &fault) { return !fault.ended; });
        for (auto it = expectations.begin(); it != expectations.end();) {
            if (serverAway) {
                it->committed.restart();
                ++it;
            } else if (shownHour >= it->hour) {
                it = expectations.erase(it);
            } else if (it->committed.elapsed() > newestHourWithinMs) {
                fail(QStringLiteral("hour %1 committed %2 ms ago; the desktop still shows %3 (%4)")
                         .arg(it->hour)
                         .arg(it->committed.elapsed())
                         .arg(shownHour, window.statusText()));
                it = expectations.erase(it);
            } else {
                ++it;
            }
        }
    });
    watchdog.start(50);

    // The phases: watch from a quarter of the run to three quarters (then it is given nothing more, and stopped
    // once what it was given landed). On PostgreSQL: at a quarter the server goes down for four seconds and watch
    // starts while it is down; at half every client's backend is terminated; at two thirds the server restarts.
    const auto watchLanded = [&] {
        for (const QString &name : std::as_const(givenToWatch))
            if (!QFileInfo::exists(watched + QStringLiteral("/loaded/") + name))
                return false;
        return true;
    };
    bool watchStarted = false, terminated = false, restarted = false, wentDown = false;
    const QString serverScript = sourceFile(QStringLiteral("scripts/pg-test-server.sh"));
    QTimer phases;
    connect(&phases, &QTimer::timeout, this, [&] {
        if (postgres && !wentDown && clock.elapsed() > runMs / 4) {
            wentDown = true;
            startFault(QStringLiteral("bash"), {serverScript, QStringLiteral("restart"), m_pgDir, QStringLiteral("4")});
        }
        if (!watchStarted && clock.elapsed() > runMs / 4 + (postgres ? 1500 : 0)) {
            watchStarted = true;
            watch.start(pvadmin(), {QStringLiteral("--db"), m_location, QStringLiteral("watch"), watched, QStringLiteral("--interval"), QStringLiteral("1")});
            if (!postgres)
                QTimer::singleShot(1000, this, feedWatch);
        }
        if (!postgres && watchStarted && clock.elapsed() > runMs / 2 && nextForWatch == 3)
            feedWatch();
        if (watchStarted && !watchStopping && clock.elapsed() > 3 * runMs / 4)
            watchStopping = true;
        if (watchStopping && watch.state() == QProcess::Running && watchLanded())
            ::kill(pid_t(watch.processId()), SIGTERM);
        if (!postgres)
            return;
        if (!terminated && clock.elapsed() > runMs / 2) {
            terminated = true;
            startFault(QStringLiteral("psql"),
                       {QStringLiteral("-X"), QStringLiteral("-At"), QStringLiteral("-v"), QStringLiteral("ON_ERROR_STOP=1"), QStringLiteral("-d"), m_location,
                        QStringLiteral("-c"),
                        QStringLiteral("SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                       "WHERE datname = current_database() AND pid <> pg_backend_pid()")});
        }
        if (!restarted && clock.elapsed() > 2 * runMs / 3) {
            restarted = true;
            startFault(QStringLiteral("bash"), {serverScript, QStringLiteral("restart"), m_pgDir});
        }
    });
    phases.start(250);

    cron.start();
    readerLoop.start();
    QTRY_VERIFY_WITH_TIMEOUT(clock.elapsed() > runMs, int(runMs) + 10000);
    cron.stop();
    readerLoop.stop();
    QTRY_VERIFY_WITH_TIMEOUT(!window.loadQueue()->isBusy(), 120000);
    // What watch was given landed, and it stopped on SIGTERM as a service does.
    QTRY_VERIFY_WITH_TIMEOUT(watch.state() == QProcess::NotRunning, 60000);
    const QByteArray watchErrors = watch.readAllStandardError();
    const QByteArray watchLog = watch.readAllStandardOutput() + watchErrors;
    qInfo("watch:\n%s", watchLog.constData());
    QVERIFY2(watchLanded(), watchLog.constData());
    QVERIFY2(watch.exitStatus() == QProcess::NormalExit && watch.exitCode() == 0, watchLog.constData());
    QVERIFY2(!watchLog.contains("moved to failed"), watchLog.constData());
    watchdog.stop();
    browse.stop();
    phases.stop();
    QTRY_VERIFY_WITH_TIMEOUT(std::all_of(faults.cbegin(), faults.cend(), [](const Fault &fault) { return fault.ended; }), 60000);
    if (postgres) {
        // Its connection, idle between files, died with each fault: the next file failed on it and landed
        // on a new one.
        QVERIFY2(watchErrors.count("the database failed before the load began") >= 2, watchErrors.constData());
        // Started while the server was down, watch said so, once per outage, and said when it was back.
        QVERIFY2(watchErrors.indexOf("trying again every 1 s") < watchErrors.indexOf("reachable again")
                     && watchErrors.count("trying again every 1 s") == watchErrors.count("reachable again"),
                 watchErrors.constData());
    }

    // The desktop caught up with the last commit, and every screen can still read.
    QTRY_COMPARE_WITH_TIMEOUT(shownNewestHour(), newestCommitted, 10000);
    qInfo("%d cron loads (%d tried again after a lost server), %d reads, %d of %d desktop imports, %d files to watch, "
          "%d screens shown; newest hour %s",
          cronLoads, cronRetries, readerRuns, desktopImported, int(desktopImports.size()), int(givenToWatch.size()), shown,
          qPrintable(newestCommitted));
    QVERIFY2(failures.isEmpty(), qPrintable(failures.join(QLatin1Char('\n'))));
    QVERIFY2(deleted.isEmpty(), qPrintable(QStringLiteral("a live process held deleted warehouse files:\n") + deleted.join(QLatin1Char('\n'))));
    QVERIFY2(cronLoads >= 20, "too few loads in the run to say anything");
    QVERIFY2(readerRuns >= 20, "too few reads in the run to say anything");
    QCOMPARE(desktopImported, int(desktopImports.size()));
    QVERIFY(!givenToWatch.isEmpty() && !desktopImports.isEmpty());
    QVERIFY2(givenToWatch.size() >= 2, "watch was given too few files to say anything");
    if (postgres)
        QVERIFY(wentDown && terminated && restarted);

    // The warehouse afterwards: whole, right, and every load that said it succeeded counted.
    if (!postgres) {
        const Finished integrity = runToEnd(QStringLiteral("sqlite3"), {m_location, QStringLiteral("PRAGMA integrity_check")});
        QCOMPARE(integrity.out.trimmed(), QByteArray("ok"));
    }
    const Finished check = runToEnd(pvadmin(), {QStringLiteral("--db"), m_location, QStringLiteral("check")});
    QVERIFY2(check.exitCode == 0, check.out + check.err);
    for (const QString &basis : {QStringLiteral("at-time"), QStringLiteral("current")}) {
        const Finished report = runToEnd(pvadmin(), {QStringLiteral("--db"), m_location, QStringLiteral("report"),
                                                     QStringLiteral("--basis"), basis, QStringLiteral("--grain"), QStringLiteral("month")});
        QCOMPARE(report.exitCode, 0);
        qint64 counted = 0;
        for (const QByteArray &line : report.out.split('\n').mid(1))
            counted += line.split(',').value(2).toLongLong();
        QCOMPARE(counted, pageviewsLoaded);
    }
    const Finished runs = runToEnd(pvadmin(), {QStringLiteral("--db"), m_location, QStringLiteral("runs")});
    QVERIFY2(!runs.out.contains(" running "), runs.out.constData());
}

void NeighboursTest::desktopImportWaitsForARestartingServer()
{
    if (!testBackendIsPostgres())
        QSKIP("a server that goes away and comes back is PostgreSQL's; a SQLite file has none");
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    startWarehouse(dir);
    const auto stopped = qScopeGuard([&] { stopServer(); });
    const GeneratorOptions options = extractsIn(dir, 300, 1, 1, 500, 24);
    const ExtractGenerator gen(options);
    const QString snapshot = options.outDir + QLatin1Char('/') + gen.usersFileName(0);

    MainWindow window(m_location);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QStringList stages;
    connect(window.loadQueue(), &LoadQueue::progressChanged, this, [&](const LoadProgress &progress) {
        if (!stages.contains(progress.stage))
            stages << progress.stage;
    });
    std::optional<LoadResult> finished;
    connect(window.loadQueue(), &LoadQueue::fileFinished, this,
            [&](const QString &, const LoadResult &result) { finished = result; });

    // The server goes down for six seconds; the operator imports while it is down.
    QProcess restart;
    restart.start(QStringLiteral("bash"), {sourceFile(QStringLiteral("scripts/pg-test-server.sh")), QStringLiteral("restart"), m_pgDir, QStringLiteral("6")});
    const auto serverAnswers = [&] {
        return runToEnd(QStringLiteral("psql"), {QStringLiteral("-X"), QStringLiteral("-q"), QStringLiteral("-d"), m_location,
                                                 QStringLiteral("-c"), QStringLiteral("SELECT 1")})
                   .exitCode
            == 0;
    };
    QTRY_VERIFY_WITH_TIMEOUT(!serverAnswers(), 20000);
    window.startLoads({LoadRequest{snapshot, {}}});

    // The import waits, saying so, and loads once the server is back; nothing to do again by hand.
    QTRY_VERIFY_WITH_TIMEOUT(finished.has_value(), 60000);
    QVERIFY2(finished->outcome == LoadOutcome::Loaded, qPrintable(finished->message));
    QVERIFY2(stages.contains(QStringLiteral("waiting for the warehouse")), qPrintable(stages.join(QLatin1String(", "))));
    QVERIFY(restart.state() == QProcess::NotRunning || restart.waitForFinished(60000));
    QCOMPARE(restart.exitStatus(), QProcess::NormalExit);
    QCOMPARE(restart.exitCode(), 0);
    const Finished runs = runToEnd(pvadmin(), {QStringLiteral("--db"), m_location, QStringLiteral("runs")});
    QCOMPARE(runs.out.count(" succeeded "), 1);
}

QTEST_MAIN(NeighboursTest)
void NeighboursTest::desktopHoldsTwoConnections()
{
    // Ten desktops must not fill a server's 100 connections: every screen and dialog reads through one
    // shared connection, and one more hears of other clients' commits. Counted by the server itself
    // (pg_stat_activity), or, for a SQLite file, by the descriptors this process holds open on it.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const bool postgres = testBackendIsPostgres();
    startWarehouse(dir);
    const auto stopped = qScopeGuard([&] { stopServer(); });
    const GeneratorOptions options = extractsIn(dir, 300, 1, 3, 300, 25);
    const ExtractGenerator gen(options);
    const QString folder = options.outDir + QLatin1Char('/');
    QCOMPARE(runToEnd(pvadmin(), {QStringLiteral("--db"), m_location, QStringLiteral("load"), folder + gen.usersFileName(0),
                                  folder + gen.pageviewsFileName(0, 0), folder + gen.pageviewsFileName(0, 1)})
                 .exitCode,
             0);
    // PostgreSQL: the server's count. A SQLite file has no server to ask (and SQLite keeps a closed
    // connection's descriptor open while another holds a lock), so there the desktop's reading threads are
    // counted instead, as on PostgreSQL too: one reads for every screen.
    const auto connections = [&]() -> int {
        const Finished counted = runToEnd(
            QStringLiteral("psql"), {QStringLiteral("-X"), QStringLiteral("-A"), QStringLiteral("-t"), QStringLiteral("-d"), m_location,
                                     QStringLiteral("-c"), QStringLiteral("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                                                                          "current_database() AND pid <> pg_backend_pid()")});
        return counted.exitCode == 0 ? counted.out.trimmed().toInt() : -1;
    };
    const auto readingThreads = [] {
        int threads = 0;
        const QDir tasks(QStringLiteral("/proc/self/task"));
        for (const QString &task : tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
            QFile comm(tasks.filePath(task + QStringLiteral("/comm")));
            threads += comm.open(QIODevice::ReadOnly) && comm.readAll().trimmed() == "pvadmin-query" ? 1 : 0;
        }
        return threads;
    };

    MainWindow window(m_location);
    window.resize(1400, 900);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    // Every screen shown and read, the import dialog and a run's details opened and closed.
    for (const QString &screen : {QStringLiteral("Overview"), QStringLiteral("Loads"), QStringLiteral("History"),
                                  QStringLiteral("Charts"), QStringLiteral("Reports")}) {
        window.showScreen(screen);
        QTest::qWait(300);
    }
    QPointer<ImportDialog> import = window.importFiles({folder + gen.pageviewsFileName(0, 2)});
    QVERIFY(import);
    QTest::qWait(500);
    QPointer<RunDetailsDialog> details = window.showRun(1);
    QTest::qWait(500);
    QTRY_VERIFY_WITH_TIMEOUT(window.statusText().contains(QStringLiteral("Latest hour loaded")), 10000);
    QCOMPARE(readingThreads(), 1);
    if (postgres) {
        const int whileOpen = connections();
        qInfo("connections with every screen read and two dialogs open: %d", whileOpen);
        QVERIFY2(whileOpen >= 1 && whileOpen <= 3, qPrintable(QString::number(whileOpen))); // a dialog's own, at most
    }
    import->reject();
    details->close();
    QTRY_VERIFY(!import && !details);
    QCOMPARE(readingThreads(), 1);
    if (postgres) {
        QTRY_VERIFY2_WITH_TIMEOUT(connections() <= 2, qPrintable(QString::number(connections())), 10000);
        qInfo("connections of the desktop at rest: %d", connections());
        QVERIFY(connections() >= 1);
    }

    // A load in the desktop adds its own for as long as it runs, and still lands.
    std::optional<LoadResult> finished;
    connect(window.loadQueue(), &LoadQueue::fileFinished, this,
            [&](const QString &, const LoadResult &result) { finished = result; });
    window.startLoads({LoadRequest{folder + gen.pageviewsFileName(0, 2), {}}});
    QTRY_VERIFY_WITH_TIMEOUT(finished.has_value(), 30000);
    QCOMPARE(finished->outcome, LoadOutcome::Loaded);
    QCOMPARE(readingThreads(), 1);
    if (postgres)
        QTRY_VERIFY2_WITH_TIMEOUT(connections() <= 2, qPrintable(QString::number(connections())), 10000);
}

#include "tst_neighbours.moc"
