// Property test: a generated multi-day scenario loaded in several random orders gives identical answers,
// equal to answers computed here independently from the raw rows (docs/contract.md §2), and check passes.
// Runs on each storage engine (tests/testwarehouse.h).
#include "load/extractload.h"
#include "core/time.h"
#include "query/pageviewquery.h"
#include "storage/warehouse.h"

#include "testwarehouse.h"

#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <tuple>
#include <map>
#include <set>

using namespace pv;

namespace {

constexpr qint64 day0 = 1709251200; // 2024-03-01 00:00:00
constexpr qint64 hourSeconds = 3600;

struct ExtractFile
{
    QString name;
    QByteArray content;
    enum Role { Snapshot, Pageviews, Replacement, Duplicate, OverThreshold } role;
    qint64 asOf = 0;
    QString replaces; ///< Replacement: the file it must come after
};

struct View
{
    quint64 user;
    qint64 time;
};

/// The scenario and the answers derived from its raw rows by the definitions alone.
class Scenario
{
public:
    explicit Scenario(quint32 seed)
        : m_random(seed)
    {
        const QStringList pool{QStringLiteral("SW19"), QStringLiteral("EC1A 1BB"), QStringLiteral("N1"),
                               QStringLiteral("M1"), QStringLiteral("LS6"), QStringLiteral("B33"),
                               QStringLiteral("W1A 0AX"), QStringLiteral("E14")};
        // Day d's snapshot; moves, new, removed and returning users between days.
        std::map<quint64, QString> population;
        for (quint64 id = 1; id <= 60; ++id)
            population[id] = pool[m_random.bounded(int(pool.size()))];
        std::set<quint64> away;
        quint64 nextId = 61;
        for (int d = 0; d < 3; ++d) {
            if (d > 0) {
                for (auto &[id, pc] : population)
                    if (m_random.bounded(100) < 15)
                        pc = pool[m_random.bounded(int(pool.size()))];
                for (int i = 0; i < 3; ++i)
                    population[nextId++] = pool[m_random.bounded(int(pool.size()))];
                if (!away.empty()) // one returns, under a possibly new postcode
                    away.erase(away.begin());
                away.insert(quint64(2 + d)); // removed for now (at most 2 of ~60: under the guard)
            }
            std::map<quint64, QString> snapshot;
            QByteArray csv = "id,postcode\n";
            for (const auto &[id, pc] : population) {
                if (away.count(id))
                    continue;
                snapshot[id] = pc;
                csv += QByteArray::number(id) + ',' + pc.toLower().toUtf8() + '\n';
            }
            const qint64 asOf = day0 + d * 86400;
            m_snapshots[asOf] = snapshot;
            m_files.push_back({QStringLiteral("users_extract_2024-03-0%1.csv").arg(d + 1), csv, ExtractFile::Snapshot, asOf, {}});
        }
        // Pageviews: the hours 09:00-12:00 of the day before the first snapshot and of each snapshot day.
        for (int d = -1; d < 3; ++d)
            for (int h = 9; h < 13; ++h)
                addHour(day0 + d * 86400 + h * hourSeconds, nextId);
        // A corrected file for one window, which replaces the first one whatever else happens around it.
        const qint64 replacedWindow = day0 + 86400 + 10 * hourSeconds;
        ExtractFile replacement = makeHour(replacedWindow, nextId, QStringLiteral("pageviews_%1_v2.csv"));
        replacement.role = ExtractFile::Replacement;
        replacement.replaces = hourFileName(replacedWindow);
        m_files.push_back(replacement);
        // Two files cut at :51 rather than on the hour, named for their hours as other pipelines name them:
        // most of the later one's rows fall in the earlier one's hour. Both count, in every order.
        const qint64 cutWindow = day0 + 2 * 86400 + 14 * hourSeconds;
        for (const auto &[window, from, span] : {std::tuple{cutWindow, -540, 1620}, std::tuple{cutWindow + hourSeconds, -540, 840}})
            m_files.push_back(makeHour(window, nextId,
                                       QStringLiteral("pageview_extract_%1.csv")
                                           .arg(formatTimestamp(window).left(13).remove(QLatin1Char('-')).remove(QLatin1Char(' '))),
                                       from, span));
        // A duplicate of an hour under another name; a file with too many bad rows.
        ExtractFile duplicate = m_files[3];
        duplicate.name = QStringLiteral("copy_of_") + duplicate.name;
        duplicate.role = ExtractFile::Duplicate;
        m_files.push_back(duplicate);
        m_files.push_back({QStringLiteral("pageviews_broken.csv"),
                           "user_id,url,pageview_datetime\n1,/a,2024-03-02 15:00:00\nx,/a,2024-03-02 15:00:00\n"
                           "2,/a,2024-03-02 25:00:00\n3,/a,2024-03-02 15:10:00\n",
                           ExtractFile::OverThreshold, 0, {}});

        for (const ExtractFile &file : m_files)
            if (file.role == ExtractFile::Pageviews || file.role == ExtractFile::Replacement) {
                const bool replaced = std::any_of(m_files.begin(), m_files.end(), [&](const ExtractFile &other) {
                    return other.role == ExtractFile::Replacement && other.replaces == file.name;
                });
                if (!replaced)
                    for (const View &v : m_views.at(file.name))
                        count(v);
            }
    }

