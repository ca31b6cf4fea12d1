// What only the SQLite engine's warehouse file has: a file written by schema version 1 opens and keeps its
// history, the user directory's blocks round-trip through the native API, and a file that is not SQLite is
// refused. Registered once; tst_engine, tst_orderindependence and tst_commandline run on every engine
// (tests/testwarehouse.h).
#include "extract/extractpreview.h"
#include "history/userdirectory.h"
#include "load/extractload.h"
#include "query/userhistory.h"
#include "storage/sqlite/userdirectoryblocks.h"
#include "storage/runlog.h"
#include "storage/storageerror.h"
#include "storage/warehouse.h"

#include "rawsqlite.h"
#include "testwarehouse.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QScopeGuard>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

#include <csignal>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

using namespace pv;

namespace {

/// The journal mode and the tables of an SQLite file, read without pvadmin.
QString describeFile(const QString &path)
{
    sqlite3 *db = nullptr;
    if (sqlite3_open_v2(path.toUtf8().constData(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
        return QStringLiteral("cannot open");
    QStringList parts;
    sqlite3_stmt *stmt = nullptr;
    sqlite3_prepare_v2(db, "SELECT name FROM sqlite_schema ORDER BY name", -1, &stmt, nullptr);
    while (sqlite3_step(stmt) == SQLITE_ROW)
        parts << QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(stmt, 0)));
    sqlite3_finalize(stmt);
    sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &stmt, nullptr);
    if (sqlite3_step(stmt) == SQLITE_ROW)
        parts.prepend(QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(stmt, 0))));
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return parts.join(QLatin1Char(' '));
}

struct ChildRun
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

/// How a child pvadmin is run: as this user, or as one without root's power over file permissions
/// (CI runs as root, to whom no folder is read-only); with a cap on the size of every file it writes
/// (RLIMIT_FSIZE: a write past it fails as on a full disk), or none.
struct Child
{
    bool unprivileged = false;
    qint64 maxFileBytes = -1;
    QString binary = QStringLiteral(PVADMIN_BINARY);
};

constexpr int nobodyId = 65534;

ChildRun runPvadmin(const QStringList &args, Child child = {})
{
    QString program = child.binary;
    QStringList arguments = args;
    if (child.unprivileged && ::geteuid() == 0) {
        arguments = QStringList{QStringLiteral("--reuid=%1").arg(nobodyId), QStringLiteral("--regid=%1").arg(nobodyId),
                                QStringLiteral("--clear-groups"), program}
            + args;
        program = QStringLiteral("setpriv");
    }
    QProcess process;
    if (child.maxFileBytes >= 0) {
        process.setChildProcessModifier([limit = static_cast<rlim_t>(child.maxFileBytes)] {
            std::signal(SIGXFSZ, SIG_IGN); // the write fails with EFBIG instead of killing the process
            const rlimit cap{limit, limit};
            ::setrlimit(RLIMIT_FSIZE, &cap);
        });
    }
    process.start(program, arguments);
    ChildRun run;
    if (!process.waitForFinished(60000) || process.exitStatus() != QProcess::NormalExit)
        return run;
    run.exitCode = process.exitCode();
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    return run;
}

/// The folder's files (name, size, permissions; none for an empty folder name) and the warehouse's bytes.
QByteArray fingerprint(const QString &folder, const QString &warehouse)
{
    QByteArray print;
    for (const QFileInfo &file : folder.isEmpty() ? QFileInfoList{} : QDir(folder).entryInfoList(QDir::Files | QDir::Hidden, QDir::Name))
        print += file.fileName().toUtf8() + ' ' + QByteArray::number(file.size()) + ' '
               + QByteArray::number(int(file.permissions()), 16) + '\n';
    QFile bytes(warehouse);
    if (bytes.open(QIODevice::ReadOnly))
        print += QCryptographicHash::hash(bytes.readAll(), QCryptographicHash::Sha256).toHex();
    return print;
}

const QByteArray twoUsers = "id,postcode\n1,SW19\n2,N1\n";
const QByteArray tenViews = "user_id,url,pageview_datetime\n"
                            "1,/a,2024-03-01 10:01:00\n1,/b,2024-03-01 10:02:00\n1,/c,2024-03-01 10:03:00\n"
                            "2,/a,2024-03-01 10:04:00\n2,/b,2024-03-01 10:05:00\n2,/c,2024-03-01 10:06:00\n"
                            "2,/d,2024-03-01 10:07:00\n1,/d,2024-03-01 10:08:00\n2,/e,2024-03-01 10:09:00\n"
                            "1,/e,2024-03-01 10:10:00\n";
const QByteArray tenViewsReport = "period_start,postcode,pageviews\n2024-03-01 10:00:00,N1,5\n2024-03-01 10:00:00,SW19,5\n";

QString writeFile(const QString &path, const QByteArray &content)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

