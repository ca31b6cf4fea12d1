// FactStore's segment blobs: every column width of format 2 round-trips, the segment split rule, update's
// write-back, format-1 segments from a warehouse of schema version 1, and damaged blobs.
#include "storage/sqlite/factstore.h"
#include "storage/sqlite/sqlitestatement.h"
#include "storage/warehouse.h"

#include "rawsqlite.h"

#include <QFile>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>

#include <sqlite3.h>

#include <limits>

using namespace pv;

using Facts = std::vector<PageviewFact>;
Q_DECLARE_METATYPE(Facts)

namespace {

constexpr qint64 loadId = 7;
constexpr size_t format2HeaderBytes = 25;

QString text(const PageviewFact &f)
{
    return QStringLiteral("user %1 hour %2 postcode %3 views %4").arg(f.userId).arg(f.hour).arg(f.postcodeId).arg(f.views);
}

/// The first fact that differs, as text ("" when none): readable failures on segments of thousands of facts.
QString firstDifference(const Facts &actual, const Facts &expected)
{
    for (size_t i = 0; i < std::min(actual.size(), expected.size()); ++i) {
        const PageviewFact &a = actual[i], &e = expected[i];
        if (a.userId != e.userId || a.hour != e.hour || a.postcodeId != e.postcodeId || a.views != e.views)
            return QStringLiteral("fact %1: %2, expected %3").arg(i).arg(text(a), text(e));
    }
    if (actual.size() != expected.size())
        return QStringLiteral("%1 facts, expected %2").arg(actual.size()).arg(expected.size());
    return {};
}

/// The 24-byte layout of format 1, written here independently of FactStore.
QByteArray format1Blob(const Facts &facts)
{
    QByteArray users, hours, postcodes, views;
    for (const PageviewFact &f : facts) {
        users.append(reinterpret_cast<const char *>(&f.userId), 8);
        hours.append(reinterpret_cast<const char *>(&f.hour), 8);
        postcodes.append(reinterpret_cast<const char *>(&f.postcodeId), 4);
        views.append(reinterpret_cast<const char *>(&f.views), 4);
    }
    return users + hours + postcodes + views;
}

class Fixture
{
public:
    Fixture()
    {
        QString error;
        if (!m_warehouse.open(path(), &error))
            qFatal("cannot open warehouse: %s", qPrintable(error));
        m_raw = std::make_unique<RawSqlite>(m_warehouse);
    }

    /// A warehouse at schema version 1 holding one format-1 segment of facts for a live load, then opened
    /// (and so migrated) by this pvadmin.
    explicit Fixture(const Facts &format1Facts)
    {
        sqlite3 *db = nullptr;
        if (sqlite3_open(path().toUtf8().constData(), &db) != SQLITE_OK)
            qFatal("cannot create warehouse");
        QFile initial(QStringLiteral(":/migrations/0001_initial.sql"));
        if (!initial.open(QIODevice::ReadOnly))
            qFatal("migration 1 is missing");
        sqliteExec(db, initial.readAll().constData());
        sqliteExec(db, "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL);"
                       "INSERT INTO schema_migrations VALUES (1, '2024-01-01 00:00:00')");
        {
            SqliteStatement insert(db, "INSERT INTO pageview_fact_segments (load_id, first_user, last_user, facts, data) "
                                       "VALUES (?, ?, ?, ?, ?)");
            insert.bind(1, loadId).bind(2, qint64(format1Facts.front().userId)).bind(3, qint64(format1Facts.back().userId));
            insert.bind(4, qint64(format1Facts.size())).bindBlob(5, format1Blob(format1Facts)).execute();
        }
        sqlite3_close(db);
        QString error;
        if (!m_warehouse.open(path(), &error))
            qFatal("cannot open warehouse: %s", qPrintable(error));
        m_raw = std::make_unique<RawSqlite>(m_warehouse);
        makeLive(loadId);
    }

    FactStore store() { return FactStore(m_raw->handle()); }

    /// Makes a load the live one of a window, as update and userFacts only see live loads.
    void makeLive(qint64 load)
    {
        sql(QStringLiteral("INSERT INTO pageview_windows (hour, run_id) VALUES (%1, %1)").arg(load));
    }

    QList<QVariantList> rows(const QString &select)
    {
        QSqlQuery q(m_raw->database());
        if (!q.exec(select))
            qFatal("%s", qPrintable(q.lastError().text()));
        QList<QVariantList> result;
        while (q.next()) {
            QVariantList row;
            for (int i = 0; q.value(i).isValid(); ++i)
                row << q.value(i);
            result << row;
        }
        return result;
    }