    const std::vector<ExtractFile> &files() const { return m_files; }

    /// An order where each replacement comes after the file it replaces.
    std::vector<ExtractFile> shuffled(quint32 seed) const
    {
        std::vector<ExtractFile> order = m_files;
        QRandomGenerator random(seed);
        std::shuffle(order.begin(), order.end(), random);
        auto indexOf = [&](const QString &name) {
            return std::find_if(order.begin(), order.end(), [&](const ExtractFile &f) { return f.name == name; });
        };
        for (const ExtractFile &f : m_files)
            if (f.role == ExtractFile::Replacement) {
                auto replacement = indexOf(f.name);
                auto original = indexOf(f.replaces);
                if (replacement < original)
                    std::iter_swap(replacement, original);
            }
        return order;
    }

    QString expected(Basis basis) const
    {
        QStringList lines;
        for (const auto &[key, views] : basis == Basis::Current ? m_current : m_atTime)
            lines << QStringLiteral("%1,%2,%3").arg(formatTimestamp(key.first), key.second).arg(views);
        return lines.join(QLatin1Char('\n'));
    }

    /// SCD2 rows of every user, derived from the snapshots: "user postcode from to".
    QString expectedHistory() const
    {
        std::set<quint64> users;
        for (const auto &[asOf, snapshot] : m_snapshots)
            for (const auto &[id, pc] : snapshot)
                users.insert(id);
        QStringList rows;
        for (quint64 id : users) {
            QString openPc;
            qint64 openFrom = -1;
            for (const auto &[asOf, snapshot] : m_snapshots) {
                const auto it = snapshot.find(id);
                const QString pc = it == snapshot.end() ? QString() : it->second;
                if (openFrom >= 0 && pc != openPc) {
                    rows << QStringLiteral("%1 %2 %3 %4").arg(id).arg(openPc).arg(openFrom).arg(asOf);
                    openFrom = -1;
                }
                if (openFrom < 0 && !pc.isEmpty()) {
                    openFrom = asOf;
                    openPc = pc;
                }
            }
            if (openFrom >= 0)
                rows << QStringLiteral("%1 %2 %3 -").arg(id).arg(openPc).arg(openFrom);
        }
        return rows.join(QLatin1Char('\n'));
    }

private:
    static QString hourFileName(qint64 window)
    {
        return QStringLiteral("pageviews_%1.csv").arg(formatTimestamp(window).left(13).replace(QLatin1Char(' '), QLatin1Char('T')));
    }

    /// A pageviews file for window named pattern (%1: its date and hour), its rows from window + from over span
    /// seconds (and now and then a late one from the hour before).
    ExtractFile makeHour(qint64 window, quint64 maxId, const QString &pattern, qint64 from = 0, int span = 3600)
    {
        ExtractFile file;
        file.name = pattern.contains(QLatin1String("%1"))
            ? pattern.arg(formatTimestamp(window).left(13).replace(QLatin1Char(' '), QLatin1Char('T')))
            : pattern;
        file.role = ExtractFile::Pageviews;
        QByteArray csv = "url,PAGEVIEW_DATETIME,user_id,extra\n";
        std::vector<View> views;
        const int rows = 15 + m_random.bounded(15);
        for (int i = 0; i < rows; ++i) {
            quint64 user = 1 + m_random.bounded(quint32(maxId - 1));
            if (m_random.bounded(10) == 0)
                user = 1000 + m_random.bounded(5); // in no snapshot
            qint64 t = window + from + m_random.bounded(span);
            if (m_random.bounded(12) == 0)
                t -= hourSeconds; // a late event from the previous hour
            views.push_back({user, t});
            csv += "\"https://example.com/p?a=1,b=" + QByteArray::number(i) + "\"," + formatTimestamp(t).toUtf8() + ','
                + QByteArray::number(user) + ",x\n";
        }
        m_views[file.name] = views;
        file.content = csv;
        return file;
    }

    void addHour(qint64 window, quint64 maxId) { m_files.push_back(makeHour(window, maxId, QStringLiteral("pageviews_%1.csv"))); }

    QString postcodeAt(quint64 user, qint64 t) const
    {
        QString latest, earliest;
        for (const auto &[asOf, snapshot] : m_snapshots) {
            const auto it = snapshot.find(user);
            if (it == snapshot.end())
                continue;
            if (earliest.isEmpty())
                earliest = it->second;
            if (asOf <= t)
                latest = it->second;
        }
        if (!latest.isEmpty())
            return latest;
        return earliest.isEmpty() ? QStringLiteral("UNKNOWN") : earliest;
    }

