#pragma once

// Where the engine, order-independence and command-line suites keep their warehouses. Each suite is written
// once and runs twice (tests/CMakeLists.txt): on SQLite (PVADMIN_TEST_BACKEND unset or "sqlite": a file in
// the test's temporary folder) and on PostgreSQL (PVADMIN_TEST_BACKEND=postgresql: a fresh database on the
// throwaway server scripts/pg-test-server.sh started, whose URL it wrote to $PVADMIN_TEST_PG_SERVER/url).
// Also a connection of the test's own to a warehouse's tables, to look at them or damage them directly: the
// product never does, it goes through the Warehouse's interfaces.

#include "core/time.h"
#include "extract/extractvalidation.h"
#include "query/userhistory.h"
#include "storage/warehouse.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QStringList>
#include <QTemporaryDir>
#include <QUrl>

/// Whether this run's warehouses are on the PostgreSQL test server rather than in SQLite files.
inline bool testBackendIsPostgres()
{
    static const bool postgres = [] {
        const QString backend = qEnvironmentVariable("PVADMIN_TEST_BACKEND");
        if (backend.isEmpty() || backend == QLatin1String("sqlite"))
            return false;
        if (backend != QLatin1String("postgresql"))
            qFatal("PVADMIN_TEST_BACKEND=%s: expected sqlite or postgresql", qPrintable(backend));
        return true;
    }();
    return postgres;
}

namespace testwarehouse {

inline QString uniqueConnectionName()
{
    static int connections = 0;
    return QStringLiteral("testwarehouse-%1").arg(++connections);
}

/// A Qt SQL connection of the test's own, removed when it goes.
class Connection
{
public:
    Connection(const QString &driver, const QString &description)
        : m_name(uniqueConnectionName())
        , m_description(description)
    {
        if (!QSqlDatabase::isDriverAvailable(driver))
            qFatal("the Qt SQL driver %s is missing (Debian: libqt6sql6-sqlite, libqt6sql6-psql)", qPrintable(driver));
        QSqlDatabase::addDatabase(driver, m_name);
    }
    ~Connection()
    {
        database().close();
        QSqlDatabase::removeDatabase(m_name);
    }
    Connection(const Connection &) = delete;
    Connection &operator=(const Connection &) = delete;

    QSqlDatabase database() const { return QSqlDatabase::database(m_name, false); }

    void open()
    {
        QSqlDatabase db = database();
        if (!db.open())
            qFatal("cannot connect to %s: %s", qPrintable(m_description), qPrintable(db.lastError().text()));
    }

    /// Runs one statement; any error is a broken test, which stops here with the statement and the error.
    QSqlQuery exec(const QString &sql) const
    {
        QSqlQuery q(database());
        if (!q.exec(sql))
            qFatal("on %s: %s\n  in: %s", qPrintable(m_description), qPrintable(q.lastError().text()), qPrintable(sql));
        return q;
    }

private:
    QString m_name;
    QString m_description;
};

/// A connection to the PostgreSQL database a postgresql:// URL names (host, port, user and database only:
/// the test server trusts its superuser).
inline void configure(QSqlDatabase db, const QUrl &url)
{
    db.setHostName(url.host());
    db.setPort(url.port());
    db.setUserName(url.userName());
    db.setDatabaseName(url.path().mid(1));
}

/// The test server: makes each test's warehouse database, and drops it once the temporary folder it was
/// made for is gone, as a warehouse file would go with it (PostgreSQL's empty database takes 7 MB: a suite's
/// hundred would add up).
class TestServer
{
public:
    static TestServer &instance()
    {
        static TestServer server;
        return server;
    }

    QString newDatabase(const QString &folder)
    {
        dropDatabasesOfRemovedFolders();
        static int databases = 0;
        const QString name = QStringLiteral("pvtest_%1_%2_%3")
                                 .arg(QCoreApplication::applicationPid())
                                 .arg(++databases)
                                 .arg(QRandomGenerator::global()->bounded(1000000));
        m_admin.exec(QStringLiteral("CREATE DATABASE %1").arg(name));
        m_databasesByFolder[folder] << name;
        QUrl location = m_url;
        location.setPath(QLatin1Char('/') + name);
        return location.toString();
    }

private:
    TestServer()
        : m_url(serverUrl())
        , m_admin(QStringLiteral("QPSQL"), QStringLiteral("the PostgreSQL test server at %1").arg(m_url.toString()))
    {
        configure(m_admin.database(), m_url);
        m_admin.open();
    }

    static QUrl serverUrl()
    {
        const QString dir = qEnvironmentVariable("PVADMIN_TEST_PG_SERVER");
        QFile file(dir + QStringLiteral("/url"));
        if (dir.isEmpty() || !file.open(QIODevice::ReadOnly))
            qFatal("PVADMIN_TEST_BACKEND=postgresql, but there is no test server: %s is missing (ctest starts one "
                   "with scripts/pg-test-server.sh start DIR and sets PVADMIN_TEST_PG_SERVER=DIR)",
                   qPrintable(file.fileName()));
        const QUrl url(QString::fromUtf8(file.readAll().trimmed()), QUrl::StrictMode);
        if (!url.isValid() || url.scheme() != QLatin1String("postgresql") || url.port() <= 0)
            qFatal("%s does not hold a postgresql://USER@HOST:PORT/DATABASE URL", qPrintable(file.fileName()));
        return url;
    }