    void sql(const QString &statement) { rows(statement); }

    /// format, facts and blob length of each segment, in user order.
    QString segments()
    {
        QStringList parts;
        for (const QVariantList &row :
             rows(QStringLiteral("SELECT format, facts, length(data) FROM pageview_fact_segments ORDER BY first_user")))
            parts << QStringLiteral("format %1, %2 facts, %3 bytes").arg(row[0].toInt()).arg(row[1].toInt()).arg(row[2].toInt());
        return parts.join(QStringLiteral("; "));
    }

    /// first_user..last_user of each segment, in user order.
    QString userRanges()
    {
        QStringList parts;
        for (const QVariantList &row :
             rows(QStringLiteral("SELECT first_user, last_user FROM pageview_fact_segments ORDER BY first_user")))
            parts << row[0].toString() + QStringLiteral("..") + row[1].toString();
        return parts.join(QStringLiteral("; "));
    }

    QByteArray data() { return rows(QStringLiteral("SELECT data FROM pageview_fact_segments")).value(0).value(0).toByteArray(); }

private:
    QString path() const { return m_dir.filePath(QStringLiteral("w.sqlite")); }

    QTemporaryDir m_dir;
    Warehouse m_warehouse;
    std::unique_ptr<RawSqlite> m_raw;
};

/// Every fact of the load, segment by segment as stored.
Facts everyFact(FactStore store)
{
    Facts all;
    store.forEachSegment(loadId, [&](quint64, quint64, const Facts &facts) {
        all.insert(all.end(), facts.begin(), facts.end());
        return true;
    });
    return all;
}

} // namespace

class FactStoreTest : public QObject
{
    Q_OBJECT

private slots:
    void roundTripsAtTheNarrowestWidth_data();
    void roundTripsAtTheNarrowestWidth();
    void segmentsNeverSplitAUser();
    void updateWritesBackAtTheWidthTheNewValuesNeed();
    void format1SegmentsStayReadableAndUpdateRewritesThem();
    void everyTruncationIsDamage();
    void damagedSegmentIsAnError_data();
    void damagedSegmentIsAnError();
};

void FactStoreTest::roundTripsAtTheNarrowestWidth_data()
{
    QTest::addColumn<Facts>("facts");
    QTest::addColumn<int>("bytesPerFact");
    constexpr auto top = quint64(std::numeric_limits<qint64>::max()); // the largest user id an extract may hold
    constexpr qint64 early = std::numeric_limits<qint64>::min(), late = std::numeric_limits<qint64>::max();
    constexpr quint32 most = std::numeric_limits<quint32>::max();
    // user, hour, postcode, views; sorted by user then hour as a load gives them.
    QTest::newRow("small ranges") << Facts{{1000, 480000, 3, 1}, {1000, 480001, 0, 2}, {1255, 480255, 255, 255}} << 4;
    QTest::newRow("user range needs u16") << Facts{{1000, 5, 1, 1}, {1256, 5, 1, 1}} << 5;
    QTest::newRow("user range needs u32") << Facts{{1000, 5, 1, 1}, {1000 + 65536, 5, 1, 1}} << 7;
    QTest::newRow("user range 2^32") << Facts{{5, 5, 1, 1}, {5 + (quint64(1) << 32), 5, 1, 1}} << 11;
    QTest::newRow("largest user ids") << Facts{{top - 1, 5, 1, 1}, {top, 5, 1, 1}} << 4;
    QTest::newRow("users 0 to the largest id") << Facts{{0, 5, 1, 1}, {top, 5, 1, 1}} << 11;
    QTest::newRow("negative hours") << Facts{{1, -200, 1, 1}, {1, -1, 1, 1}, {2, 50, 1, 1}} << 4;
    QTest::newRow("hours span 65535") << Facts{{1, 0, 1, 1}, {1, 65535, 1, 1}} << 5;
    QTest::newRow("hours span 65536") << Facts{{1, -10, 1, 1}, {1, 65526, 1, 1}} << 7;
    QTest::newRow("hours span 2^32") << Facts{{1, 0, 1, 1}, {1, qint64(1) << 32, 1, 1}} << 11;
    QTest::newRow("hours span all of i64") << Facts{{1, early, 1, 1}, {1, late, 1, 1}, {2, 0, 1, 1}} << 11;
    QTest::newRow("postcode ids past 255") << Facts{{1, 5, 256, 1}, {2, 5, 0, 1}} << 5;
    QTest::newRow("postcode ids past 65535") << Facts{{1, 5, 65536, 1}, {2, 5, most, 1}} << 7;
    QTest::newRow("views past 255") << Facts{{1, 5, 1, 1}, {2, 5, 1, 300}} << 5;
    QTest::newRow("views past 65535") << Facts{{1, 5, 1, 65536}, {2, 5, 1, most}} << 7;
    QTest::newRow("one fact") << Facts{{123456789, 480000, 4000, 1}} << 5;
}