/// A warehouse with a snapshot and an hour of ten pageviews, in folder/warehouse.sqlite.
QString tenViewWarehouse(const QString &folder)
{
    const QString warehouse = folder + QStringLiteral("/warehouse.sqlite");
    for (const auto &[name, content] : {std::pair{"users_extract_2024-03-01.csv", twoUsers},
                                        std::pair{"pageviews_2024-03-01T10.csv", tenViews}}) {
        const ChildRun load = runPvadmin({QStringLiteral("--db"), warehouse, QStringLiteral("load"),
                                          writeFile(folder + QStringLiteral("/in/") + QLatin1String(name), content)});
        if (load.exitCode != 0)
            qFatal("cannot load %s: %s", name, load.err.constData());
    }
    return warehouse;
}

/// Gives the folder and everything in it to the unprivileged user the children run as, with a copy of
/// pvadmin (the build's may be in a folder only root can enter). Returns the pvadmin it may run, or an
/// empty string when it could not.
QString handOver(const QString &folder)
{
    if (::geteuid() != 0)
        return QStringLiteral(PVADMIN_BINARY);
    const QString binary = folder + QStringLiteral("/pvadmin");
    if (!QFileInfo::exists(binary) && !QFile::copy(QStringLiteral(PVADMIN_BINARY), binary))
        return {};
    if (QProcess::execute(QStringLiteral("chown"), {QStringLiteral("-R"), QStringLiteral("%1:%1").arg(nobodyId), folder}) != 0)
        return {};
    return binary;
}

} // namespace

class SqliteFileTest : public QObject
{
    Q_OBJECT

private slots:
    void versionOneWarehouseKeepsItsHistory();
    void userDirectoryRoundTripsEveryColumnWidth();
    void initRefusesFileThatIsNotSqlite();
    void warehouseFilesAreNeverOpenedBehindSqlitesBack();
    void onlyCreatingOpensChangeAFile();
    void readOnlyWarehouseIsReadNeverWritten();
    void fullDiskIsSaidAndChangesNothing();
    void warehouseFilesStayTheirOwners();
    void watchRetriesWhatTheDatabaseRefusedUntilItLands();
};

void SqliteFileTest::versionOneWarehouseKeepsItsHistory()
{
    // A warehouse written by schema version 1 (history as SCD2 rows) opens with the same history.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("v1.sqlite"));
    {
        sqlite3 *db = nullptr;
        QCOMPARE(sqlite3_open(path.toUtf8().constData(), &db), SQLITE_OK);
        QFile schema(QStringLiteral(":/migrations/0001_initial.sql"));
        QVERIFY(schema.open(QIODevice::ReadOnly));
        const QByteArray sql = schema.readAll() + R"(
            CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL);
            INSERT INTO schema_migrations VALUES (1, '2026-11-20 12:00:00');
            INSERT INTO postcodes (id, postcode) VALUES (1, 'SW19'), (2, 'N1');
            INSERT INTO load_runs (id, kind, file, started_at, status) VALUES
                (1, 'users', 'a', 0, 'succeeded'), (2, 'users', 'b', 0, 'succeeded'), (3, 'users', 'c', 0, 'succeeded');
            INSERT INTO snapshots VALUES (1709251200, 1, 3), (1709337600, 2, 1), (1709424000, 3, 2);
            -- user 1 moved SW19 -> N1 on day 2; user 2 left on day 2; user 3 left on day 2 and came back on day 3.
            INSERT INTO user_postcode_history VALUES
                (1, 1709251200, 1709337600, 1), (1, 1709337600, NULL, 2),
                (2, 1709251200, 1709337600, 1),
                (3, 1709251200, 1709337600, 2), (3, 1709424000, NULL, 2);
            INSERT INTO postcode_current_users VALUES (1, 1), (2, 2);
        )";
        char *error = nullptr;
        const int rc = sqlite3_exec(db, sql.constData(), nullptr, nullptr, &error);
        QVERIFY2(rc == SQLITE_OK, error);
        sqlite3_close(db);
    }
    Warehouse warehouse;
    QString error;
    QVERIFY2(warehouse.open(path, &error), qPrintable(error));
    QCOMPARE(historyText(warehouse, 1), QStringLiteral("SW19 2024-03-01..2024-03-02 | N1 2024-03-02.."));
    QCOMPARE(historyText(warehouse, 2), QStringLiteral("SW19 2024-03-01..2024-03-02"));
    QCOMPARE(historyText(warehouse, 3), QStringLiteral("N1 2024-03-01..2024-03-02 | N1 2024-03-03.."));
    CheckReport report = warehouse.check();
    QVERIFY2(report.ok(), qPrintable(report.differences.join(QLatin1Char('\n'))));
    QCOMPARE(report.usersChecked, 3);
    // The postcodes written before the dictionary was sealed are sealed as they read at the upgrade.
    QCOMPARE(report.postcodesChecked, 3);

    // The migrated warehouse goes on loading: user 2 comes back, user 1 moves again.
    QFile next(dir.filePath(QStringLiteral("users_extract_2024-03-04.csv")));
    QVERIFY(next.open(QIODevice::WriteOnly));
    next.write("id,postcode\n1,SW19\n2,N1\n3,N1\n");
    next.close();
    QCOMPARE(loadExtract(warehouse, next.fileName(), {}).outcome, LoadOutcome::Loaded);
    QCOMPARE(historyText(warehouse, 1),
             QStringLiteral("SW19 2024-03-01..2024-03-02 | N1 2024-03-02..2024-03-04 | SW19 2024-03-04.."));
    QCOMPARE(historyText(warehouse, 2), QStringLiteral("SW19 2024-03-01..2024-03-02 | N1 2024-03-04.."));
    report = warehouse.check();
    QVERIFY2(report.ok(), qPrintable(report.differences.join(QLatin1Char('\n'))));
}