    QString current(quint64 user) const { return postcodeAt(user, std::numeric_limits<qint64>::max()); }

    void count(const View &v)
    {
        const qint64 hourStart = (v.time / hourSeconds) * hourSeconds;
        ++m_atTime[{hourStart, postcodeAt(v.user, v.time)}];
        ++m_current[{hourStart, current(v.user)}];
    }

    QRandomGenerator m_random;
    std::vector<ExtractFile> m_files;
    std::map<qint64, std::map<quint64, QString>> m_snapshots;
    std::map<QString, std::vector<View>> m_views;
    std::map<std::pair<qint64, QString>, qint64> m_atTime, m_current;
};

QString report(Warehouse &warehouse, Basis basis)
{
    ReportQuery q;
    q.basis = basis;
    q.grain = Grain::Hour;
    QString error;
    const auto rows = warehouse.pageviews().report(q, &error);
    QStringList lines;
    for (const ReportRow &r : rows.value_or(QList<ReportRow>{}))
        lines << QStringLiteral("%1,%2,%3").arg(formatTimestamp(r.periodStart), r.postcode).arg(r.pageviews);
    return lines.join(QLatin1Char('\n'));
}

QString history(const Warehouse &warehouse)
{
    QStringList rows;
    for (const QStringList &row : WarehouseSql(warehouse.path())
                                      .rows(QStringLiteral("SELECT h.user_id, p.postcode, h.valid_from, h.valid_to "
                                                           "FROM user_postcode_history h JOIN postcodes p ON p.id = h.postcode_id "
                                                           "ORDER BY h.user_id, h.valid_from")))
        rows << QStringLiteral("%1 %2 %3 %4").arg(row[0], row[1], row[2], row[3].isNull() ? QStringLiteral("-") : row[3]);
    return rows.join(QLatin1Char('\n'));
}

} // namespace

class OrderIndependenceTest : public QObject
{
    Q_OBJECT

private slots:
    void anyLoadOrderGivesTheDefinedAnswers_data();
    void anyLoadOrderGivesTheDefinedAnswers();
};

void OrderIndependenceTest::anyLoadOrderGivesTheDefinedAnswers_data()
{
    QTest::addColumn<quint32>("scenarioSeed");
    QTest::addColumn<quint32>("orderSeed");
    for (quint32 scenario : {11u, 12u})
        for (quint32 order : {0u, 1u, 2u, 3u, 4u, 5u}) // order 0: as the files were made
            QTest::addRow("scenario %u, order %u", scenario, order) << scenario << order;
}

void OrderIndependenceTest::anyLoadOrderGivesTheDefinedAnswers()
{
    QFETCH(quint32, scenarioSeed);
    QFETCH(quint32, orderSeed);
    const Scenario scenario(scenarioSeed);
    const std::vector<ExtractFile> order = orderSeed == 0 ? scenario.files() : scenario.shuffled(orderSeed);

    QTemporaryDir dir;
    Warehouse warehouse;
    QString error;
    QVERIFY2(warehouse.open(newWarehouseLocation(dir), &error), qPrintable(error));
    bool duplicateSeen = false;
    for (const ExtractFile &file : order) {
        QFile out(dir.filePath(file.name));
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(file.content);
        out.close();
        LoadOptions options;
        if (file.role == ExtractFile::Replacement) {
            // A file of another name for a loaded hour is refused, changing nothing, until it is said to be a
            // correction.
            const LoadResult refused = loadExtract(warehouse, out.fileName(), options);
            QVERIFY2(refused.outcome == LoadOutcome::Refused && refused.message.contains(QStringLiteral("--replace")),
                     qPrintable(refused.message));
            QVERIFY(warehouse.check().ok());
            options.replace = true;
        }
        const LoadResult result = loadExtract(warehouse, out.fileName(), options);
        if (file.role == ExtractFile::OverThreshold) {
            QCOMPARE(result.outcome, LoadOutcome::Failed);
        } else if (file.content == scenario.files()[3].content) {
            // The original and its copy: whichever comes second is already loaded.
            QCOMPARE(result.outcome, duplicateSeen ? LoadOutcome::AlreadyLoaded : LoadOutcome::Loaded);
            duplicateSeen = true;
        } else {
            QVERIFY2(result.outcome == LoadOutcome::Loaded, qPrintable(file.name + QStringLiteral(": ") + result.message));
        }
        const CheckReport check = warehouse.check();
        QVERIFY2(check.ok(), qPrintable(file.name + QStringLiteral(": ") + check.differences.join(QLatin1Char('\n'))));
    }
    QCOMPARE(report(warehouse, Basis::AtTime), scenario.expected(Basis::AtTime));
    QCOMPARE(report(warehouse, Basis::Current), scenario.expected(Basis::Current));
    QCOMPARE(history(warehouse), scenario.expectedHistory());
}

QTEST_GUILESS_MAIN(OrderIndependenceTest)
#include "tst_orderindependence.moc"