void FactStoreTest::roundTripsAtTheNarrowestWidth()
{
    QFETCH(Facts, facts);
    QFETCH(int, bytesPerFact);
    Fixture fixture;
    fixture.makeLive(loadId);
    fixture.store().append(loadId, facts);
    QCOMPARE(fixture.segments(), QStringLiteral("format 2, %1 facts, %2 bytes")
                                     .arg(facts.size())
                                     .arg(format2HeaderBytes + facts.size() * bytesPerFact));
    QCOMPARE(firstDifference(fixture.store().loadFacts(loadId), facts), QString());
    QCOMPARE(firstDifference(everyFact(fixture.store()), facts), QString());
    const PageviewFact &last = facts.back();
    Facts lastUsers;
    for (const auto &[load, fact] : fixture.store().userFacts(last.userId)) {
        QCOMPARE(load, loadId);
        lastUsers.push_back(fact);
    }
    Facts expected;
    std::copy_if(facts.begin(), facts.end(), std::back_inserter(expected),
                 [&](const PageviewFact &f) { return f.userId == last.userId; });
    QCOMPARE(firstDifference(lastUsers, expected), QString());
}

void FactStoreTest::segmentsNeverSplitAUser()
{
    // Three facts a user: the 65,536-fact limit falls inside the 21,846th user's facts (65535..65537), so the
    // first segment ends before them.
    Facts facts;
    for (quint64 user = 0; facts.size() < 70000; ++user)
        for (qint64 hour = 0; hour < 3; ++hour)
            facts.push_back({1000000 + 4 * user, 480000 + hour, quint32(user), quint32(1 + hour)});
    Fixture fixture;
    fixture.store().append(loadId, facts);
    QCOMPARE(fixture.segments(), QStringLiteral("format 2, 65535 facts, %1 bytes; format 2, 4467 facts, %2 bytes")
                                     .arg(format2HeaderBytes + 65535 * (4 + 1 + 2 + 1))
                                     .arg(format2HeaderBytes + 4467 * (2 + 1 + 2 + 1)));
    QCOMPARE(fixture.userRanges(), QStringLiteral("1000000..1087376; 1087380..1093332"));
    QCOMPARE(firstDifference(fixture.store().loadFacts(loadId), facts), QString());
}

void FactStoreTest::updateWritesBackAtTheWidthTheNewValuesNeed()
{
    const Facts facts{{10, 480000, 1, 1}, {11, 480000, 2, 1}, {11, 480001, 2, 3}, {12, 480000, 3, 1}};
    Fixture fixture;
    fixture.makeLive(loadId);
    fixture.store().append(loadId, facts);
    QCOMPARE(fixture.segments(), QStringLiteral("format 2, 4 facts, %1 bytes").arg(format2HeaderBytes + 4 * (1 + 1 + 1 + 1)));
    const QByteArray before = fixture.data();

    fixture.store().update({11}, [](qint64, Facts &) { return false; });
    QCOMPARE(fixture.data(), before);

    Facts expected = facts;
    expected[1].postcodeId = expected[2].postcodeId = 300;
    qint64 visitedLoad = 0;
    Facts visited;
    fixture.store().update({11}, [&](qint64 load, Facts &segment) {
        visitedLoad = load;
        visited = segment;
        for (PageviewFact &f : segment)
            f.postcodeId = 300;
        return true;
    });
    QCOMPARE(firstDifference(visited, {facts[1], facts[2]}), QString());
    QCOMPARE(visitedLoad, loadId);
    QCOMPARE(fixture.segments(), QStringLiteral("format 2, 4 facts, %1 bytes").arg(format2HeaderBytes + 4 * (1 + 1 + 2 + 1)));
    QCOMPARE(firstDifference(fixture.store().loadFacts(loadId), expected), QString());
}