void SqliteFileTest::userDirectoryRoundTripsEveryColumnWidth()
{
    // Three blocks: narrow columns; ids spanning 2^32 with postcode ids past 2^15; newest changes more than
    // 65,535 hours apart. Then new users merged in among the old ones, and written and read again.
    QTemporaryDir dir;
    Warehouse warehouse;
    QString error;
    QVERIFY2(warehouse.open(dir.filePath(QStringLiteral("w.sqlite")), &error), qPrintable(error));
    struct User
    {
        quint64 id;
        quint32 postcode;
        bool inLatest;
        qint64 newestChange;
    };
    std::vector<User> users;
    for (quint64 i = 0; i < 65536; ++i)
        users.push_back({1000 + i * 3, quint32(i % 3000), i % 7 != 0, at("2024-03-01 00:00:00") + qint64(i % 5) * 3600});
    for (quint64 i = 0; i < 65536; ++i)
        users.push_back({300000 + i * (quint64(1) << 17), quint32(40000 + i), i % 2 == 0, at("2024-03-02 00:00:00")});
    for (quint64 i = 0; i < 1000; ++i)
        users.push_back({(quint64(1) << 40) + i, 7, true, i % 2 ? at("1990-01-01 00:00:00") : at("2024-03-03 00:00:00")});
    UserDirectory directory;
    for (const User &u : users)
        directory.set(directory.size(), u.id, u.postcode, u.inLatest, u.newestChange);
    directory.build();
    const RawSqlite raw(warehouse);
    writeUserDirectory(raw.handle(), directory);

    std::vector<User> added;
    for (quint64 i = 0; i < 500; ++i)
        added.push_back({1001 + i * 3, quint32(i), true, at("2024-03-04 00:00:00")}); // between the first block's ids
    added.push_back({1, 1, false, at("2024-03-04 00:00:00")});                          // before every other id
    UserDirectory read;
    readUserDirectory(raw.handle(), read);
    QCOMPARE(read.size(), users.size());
    for (const User &u : added)
        read.set(read.size(), u.id, u.postcode, u.inLatest, u.newestChange);
    read.build();
    writeUserDirectory(raw.handle(), read);
    UserDirectory again;
    readUserDirectory(raw.handle(), again);
    {
        // A damaged user count is reported, not allocated.
        UserDirectory damaged;
        QSqlQuery(raw.database()).exec(QStringLiteral("UPDATE user_directory_blocks SET users = 2305843009213693953 WHERE block = 1"));
        QVERIFY_THROWS_EXCEPTION(StorageError, readUserDirectory(raw.handle(), damaged));
    }

    users.insert(users.end(), added.begin(), added.end());
    std::sort(users.begin(), users.end(), [](const User &a, const User &b) { return a.id < b.id; });
    QCOMPARE(again.size(), users.size());
    for (size_t i = 0; i < users.size(); ++i) {
        const bool same = again.userId(i) == users[i].id && again.postcodeId(i) == users[i].postcode
            && again.inLatest(i) == users[i].inLatest && again.newestChange(i) == users[i].newestChange;
        QVERIFY2(same, qPrintable(QStringLiteral("user %1 (index %2)").arg(users[i].id).arg(i)));
    }
}