    void dropDatabasesOfRemovedFolders()
    {
        for (auto it = m_databasesByFolder.begin(); it != m_databasesByFolder.end();) {
            if (QFileInfo::exists(it.key())) {
                ++it;
                continue;
            }
            // FORCE: a connection a test left open is no reason to keep the database.
            for (const QString &name : std::as_const(it.value()))
                m_admin.exec(QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(name));
            it = m_databasesByFolder.erase(it);
        }
    }

    QUrl m_url;
    Connection m_admin;
    QHash<QString, QStringList> m_databasesByFolder;
};

} // namespace testwarehouse

/// A new, empty warehouse location for a test: on SQLite the file dir/name.sqlite (not created); on
/// PostgreSQL a fresh database on the test server, dropped once dir is gone (name is not used there).
inline QString newWarehouseLocation(const QTemporaryDir &dir, const QString &name = QStringLiteral("w"))
{
    if (!testBackendIsPostgres())
        return dir.filePath(name + QStringLiteral(".sqlite"));
    return testwarehouse::TestServer::instance().newDatabase(dir.path());
}

/// A connection of the test's own to a warehouse's tables: the SQLite file, or the PostgreSQL database with
/// the warehouse's schema (pvadmin) first on the search path. The tables, columns and their meanings are the
/// same on both (resources/migrations/); integers are bigint and blobs bytea on PostgreSQL. Any SQL error is a
/// broken test: it stops there, naming the statement and the error.
class WarehouseSql
{
public:
    explicit WarehouseSql(const QString &location)
        : m_connection(testBackendIsPostgres() ? QStringLiteral("QPSQL") : QStringLiteral("QSQLITE"), location)
    {
        if (testBackendIsPostgres())
            testwarehouse::configure(m_connection.database(), QUrl(location, QUrl::StrictMode));
        else
            m_connection.database().setDatabaseName(location);
        m_connection.open();
        if (testBackendIsPostgres())
            m_connection.exec(QStringLiteral("SET search_path TO pvadmin"));
    }

    /// Runs one statement; the number of rows it changed.
    int exec(const QString &sql) const { return m_connection.exec(sql).numRowsAffected(); }

    /// The rows of a query, each value as text: a blob in hex, NULL as a null QString.
    QList<QStringList> rows(const QString &sql) const
    {
        QSqlQuery q = m_connection.exec(sql);
        QList<QStringList> rows;
        while (q.next()) {
            QStringList row;
            for (int i = 0; i < q.record().count(); ++i) {
                const QVariant value = q.value(i);
                if (value.isNull())
                    row << QString();
                else if (value.typeId() == QMetaType::QByteArray)
                    row << QString::fromLatin1(value.toByteArray().toHex());
                else
                    row << value.toString();
            }
            rows << row;
        }
        return rows;
    }

    /// The first value of a query's first row (a null QString when there is none).
    QString value(const QString &sql) const
    {
        const QList<QStringList> all = rows(sql);
        return all.isEmpty() || all.first().isEmpty() ? QString() : all.first().first();
    }

private:
    testwarehouse::Connection m_connection;
};

/// Runs one statement on the warehouse at location (a test's damage); the number of rows it changed.
inline int execWarehouseSql(const QString &location, const QString &sql)
{
    return WarehouseSql(location).exec(sql);
}

/// Whether a warehouse is there: the SQLite file, or the warehouse's schema in the PostgreSQL database.
inline bool warehouseExists(const QString &location)
{
    if (!testBackendIsPostgres())
        return QFileInfo::exists(location);
    return WarehouseSql(location).value(QStringLiteral("SELECT COUNT(*) FROM pg_namespace WHERE nspname = 'pvadmin'"))
        == QLatin1String("1");
}

/// A naive UTC timestamp in the tests' own text ("2024-03-01 00:00:00"), in seconds.
inline qint64 at(const char *text)
{
    QString reason;
    const auto value = pv::parseTimestamp(text, &reason);
    if (!value)
        qFatal("bad timestamp in test: %s", text);
    return *value;
}

/// "POSTCODE from..to | ..." of a user's history as UserHistory (the history screen and command) reads it.
inline QString historyText(pv::Warehouse &warehouse, qint64 userId)
{
    QStringList rows;
    for (const pv::UserPostcodePeriod &p : warehouse.userHistory().periods(userId))
        rows << QStringLiteral("%1 %2..%3")
                    .arg(p.postcode, pv::formatTimestamp(p.validFrom).left(10),
                         p.validTo ? pv::formatTimestamp(*p.validTo).left(10) : QString());
    return rows.join(QStringLiteral(" | "));
}