void FactStoreTest::format1SegmentsStayReadableAndUpdateRewritesThem()
{
    const Facts facts{{5, -3, 70000, 1}, {5, 480000, 0, 2}, {9, 480000, 12, 100000}, {quint64(1) << 40, 480001, 7, 1}};
    Fixture fixture(facts);
    QCOMPARE(fixture.segments(), QStringLiteral("format 1, 4 facts, 96 bytes"));
    QCOMPARE(firstDifference(fixture.store().loadFacts(loadId), facts), QString());
    QCOMPARE(firstDifference(everyFact(fixture.store()), facts), QString());
    const auto nines = fixture.store().userFacts(9);
    QCOMPARE(nines.size(), size_t(1));
    QCOMPARE(firstDifference({nines.front().second}, {facts[2]}), QString());

    Facts seen;
    fixture.store().update({9}, [&](qint64, Facts &segment) {
        seen = segment;
        return true;
    });
    // Only the listed user's facts are visited; the whole segment is written back in format 2.
    QCOMPARE(firstDifference(seen, {facts[2]}), QString());
    QCOMPARE(fixture.segments(), QStringLiteral("format 2, 4 facts, %1 bytes").arg(format2HeaderBytes + 4 * (8 + 4 + 4 + 4)));
    QCOMPARE(firstDifference(fixture.store().loadFacts(loadId), facts), QString());
}

void FactStoreTest::everyTruncationIsDamage()
{
    Fixture fixture;
    fixture.store().append(loadId, {{1, 480000, 1, 1}, {2, 480000, 300, 1}, {3, 480001, 70000, 2}});
    const QByteArray whole = fixture.data();
    for (qsizetype length = 0; length < whole.size(); ++length) {
        fixture.sql(QStringLiteral("UPDATE pageview_fact_segments SET data = x'%1'").arg(QString::fromLatin1(whole.left(length).toHex())));
        QVERIFY_THROWS_EXCEPTION(StorageError, fixture.store().loadFacts(loadId));
    }
}

void FactStoreTest::damagedSegmentIsAnError_data()
{
    // How the one segment is damaged: its format column and an expression for its blob.
    QTest::addColumn<int>("format");
    QTest::addColumn<QString>("data");
    QTest::newRow("one byte short") << 2 << QStringLiteral("substr(data, 1, length(data) - 1)");
    QTest::newRow("one byte long") << 2 << QStringLiteral("data || x'00'");
    QTest::newRow("header cut short") << 2 << QStringLiteral("substr(data, 1, 20)");
    QTest::newRow("empty") << 2 << QStringLiteral("x''");
    QTest::newRow("unknown format byte") << 2 << QStringLiteral("x'07' || substr(data, 2)");
    QTest::newRow("width 3") << 2 << QStringLiteral("substr(data, 1, 1) || x'03' || substr(data, 3)");
    QTest::newRow("8-byte views") << 2 << QStringLiteral("substr(data, 1, 4) || x'08' || substr(data, 6)");
    QTest::newRow("count past the blob") << 2 << QStringLiteral("substr(data, 1, 5) || x'ffffffff' || substr(data, 10)");
    QTest::newRow("unknown format column") << 3 << QStringLiteral("data");
    QTest::newRow("format 1 of a wrong size") << 1 << QStringLiteral("zeroblob(25)");
}

void FactStoreTest::damagedSegmentIsAnError()
{
    QFETCH(int, format);
    QFETCH(QString, data);
    Fixture fixture;
    fixture.makeLive(loadId);
    fixture.store().append(loadId, {{1, 480000, 1, 1}, {2, 480000, 2, 1}});
    fixture.sql(QStringLiteral("UPDATE pageview_fact_segments SET format = %1, data = CAST(%2 AS BLOB)").arg(format).arg(data));
    QVERIFY_THROWS_EXCEPTION(StorageError, fixture.store().loadFacts(loadId));
    QVERIFY_THROWS_EXCEPTION(StorageError, everyFact(fixture.store()));
    QVERIFY_THROWS_EXCEPTION(StorageError, fixture.store().userFacts(1));
    QVERIFY_THROWS_EXCEPTION(StorageError, fixture.store().update({1}, [](qint64, Facts &) { return true; }));
}

QTEST_GUILESS_MAIN(FactStoreTest)
#include "tst_factstore.moc"