void SqliteFileTest::onlyCreatingOpensChangeAFile()
{
    QTemporaryDir dir;
    // Another application's database: reading opens say there is no warehouse, creating ones refuse it,
    // and neither changes it (not even its journal mode).
    const QString foreign = dir.filePath(QStringLiteral("notes.db"));
    {
        sqlite3 *db = nullptr;
        QCOMPARE(sqlite3_open(foreign.toUtf8().constData(), &db), SQLITE_OK);
        QCOMPARE(sqlite3_exec(db, "CREATE TABLE notes (x); CREATE TABLE postcodes (y);", nullptr, nullptr, nullptr), SQLITE_OK);
        sqlite3_close(db);
    }
    const QString before = describeFile(foreign);
    QCOMPARE(before, QStringLiteral("delete notes postcodes"));
    QString error;
    for (const auto creation : {Warehouse::Creation::ExistingOnly, Warehouse::Creation::CreateIfMissing}) {
        Warehouse warehouse;
        QVERIFY(!warehouse.open(foreign, &error, Warehouse::Role::Main, creation));
        QCOMPARE(error, foreign + QStringLiteral(": not a warehouse: it holds other tables (notes, postcodes); pvadmin makes "
                                                 "a warehouse only in a new or empty file"));
        QCOMPARE(describeFile(foreign), before);
    }

    // Another tool's migrations table (Rails, dbmate, golang-migrate keep one by that name) is not a warehouse.
    const QString migrated = dir.filePath(QStringLiteral("rails.sqlite3"));
    {
        sqlite3 *db = nullptr;
        QCOMPARE(sqlite3_open(migrated.toUtf8().constData(), &db), SQLITE_OK);
        QCOMPARE(sqlite3_exec(db, "CREATE TABLE schema_migrations (version varchar PRIMARY KEY);"
                                  "INSERT INTO schema_migrations VALUES ('5'), ('20240101120000');",
                              nullptr, nullptr, nullptr), SQLITE_OK);
        sqlite3_close(db);
    }
    const QString migratedBefore = describeFile(migrated);
    for (const auto creation : {Warehouse::Creation::ExistingOnly, Warehouse::Creation::CreateIfMissing}) {
        Warehouse warehouse;
        QVERIFY(!warehouse.open(migrated, &error, Warehouse::Role::Main, creation));
        QVERIFY2(error.contains(QStringLiteral("not a warehouse: it holds other tables (schema_migrations)")), qPrintable(error));
        QCOMPARE(describeFile(migrated), migratedBefore);
    }

    // A new warehouse is its owner's alone, with its WAL, whatever the umask.
    {
        const QString fresh = dir.filePath(QStringLiteral("fresh.sqlite"));
        Warehouse created;
        QVERIFY2(created.open(fresh, &error), qPrintable(error));
        const auto ownerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadUser | QFileDevice::WriteUser;
        QCOMPARE(QFileInfo(fresh).permissions(), ownerOnly);
        QVERIFY(QFileInfo::exists(fresh + QStringLiteral("-wal")));
        QCOMPARE(QFileInfo(fresh + QStringLiteral("-wal")).permissions(), ownerOnly);
    }

    // An empty file: reading finds no warehouse and leaves it empty; creating makes one there.
    const QString empty = dir.filePath(QStringLiteral("empty.sqlite"));
    {
        QFile file(empty);
        QVERIFY(file.open(QIODevice::WriteOnly));
    }
    {
        Warehouse reader;
        QVERIFY(!reader.open(empty, &error, Warehouse::Role::Reader, Warehouse::Creation::ExistingOnly));
        QCOMPARE(error, noWarehouseThere(empty));
    }
    QCOMPARE(QFileInfo(empty).size(), 0);
    QVERIFY(!QFileInfo::exists(empty + QStringLiteral("-wal")));
    {
        Warehouse creator;
        QVERIFY2(creator.open(empty, &error), qPrintable(error));
    }

    // A warehouse at an older schema: reading says how to upgrade, and does not.
    const QString old = dir.filePath(QStringLiteral("old.sqlite"));
    {
        Warehouse warehouse;
        QVERIFY2(warehouse.open(old, &error), qPrintable(error));
        const RawSqlite raw(warehouse);
        QVERIFY(QSqlQuery(raw.database()).exec(QStringLiteral("DELETE FROM schema_migrations WHERE version = 6")));
    }
    {
        Warehouse reader;
        QVERIFY(!reader.open(old, &error, Warehouse::Role::Reader, Warehouse::Creation::ExistingOnly));
        QCOMPARE(error, warehouseNeedsUpgrade(old, 5, 6));
    }
    // One newer than this pvadmin: said at once, without waiting for a load's write lock.
    {
        sqlite3 *db = nullptr;
        QCOMPARE(sqlite3_open(old.toUtf8().constData(), &db), SQLITE_OK);
        QCOMPARE(sqlite3_exec(db, "INSERT INTO schema_migrations VALUES (6, '2026-12-01 00:00:00'), (99, '2030-01-01 00:00:00');"
                                  "BEGIN IMMEDIATE;", nullptr, nullptr, nullptr), SQLITE_OK);
        QElapsedTimer timer;
        timer.start();
        Warehouse reader;
        QVERIFY(!reader.open(old, &error, Warehouse::Role::Reader, Warehouse::Creation::ExistingOnly));
        QVERIFY2(error.contains(QStringLiteral("schema version 99, newer than this pvadmin")), qPrintable(error));
        QVERIFY(timer.elapsed() < 5000);
        sqlite3_close(db);
    }
    // (Upgrading itself: versionOneWarehouseKeepsItsHistory.)
}

