// What only the SQLite engine's warehouse file has: a file written by schema version 1 opens and keeps its
// history, the user directory's blocks round-trip through the native API, and a file that is not SQLite is
// refused. Registered once; tst_engine, tst_orderindependence and tst_commandline run on every engine
// (tests/testwarehouse.h).
#include "extract/extractvalidation.h"
#include "history/userdirectory.h"
#include "load/extractload.h"
#include "query/userhistory.h"
#include "storage/sqlite/userdirectoryblocks.h"
#include "storage/storageerror.h"
#include "storage/warehouse.h"

#include "rawsqlite.h"
#include "testwarehouse.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

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

} // namespace

class SqliteFileTest : public QObject
{
    Q_OBJECT

private slots:
    void versionOneWarehouseKeepsItsHistory();
    void userDirectoryRoundTripsEveryColumnWidth();
    void initRefusesFileThatIsNotSqlite();
    void onlyCreatingOpensChangeAFile();
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
        QVERIFY(QSqlQuery(raw.database()).exec(QStringLiteral("DELETE FROM schema_migrations WHERE version = 5")));
    }
    {
        Warehouse reader;
        QVERIFY(!reader.open(old, &error, Warehouse::Role::Reader, Warehouse::Creation::ExistingOnly));
        QCOMPARE(error, warehouseNeedsUpgrade(old, 4, 5));
    }
    // One newer than this pvadmin: said at once, without waiting for a load's write lock.
    {
        sqlite3 *db = nullptr;
        QCOMPARE(sqlite3_open(old.toUtf8().constData(), &db), SQLITE_OK);
        QCOMPARE(sqlite3_exec(db, "INSERT INTO schema_migrations VALUES (5, '2026-12-01 00:00:00'), (99, '2030-01-01 00:00:00');"
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

QTEST_GUILESS_MAIN(SqliteFileTest)
#include "tst_sqlitefile.moc"
