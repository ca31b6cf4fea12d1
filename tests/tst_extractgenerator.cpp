#include "generate/extractgenerator.h"
#include "extract/extractreader.h"
#include "extract/extractvalidation.h"
#include "core/loadfeedback.h"

#include <QBuffer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cstdio>

using namespace pv;

namespace {

QByteArray fileBytes(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

// Data lines of an extract, without the header.
QList<QByteArray> dataLines(const QString &path, QByteArray *header = nullptr)
{
    QList<QByteArray> lines = fileBytes(path).split('\n');
    if (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast();
    if (!lines.isEmpty()) {
        if (header)
            *header = lines.first();
        lines.removeFirst();
    }
    return lines;
}

using Snapshot = QHash<quint64, QByteArray>; // id → postcode

Snapshot readSnapshot(const QString &path)
{
    Snapshot snapshot;
    for (const QByteArray &line : dataLines(path)) {
        const qsizetype comma = line.indexOf(',');
        snapshot.insert(line.left(comma).toULongLong(), line.mid(comma + 1));
    }
    return snapshot;
}

struct Pageview
{
    quint64 userId = 0;
    QByteArray url;
    qint64 viewedAt = 0;
};

// The generator never writes a newline inside a field, so one line is one record; the url sits
// between the first and the last comma and may be quoted.
QList<Pageview> readPageviews(const QString &path)
{
    QList<Pageview> pageviews;
    for (const QByteArray &line : dataLines(path)) {
        const qsizetype first = line.indexOf(',');
        const qsizetype last = line.lastIndexOf(',');
        Pageview pageview;
        pageview.userId = line.left(first).toULongLong();
        pageview.url = line.mid(first + 1, last - first - 1);
        const QByteArray timestamp = line.mid(last + 1);
        const std::optional<qint64> viewedAt = parseTimestamp(std::string_view(timestamp.constData(), size_t(timestamp.size())), nullptr);
        pageview.viewedAt = viewedAt.value_or(-1);
        pageviews.append(pageview);
    }
    return pageviews;
}

GeneratorOptions smallOptions(const QString &outDir)
{
    GeneratorOptions options;
    options.outDir = outDir;
    options.users = 2000;
    options.days = 2;
    options.hoursPerDay = 3;
    options.pageviewsPerHour = 1500;
    return options;
}

QStringList filesIn(const QString &dir)
{
    return QDir(dir).entryList(QDir::Files | QDir::Hidden | QDir::System, QDir::Name);
}

} // namespace

class ExtractGeneratorTest : public QObject
{
    Q_OBJECT

private slots:
    void fileNamesAndDefaults();
    void writesEveryFileWithExactHeadersAndCounts();
    void sameSeedGivesIdenticalBytes();
    void differentSeedGivesDifferentFiles();
    void snapshotOrderIsShuffledOrById();
    void snapshotChangesFollowTheRates();
    void lateRowsComeFromThePreviousHour();
    void unknownUsersAreInNoSnapshot();
    void pageviewsComeFromTheDaysUsers();
    void everyPostcodeIsValid();
    void postcodePopularityIsSkewed();
    void urlsIncludeQuotedFields();
    void streamingWritersMatchTheFiles();
    void readerAcceptsEveryFile();
    void reportsProgressPerFile();
    void cancelLeavesNoPartialFile_data();
    void cancelLeavesNoPartialFile();
    void rejectsBadOptions_data();
    void rejectsBadOptions();
};

void ExtractGeneratorTest::fileNamesAndDefaults()
{
    GeneratorOptions options;
    QCOMPARE(options.startEpoch, daysFromCivil(2024, 3, 1) * 86400);
    ExtractGenerator generator(options);
    QVERIFY(generator.validate().isEmpty());
    QCOMPARE(generator.usersFileName(0), QStringLiteral("users_extract_2024-03-01.csv"));
    QCOMPARE(generator.usersFileName(1), QStringLiteral("users_extract_2024-03-02.csv"));
    QCOMPARE(generator.pageviewsFileName(0, 0), QStringLiteral("pageviews_2024-03-01T00.csv"));
    QCOMPARE(generator.pageviewsFileName(1, 23), QStringLiteral("pageviews_2024-03-02T23.csv"));
    QCOMPARE(generator.snapshotAsOf(1), options.startEpoch + 86400);
    QCOMPARE(generator.hourStart(1, 5), options.startEpoch + 86400 + 5 * 3600);
    QCOMPARE(formatTimestamp(generator.hourStart(1, 5)), QStringLiteral("2024-03-02 05:00:00"));
}

void ExtractGeneratorTest::writesEveryFileWithExactHeadersAndCounts()
{
    QTemporaryDir tmp;
    const QString outDir = tmp.filePath(QStringLiteral("not/yet/there"));
    const GeneratorOptions options = smallOptions(outDir);
    QString error;
    QVERIFY2(generate(options, nullptr, &error) == WriteOutcome::Written, qPrintable(error));

    ExtractGenerator generator(options);
    QStringList expected;
    for (int day = 0; day < options.days; ++day) {
        expected << generator.usersFileName(day);
        for (int hour = 0; hour < options.hoursPerDay; ++hour)
            expected << generator.pageviewsFileName(day, hour);
    }
    expected.sort();
    QCOMPARE(filesIn(outDir), expected);

    for (int day = 0; day < options.days; ++day) {
        QByteArray header;
        const QList<QByteArray> users = dataLines(QDir(outDir).filePath(generator.usersFileName(day)), &header);
        QCOMPARE(header, QByteArray("id,postcode"));
        QCOMPARE(qint64(users.size()), generator.usersInSnapshot(day));
        if (day == 0)
            QCOMPARE(users.size(), qsizetype(options.users));
        for (int hour = 0; hour < options.hoursPerDay; ++hour) {
            const QString path = QDir(outDir).filePath(generator.pageviewsFileName(day, hour));
            const QByteArray bytes = fileBytes(path);
            QVERIFY(bytes.endsWith('\n'));
            QVERIFY(!bytes.contains('\r'));
            const QList<QByteArray> rows = dataLines(path, &header);
            QCOMPARE(header, QByteArray("user_id,url,pageview_datetime"));
            QCOMPARE(rows.size(), qsizetype(options.pageviewsPerHour));
        }
    }
}

void ExtractGeneratorTest::sameSeedGivesIdenticalBytes()
{
    QTemporaryDir a;
    QTemporaryDir b;
    QString error;
    QVERIFY2(generate(smallOptions(a.path()), nullptr, &error) == WriteOutcome::Written, qPrintable(error));
    QVERIFY2(generate(smallOptions(b.path()), nullptr, &error) == WriteOutcome::Written, qPrintable(error));
    const QStringList files = filesIn(a.path());
    QCOMPARE(files.size(), 8);
    QCOMPARE(filesIn(b.path()), files);
    for (const QString &name : files) {
        const QByteArray bytes = fileBytes(QDir(a.path()).filePath(name));
        QVERIFY(!bytes.isEmpty());
        QVERIFY2(bytes == fileBytes(QDir(b.path()).filePath(name)), qPrintable(name));
    }
}

void ExtractGeneratorTest::differentSeedGivesDifferentFiles()
{
    QTemporaryDir a;
    QTemporaryDir b;
    GeneratorOptions optionsA = smallOptions(a.path());
    GeneratorOptions optionsB = smallOptions(b.path());
    optionsB.seed = 2;
    QString error;
    QVERIFY2(generate(optionsA, nullptr, &error) == WriteOutcome::Written, qPrintable(error));
    QVERIFY2(generate(optionsB, nullptr, &error) == WriteOutcome::Written, qPrintable(error));
    for (const QString &name : filesIn(a.path()))
        QVERIFY2(fileBytes(QDir(a.path()).filePath(name)) != fileBytes(QDir(b.path()).filePath(name)), qPrintable(name));
}

void ExtractGeneratorTest::snapshotOrderIsShuffledOrById()
{
    QTemporaryDir tmp;
    GeneratorOptions options = smallOptions(tmp.path());
    options.users = 10000;
    options.days = 1;
    options.hoursPerDay = 0;
    ExtractGenerator shuffled(options);
    options.shuffleUsers = false;
    ExtractGenerator byId(options);

    const auto idsOf = [](ExtractGenerator &generator) {
        QByteArray bytes;
        QBuffer buffer(&bytes);
        buffer.open(QIODevice::WriteOnly);
        generator.writeUsersSnapshot(0, &buffer);
        QList<quint64> ids;
        const QList<QByteArray> lines = bytes.split('\n');
        for (qsizetype i = 1; i < lines.size(); ++i) {
            if (!lines[i].isEmpty())
                ids.append(lines[i].left(lines[i].indexOf(',')).toULongLong());
        }
        return ids;
    };
    QList<quint64> shuffledIds = idsOf(shuffled);
    const QList<quint64> sortedIds = idsOf(byId);
    QCOMPARE(sortedIds.size(), qsizetype(options.users));
    QVERIFY(std::is_sorted(sortedIds.cbegin(), sortedIds.cend()));
    QVERIFY(!std::is_sorted(shuffledIds.cbegin(), shuffledIds.cend()));
    std::sort(shuffledIds.begin(), shuffledIds.end());
    QCOMPARE(shuffledIds, sortedIds);
}

void ExtractGeneratorTest::snapshotChangesFollowTheRates()
{
    QTemporaryDir tmp;
    GeneratorOptions options = smallOptions(tmp.path());
    options.users = 40000;
    options.days = 5;
    options.hoursPerDay = 0;
    options.moveRate = 0.05;
    options.newRate = 0.02;
    options.removeRate = 0.01;
    options.returnRate = 0.3;
    QString error;
    QVERIFY2(generate(options, nullptr, &error) == WriteOutcome::Written, qPrintable(error));

    ExtractGenerator generator(options);
    QSet<quint64> everSeen;
    quint64 maxIdSoFar = 0;
    Snapshot previous;
    qint64 returned = 0;
    for (int day = 0; day < options.days; ++day) {
        const QString path = tmp.filePath(generator.usersFileName(day));
        const Snapshot current = readSnapshot(path);
        QCOMPARE(qsizetype(current.size()), dataLines(path).size()); // ids are unique
        QVERIFY(!current.contains(0));
        if (day == 0) {
            QCOMPARE(current.size(), qsizetype(options.users));
        } else {
            qint64 removed = 0, moved = 0, kept = 0, added = 0;
            for (auto it = previous.cbegin(); it != previous.cend(); ++it) {
                const auto found = current.constFind(it.key());
                if (found == current.cend())
                    ++removed;
                else if (++kept, found.value() != it.value())
                    ++moved;
            }
            for (auto it = current.cbegin(); it != current.cend(); ++it) {
                if (!everSeen.contains(it.key())) {
                    ++added;
                    QVERIFY2(it.key() > maxIdSoFar, "new users get fresh ids above the maximum");
                } else if (!previous.contains(it.key())) {
                    ++returned;
                }
            }
            const double n = double(previous.size());
            QVERIFY2(qAbs(removed - options.removeRate * n) < 0.3 * options.removeRate * n,
                     qPrintable(QStringLiteral("day %1: %2 removed of %3").arg(day).arg(removed).arg(n)));
            QVERIFY2(qAbs(moved - options.moveRate * kept) < 0.15 * options.moveRate * kept,
                     qPrintable(QStringLiteral("day %1: %2 moved of %3").arg(day).arg(moved).arg(kept)));
            QVERIFY2(qAbs(added - options.newRate * n) <= 1.0,
                     qPrintable(QStringLiteral("day %1: %2 new after %3").arg(day).arg(added).arg(n)));
            QVERIFY(removed < 0.05 * n); // well inside the loader's removal guard
        }
        for (auto it = current.cbegin(); it != current.cend(); ++it) {
            everSeen.insert(it.key());
            maxIdSoFar = qMax(maxIdSoFar, it.key());
        }
        previous = current;
    }
    QVERIFY2(returned > 0, "some removed users come back later");
}

void ExtractGeneratorTest::lateRowsComeFromThePreviousHour()
{
    QTemporaryDir tmp;
    GeneratorOptions options = smallOptions(tmp.path());
    options.pageviewsPerHour = 5000;
    options.lateRate = 0.02;
    QString error;
    QVERIFY2(generate(options, nullptr, &error) == WriteOutcome::Written, qPrintable(error));

    ExtractGenerator generator(options);
    for (int day = 0; day < options.days; ++day) {
        for (int hour = 0; hour < options.hoursPerDay; ++hour) {
            const qint64 start = generator.hourStart(day, hour);
            qint64 late = 0;
            qint64 lastOnTime = start;
            for (const Pageview &pageview : readPageviews(tmp.filePath(generator.pageviewsFileName(day, hour)))) {
                QVERIFY(pageview.viewedAt >= start - 3600 && pageview.viewedAt < start + 3600);
                if (pageview.viewedAt < start) {
                    ++late;
                } else {
                    QVERIFY(pageview.viewedAt >= lastOnTime); // rows come in time order
                    lastOnTime = pageview.viewedAt;
                }
            }
            const double expected = options.lateRate * double(options.pageviewsPerHour);
            QVERIFY2(late > 0.5 * expected && late < 1.5 * expected,
                     qPrintable(QStringLiteral("%1 late rows, expected about %2").arg(late).arg(expected)));
            QVERIFY(lastOnTime >= start + 3600 - 60); // on-time rows cover the whole hour
        }
    }
}

void ExtractGeneratorTest::unknownUsersAreInNoSnapshot()
{
    QTemporaryDir tmp;
    GeneratorOptions options = smallOptions(tmp.path());
    options.days = 3;
    options.pageviewsPerHour = 5000;
    options.unknownRate = 0.01;
    QString error;
    QVERIFY2(generate(options, nullptr, &error) == WriteOutcome::Written, qPrintable(error));

    // Every snapshot this run wrote, and some later ones: unknown ids are never given to anyone.
    ExtractGenerator generator(options);
    QSet<quint64> everInSnapshot;
    for (int day = 0; day < options.days + 5; ++day) {
        QByteArray bytes;
        if (day < options.days) {
            bytes = fileBytes(tmp.filePath(generator.usersFileName(day)));
        } else {
            QBuffer buffer(&bytes);
            QVERIFY(buffer.open(QIODevice::WriteOnly));
            QVERIFY(generator.writeUsersSnapshot(day, &buffer) == WriteOutcome::Written);
        }
        const QList<QByteArray> lines = bytes.split('\n');
        for (qsizetype i = 1; i < lines.size(); ++i) {
            if (!lines[i].isEmpty())
                everInSnapshot.insert(lines[i].left(lines[i].indexOf(',')).toULongLong());
        }
    }

    qint64 unknownRows = 0;
    QSet<quint64> unknownIds;
    for (int day = 0; day < options.days; ++day) {
        const Snapshot snapshot = readSnapshot(tmp.filePath(generator.usersFileName(day)));
        for (int hour = 0; hour < options.hoursPerDay; ++hour) {
            for (const Pageview &pageview : readPageviews(tmp.filePath(generator.pageviewsFileName(day, hour)))) {
                QVERIFY(pageview.userId > 0);
                if (!snapshot.contains(pageview.userId)) {
                    ++unknownRows;
                    unknownIds.insert(pageview.userId);
                    QVERIFY2(!everInSnapshot.contains(pageview.userId), "an unknown user appears in a snapshot");
                }
            }
        }
    }
    const double expected = options.unknownRate * double(options.pageviewsPerHour) * options.days * options.hoursPerDay;
    QVERIFY2(unknownRows > 0.6 * expected && unknownRows < 1.4 * expected,
             qPrintable(QStringLiteral("%1 unknown rows, expected about %2").arg(unknownRows).arg(expected)));
    QVERIFY(unknownIds.size() > 1);
}

void ExtractGeneratorTest::pageviewsComeFromTheDaysUsers()
{
    QTemporaryDir tmp;
    GeneratorOptions options = smallOptions(tmp.path());
    options.users = 20000;
    options.days = 3;
    options.hoursPerDay = 1;
    options.pageviewsPerHour = 20000;
    options.removeRate = 0.05;
    options.unknownRate = 0.0;
    QString error;
    QVERIFY2(generate(options, nullptr, &error) == WriteOutcome::Written, qPrintable(error));

    ExtractGenerator generator(options);
    for (int day = 0; day < options.days; ++day) {
        const Snapshot snapshot = readSnapshot(tmp.filePath(generator.usersFileName(day)));
        QHash<quint64, int> viewsPerUser;
        for (const Pageview &pageview : readPageviews(tmp.filePath(generator.pageviewsFileName(day, 0)))) {
            QVERIFY2(snapshot.contains(pageview.userId), "a pageview by a user missing from the day's snapshot");
            ++viewsPerUser[pageview.userId];
        }
        // A mix of many occasional users and some heavy ones.
        const int heaviest = *std::max_element(viewsPerUser.cbegin(), viewsPerUser.cend());
        QVERIFY(viewsPerUser.size() > options.pageviewsPerHour / 2);
        QVERIFY(heaviest >= 10);
    }
}

void ExtractGeneratorTest::everyPostcodeIsValid()
{
    const QRegularExpression ukShape(QStringLiteral("^[A-Z]{1,2}[0-9]([0-9]|[A-Z])?( [0-9][A-Z]{2})?$"));
    const std::vector<QByteArray> &pool = ExtractGenerator::postcodePool();
    QVERIFY(pool.size() >= 2500 && pool.size() <= 3500);
    QSet<QByteArray> distinct;
    int full = 0;
    int lettered = 0;
    for (const QByteArray &postcode : pool) {
        QVERIFY2(ukShape.match(QString::fromLatin1(postcode)).hasMatch(), postcode.constData());
        QString reason;
        const std::optional<QByteArray> normalised =
            normalisePostcode(std::string_view(postcode.constData(), size_t(postcode.size())), &reason);
        QVERIFY2(normalised.has_value(), qPrintable(QString::fromLatin1(postcode) + QStringLiteral(": ") + reason));
        QCOMPARE(*normalised, postcode);
        distinct.insert(postcode);
        full += postcode.contains(' ') ? 1 : 0;
        lettered += (!postcode.contains(' ') && QChar::fromLatin1(postcode.back()).isLetter()) ? 1 : 0;
    }
    QCOMPARE(distinct.size(), qsizetype(pool.size()));
    QVERIFY(full > 0);
    QVERIFY(lettered > 0);

    // And what the files hold comes from that pool.
    QTemporaryDir tmp;
    GeneratorOptions options = smallOptions(tmp.path());
    options.hoursPerDay = 0;
    QString error;
    QVERIFY2(generate(options, nullptr, &error) == WriteOutcome::Written, qPrintable(error));
    ExtractGenerator generator(options);
    for (int day = 0; day < options.days; ++day) {
        const Snapshot snapshot = readSnapshot(tmp.filePath(generator.usersFileName(day)));
        for (const QByteArray &postcode : snapshot)
            QVERIFY2(distinct.contains(postcode), postcode.constData());
    }
}

void ExtractGeneratorTest::postcodePopularityIsSkewed()
{
    QTemporaryDir tmp;
    GeneratorOptions options = smallOptions(tmp.path());
    options.users = 100000;
    options.days = 1;
    options.hoursPerDay = 0;
    QString error;
    QVERIFY2(generate(options, nullptr, &error) == WriteOutcome::Written, qPrintable(error));
    QHash<QByteArray, int> usersPerPostcode;
    for (const QByteArray &postcode : readSnapshot(tmp.filePath(ExtractGenerator(options).usersFileName(0))))
        ++usersPerPostcode[postcode];
    const double average = double(options.users) / double(ExtractGenerator::postcodePool().size());
    const int biggest = *std::max_element(usersPerPostcode.cbegin(), usersPerPostcode.cend());
    const int smallest = *std::min_element(usersPerPostcode.cbegin(), usersPerPostcode.cend());
    QVERIFY2(biggest > 20 * average, qPrintable(QString::number(biggest)));
    QVERIFY(smallest < average);
    QVERIFY(usersPerPostcode.size() > 2000);
}

void ExtractGeneratorTest::urlsIncludeQuotedFields()
{
    QTemporaryDir tmp;
    GeneratorOptions options = smallOptions(tmp.path());
    options.days = 1;
    options.hoursPerDay = 1;
    options.pageviewsPerHour = 20000;
    QString error;
    QVERIFY2(generate(options, nullptr, &error) == WriteOutcome::Written, qPrintable(error));

    int quoted = 0;
    int withQuery = 0;
    QSet<QByteArray> distinctUrls;
    for (const Pageview &pageview : readPageviews(tmp.filePath(ExtractGenerator(options).pageviewsFileName(0, 0)))) {
        QVERIFY(!pageview.url.isEmpty());
        distinctUrls.insert(pageview.url);
        if (pageview.url.startsWith('"')) {
            ++quoted;
            QVERIFY(pageview.url.endsWith('"'));
            QVERIFY(pageview.url.contains(','));
            // Inside the quotes every quote is doubled.
            QByteArray inner = pageview.url.mid(1, pageview.url.size() - 2);
            QCOMPARE(inner.count('"') % 2, 0);
            QVERIFY(!inner.replace("\"\"", "").contains('"'));
        } else {
            QVERIFY(pageview.url.startsWith("https://example.com/"));
            QVERIFY(!pageview.url.contains('"'));
            withQuery += pageview.url.contains('?') ? 1 : 0;
        }
    }
    QVERIFY(quoted > 0);
    QVERIFY(withQuery > 0);
    QVERIFY(distinctUrls.size() > 1000);
}

void ExtractGeneratorTest::streamingWritersMatchTheFiles()
{
    QTemporaryDir tmp;
    const GeneratorOptions options = smallOptions(tmp.path());
    QString error;
    QVERIFY2(generate(options, nullptr, &error) == WriteOutcome::Written, qPrintable(error));

    ExtractGenerator generator(options);
    // Out of order: day 1 first, then day 0 (replays), then day 1 again.
    for (const int day : {1, 0, 1}) {
        QByteArray bytes;
        QBuffer buffer(&bytes);
        QVERIFY(buffer.open(QIODevice::WriteOnly));
        QVERIFY2(generator.writeUsersSnapshot(day, &buffer, nullptr, &error) == WriteOutcome::Written, qPrintable(error));
        QCOMPARE(bytes, fileBytes(tmp.filePath(generator.usersFileName(day))));
    }

    FILE *file = std::tmpfile();
    QVERIFY(file);
    QVERIFY2(generator.writePageviewsHour(0, 2, file, nullptr, &error) == WriteOutcome::Written, qPrintable(error));
    const long size = std::ftell(file);
    QVERIFY(size > 0);
    QByteArray bytes(size, Qt::Uninitialized);
    std::rewind(file);
    QCOMPARE(std::fread(bytes.data(), 1, size_t(size), file), size_t(size));
    std::fclose(file);
    QCOMPARE(bytes, fileBytes(tmp.filePath(generator.pageviewsFileName(0, 2))));

    QBuffer buffer;
    QVERIFY(buffer.open(QIODevice::WriteOnly));
    QCOMPARE(generator.writePageviewsHour(0, 24, &buffer, nullptr, &error), WriteOutcome::Failed);
    QCOMPARE(error, QStringLiteral("the hour must be between 0 and 23"));
}

void ExtractGeneratorTest::readerAcceptsEveryFile()
{
    QTemporaryDir tmp;
    GeneratorOptions options = smallOptions(tmp.path());
    options.pageviewsPerHour = 20000; // enough for some quoted urls
    QString error;
    QVERIFY2(generate(options, nullptr, &error) == WriteOutcome::Written, qPrintable(error));

    ExtractGenerator generator(options);
    for (int day = 0; day < options.days; ++day) {
        const Snapshot expected = readSnapshot(tmp.filePath(generator.usersFileName(day)));
        ExtractReader users(tmp.filePath(generator.usersFileName(day)));
        QVERIFY2(users.open(ExtractKind::Unknown), qPrintable(users.error().message()));
        QCOMPARE(users.kind(), ExtractKind::UsersSnapshot);
        UserRecord user;
        RejectedLine rejected;
        qint64 rows = 0;
        ExtractReader::Result result;
        while ((result = users.nextUser(user, rejected)) == ExtractReader::Result::Record) {
            ++rows;
            QCOMPARE(QByteArray(user.postcode.data(), qsizetype(user.postcode.size())), expected.value(user.userId));
        }
        QVERIFY2(result == ExtractReader::Result::End, qPrintable(rejected.reason + users.error().message()));
        QCOMPARE(rows, qint64(expected.size()));

        for (int hour = 0; hour < options.hoursPerDay; ++hour) {
            const QString path = tmp.filePath(generator.pageviewsFileName(day, hour));
            const QList<Pageview> expectedViews = readPageviews(path);
            ExtractReader pageviews(path);
            QVERIFY2(pageviews.open(ExtractKind::Pageviews), qPrintable(pageviews.error().message()));
            PageviewRecord pageview;
            qint64 count = 0;
            while ((result = pageviews.nextPageview(pageview, rejected)) == ExtractReader::Result::Record) {
                QVERIFY(count < expectedViews.size());
                QCOMPARE(pageview.userId, expectedViews.at(count).userId);
                QCOMPARE(pageview.viewedAt, expectedViews.at(count).viewedAt);
                ++count;
            }
            QVERIFY2(result == ExtractReader::Result::End,
                     qPrintable(QStringLiteral("line %1: %2 %3").arg(rejected.line).arg(rejected.reason, pageviews.error().message())));
            QCOMPARE(count, options.pageviewsPerHour);
        }
    }
}

void ExtractGeneratorTest::reportsProgressPerFile()
{
    QTemporaryDir tmp;
    GeneratorOptions options = smallOptions(tmp.path());
    options.pageviewsPerHour = 70000; // more than one progress step
    LoadFeedback feedback;
    QSignalSpy stages(&feedback, &LoadFeedback::stageChanged);
    QString error;
    QVERIFY2(generate(options, &feedback, &error) == WriteOutcome::Written, qPrintable(error));

    ExtractGenerator generator(options);
    QCOMPARE(stages.size(), options.days * (1 + options.hoursPerDay));
    QCOMPARE(stages.at(0).at(0).toString(), generator.usersFileName(0));
    QCOMPARE(stages.at(0).at(1).toLongLong(), options.users);
    QCOMPARE(stages.at(1).at(0).toString(), generator.pageviewsFileName(0, 0));
    QCOMPARE(stages.at(1).at(1).toLongLong(), options.pageviewsPerHour);
    QCOMPARE(feedback.stage(), generator.pageviewsFileName(options.days - 1, options.hoursPerDay - 1));
    QCOMPARE(feedback.done(), options.pageviewsPerHour);
}

void ExtractGeneratorTest::cancelLeavesNoPartialFile_data()
{
    QTest::addColumn<int>("cancelAtStage"); // -1: cancelled before starting
    QTest::addColumn<qint64>("pageviewsPerHour");
    QTest::newRow("before the first file") << -1 << qint64(1000);
    QTest::newRow("in a small file") << 2 << qint64(1000);
    QTest::newRow("in a large file, after blocks were written") << 2 << qint64(300000);
}

void ExtractGeneratorTest::cancelLeavesNoPartialFile()
{
    QFETCH(int, cancelAtStage);
    QFETCH(qint64, pageviewsPerHour);

    QTemporaryDir tmp;
    GeneratorOptions options = smallOptions(tmp.path());
    options.pageviewsPerHour = pageviewsPerHour;
    ExtractGenerator generator(options);

    LoadFeedback feedback;
    int stage = 0;
    connect(&feedback, &LoadFeedback::stageChanged, this, [&] {
        if (stage++ == cancelAtStage)
            feedback.cancel();
    });
    if (cancelAtStage < 0)
        feedback.cancel();

    QString error;
    QCOMPARE(generate(options, &feedback, &error), WriteOutcome::Cancelled);
    QVERIFY2(error.isEmpty(), qPrintable(error)); // a cancel is not an error

    // Only the files finished before the cancel: the users snapshot and the first hour.
    QStringList expected;
    if (cancelAtStage == 2)
        expected << generator.pageviewsFileName(0, 0) << generator.usersFileName(0);
    QCOMPARE(filesIn(tmp.path()), expected);
    if (cancelAtStage == 2)
        QCOMPARE(dataLines(tmp.filePath(generator.pageviewsFileName(0, 0))).size(), qsizetype(pageviewsPerHour));
}

void ExtractGeneratorTest::rejectsBadOptions_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<double>("value");
    QTest::newRow("start not at midnight") << "startEpoch" << 1709251200.0 + 3600;
    QTest::newRow("move rate above 1") << "moveRate" << 1.5;
    QTest::newRow("negative remove rate") << "removeRate" << -0.1;
    QTest::newRow("late rate of half") << "lateRate" << 0.5;
    QTest::newRow("25 hours a day") << "hoursPerDay" << 25.0;
    QTest::newRow("negative users") << "users" << -1.0;
}

void ExtractGeneratorTest::rejectsBadOptions()
{
    QFETCH(QString, field);
    QFETCH(double, value);
    QTemporaryDir tmp;
    GeneratorOptions options = smallOptions(tmp.filePath(QStringLiteral("out")));
    if (field == QLatin1String("startEpoch"))
        options.startEpoch = qint64(value);
    else if (field == QLatin1String("moveRate"))
        options.moveRate = value;
    else if (field == QLatin1String("removeRate"))
        options.removeRate = value;
    else if (field == QLatin1String("lateRate"))
        options.lateRate = value;
    else if (field == QLatin1String("hoursPerDay"))
        options.hoursPerDay = int(value);
    else if (field == QLatin1String("users"))
        options.users = qint64(value);

    QString error;
    QCOMPARE(generate(options, nullptr, &error), WriteOutcome::Failed);
    QVERIFY(!error.isEmpty());
    QVERIFY(!QFileInfo::exists(options.outDir));

    QByteArray bytes;
    QBuffer buffer(&bytes);
    QVERIFY(buffer.open(QIODevice::WriteOnly));
    QString streamError;
    QCOMPARE(ExtractGenerator(options).writeUsersSnapshot(0, &buffer, nullptr, &streamError), WriteOutcome::Failed);
    QCOMPARE(streamError, error);
}

QTEST_GUILESS_MAIN(ExtractGeneratorTest)
#include "tst_extractgenerator.moc"