void SqliteFileTest::initRefusesFileThatIsNotSqlite()
{
    QTemporaryDir dir;
    const QString garbage = dir.filePath(QStringLiteral("garbage.sqlite"));
    const QByteArray content("this is not a database\n\x01\x02\x03 at all");
    {
        QFile f(garbage);
        QVERIFY(f.open(QIODevice::WriteOnly) && f.write(content) == content.size());
    }
    QProcess pvadmin;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("PVADMIN_DB"));
    env.insert(QStringLiteral("HOME"), dir.path()); // never the operator's real warehouse
    pvadmin.setProcessEnvironment(env);
    pvadmin.start(QStringLiteral(PVADMIN_BINARY), {QStringLiteral("--db"), garbage, QStringLiteral("init")});
    QVERIFY2(pvadmin.waitForFinished(30000), qPrintable(pvadmin.errorString()));
    const QByteArray err = pvadmin.readAllStandardError();
    QVERIFY2(pvadmin.exitStatus() == QProcess::NormalExit && pvadmin.exitCode() != 0, err.constData());
    // A one-line reason that names the file.
    QVERIFY2(err.endsWith('\n') && err.count('\n') == 1, err.constData());
    QVERIFY2(err.contains(garbage.toUtf8()), err.constData());
    // The file is left as it was.
    QFile f(garbage);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), content);
}

void SqliteFileTest::warehouseFilesAreNeverOpenedBehindSqlitesBack()
{
    // On Linux, closing any descriptor of a file drops every POSIX lock the process holds on it: a process
    // that opens its own warehouse's file by other means (a header probe, an extract reader given the file)
    // leaves its connections unlocked, and the next client takes itself for the last one and deletes the
    // live WAL. Whether this process still holds its lock shows in another process: leaving WAL mode needs
    // every other connection gone.
    QTemporaryDir dir;
    const QString warehouse = tenViewWarehouse(dir.path());
    // The kernel's own list: whether this process holds a POSIX lock on the file at path.
    const auto holdsLockOn = [](const QString &path) {
        struct stat info = {};
        if (::stat(QFile::encodeName(path).constData(), &info) != 0)
            return false;
        const QByteArray file = QByteArray::number(major(info.st_dev), 16).rightJustified(2, '0') + ':'
                              + QByteArray::number(minor(info.st_dev), 16).rightJustified(2, '0') + ':'
                              + QByteArray::number(qulonglong(info.st_ino));
        QFile locks(QStringLiteral("/proc/locks"));
        if (!locks.open(QIODevice::ReadOnly))
            return false;
        for (const QByteArray &line : locks.readAll().split('\n')) {
            const QList<QByteArray> fields = line.simplified().split(' ');
            if (fields.size() >= 6 && fields.at(1) == "POSIX" && fields.at(4).toLongLong() == ::getpid() && fields.at(5) == file)
                return true;
        }
        return false;
    };
    const auto anotherProcessCanTakeItOver = [&] {
        QProcess shell;
        shell.start(QStringLiteral("sqlite3"), {warehouse, QStringLiteral("PRAGMA journal_mode=DELETE")});
        return shell.waitForFinished(30000) && shell.exitCode() == 0
               && shell.readAllStandardOutput().trimmed() == "delete";
    };
    {
        QString error;
        // Two connections, as the desktop has many: the second one's open used to probe the file's header.
        Warehouse first, second;
        QVERIFY2(first.open(warehouse, &error), qPrintable(error));
        QCOMPARE(first.runLog().runs().size(), 2);
        QVERIFY2(second.open(warehouse, &error, Warehouse::Role::Reader), qPrintable(error));
        QCOMPARE(second.runLog().runs().size(), 2);
        QVERIFY2(!anotherProcessCanTakeItOver(), "this process's connections lost their lock when one opened");
        QVERIFY2(holdsLockOn(warehouse) && holdsLockOn(warehouse + QStringLiteral("-shm")), "no lock on the warehouse or its -shm");
        // The warehouse's own files given as extracts (dropped on the desktop, named to load): refused by
        // name, never opened.
        QList<LoadResult> results;
        for (const QString &file : {warehouse, warehouse + QStringLiteral("-wal"), warehouse + QStringLiteral("-shm")}) {
            results << loadExtract(second, file, {});
            QVERIFY(!previewExtract(file).isValid());
        }
        QVERIFY2(!anotherProcessCanTakeItOver(), "reading the warehouse as an extract dropped this process's locks");
        QVERIFY2(holdsLockOn(warehouse + QStringLiteral("-shm")), "reading the -shm file as an extract dropped this process's lock on it");
        for (const LoadResult &result : std::as_const(results)) {
            QCOMPARE(result.outcome, LoadOutcome::Failed);
            QVERIFY2(result.message.contains(QStringLiteral("is the open warehouse")), qPrintable(result.message));
        }
        QVERIFY(first.runLog().runs().size() >= 2);
    }
    // With every connection closed, the file is nobody's, and another process may do as it likes.
    QVERIFY(anotherProcessCanTakeItOver());
}

