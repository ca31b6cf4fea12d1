#pragma once
// Warehouses the analyst suites share: a hand-built one whose answers are written in the tests, and a
// generated one with movers and hours that were never loaded.

#include "generate/extractgenerator.h"
#include "load/extractload.h"
#include "core/time.h"
#include "storage/warehouse.h"
#include "testwarehouse.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

namespace analyst {

using ::at; // testwarehouse.h

inline bool writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(content) == content.size();
}

/// A warehouse file in a temporary folder, loaded from extracts and closed again.
class TestWarehouse
{
public:
    QString path() const { return m_dir.filePath(QStringLiteral("w.sqlite")); }
    QString folder() const { return m_dir.path(); }

    /// Users 1–3 in 2024-03-01's snapshot (1, 2 in SW19, 3 in EC1A); on 2024-03-02 user 1 has moved to
    /// EC1A and user 4 is new in SW19. Pageviews in 2024-03-01 10:00 (user 1 ×2, users 2 and 3 ×1) and
    /// 2024-03-02 10:00 (users 1, 4 and the unknown user 9 ×1). No other hour is loaded.
    bool buildHandMade(QString *error)
    {
        const QList<std::pair<QString, QByteArray>> files{
            {QStringLiteral("users_extract_2024-03-01.csv"), "id,postcode\n1,SW19\n2,SW19\n3,EC1A\n"},
            {QStringLiteral("users_extract_2024-03-02.csv"), "id,postcode\n1,EC1A\n2,SW19\n3,EC1A\n4,SW19\n"},
            {QStringLiteral("pageviews_2024-03-01T10.csv"),
             "user_id,url,pageview_datetime\n1,/a,2024-03-01 10:00:01\n1,/b,2024-03-01 10:20:00\n"
             "2,/a,2024-03-01 10:30:00\n3,/c,2024-03-01 10:59:59\n"},
            {QStringLiteral("pageviews_2024-03-02T10.csv"),
             "user_id,url,pageview_datetime\n1,/a,2024-03-02 10:00:00\n4,/b,2024-03-02 10:10:00\n"
             "9,/c,2024-03-02 10:40:00\n"},
        };
        QStringList paths;
        for (const auto &[name, content] : files) {
            paths << m_dir.filePath(name);
            if (!writeFile(paths.last(), content)) {
                *error = QStringLiteral("cannot write ") + name;
                return false;
            }
        }
        return load(paths, error);
    }

    /// Generated extracts: 3 daily snapshots with 10% movers, the first 4 hours of each day loaded (the
    /// other 20 hours never are).
    bool buildGenerated(QString *error)
    {
        pv::GeneratorOptions options;
        options.outDir = m_dir.filePath(QStringLiteral("extracts"));
        options.users = 400;
        options.days = 3;
        options.hoursPerDay = 4;
        options.pageviewsPerHour = 300;
        options.moveRate = 0.1;
        options.seed = 7;
        if (pv::generate(options, nullptr, error) != pv::WriteOutcome::Written)
            return false;
        QStringList paths;
        const QDir extracts(options.outDir);
        for (const QString &name : extracts.entryList({QStringLiteral("users_*.csv")}, QDir::Files, QDir::Name))
            paths << extracts.filePath(name);
        for (const QString &name : extracts.entryList({QStringLiteral("pageviews_*.csv")}, QDir::Files, QDir::Name))
            paths << extracts.filePath(name);
        return load(paths, error);
    }

private:
    bool load(const QStringList &paths, QString *error)
    {
        pv::Warehouse warehouse;
        if (!warehouse.open(path(), error))
            return false;
        for (const QString &file : paths) {
            const pv::LoadResult result = pv::loadExtract(warehouse, file, {});
            if (result.outcome != pv::LoadOutcome::Loaded) {
                *error = file + QStringLiteral(": ") + result.message;
                return false;
            }
        }
        return true;
    }

    QTemporaryDir m_dir;
};

} // namespace analyst
