#pragma once
// Shared by the operator desktop's suites: a temporary folder with a warehouse and extract files in it.

#include "generate/extractgenerator.h"
#include "load/extractload.h"
#include "storage/warehouse.h"

#include "rawsqlite.h"

#include <memory>
#include <QDir>
#include <QFile>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QStringList>
#include <QTemporaryDir>
#include <QTest>
#include <QVariant>

class OperatorFixture
{
public:
    OperatorFixture() { QDir().mkpath(m_dir.filePath(QStringLiteral("extracts"))); }

    QString warehousePath() const { return m_dir.filePath(QStringLiteral("w.sqlite")); }
    QString path(const QString &name) const { return m_dir.filePath(QStringLiteral("extracts/") + name); }

    QString write(const QString &name, const QByteArray &content) const
    {
        QFile file(path(name));
        if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
            qFatal("cannot write %s", qPrintable(name));
        return file.fileName();
    }

    /// Generates extracts into extracts/ and returns the generator that describes them.
    pv::ExtractGenerator generate(qint64 users, int days, int hoursPerDay, qint64 pageviewsPerHour, quint64 seed = 1)
    {
        pv::GeneratorOptions options;
        options.outDir = m_dir.filePath(QStringLiteral("extracts"));
        options.users = users;
        options.days = days;
        options.hoursPerDay = hoursPerDay;
        options.pageviewsPerHour = pageviewsPerHour;
        options.seed = seed;
        QString error;
        if (pv::generate(options, nullptr, &error) != pv::WriteOutcome::Written)
            qFatal("cannot generate extracts: %s", qPrintable(error));
        return pv::ExtractGenerator(options);
    }

    /// A connection of the test's own to the warehouse (the desktop window holds none).
    std::unique_ptr<pv::Warehouse> openWarehouse() const
    {
        auto warehouse = std::make_unique<pv::Warehouse>();
        QString error;
        if (!warehouse->open(warehousePath(), &error))
            qFatal("cannot open warehouse: %s", qPrintable(error));
        return warehouse;
    }

    /// Loads a file through the engine directly (setting up a warehouse before the GUI opens it).
    pv::LoadResult load(const QString &file, const pv::LoadOptions &options = {})
    {
        pv::Warehouse warehouse;
        QString error;
        if (!warehouse.open(warehousePath(), &error))
            qFatal("cannot open warehouse: %s", qPrintable(error));
        return pv::loadExtract(warehouse, file, options);
    }

    /// Everything a load can change, as text: facts, aggregates, history, windows, snapshots and the
    /// status of every run but the ones listed.
    QString fingerprint(const QList<qint64> &ignoredRuns = {}) const
    {
        pv::Warehouse warehouse;
        QString error;
        if (!warehouse.open(warehousePath(), &error))
            qFatal("cannot open warehouse: %s", qPrintable(error));
        QStringList parts;
        const char *const queries[] = {
            "SELECT COUNT(*), TOTAL(facts), TOTAL(load_id * 7 + first_user * 13 + last_user), group_concat(hex(data)) FROM pageview_fact_segments",
            "SELECT COUNT(*), TOTAL(views), TOTAL(hour * postcode_id) FROM views_at_time_hourly",
            "SELECT COUNT(*), TOTAL(views), TOTAL(hour * postcode_id) FROM views_current_hourly",
            "SELECT COUNT(*), TOTAL(as_of), TOTAL(user_id * COALESCE(postcode_id, 7)), TOTAL(previous_as_of), "
            "TOTAL(previous_postcode_id) FROM user_postcode_changes",
            "SELECT COUNT(*), TOTAL(users), TOTAL(postcode_id * users) FROM postcode_current_users",
            "SELECT COUNT(*), group_concat(hex(data)) FROM user_directory_blocks",
            "SELECT group_concat(hour || ':' || run_id) FROM pageview_windows",
            "SELECT group_concat(as_of || ':' || run_id) FROM snapshots",
            "SELECT COUNT(*), TOTAL(views) FROM load_hour_views",
        };
        const RawSqlite raw(warehouse);
        QSqlQuery q(raw.database());
        for (const char *sql : queries) {
            if (!q.exec(QString::fromLatin1(sql)) || !q.next())
                qFatal("fingerprint query failed: %s", sql);
            QStringList values;
            for (int i = 0; i < q.record().count(); ++i)
                values << q.value(i).toString();
            parts << values.join(QLatin1Char(','));
        }
        q.exec(QStringLiteral("SELECT id, status FROM load_runs ORDER BY id"));
        while (q.next())
            if (!ignoredRuns.contains(q.value(0).toLongLong()))
                parts << q.value(0).toString() + QLatin1Char('=') + q.value(1).toString();
        return parts.join(QLatin1Char('\n'));
    }

private:
    QTemporaryDir m_dir;
};