void SqliteFileTest::readOnlyWarehouseIsReadNeverWritten()
{
    QTemporaryDir dir;
    const QString folder = dir.filePath(QStringLiteral("shared"));
    const QString warehouse = tenViewWarehouse(folder);
    const QString moreViews = writeFile(dir.filePath(QStringLiteral("pageviews_2024-03-01T11.csv")),
                                        "user_id,url,pageview_datetime\n1,/a,2024-03-01 11:01:00\n");
    const QString binary = handOver(dir.path());
    QVERIFY(!binary.isEmpty());
    const QStringList db{QStringLiteral("--db"), warehouse};
    const Child unprivileged{true, -1, binary};
    // SQLite reads a WAL database through -wal and -shm files it creates where it can: "never written"
    // is the folder's files where the folder is read-only, and the warehouse's own bytes everywhere.
    const auto readsButNeverWrites = [&](const char *where, bool folderReadOnly) {
        const auto written = [&] { return folderReadOnly ? fingerprint(folder, warehouse) : fingerprint({}, warehouse); };
        const QByteArray before = written();
        const ChildRun runs = runPvadmin(db + QStringList{QStringLiteral("runs")}, unprivileged);
        QVERIFY2(runs.exitCode == 0 && runs.out.count("succeeded") == 2, (where + (": " + runs.err)).constData());
        const ChildRun report = runPvadmin(db + QStringList{QStringLiteral("report"), QStringLiteral("--basis"), QStringLiteral("at-time")}, unprivileged);
        QVERIFY2(report.exitCode == 0, (where + (": " + report.err)).constData());
        QCOMPARE(report.out, tenViewsReport);
        const ChildRun check = runPvadmin(db + QStringList{QStringLiteral("check")}, unprivileged);
        QVERIFY2(check.exitCode == 0, (where + (": " + check.err)).constData());
        // A load is refused with the reason, before it reads its file.
        const ChildRun load = runPvadmin(db + QStringList{QStringLiteral("load"), moreViews}, unprivileged);
        QCOMPARE(load.exitCode, 1);
        QVERIFY2(load.err.contains("is open read-only (this user cannot write it or its folder)"), load.err.constData());
        QCOMPARE(written(), before);
    };

    // A folder the user cannot write (a read-only mount, a folder shared for reading): no -wal or -shm file
    // can be made beside the warehouse, so it is read as it is on disk.
    QVERIFY(QFile::setPermissions(folder, QFileDevice::ReadOwner | QFileDevice::ExeOwner | QFileDevice::ReadOther | QFileDevice::ExeOther));
    readsButNeverWrites("read-only folder", true);

    // A load that did not finish left its changes in the -wal file: read through it when its -shm file can
    // be read, and otherwise refused with the reason rather than read without those changes.
    {
        sqlite3 *writer = nullptr;
        QCOMPARE(sqlite3_open(warehouse.toUtf8().constData(), &writer), SQLITE_OK);
        const auto closeWriter = qScopeGuard([writer] { sqlite3_close(writer); });
        QCOMPARE(sqlite3_exec(writer, "PRAGMA wal_autocheckpoint = 0; INSERT INTO settings (key, value) VALUES ('note', 'x')",
                              nullptr, nullptr, nullptr),
                 SQLITE_OK);
        const QString shm = warehouse + QStringLiteral("-shm");
        QVERIFY(QFileInfo::exists(shm) && QFileInfo(warehouse + QStringLiteral("-wal")).size() > 0);
        QVERIFY(!handOver(dir.path()).isEmpty());
        const ChildRun through = runPvadmin(db + QStringList{QStringLiteral("runs")}, unprivileged);
        QVERIFY2(through.exitCode == 0 && through.out.count("succeeded") == 2, through.err.constData());
        const QFileDevice::Permissions shmPermissions = QFileInfo(shm).permissions();
        QVERIFY(QFile::setPermissions(shm, {}));
        const ChildRun refused = runPvadmin(db + QStringList{QStringLiteral("runs")}, unprivileged);
        QFile::setPermissions(shm, shmPermissions);
        QCOMPARE(refused.exitCode, 1);
        QVERIFY2(refused.err.contains("another client has it open or a load did not finish (warehouse.sqlite-wal is there)")
                     && refused.err.contains("warehouse.sqlite-shm"),
                 refused.err.constData());
    }

    // A read-only file in a folder the user may write.
    QVERIFY(QFile::setPermissions(folder, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner));
    QVERIFY(QFile::setPermissions(warehouse, QFileDevice::ReadOwner));
    readsButNeverWrites("read-only file", false);
}

void SqliteFileTest::fullDiskIsSaidAndChangesNothing()
{
    QTemporaryDir dir;
    const QString warehouse = tenViewWarehouse(dir.path());
    const QStringList db{QStringLiteral("--db"), warehouse};
    QByteArray hour("user_id,url,pageview_datetime\n");
    for (int i = 0; i < 20000; ++i)
        hour += (i % 2 ? "1,/p" : "2,/p") + QByteArray::number(i) + ",2024-03-01 11:" + QByteArray::number(10 + i % 50) + ":00\n";
    const QString bigHour = writeFile(dir.filePath(QStringLiteral("pageviews_2024-03-01T11.csv")), hour);
    const QStringList report{QStringLiteral("report"), QStringLiteral("--basis"), QStringLiteral("current")};

    // The disk fills while a load writes: it fails saying so, and the warehouse is as it was.
    const Child nearlyFull{false, 64 * 1024}; // room for the -shm file and a few pages of the -wal file
    const ChildRun load = runPvadmin(db + QStringList{QStringLiteral("load"), bigHour}, nearlyFull);
    QCOMPARE(load.exitCode, 1);
    QVERIFY2(load.err.contains("this process may write files of at most 65536 bytes: see ulimit -f"), load.err.constData());
    QVERIFY2(load.err.contains("nothing changed"), load.err.constData());
    QCOMPARE(runPvadmin(db + report).out, tenViewsReport);
    const ChildRun check = runPvadmin(db + QStringList{QStringLiteral("check")});
    QVERIFY2(check.exitCode == 0, check.err.constData());
    QVERIFY(!runPvadmin(db + QStringList{QStringLiteral("runs")}).out.contains(" running "));

    // Nothing more fits and no other client has the warehouse open, so there is no room for the -shm file
    // SQLite reads a WAL database through: every reading command still reads, and a load names the
    // extracts it did not load.
    const Child full{false, 0};
    const ChildRun fullReport = runPvadmin(db + report, full);
    QVERIFY2(fullReport.exitCode == 0, fullReport.err.constData());
    QCOMPARE(fullReport.out, tenViewsReport);
    for (const QStringList &reading : {QStringList{QStringLiteral("check")}, QStringList{QStringLiteral("runs")},
                                       QStringList{QStringLiteral("stats")}, QStringList{QStringLiteral("history"), QStringLiteral("1")},
                                       QStringList{QStringLiteral("rejects"), QStringLiteral("1")}}) {
        const ChildRun read = runPvadmin(db + reading, full);
        QVERIFY2(read.exitCode == 0, qPrintable(reading.join(QLatin1Char(' ')) + QLatin1String(": ") + QString::fromUtf8(read.err)));
        QVERIFY2(!read.out.isEmpty(), qPrintable(reading.join(QLatin1Char(' '))));
    }
    const ChildRun unopened = runPvadmin(db + QStringList{QStringLiteral("load"), bigHour}, full);
    QCOMPARE(unopened.exitCode, 1);
    QVERIFY2(unopened.err.contains("File too large); nothing loaded from " + bigHour.toUtf8()), unopened.err.constData());
    QCOMPARE(runPvadmin(db + report).out, tenViewsReport);

    // A report that does not fit: an error, and no file cut short where the report was to go.
    // (Another client keeps the warehouse open, so the -shm file a reader needs is there already.)
    sqlite3 *other = nullptr;
    QCOMPARE(sqlite3_open(warehouse.toUtf8().constData(), &other), SQLITE_OK);
    const auto closeOther = qScopeGuard([other] { sqlite3_close(other); });
    QCOMPARE(sqlite3_exec(other, "SELECT COUNT(*) FROM load_runs", nullptr, nullptr, nullptr), SQLITE_OK);
    const QString output = dir.filePath(QStringLiteral("report.csv"));
    const ChildRun written = runPvadmin(db + report + QStringList{QStringLiteral("--output"), output}, Child{false, 40});
    QCOMPARE(written.exitCode, 1);
    QVERIFY2(written.err.contains("report.csv") && written.err.contains("File too large"), written.err.constData());
    QVERIFY(!QFileInfo::exists(output));

    // A disk full before a warehouse can be created or opened says why, not just "disk I/O error".
    const ChildRun created = runPvadmin({QStringLiteral("--db"), dir.filePath(QStringLiteral("new.sqlite")), QStringLiteral("init")}, Child{false, 0});
    QCOMPARE(created.exitCode, 1);
    QVERIFY2(created.err.contains("disk I/O error (File too large)"), created.err.constData());

    // With room again, the same file loads.
    QCOMPARE(runPvadmin(db + QStringList{QStringLiteral("load"), bigHour}).exitCode, 0);
}

void SqliteFileTest::watchRetriesWhatTheDatabaseRefusedUntilItLands()
{
    QTemporaryDir dir;
    const QString warehouse = tenViewWarehouse(dir.filePath(QStringLiteral("first")));
    // The database refuses every hour's window for now (a stand-in for a disk that is full for a while).
    sqlite3 *raw = nullptr;
    QCOMPARE(sqlite3_open(warehouse.toUtf8().constData(), &raw), SQLITE_OK);
    const auto closeRaw = qScopeGuard([raw] { sqlite3_close(raw); });
    const auto exec = [raw](const char *sql) { return sqlite3_exec(raw, sql, nullptr, nullptr, nullptr); };
    QCOMPARE(exec("CREATE TRIGGER refuse_windows BEFORE INSERT ON pageview_windows "
                  "BEGIN SELECT RAISE(ABORT, 'no room for the window'); END"),
             SQLITE_OK);
    const QString incoming = dir.filePath(QStringLiteral("incoming"));
    writeFile(incoming + QStringLiteral("/pageviews_2024-03-01T11.csv"), "user_id,url,pageview_datetime\n1,/a,2024-03-01 11:01:00\n");

    QProcess watch;
    watch.start(QStringLiteral(PVADMIN_BINARY), {QStringLiteral("--db"), warehouse, QStringLiteral("watch"),
                                                 QStringLiteral("--interval"), QStringLiteral("1"), incoming});
    QVERIFY(watch.waitForStarted(10000));
    const auto closeWatch = qScopeGuard([&watch] {
        watch.terminate();
        watch.waitForFinished(10000);
    });
    QByteArray err;
    QByteArray out;
    const auto waitFor = [&](const QByteArray &stream, const char *text) {
        for (int waitedMs = 0; waitedMs < 20000 && !stream.contains(text); waitedMs += 100) {
            watch.waitForReadyRead(100);
            err += watch.readAllStandardError();
            out += watch.readAllStandardOutput();
        }
        return stream.contains(text);
    };
    // Refused, kept where it is, and tried again after a back-off that doubles.
    QVERIFY2(waitFor(err, "trying again in 2 s"), err.constData());
    QVERIFY2(err.contains("the database refused the load (no room for the window); it was rolled back and nothing changed; trying again in 1 s"), err.constData());
    QVERIFY(QFileInfo::exists(incoming + QStringLiteral("/pageviews_2024-03-01T11.csv")));
    // The database takes it again: the next try lands, and the file is put away as loaded.
    QCOMPARE(exec("DROP TRIGGER refuse_windows"), SQLITE_OK);
    QVERIFY2(waitFor(out, "moved to loaded/"), (out + err).constData());
    QVERIFY(QFileInfo::exists(incoming + QStringLiteral("/loaded/pageviews_2024-03-01T11.csv")));
    QVERIFY(!QDir(incoming + QStringLiteral("/failed")).exists());
    const ChildRun report = runPvadmin({QStringLiteral("--db"), warehouse, QStringLiteral("report"), QStringLiteral("--basis"), QStringLiteral("current")});
    QVERIFY(report.out.contains("2024-03-01 11:00:00,SW19,1"));
}

void SqliteFileTest::warehouseFilesStayTheirOwners()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("new/deeper/w.sqlite"));
    const auto mode = [](const QString &file) {
        struct stat st;
        return ::stat(QFile::encodeName(file).constData(), &st) == 0 ? int(st.st_mode & 0777) : -1;
    };
    // The folders it makes and the file are the owner's, whatever the umask.
    const mode_t umaskBefore = ::umask(0);
    {
        Warehouse warehouse;
        QString error;
        const bool opened = warehouse.open(path, &error);
        ::umask(umaskBefore);
        QVERIFY2(opened, qPrintable(error));
    }
    QCOMPARE(mode(dir.filePath(QStringLiteral("new"))), 0700);
    QCOMPARE(mode(dir.filePath(QStringLiteral("new/deeper"))), 0700);
    QCOMPARE(mode(path), 0600);

    // -wal and -shm left at 0400 by a read of the file while it was 0400 take its permissions again once it is
    // 0600 (SQLite keeps theirs, and every load would fail "attempt to write a readonly database").
    for (const char *suffix : {"-wal", "-shm"}) {
        QFile journal(path + QLatin1String(suffix));
        QVERIFY(journal.open(QIODevice::WriteOnly));
        journal.close();
        QVERIFY(::chmod(QFile::encodeName(journal.fileName()).constData(), 0400) == 0);
    }
    {
        Warehouse warehouse;
        QString error;
        QVERIFY2(warehouse.open(path, &error), qPrintable(error));
        QCOMPARE(mode(path + QStringLiteral("-shm")), 0600);
        QCOMPARE(mode(path + QStringLiteral("-wal")), 0600);
        QVERIFY(warehouse.check().ok());
        QCOMPARE(warehouse.check().storageStructure, QStringLiteral("SQLite's quick_check passed"));
        // A warehouse others may read is said to be so where it is checked.
        QVERIFY(::chmod(QFile::encodeName(path).constData(), 0666) == 0);
        QCOMPARE(warehouse.check().storageStructure,
                 QStringLiteral("SQLite's quick_check passed; the file is 0666: other users of this machine may read and "
                                "change it (chmod 600 keeps it its owner's)"));
    }
}

QTEST_GUILESS_MAIN(SqliteFileTest)
#include "tst_sqlitefile.moc"
