#include "core/filename.h"
#include "extract/csvrecordreader.h"
#include "extract/extractlayout.h"
#include "extract/extractreader.h"
#include "extract/extractvalidation.h"

#include <QCryptographicHash>
#include <QDate>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <zlib.h>

#include <array>

using pv::CsvRecordReader;
using pv::ExtractKind;
using pv::ExtractReader;

namespace {

// A byte string from a literal, embedded NULs included.
template<size_t N>
QByteArray bytes(const char (&text)[N])
{
    return QByteArray(text, N - 1);
}

QByteArray sha256Hex(const QByteArray &content)
{
    return QCryptographicHash::hash(content, QCryptographicHash::Sha256).toHex();
}

bool writeBytes(const QString &path, const QByteArray &content)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(content) == content.size();
}

bool writeGzip(const QString &path, const QByteArray &content)
{
    gzFile file = gzopen(QFile::encodeName(path).constData(), "wb6");
    if (!file)
        return false;
    qsizetype done = 0;
    while (done < content.size()) {
        const auto part = static_cast<unsigned>(std::min<qsizetype>(content.size() - done, 1 << 20));
        if (gzwrite(file, content.constData() + done, part) != static_cast<int>(part)) {
            gzclose(file);
            return false;
        }
        done += part;
    }
    return gzclose(file) == Z_OK;
}

QString view(std::string_view text)
{
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

// Everything an ExtractReader produced for one file, in a form that is easy to compare.
struct ReadOutcome
{
    bool opened = false;
    pv::ExtractError openError;
    ExtractKind kind = ExtractKind::Unknown;
    QStringList records; // "L<line> <id> <postcode or timestamp>"
    QStringList rejects; // "L<line> <raw>"
    QStringList reasons;
    QList<quint64> rejectedIds;
    bool failed = false;
    pv::ExtractError failure;
    qint64 rowsRead = 0;
    QByteArray hash;
};

ReadOutcome readAll(ExtractReader &reader, ExtractKind expected, const pv::ExtractLayout &layout = {})
{
    ReadOutcome out;
    reader.setLayout(layout);
    out.opened = reader.open(expected);
    if (!out.opened) {
        out.openError = reader.error();
        return out;
    }
    out.kind = reader.kind();
    pv::RejectedLine rejected;
    for (int guard = 0; guard < 10'000'000; ++guard) {
        ExtractReader::Result result;
        if (out.kind == ExtractKind::UsersSnapshot) {
            pv::UserRecord record;
            result = reader.nextUser(record, rejected);
            if (result == ExtractReader::Result::Record)
                out.records << QStringLiteral("L%1 %2 %3").arg(record.line).arg(record.userId).arg(view(record.postcode));
        } else {
            pv::PageviewRecord record;
            result = reader.nextPageview(record, rejected);
            if (result == ExtractReader::Result::Record) {
                out.records << QStringLiteral("L%1 %2 %3")
                                       .arg(record.line)
                                       .arg(record.userId)
                                       .arg(pv::formatTimestamp(record.viewedAt));
            }
        }
        if (result == ExtractReader::Result::Rejected) {
            out.rejects << QStringLiteral("L%1 %2").arg(rejected.line).arg(QString::fromUtf8(rejected.raw));
            out.reasons << rejected.reason;
            out.rejectedIds << rejected.userId;
        } else if (result == ExtractReader::Result::End) {
            break;
        } else if (result == ExtractReader::Result::Failed) {
            out.failed = true;
            out.failure = reader.error();
            break;
        }
    }
    out.rowsRead = reader.rowsRead();
    out.hash = reader.contentHash();
    return out;
}

ReadOutcome readAll(const QString &path, ExtractKind expected, const pv::ExtractLayout &layout = {})
{
    ExtractReader reader(path);
    return readAll(reader, expected, layout);
}

// Everything in a ReadOutcome, one line each, to compare two reads at once.
QString describe(const ReadOutcome &out)
{
    QStringList lines{QStringLiteral("opened %1 kind %2").arg(out.opened).arg(static_cast<int>(out.kind))};
    if (!out.opened)
        lines << QStringLiteral("open error ") + out.openError.message();
    lines << out.records;
    for (qsizetype i = 0; i < out.rejects.size(); ++i)
        lines << out.rejects[i] + QStringLiteral(" (%1, id %2)").arg(out.reasons[i]).arg(out.rejectedIds[i]);
    if (out.failed)
        lines << QStringLiteral("failed ") + out.failure.message();
    lines << QStringLiteral("rows %1 hash %2").arg(out.rowsRead).arg(QString::fromLatin1(out.hash));
    return lines.join(QLatin1Char('\n'));
}

QByteArray gzipped(const QByteArray &content)
{
    z_stream stream{};
    if (deflateInit2(&stream, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return {};
    QByteArray out(qsizetype(deflateBound(&stream, uLong(content.size()))), Qt::Uninitialized);
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(content.constData()));
    stream.avail_in = uInt(content.size());
    stream.next_out = reinterpret_cast<Bytef *>(out.data());
    stream.avail_out = uInt(out.size());
    const int code = deflate(&stream, Z_FINISH);
    out.truncate(out.size() - qsizetype(stream.avail_out));
    deflateEnd(&stream);
    return code == Z_STREAM_END ? out : QByteArray();
}

// The rows "plain" and "gzip" of a column "name": a file name that has the content written as it is, or gzipped.
void addPlainAndGzipRows()
{
    QTest::addColumn<QString>("name");
    QTest::newRow("plain") << "extract.csv";
    QTest::newRow("gzip") << "extract.csv.gz";
}

QString describeRecord(const CsvRecordReader &csv)
{
    QStringList fields;
    for (const std::string_view field : csv.fields())
        fields << view(field);
    return QStringLiteral("%1%2:%3=>%4")
            .arg(csv.line())
            .arg(csv.isMalformed() ? QStringLiteral("!") : QString())
            .arg(view(csv.raw()), fields.join(QLatin1Char('|')));
}

const int Users = static_cast<int>(ExtractKind::UsersSnapshot);
const int Pageviews = static_cast<int>(ExtractKind::Pageviews);
const int AnyKind = static_cast<int>(ExtractKind::Unknown);

} // namespace

class ExtractReaderTest : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void csvRecords_data();
    void csvRecords();
    void csvChunkBoundary_data();
    void csvChunkBoundary();
    void csvRecordTooLong();

    void readExtract_data();
    void readExtract();
    void otherPipelinesShapes_data();
    void otherPipelinesShapes();
    void fixtures_data();
    void fixtures();
    void missingFile();
    void directory();
    void rejectedRowKeepsValidId();
    void progressAndSize();
    void textPastTheFirst64KiB_data();
    void textPastTheFirst64KiB();
    void controlBytesShownInReasons();

    void gzipSameAsPlain();
    void contentHashDiffers();
    void gzipCorrupt_data();
    void gzipCorrupt();
    void plainFileNamedGzipIsRefused();
    void gzipMembersReadOneAfterAnother();
    void gzipFollowedByOtherData_data();
    void gzipFollowedByOtherData();
    void gzipZeroPaddingIsNotData();
    void largeFileAcrossChunks_data();
    void largeFileAcrossChunks();
    void contentFromMemory_data();
    void contentFromMemory();
    void smallChunksReadTheSame_data();
    void smallChunksReadTheSame();
    void truncatedGzipSameInAnyChunks();

    void parseUserId_data();
    void parseUserId();
    void isUtf8Text();
    void fileNamesKeepTheirBytes();
    void normalisePostcode_data();
    void normalisePostcode();
    void parseTimestamp_data();
    void parseTimestamp();
    void zonedTimesAreConvertedAndNeverMixedWithNaive();
    void formatTimestampRoundTrip();
    void civilDays();
    void kindNames();

private:
    QString write(const QByteArray &content, const QString &name = QStringLiteral("extract.csv"));

    QTemporaryDir m_dir;
    int m_fileNumber = 0;
};

void ExtractReaderTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
}

// Each file goes in its own directory, so the display name stays the name given.
QString ExtractReaderTest::write(const QByteArray &content, const QString &name)
{
    const QString dir = m_dir.filePath(QString::number(++m_fileNumber));
    if (!QDir().mkpath(dir))
        return {};
    const QString path = dir + QLatin1Char('/') + name;
    const bool ok = name.endsWith(QLatin1String(".gz")) ? writeGzip(path, content) : writeBytes(path, content);
    return ok ? path : QString();
}

void ExtractReaderTest::csvRecords_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QStringList>("expected"); // "line[!]:raw=>field|field", ! for a malformed record

    QTest::newRow("plain") << bytes("a,b\nc,d\n") << QStringList{"1:a,b=>a|b", "2:c,d=>c|d"};
    QTest::newRow("quoted comma") << bytes("\"a,b\",c\n") << QStringList{"1:\"a,b\",c=>a,b|c"};
    QTest::newRow("doubled quote") << bytes("\"a\"\"b\",\"\"\"\"\n")
                                   << QStringList{"1:\"a\"\"b\",\"\"\"\"=>a\"b|\""};
    QTest::newRow("doubled quote twice in a record")
            << bytes("\"x\"\"\",\"\"\"y\"\n") << QStringList{"1:\"x\"\"\",\"\"\"y\"=>x\"|\"y"};
    QTest::newRow("empty quoted") << bytes("\"\",x\n") << QStringList{"1:\"\",x=>|x"};
    QTest::newRow("quoted newline") << bytes("\"a\nb\",c\nd\n") << QStringList{"1:\"a\nb\",c=>a\nb|c", "3:d=>d"};
    QTest::newRow("quoted CRLF") << bytes("\"a\r\nb\",c\r\nd\r\n")
                                 << QStringList{"1:\"a\r\nb\",c=>a\r\nb|c", "3:d=>d"};
    QTest::newRow("two quoted newlines") << bytes("x,\"1\n2\n3\"\ny\n")
                                         << QStringList{"1:x,\"1\n2\n3\"=>x|1\n2\n3", "4:y=>y"};
    QTest::newRow("CRLF") << bytes("a,b\r\nc\r\n") << QStringList{"1:a,b=>a|b", "2:c=>c"};
    QTest::newRow("no final newline") << bytes("a\nb") << QStringList{"1:a=>a", "2:b=>b"};
    QTest::newRow("quoted at end without newline") << bytes("x\n\"a,b\"") << QStringList{"1:x=>x", "2:\"a,b\"=>a,b"};
    QTest::newRow("CR at end of file") << bytes("a,b\r") << QStringList{"1:a,b=>a|b"};
    QTest::newRow("blank lines") << bytes("\n\na\n\n \t\n\r\nb\n\n")
                                 << QStringList{"3:a=>a", "7:b=>b"};
    QTest::newRow("empty fields") << bytes(",\n,,x\n") << QStringList{"1:,=>|", "2:,,x=>||x"};
    QTest::newRow("quoted empty line is a record") << bytes("\"\"\n") << QStringList{"1:\"\"=>"};
    QTest::newRow("quote inside unquoted field") << bytes("a\"b,c\n") << QStringList{"1:a\"b,c=>a\"b|c"};
    QTest::newRow("BOM") << bytes("\xEF\xBB\xBF" "a,b\n") << QStringList{"1:a,b=>a|b"};
    QTest::newRow("unterminated quote") << bytes("x\na,\"b\nc\n")
                                        << QStringList{"1:x=>x", "2!:a,\"b\nc=>a|b\nc\n"};
    QTest::newRow("text after closing quote") << bytes("\"a\"b,c\nd\n")
                                              << QStringList{"1!:\"a\"b,c=>a|c", "2:d=>d"};
    QTest::newRow("empty") << QByteArray() << QStringList{};
    QTest::newRow("only blank lines") << bytes("\r\n \n\t\n") << QStringList{};
}

void ExtractReaderTest::csvRecords()
{
    QFETCH(QByteArray, content);
    QFETCH(QStringList, expected);

    CsvRecordReader csv;
    QVERIFY2(csv.open(write(content)), qPrintable(csv.errorString()));
    QStringList records;
    CsvRecordReader::Status status;
    while ((status = csv.next()) == CsvRecordReader::Status::Record)
        records << describeRecord(csv);
    QCOMPARE(status, CsvRecordReader::Status::End);
    QCOMPARE(records, expected);
    QCOMPARE(csv.contentHash(), sha256Hex(content));
    QCOMPARE(csv.contentBytesRead(), content.size());
}

// The first read stops after exactly ChunkBytes: put every awkward sequence across that boundary at every split.
void ExtractReaderTest::csvChunkBoundary_data()
{
    QTest::addColumn<QByteArray>("record");
    QTest::addColumn<int>("split");
    QTest::addColumn<QString>("fields");
    QTest::addColumn<int>("lines");

    const struct
    {
        QByteArray record;
        QString fields;
        int lines;
    } cases[] = {
        {bytes("a,\"b\"\"c\"\n"), QStringLiteral("a|b\"c"), 1},
        {bytes("\"x\r\ny\",z\r\n"), QStringLiteral("x\r\ny|z"), 2},
        {bytes("p,q\r\n"), QStringLiteral("p|q"), 1},
        {bytes("\"\",\"\"\n"), QStringLiteral("|"), 1},
        {bytes("\"abc\"\r\n"), QStringLiteral("abc"), 1},
        {bytes("\"a\"\"\"\r\n"), QStringLiteral("a\""), 1},
        {bytes("\"x\ny\"\r\n"), QStringLiteral("x\ny"), 2},
        {bytes("\"a\nb\"\"c\",d\n"), QStringLiteral("a\nb\"c|d"), 2},
        {bytes("q,\"a\nb\"\r\n"), QStringLiteral("q|a\nb"), 2},
    };
    for (const auto &c : cases) {
        for (int split = 0; split <= c.record.size(); ++split) {
            QTest::addRow("%s @%d", c.record.toPercentEncoding().constData(), split)
                    << c.record << split << c.fields << c.lines;
        }
    }
}

void ExtractReaderTest::csvChunkBoundary()
{
    QFETCH(QByteArray, record);
    QFETCH(int, split);
    QFETCH(QString, fields);
    QFETCH(int, lines);

    // Lines of 1 KiB, the first one longer to make up the exact size.
    const int filler = static_cast<int>(CsvRecordReader::ChunkBytes) - split;
    const int fillerLines = filler / 1024;
    QByteArray content = QByteArray(filler % 1024 + 1023, 'x') + '\n';
    const QByteArray line = QByteArray(1023, 'x') + '\n';
    for (int i = 1; i < fillerLines; ++i)
        content += line;
    QCOMPARE(content.size(), filler);
    content += record;
    content += "end\n";

    CsvRecordReader csv;
    QVERIFY(csv.open(write(content)));
    int seen = 0;
    while (csv.next() == CsvRecordReader::Status::Record) {
        if (++seen == fillerLines + 1) {
            QCOMPARE(csv.line(), fillerLines + 1);
            QStringList got;
            for (const std::string_view field : csv.fields())
                got << view(field);
            QCOMPARE(got.join(QLatin1Char('|')), fields);
            QVERIFY(!csv.isMalformed());
        } else if (seen == fillerLines + 2) {
            QCOMPARE(csv.line(), fillerLines + 1 + lines);
            QCOMPARE(view(csv.raw()), QStringLiteral("end"));
        }
    }
    QCOMPARE(seen, fillerLines + 2);
    QCOMPARE(csv.contentHash(), sha256Hex(content));
}

void ExtractReaderTest::csvRecordTooLong()
{
    QByteArray content = "a,b\n1,\"never closed\n";
    content += QByteArray((16 << 20) + 2 * qsizetype{CsvRecordReader::ChunkBytes}, 'x');
    CsvRecordReader csv;
    QVERIFY(csv.open(write(content)));
    QCOMPARE(csv.next(), CsvRecordReader::Status::Record);
    QCOMPARE(csv.next(), CsvRecordReader::Status::Failed);
    QVERIFY2(csv.errorString().contains(QLatin1String("longer than 16 MiB")), qPrintable(csv.errorString()));
    QCOMPARE(csv.errorLine(), 2);
    QCOMPARE(csv.next(), CsvRecordReader::Status::Failed);
}

void ExtractReaderTest::readExtract_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<int>("expected");
    QTest::addColumn<QStringList>("records");
    QTest::addColumn<QStringList>("rejects");
    QTest::addColumn<QStringList>("reasons"); // the reject's reason contains each part (joined by " && ")
    QTest::addColumn<QString>("openError");   // contained in the error of open(); empty: open() succeeds
    QTest::addColumn<int>("errorLine");

    const QByteArray users = "id,postcode\n";
    const QByteArray pageviews = "user_id,url,pageview_datetime\n";
    const QStringList none;

    // --- users snapshot: file shapes
    QTest::newRow("users plain") << users + "1,SW1A 1AA\n2,EC1A\n" << Users
                                 << QStringList{"L2 1 SW1A 1AA", "L3 2 EC1A"} << none << none << QString() << 0;
    QTest::newRow("users kind detected") << users + "1,W1\n" << AnyKind << QStringList{"L2 1 W1"} << none << none
                                         << QString() << 0;
    QTest::newRow("users BOM") << bytes("\xEF\xBB\xBF" "id,postcode\n1,W1\n") << Users << QStringList{"L2 1 W1"}
                               << none << none << QString() << 0;
    QTest::newRow("users CRLF") << bytes("id,postcode\r\n1,sw1a 1aa\r\n2,M1 1AE\r\n") << Users
                                << QStringList{"L2 1 SW1A 1AA", "L3 2 M1 1AE"} << none << none << QString() << 0;
    QTest::newRow("users no final newline") << users + "1,W1\n2,W2" << Users << QStringList{"L2 1 W1", "L3 2 W2"}
                                            << none << none << QString() << 0;
    QTest::newRow("users blank lines") << bytes("\nid,postcode\n\n1,W1\n   \n\r\n2,W2\n\n") << Users
                                       << QStringList{"L4 1 W1", "L7 2 W2"} << none << none << QString() << 0;
    QTest::newRow("users reordered columns") << bytes("postcode,id\nW1,5\n") << AnyKind << QStringList{"L2 5 W1"}
                                             << none << none << QString() << 0;
    QTest::newRow("users extra columns")
            << bytes("name,id,age,postcode,notes\nBob,5,40,W1,x\n3,W2\nAl,6,30,N1,y,extra\n") << Users
            << QStringList{"L2 5 W1"} << QStringList{"L3 3,W2", "L4 Al,6,30,N1,y,extra"}
            << QStringList{"expected 5 fields as in the header, found 2", "expected 5 fields as in the header, found 6"}
            << QString() << 0;
    QTest::newRow("users header case and spaces") << bytes(" ID ,\tPostCode \n7,n1\n") << Users
                                                  << QStringList{"L2 7 N1"} << none << none << QString() << 0;
    QTest::newRow("users quoted fields") << users + "\"1\",\"SW1A 1AA\"\n" << Users << QStringList{"L2 1 SW1A 1AA"}
                                         << none << none << QString() << 0;
    QTest::newRow("users doubled quote") << users + "1,\"SW1A \"\"1AA\"\n2,W2\n" << Users << QStringList{"L3 2 W2"}
                                         << QStringList{"L2 1,\"SW1A \"\"1AA\""}
                                         << QStringList{"column 'postcode': 'SW1A \"1AA' is not a UK postcode"}
                                         << QString() << 0;
    QTest::newRow("users quoted newline") << users + "1,\"SW1A\n1AA\"\n2,W1\n" << Users << QStringList{"L4 2 W1"}
                                          << QStringList{"L2 1,\"SW1A\n1AA\""}
                                          << QStringList{"column 'postcode': 'SW1A\n1AA' is not a UK postcode"}
                                          << QString() << 0;
    QTest::newRow("users unterminated quote at end") << users + "1,W1\n2,\"W2\n3,W3\n" << Users
                                                     << QStringList{"L2 1 W1"} << QStringList{"L3 2,\"W2\n3,W3"}
                                                     << QStringList{"the quote opened on line 3 is never closed"}
                                                     << QString() << 0;
    QTest::newRow("users text after closing quote") << users + "1,\"W1\"x\n2,W2\n" << Users
                                                    << QStringList{"L3 2 W2"} << QStringList{"L2 1,\"W1\"x"}
                                                    << QStringList{"field 2 has text after its closing quote"}
                                                    << QString() << 0;
    QTest::newRow("users too few fields") << users + "5\n6,W6\n" << Users << QStringList{"L3 6 W6"}
                                          << QStringList{"L2 5"} << QStringList{"expected 2 fields as in the header, found 1"}
                                          << QString() << 0;
    QTest::newRow("users too many fields") << users + "5,W5,\n6,W6\n7,N1 1AA,extra\n" << Users << QStringList{"L3 6 W6"}
                                           << QStringList{"L2 5,W5,", "L4 7,N1 1AA,extra"}
                                           << QStringList{"expected 2 fields as in the header, found 3",
                                                          "expected 2 fields as in the header, found 3"}
                                           << QString() << 0;
    QTest::newRow("users line numbers after rejects")
            << users + "x,W1\n\n\"2\",\"W\n2\"\n3,W3\r\n\r\n4,W4" << Users << QStringList{"L6 3 W3", "L8 4 W4"}
            << QStringList{"L2 x,W1", "L4 \"2\",\"W\n2\""}
            << QStringList{"column 'id': 'x' is not a positive integer", "column 'postcode'"} << QString() << 0;

    // --- users snapshot: every kind of bad id
    const struct
    {
        const char *name;
        QByteArray value;
        QString reason;
    } badIds[] = {
        {"id zero", "0", "column 'id': '0' is not a positive integer"},
        {"id negative", "-4", "column 'id': '-4' is not a positive integer"},
        {"id plus sign", "+4", "column 'id': '+4' is not a positive integer"},
        {"id decimal", "1.5", "column 'id': '1.5' is not a positive integer"},
        {"id exponent", "1e3", "column 'id': '1e3' is not a positive integer"},
        {"id letters", "12a", "column 'id': '12a' is not a positive integer"},
        {"id inner space", "1 2", "column 'id': '1 2' is not a positive integer"},
        {"id empty", "", "column 'id': empty value"},
        {"id blank", "  ", "column 'id': empty value"},
        {"id above int64", "9223372036854775808", "column 'id': '9223372036854775808' is too large"},
        {"id above uint64", "99999999999999999999", "column 'id': '99999999999999999999' is too large"},
    };
    for (const auto &bad : badIds) {
        QTest::newRow(bad.name) << users + bad.value + ",W1\n" << Users << none
                                << QStringList{QStringLiteral("L2 ") + QString::fromLatin1(bad.value) + ",W1"}
                                << QStringList{bad.reason} << QString() << 0;
    }
    QTest::newRow("id trimmed") << users + " 42 ,W1\n" << Users << QStringList{"L2 42 W1"} << none << none
                                << QString() << 0;
    QTest::newRow("id largest") << users + "9223372036854775807,W1\n" << Users
                                << QStringList{"L2 9223372036854775807 W1"} << none << none << QString() << 0;

    // --- users snapshot: postcodes
    const struct
    {
        const char *name;
        QByteArray value;
        QString reason;
    } badPostcodes[] = {
        {"postcode no shape", "XYZ", "column 'postcode': 'XYZ' is not a UK postcode"},
        {"postcode reserved", "UNKNOWN", "column 'postcode': 'UNKNOWN' is reserved"},
        {"postcode reserved lower case", "unknown", "column 'postcode': 'unknown' is reserved"},
        {"postcode empty", "", "column 'postcode': empty value"},
        {"postcode short inward", "SW1A 1A", "column 'postcode': 'SW1A 1A' is not a UK postcode"},
        {"postcode long inward", "SW1A 1AAA", "column 'postcode': 'SW1A 1AAA' is not a UK postcode"},
        {"postcode digits", "12345", "column 'postcode': '12345' is not a UK postcode"},
        {"postcode dash", "SW1A-1AA", "column 'postcode': 'SW1A-1AA' is not a UK postcode"},
        {"postcode two spaces", "S W1A 1AA", "column 'postcode': 'S W1A 1AA' is not a UK postcode"},
        {"postcode three letters", "AAA 1AA", "column 'postcode': 'AAA 1AA' is not a UK postcode"},
        {"postcode too long", "SW1AB 1AA", "column 'postcode': 'SW1AB 1AA' is not a UK postcode"},
    };
    for (const auto &bad : badPostcodes) {
        QTest::newRow(bad.name) << users + "9," + bad.value + "\n" << Users << none
                                << QStringList{QStringLiteral("L2 9,") + QString::fromLatin1(bad.value)}
                                << QStringList{bad.reason} << QString() << 0;
    }
    QTest::newRow("postcodes normalised")
            << users + "1,sw1a1aa\n2,  ec1a   1bb \n3,w1\n4,gir0aa\n5,M11AE\n6,cr2 6xh\n7,DN551PT\n8,sw19\n"
            << Users
            << QStringList{"L2 1 SW1A 1AA", "L3 2 EC1A 1BB", "L4 3 W1", "L5 4 GIR 0AA", "L6 5 M1 1AE",
                           "L7 6 CR2 6XH", "L8 7 DN55 1PT", "L9 8 SW19"}
            << none << none << QString() << 0;

    // --- pageviews
    QTest::newRow("pageviews plain") << pageviews + "1,http://a/,2024-03-01 10:00:00\n" << Pageviews
                                     << QStringList{"L2 1 2024-03-01 10:00:00"} << none << none << QString() << 0;
    QTest::newRow("pageviews kind detected") << pageviews + "1,http://a/,2024-03-01 10:00:00\n" << AnyKind
                                             << QStringList{"L2 1 2024-03-01 10:00:00"} << none << none
                                             << QString() << 0;
    QTest::newRow("pageviews quoted comma") << pageviews + "1,\"http://a/?x=1,2\",2024-03-01 10:00:00\n"
                                            << Pageviews << QStringList{"L2 1 2024-03-01 10:00:00"} << none << none
                                            << QString() << 0;
    QTest::newRow("pageviews quoted newline")
            << pageviews + "1,\"http://a/\nb\",2024-03-01 10:00:00\n2,http://b/,2024-03-01 11:00:00\n" << Pageviews
            << QStringList{"L2 1 2024-03-01 10:00:00", "L4 2 2024-03-01 11:00:00"} << none << none << QString() << 0;
    QTest::newRow("pageviews quoted CRLF")
            << bytes("user_id,url,pageview_datetime\r\n1,\"a\r\nb\r\nc\",2024-03-01 10:00:00\r\n"
                     "2,b,2024-03-01 11:00:00\r\n")
            << Pageviews << QStringList{"L2 1 2024-03-01 10:00:00", "L5 2 2024-03-01 11:00:00"} << none << none
            << QString() << 0;
    QTest::newRow("pageviews reordered and extra columns")
            << bytes("Pageview_Datetime , referrer,URL, User_Id\n2024-03-01 10:00:00,x,http://a/,7\n") << AnyKind
            << QStringList{"L2 7 2024-03-01 10:00:00"} << none << none << QString() << 0;
    QTest::newRow("pageviews datetime variants")
            << pageviews
                       + "1,u,2024-03-01T10:00:00\n2,u,2024-03-01 10:00:00.123456\n3,u,2024-03-01 10:00:00Z\n"
                         "4,u,2024-03-01T10:00:00.9Z\n5,u, 2024-03-01 10:00:00 \n6,u,2024-02-29 23:59:59\n"
                         "7,u,2000-02-29 00:00:00\n8,u,1969-12-31 23:59:59\n"
            << Pageviews
            << QStringList{"L2 1 2024-03-01 10:00:00", "L3 2 2024-03-01 10:00:00", "L4 3 2024-03-01 10:00:00",
                           "L5 4 2024-03-01 10:00:00", "L6 5 2024-03-01 10:00:00", "L7 6 2024-02-29 23:59:59",
                           "L8 7 2000-02-29 00:00:00", "L9 8 1969-12-31 23:59:59"}
            << none << none << QString() << 0;
    const struct
    {
        const char *name;
        QByteArray value;
        QString reason;
    } badDatetimes[] = {
        {"datetime Feb 29 non-leap", "2023-02-29 10:00:00", "February 2023 has no day 29"},
        {"datetime Feb 29 1900", "1900-02-29 10:00:00", "February 1900 has no day 29"},
        {"datetime April 31", "2024-04-31 10:00:00", "April 2024 has no day 31"},
        {"datetime day 0", "2024-04-00 10:00:00", "April 2024 has no day 0"},
        {"datetime month 13", "2024-13-01 10:00:00", "has month 13"},
        {"datetime month 0", "2024-00-01 10:00:00", "has month 0"},
        {"datetime year 0000", "0000-01-01 00:00:00", "has year 0000"},
        {"datetime hour 24", "2024-03-01 24:00:00", "has hour 24"},
        {"datetime minute 60", "2024-03-01 23:60:00", "has minute 60"},
        {"datetime second 60", "2024-03-01 23:59:60", "has second 60"},
        {"datetime date only", "2024-03-01", "is not a date and time"},
        {"datetime no seconds", "2024-03-01 10:00", "is not a date and time"},
        {"datetime slashes", "2024/03/01 10:00:00", "is not a date and time"},
        {"datetime zone name", "2024-03-01 10:00:00 Europe/London", "has a zone pvadmin does not convert"},
        {"datetime bare dot", "2024-03-01 10:00:00.", "is not a date and time"},
        {"datetime short year", "24-03-01 10:00:00", "is not a date and time"},
        {"datetime words", "yesterday", "is not a date and time"},
        {"datetime empty", "", "empty value"},
    };
    for (const auto &bad : badDatetimes) {
        QTest::newRow(bad.name) << pageviews + "3,http://a/," + bad.value + "\n" << Pageviews << none
                                << QStringList{QStringLiteral("L2 3,http://a/,") + QString::fromLatin1(bad.value)}
                                << QStringList{(bad.value.isEmpty()
                                                        ? QStringLiteral("column 'pageview_datetime': ")
                                                        : QStringLiteral("column 'pageview_datetime': '%1'")
                                                                  .arg(QString::fromLatin1(bad.value)))
                                               + QStringLiteral(" && ") + bad.reason}
                                << QString() << 0;
    }
    QTest::newRow("pageviews bad user_id") << pageviews + "-4,http://a/,2024-03-01 10:00:00\n" << Pageviews << none
                                           << QStringList{"L2 -4,http://a/,2024-03-01 10:00:00"}
                                           << QStringList{"column 'user_id': '-4' is not a positive integer"}
                                           << QString() << 0;
    QTest::newRow("pageviews empty url") << pageviews + "1,,2024-03-01 10:00:00\n2,  ,2024-03-01 10:00:00\n"
                                         << Pageviews << none
                                         << QStringList{"L2 1,,2024-03-01 10:00:00", "L3 2,  ,2024-03-01 10:00:00"}
                                         << QStringList{"column 'url': empty value", "column 'url': empty value"}
                                         << QString() << 0;
    QTest::newRow("pageviews too few fields") << pageviews + "1,http://a/\n" << Pageviews << none
                                              << QStringList{"L2 1,http://a/"}
                                              << QStringList{"expected 3 fields as in the header, found 2"} << QString() << 0;
    QTest::newRow("pageviews too many fields") << pageviews + "1,http://a/,2024-03-01 10:00:00,x\n2,http://b/,2024-03-01 10:00:00\n"
                                               << Pageviews << QStringList{"L3 2 2024-03-01 10:00:00"}
                                               << QStringList{"L2 1,http://a/,2024-03-01 10:00:00,x"}
                                               << QStringList{"expected 3 fields as in the header, found 4"} << QString() << 0;

    // --- refused up front
    QTest::newRow("CR-only line ends") << bytes("id,postcode\r1,SW19\r2,N1\r") << AnyKind << none << none << none
                                       << QStringLiteral("the lines end in a lone CR") << 1;
    QTest::newRow("missing url") << bytes("user_id,pageview_datetime\n1,2024-03-01 10:00:00\n") << Pageviews << none
                                 << none << none << QStringLiteral("missing required column 'url'") << 1;
    QTest::newRow("missing url, kind detected") << bytes("user_id,pageview_datetime\n") << AnyKind << none << none
                                                << none << QStringLiteral("missing required column 'url'") << 1;
    QTest::newRow("missing postcode") << bytes("\nid\n1\n") << Users << none << none << none
                                      << QStringLiteral("missing required column 'postcode'") << 2;
    QTest::newRow("missing two columns") << bytes("url\n") << AnyKind << none << none << none
                                         << QStringLiteral("missing required columns 'user_id' and "
                                                           "'pageview_datetime'")
                                         << 1;
    QTest::newRow("pageviews read as users") << pageviews + "1,u,2024-03-01 10:00:00\n" << Users << none << none
                                             << none
                                             << QStringLiteral("this is a pageviews extract, not a users snapshot")
                                             << 1;
    QTest::newRow("users read as pageviews") << users + "1,W1\n" << Pageviews << none << none << none
                                             << QStringLiteral("this is a users snapshot, not a pageviews extract")
                                             << 1;
    QTest::newRow("header not recognised")
            << bytes("a,b,c\n1,2,3\n") << AnyKind << none << none << none
            << QStringLiteral("the header is not recognised: expected 'id,postcode' (a users snapshot) or "
                              "'user_id,url,pageview_datetime' (a pageviews extract), found 'a,b,c'")
            << 1;
    QTest::newRow("header not recognised, users expected")
            << bytes("a,b\n") << Users << none << none << none
            << QStringLiteral("expected 'id,postcode' (a users snapshot), found 'a,b'") << 1;
    QTest::newRow("no header line") << bytes("1,SW1A 1AA\n") << AnyKind << none << none << none
                                    << QStringLiteral("(the first line must be the header; a file without one loads with --no-header)") << 1;
    QTest::newRow("semicolons and pipes") << bytes("id;postcode|x\n1;W1\n") << AnyKind << none << none << none
                                          << QStringLiteral("the first line holds both '|' and semicolon, and no comma: "
                                                            "say which one separates the fields with --delimiter")
                                          << 1;
    QTest::newRow("duplicate column") << bytes("id,postcode,ID\n") << Users << none << none << none
                                      << QStringLiteral("column 'id' appears more than once in the header "
                                                        "(columns 1 and 3)")
                                      << 1;
    QTest::newRow("malformed header") << bytes("id,\"postcode\n") << Users << none << none << none
                                      << QStringLiteral("the header line is malformed") << 1;
    QTest::newRow("empty file") << QByteArray() << AnyKind << none << none << none
                                << QStringLiteral("the file is empty: expected a header line") << 0;
    QTest::newRow("empty users file") << QByteArray() << Users << none << none << none
                                      << QStringLiteral("the file is empty: expected a header line 'id,postcode'")
                                      << 0;
    QTest::newRow("BOM only") << bytes("\xEF\xBB\xBF") << AnyKind << none << none << none
                              << QStringLiteral("the file is empty") << 0;
    QTest::newRow("whitespace only") << bytes("\n  \r\n\t\n") << AnyKind << none << none << none
                                     << QStringLiteral("the file is empty") << 0;
    QTest::newRow("NUL byte") << bytes("id,postcode\n\x00\x01\x02") << AnyKind << none << none << none
                              << QStringLiteral("not a text CSV file: binary data at byte 13") << 0;
    QTest::newRow("invalid UTF-8") << bytes("id,postcode\n1,\xE9\n") << AnyKind << none << none << none
                                   << QStringLiteral("not a text CSV file: binary data at byte 15 (0xe9 is not "
                                                     "valid UTF-8")
                                   << 0;
    QTest::newRow("truncated UTF-8 at end") << bytes("id,postcode\n1,\xE2\x82") << AnyKind << none << none << none
                                            << QStringLiteral("binary data at byte 15") << 0;
    QTest::newRow("overlong UTF-8") << bytes("id,postcode\n\xC0\xAF") << AnyKind << none << none << none
                                    << QStringLiteral("binary data at byte 13") << 0;
    QTest::newRow("zip archive") << bytes("PK\x03\x04\x14\x00\x00\x00") << AnyKind << none << none << none
                                 << QStringLiteral("binary data at byte 6 (it looks like a ZIP archive") << 0;
    const QString utf16Text = QStringLiteral("id,postcode\n1,SW1A 1AA\n");
    QByteArray utf16le("\xFF\xFE");
    QByteArray utf16be("\xFE\xFF");
    QByteArray utf16NoBom;
    for (const QChar c : utf16Text) {
        utf16le += char(c.unicode() & 0xFF);
        utf16le += char(c.unicode() >> 8);
        utf16be += char(c.unicode() >> 8);
        utf16be += char(c.unicode() & 0xFF);
        utf16NoBom += char(c.unicode() & 0xFF);
        utf16NoBom += char(c.unicode() >> 8);
    }
    QTest::newRow("UTF-16 LE") << utf16le << AnyKind << none << none << none
                               << QStringLiteral("the file is encoded as UTF-16; save it as UTF-8") << 0;
    QTest::newRow("UTF-16 BE") << utf16be << Users << none << none << none
                               << QStringLiteral("the file is encoded as UTF-16; save it as UTF-8") << 0;
    QTest::newRow("UTF-16 without BOM") << utf16NoBom << AnyKind << none << none << none
                                        << QStringLiteral("encoded as UTF-16 (without a byte-order mark)") << 0;
    QTest::newRow("UTF-32") << bytes("\xFF\xFE\x00\x00i\x00\x00\x00") << AnyKind << none << none << none
                            << QStringLiteral("the file is encoded as UTF-32; save it as UTF-8") << 0;
    QTest::newRow("valid UTF-8 text") << users + "1,Ré\n" << AnyKind << none << QStringList{"L2 1,Ré"}
                                      << QStringList{"column 'postcode': 'Ré' is not a UK postcode"} << QString()
                                      << 0;
}

void ExtractReaderTest::readExtract()
{
    QFETCH(QByteArray, content);
    QFETCH(int, expected);
    QFETCH(QStringList, records);
    QFETCH(QStringList, rejects);
    QFETCH(QStringList, reasons);
    QFETCH(QString, openError);
    QFETCH(int, errorLine);

    const QString path = write(content);
    QVERIFY(!path.isEmpty());
    const ReadOutcome out = readAll(path, static_cast<ExtractKind>(expected));
    if (!openError.isEmpty()) {
        QVERIFY2(!out.opened, "open() accepted a file it should refuse");
        QVERIFY2(out.openError.reason.contains(openError), qPrintable(out.openError.message()));
        QCOMPARE(out.openError.file, QStringLiteral("extract.csv"));
        QCOMPARE(out.openError.line, errorLine);
        return;
    }
    QVERIFY2(out.opened, qPrintable(out.openError.message()));
    if (expected != AnyKind)
        QCOMPARE(static_cast<int>(out.kind), expected);
    QVERIFY2(!out.failed, qPrintable(out.failure.message()));
    QCOMPARE(out.records, records);
    QCOMPARE(out.rejects, rejects);
    QCOMPARE(out.reasons.size(), reasons.size());
    for (qsizetype i = 0; i < reasons.size(); ++i) {
        for (const QString &part : reasons[i].split(QLatin1String(" && ")))
            QVERIFY2(out.reasons[i].contains(part), qPrintable(out.reasons[i] + QLatin1String(" / ") + part));
    }
    QCOMPARE(out.rowsRead, records.size() + rejects.size());
    QCOMPARE(out.hash, sha256Hex(content));
}

// Extracts as other teams' pipelines write them (a Python generator's, dbt sources', Snowflake's, BigQuery's,
// PostgreSQL's COPY), read with the layout an operator would give, or none when the reader can tell.
void ExtractReaderTest::otherPipelinesShapes_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("expected");
    QTest::addColumn<QString>("delimiter"); // as --delimiter takes it; empty: told from the header
    QTest::addColumn<QString>("columns");   // as --columns takes it
    QTest::addColumn<bool>("headerless");
    QTest::addColumn<QStringList>("records");
    QTest::addColumn<QStringList>("reasons"); // of the rejected rows, in order
    QTest::addColumn<QString>("openError");
    const QString none;
    const QString csv = QStringLiteral("extract.csv");

    QTest::newRow("pipes, told from the header") << bytes("user_id|url|pageview_datetime\n7|/a|2024-03-01 10:00:00\n8|\"/b|c\"|2024-03-01 10:05:00\n")
                                                 << csv << AnyKind << none << none << false
                                                 << QStringList{"L2 7 2024-03-01 10:00:00", "L3 8 2024-03-01 10:05:00"}
                                                 << QStringList{} << none;
    QTest::newRow("tabs, told from the header") << bytes("id\tpostcode\n1\tsw19 1aa\n2\tB45\n") << csv << AnyKind << none
                                                << none << false << QStringList{"L2 1 SW19 1AA", "L3 2 B45"}
                                                << QStringList{} << none;
    QTest::newRow("semicolons, told from the header") << bytes("\xEF\xBB\xBFid;postcode\r\n1;W1\r\n") << csv << AnyKind << none
                                                      << none << false << QStringList{"L2 1 W1"} << QStringList{} << none;
    QTest::newRow("dbt names, pipes, mapped")
            << bytes("Customer_id|Customer_postcode|load_date\n1|SW19|2024-03-05\n2|N1|2024-03-05\n") << csv << AnyKind
            << none << QStringLiteral("id=customer_id,postcode=CUSTOMER_POSTCODE") << false
            << QStringList{"L2 1 SW19", "L3 2 N1"} << QStringList{} << none;
    QTest::newRow("page_url and timestamp mapped, a rejected row names the file's column")
            << bytes("user_id,page_url,timestamp,load_timestamp\n1,/a,2024-03-01 10:00:00+00,2024-03-01 11:00:00\n2,/b,soon,x\n")
            << csv << AnyKind << none << QStringLiteral("url=page_url,pageview_datetime=timestamp") << false
            << QStringList{"L2 1 2024-03-01 10:00:00"}
            << QStringList{"column 'pageview_datetime (timestamp)': "} << none;
    QTest::newRow("Snowflake: upper-case names, zone offsets") << bytes("USER_ID,URL,PAGEVIEW_DATETIME\n1,/a,2024-03-01 11:00:00.000 +0100\n")
                                                               << csv << AnyKind << none << none << false
                                                               << QStringList{"L2 1 2024-03-01 10:00:00"} << QStringList{} << none;
    QTest::newRow("BigQuery: UTC named") << bytes("user_id,url,pageview_datetime\n1,/a,2024-03-01 10:00:00 UTC\n") << csv
                                         << AnyKind << none << none << false << QStringList{"L2 1 2024-03-01 10:00:00"}
                                         << QStringList{} << none;
    QTest::newRow("tab given, columns numbered") << bytes("x\ty\tz\n1\t2024-03-01 10:00:00\t/a\n") << csv << AnyKind
                                                 << QStringLiteral("tab") << QStringLiteral("user_id=1,url=3,pageview_datetime=2") << false
                                                 << QStringList{"L2 1 2024-03-01 10:00:00"} << QStringList{} << none;
    QTest::newRow("headerless, kind from the name") << bytes("1,/a,2024-03-01 10:00:00\n2,/b,2024-03-01 10:30:00\n")
                                                    << QStringLiteral("pageview_extract_2024030110.csv") << AnyKind << none << none << true
                                                    << QStringList{"L1 1 2024-03-01 10:00:00", "L2 2 2024-03-01 10:30:00"}
                                                    << QStringList{} << none;
    QTest::newRow("headerless pipes, numbered, kind given") << bytes("SW19|1\nbad|2\n") << csv << Users << none
                                                            << QStringLiteral("id=2,postcode=1") << true
                                                            << QStringList{"L1 1 SW19"}
                                                            << QStringList{"column 'postcode (column 1)': "} << none;
    QTest::newRow("headerless, no kind") << bytes("1,SW19\n") << csv << AnyKind << none << none << true << QStringList{}
                                         << QStringList{} << QStringLiteral("give its kind (--kind users or pageviews)");
    QTest::newRow("headerless, a column by name") << bytes("1,SW19\n") << csv << Users << none << QStringLiteral("postcode=pc")
                                                  << true << QStringList{} << QStringList{}
                                                  << QStringLiteral("a file without a header line has no column named 'pc'");
    QTest::newRow("headerless, a column past the line") << bytes("1,SW19\n") << csv << Users << none << QStringLiteral("postcode=3")
                                                        << true << QStringList{} << QStringList{}
                                                        << QStringLiteral("column postcode is number 3, but the first line has 2 fields");
    QTest::newRow("mapped name missing") << bytes("user_id,url,ts\n") << csv << AnyKind << none
                                         << QStringLiteral("pageview_datetime=timestamp") << false << QStringList{} << QStringList{}
                                         << QStringLiteral("missing required column 'timestamp (for pageview_datetime)'");
    QTest::newRow("dbt names unmapped") << bytes("Customer_id|Customer_postcode\n1|SW19\n") << csv << AnyKind << none << none
                                        << false << QStringList{} << QStringList{}
                                        << QStringLiteral("map them with --columns");
    QTest::newRow("pipes given, a comma inside stays") << bytes("user_id|url|pageview_datetime\n1|/a,b|2024-03-01 10:00:00\n")
                                                       << csv << AnyKind << QStringLiteral("pipe") << none << false
                                                       << QStringList{"L2 1 2024-03-01 10:00:00"} << QStringList{} << none;
}

void ExtractReaderTest::otherPipelinesShapes()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, name);
    QFETCH(int, expected);
    QFETCH(QString, delimiter);
    QFETCH(QString, columns);
    QFETCH(bool, headerless);
    QFETCH(QStringList, records);
    QFETCH(QStringList, reasons);
    QFETCH(QString, openError);

    pv::ExtractLayout layout;
    QString error;
    if (!delimiter.isEmpty())
        layout.delimiter = pv::parseDelimiter(delimiter, &error).value_or(0);
    layout.columns = pv::parseColumnMapping(columns, &error).value_or(std::map<QString, QString>{});
    layout.headerless = headerless;
    QVERIFY2(error.isEmpty(), qPrintable(error));
    for (const QString &fileName : {name, name + QStringLiteral(".gz")}) {
        const QString path = write(content, fileName);
        QVERIFY(!path.isEmpty());
        const ReadOutcome out = readAll(path, static_cast<ExtractKind>(expected), layout);
        if (!openError.isEmpty()) {
            QVERIFY2(!out.opened, "open() accepted a file it should refuse");
            QVERIFY2(out.openError.reason.contains(openError), qPrintable(out.openError.message()));
            QCOMPARE(out.openError.line, 1);
            continue;
        }
        QVERIFY2(out.opened, qPrintable(out.openError.message()));
        QVERIFY2(!out.failed, qPrintable(out.failure.message()));
        QCOMPARE(out.records, records);
        QCOMPARE(out.reasons.size(), reasons.size());
        for (qsizetype i = 0; i < reasons.size(); ++i)
            QVERIFY2(out.reasons[i].startsWith(reasons[i]), qPrintable(out.reasons[i]));
        QCOMPARE(out.rowsRead, records.size() + reasons.size());
        // The layout is how the file is read, not what it is: the same bytes, the same content hash.
        QCOMPARE(out.hash, sha256Hex(content));
    }
}

void ExtractReaderTest::fixtures_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QStringList>("records");
    QTest::addColumn<QStringList>("rejects");
    QTest::addColumn<QString>("openError");

    QTest::newRow("users BOM CRLF") << "users_bom_crlf.csv" << Users
                                    << QStringList{"L2 1 SW1A 1AA", "L3 2 SW1A 2AA", "L5 3 EC1A 1BB", "L7 5 W1"}
                                    << QStringList{"L6 4,NOT A CODE"} << QString();
    QTest::newRow("pageviews quoted") << "pageviews_quoted.csv" << Pageviews
                                      << QStringList{"L2 1 2024-03-01 10:00:00", "L3 2 2024-03-01 10:15:30",
                                                     "L4 3 2024-03-01 10:30:00", "L7 5 2024-03-01 10:59:59"}
                                      << QStringList{"L6 4,https://example.com/,2023-02-29 10:00:00"} << QString();
    QTest::newRow("pageviews reordered") << "pageviews_reordered_extra_columns.csv" << Pageviews
                                         << QStringList{"L2 10 2024-03-01 11:00:00"}
                                         << QStringList{"L3 2024-03-01 11:05:00,,https://example.com/b,11,s2,unexpected-extra"}
                                         << QString();
    QTest::newRow("UTF-16") << "users_utf16le.csv" << Users << QStringList{} << QStringList{}
                            << QStringLiteral("encoded as UTF-16; save it as UTF-8");
    QTest::newRow("binary") << "binary_garbage.csv" << AnyKind << QStringList{} << QStringList{}
                            << QStringLiteral("not a text CSV file: binary data at byte 13");
    QTest::newRow("empty") << "empty.csv" << Users << QStringList{} << QStringList{}
                           << QStringLiteral("the file is empty");
}

void ExtractReaderTest::fixtures()
{
    QFETCH(QString, file);
    QFETCH(int, kind);
    QFETCH(QStringList, records);
    QFETCH(QStringList, rejects);
    QFETCH(QString, openError);

    const QString path = QStringLiteral(PV_FIXTURES_DIR "/") + file;
    QVERIFY2(QFile::exists(path), qPrintable(path));
    const ReadOutcome out = readAll(path, AnyKind == kind ? ExtractKind::Unknown : static_cast<ExtractKind>(kind));
    if (!openError.isEmpty()) {
        QVERIFY(!out.opened);
        QVERIFY2(out.openError.reason.contains(openError), qPrintable(out.openError.message()));
        QVERIFY(out.openError.message().startsWith(file + QLatin1String(": ")));
        return;
    }
    QVERIFY2(out.opened, qPrintable(out.openError.message()));
    QVERIFY(!out.failed);
    QCOMPARE(out.records, records);
    QCOMPARE(out.rejects, rejects);
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(out.hash, sha256Hex(f.readAll()));
}

void ExtractReaderTest::missingFile()
{
    const QString path = m_dir.filePath(QStringLiteral("no-such-dir/users_2024-03-01.csv"));
    ExtractReader reader(path);
    QVERIFY(!reader.open(ExtractKind::UsersSnapshot));
    QCOMPARE(reader.error().file, QStringLiteral("users_2024-03-01.csv"));
    QVERIFY2(reader.error().reason.startsWith(QLatin1String("the file does not exist")),
             qPrintable(reader.error().message()));
    QVERIFY(reader.error().reason.contains(path));
    pv::UserRecord record;
    pv::RejectedLine rejected;
    QCOMPARE(reader.nextUser(record, rejected), ExtractReader::Result::Failed);
}

void ExtractReaderTest::directory()
{
    ExtractReader reader(m_dir.path());
    QVERIFY(!reader.open());
    QVERIFY2(reader.error().reason.contains(QLatin1String("directory")), qPrintable(reader.error().message()));
}

void ExtractReaderTest::rejectedRowKeepsValidId()
{
    const QString path = write("id,postcode\n5,XYZ\nx,W1\n6\n7,\"W1\"z\n\"8,W1\n");
    ExtractReader reader(path);
    QVERIFY(reader.open());
    pv::UserRecord record;
    pv::RejectedLine rejected;
    QList<quint64> ids;
    while (reader.nextUser(record, rejected) == ExtractReader::Result::Rejected)
        ids << rejected.userId;
    QCOMPARE(ids, (QList<quint64>{5, 0, 6, 7, 0}));
}

void ExtractReaderTest::progressAndSize()
{
    QByteArray content = "user_id,url,pageview_datetime\n";
    for (int i = 1; i <= 50000; ++i)
        content += QByteArray::number(i) + ",https://example.com/page/" + QByteArray::number(i % 97)
                + ",2024-03-01 10:00:00\n";
    for (const QString &name : {QStringLiteral("pv.csv"), QStringLiteral("pv.csv.gz")}) {
        const QString path = write(content, name);
        ExtractReader reader(path);
        QVERIFY(reader.open());
        QCOMPARE(reader.sizeBytes(), QFileInfo(path).size());
        QCOMPARE(reader.displayName(), name);
        QCOMPARE(reader.path(), path);
        QVERIFY(reader.bytesRead() > 0);
        QVERIFY(reader.bytesRead() <= reader.sizeBytes());
        QVERIFY(reader.contentHash().isEmpty());
        pv::PageviewRecord record;
        pv::RejectedLine rejected;
        while (reader.nextPageview(record, rejected) == ExtractReader::Result::Record) {
        }
        QCOMPARE(reader.rowsRead(), 50000);
        QCOMPARE(reader.bytesRead(), reader.sizeBytes());
        QCOMPARE(reader.contentHash(), sha256Hex(content));
    }
    QCOMPARE(ExtractReader(QStringLiteral("-")).displayName(), QStringLiteral("<stdin>"));
}

void ExtractReaderTest::textPastTheFirst64KiB_data()
{
    addPlainAndGzipRows();
}

// The encoding is judged on the first 64 KiB when the file is opened; a url further in that is not UTF-8,
// or has a NUL byte, is a bad row like any other.
void ExtractReaderTest::textPastTheFirst64KiB()
{
    QFETCH(QString, name);

    QByteArray content = "user_id,url,pageview_datetime\n";
    QStringList records;
    int line = 1;
    while (content.size() < 80 * 1024) {
        ++line;
        content += QByteArray::number(line) + ",https://example.com/" + QByteArray::number(line) + ",2024-03-01 10:00:00\n";
        records << QStringLiteral("L%1 %1 2024-03-01 10:00:00").arg(line);
    }
    const struct
    {
        QByteArray url;
        const char *reason; // empty: the row is accepted
    } urls[] = {
        {bytes("http://a/caf\xE9"), "column 'url': 'http://a/caf\\xe9' is not valid UTF-8 (byte 0xe9 at position 13)"},
        {bytes("http://a/\x00x"), "column 'url': 'http://a/\\x00x' has a NUL byte at position 10"},
        {bytes("\x00"), "column 'url': '\\x00' has a NUL byte at position 1"},
        {bytes("http://a/\xE2\x82"), "column 'url': 'http://a/\\xe2\\x82' is not valid UTF-8 (byte 0xe2 at position 10)"},
        {bytes("\"http://a/\xC0\xAF\""), "column 'url': 'http://a/\\xc0\\xaf' is not valid UTF-8 (byte 0xc0"},
        {bytes("http://a/\xED\xA0\x80"), "is not valid UTF-8 (byte 0xed at position 10)"},
        {bytes("http://a/\xF4\x90\x80\x80"), "is not valid UTF-8 (byte 0xf4 at position 10)"},
        {bytes("\x80http://a/"), "is not valid UTF-8 (byte 0x80 at position 1)"},
        {bytes("http://a/12345678901234567890\xFF"), "is not valid UTF-8 (byte 0xff at position 30)"},
        {bytes("http://a/%2F%1%3\xE9"), "column 'url': 'http://a/%2F%1%3\\xe9' is not valid UTF-8 (byte 0xe9 at position 17)"},
        {bytes("http://a/%2F%1%3\x00"), "column 'url': 'http://a/%2F%1%3\\x00' has a NUL byte at position 17"},
        {bytes("http://a/caf\xC3\xA9"), ""},
        {bytes("http://a/\xF0\x9F\x98\x80/\xE2\x82\xAC"), ""},
        {bytes("http://a/ctrl\x01"), ""}, // a control character is text; only NUL is refused
    };
    QStringList rejects;
    QStringList reasons;
    for (const auto &u : urls) {
        ++line;
        const QByteArray row = QByteArray::number(line) + ',' + u.url + ",2024-03-01 10:00:00";
        content += row + '\n';
        if (*u.reason) {
            rejects << QStringLiteral("L%1 ").arg(line) + QString::fromUtf8(row);
            reasons << QString::fromUtf8(u.reason);
        } else {
            records << QStringLiteral("L%1 %1 2024-03-01 10:00:00").arg(line);
        }
    }
    ++line;
    content += QByteArray::number(line) + ",https://example.com/last,2024-03-01 10:00:00";
    records << QStringLiteral("L%1 %1 2024-03-01 10:00:00").arg(line);

    const ReadOutcome out = readAll(write(content, name), ExtractKind::Pageviews);
    QVERIFY2(out.opened, qPrintable(out.openError.message()));
    QVERIFY2(!out.failed, qPrintable(out.failure.message()));
    QCOMPARE(out.rejects, rejects);
    QCOMPARE(out.reasons.size(), reasons.size());
    for (qsizetype i = 0; i < reasons.size(); ++i)
        QVERIFY2(out.reasons[i].contains(reasons[i]), qPrintable(out.reasons[i] + QLatin1String(" / ") + reasons[i]));
    QCOMPARE(out.records, records);
    QCOMPARE(out.hash, sha256Hex(content));
}

// A value is quoted in a reason as it is: a control byte or a byte that is not UTF-8 is written as \xHH,
// never shown as a space, dropped, or passed on to a terminal; a tab and a line break stay as they are.
void ExtractReaderTest::controlBytesShownInReasons()
{
    const struct
    {
        QByteArray postcode;
        const char *shown;
    } values[] = {
        {bytes("SW1\x00 1AA"), "'SW1\\x00 1AA' is not a UK postcode"},
        {bytes("\x1b[2JW1"), "'\\x1b[2JW1' is not a UK postcode"},
        {bytes("W1\x7f"), "'W1\\x7f' is not a UK postcode"},
        {bytes("W1\xE9"), "'W1\\xe9' is not a UK postcode"},
        {bytes("W\xC3\xA9"), "'W\xC3\xA9' is not a UK postcode"},
        {bytes("W1\r"), "'W1\\x0d' is not a UK postcode"},
        {bytes("W1\nX"), "'W1\nX' is not a UK postcode"},
    };
    QByteArray content = "id,postcode\n";
    int line = 1;
    while (content.size() < 80 * 1024)
        content += QByteArray::number(++line) + ",SW1A 1AA\n";
    for (const auto &v : values) {
        const std::string_view text(v.postcode.constData(), size_t(v.postcode.size()));
        QString reason;
        QVERIFY(!pv::normalisePostcode(text, &reason));
        QVERIFY2(reason.contains(QString::fromUtf8(v.shown)), qPrintable(reason));
        content += QByteArray::number(++line) + ",\"" + v.postcode + "\"\n";
    }
    QString reason;
    QVERIFY(!pv::parseUserId(std::string_view("1\0", 2), &reason));
    QVERIFY2(reason.contains(QLatin1String("'1\\x00' is not a positive integer")), qPrintable(reason));
    QVERIFY(!pv::parseTimestamp(std::string_view("2024-03-01 10:00:00\0", 20), &reason));
    QVERIFY2(reason.contains(QLatin1String("'2024-03-01 10:00:00\\x00' is not a date")), qPrintable(reason));

    // Past the first 64 KiB (where the file as a whole is not checked), in a whole file.
    const ReadOutcome out = readAll(write(content), ExtractKind::UsersSnapshot);
    QVERIFY2(!out.failed, qPrintable(out.failure.message()));
    QCOMPARE(out.reasons.size(), std::size(values));
    for (size_t i = 0; i < std::size(values); ++i) {
        QVERIFY2(out.reasons[qsizetype(i)].contains(QString::fromUtf8(values[i].shown)), qPrintable(out.reasons[qsizetype(i)]));
        QVERIFY(!out.reasons[qsizetype(i)].contains(QChar(0)));
    }
}

void ExtractReaderTest::gzipSameAsPlain()
{
    const QByteArray content = bytes("\xEF\xBB\xBF" "user_id,url,pageview_datetime\r\n"
                                     "1,\"http://a/?q=1,2\",2024-03-01 10:00:00\r\n"
                                     "2,\"multi\nline \"\"quoted\"\"\",2024-03-01T10:30:00Z\r\n"
                                     "3,http://c/,2024-02-30 10:00:00\r\n"
                                     "4,http://d/,2024-03-01 10:59:59.999");
    const ReadOutcome plain = readAll(write(content, QStringLiteral("pv.csv")), ExtractKind::Unknown);
    const ReadOutcome gz = readAll(write(content, QStringLiteral("pv.csv.gz")), ExtractKind::Unknown);
    QVERIFY2(gz.opened, qPrintable(gz.openError.message()));
    const QStringList records{"L2 1 2024-03-01 10:00:00", "L3 2 2024-03-01 10:30:00", "L6 4 2024-03-01 10:59:59"};
    QCOMPARE(plain.records, records);
    QCOMPARE(gz.records, records);
    QCOMPARE(gz.rejects, QStringList{"L5 3,http://c/,2024-02-30 10:00:00"});
    QCOMPARE(gz.rejects, plain.rejects);
    QCOMPARE(gz.hash, plain.hash);
    QCOMPARE(gz.hash, sha256Hex(content));

    // A gzip file named .csv is still read as gzip.
    const QString disguised = write(QByteArray(), QStringLiteral("pv.csv"));
    QVERIFY(writeGzip(disguised, content));
    QCOMPARE(readAll(disguised, ExtractKind::Pageviews).records, records);
}

void ExtractReaderTest::contentHashDiffers()
{
    const QByteArray a = "id,postcode\n1,W1\n";
    const QByteArray b = "id,postcode\n1,W2\n";
    const ReadOutcome first = readAll(write(a), ExtractKind::UsersSnapshot);
    const ReadOutcome again = readAll(write(a, QStringLiteral("a.csv.gz")), ExtractKind::UsersSnapshot);
    const ReadOutcome other = readAll(write(b), ExtractKind::UsersSnapshot);
    QCOMPARE(first.hash.size(), 64);
    QCOMPARE(first.hash, first.hash.toLower());
    QCOMPARE(first.hash, again.hash);
    QVERIFY(first.hash != other.hash);
    QCOMPARE(other.hash, sha256Hex(b));
    // The same rows with CRLF are different content.
    QVERIFY(readAll(write("id,postcode\r\n1,W1\r\n"), ExtractKind::UsersSnapshot).hash != first.hash);
}

void ExtractReaderTest::gzipCorrupt_data()
{
    QTest::addColumn<QString>("damage");
    QTest::addColumn<bool>("opens");
    QTest::addColumn<QString>("reason");

    QTest::newRow("corrupt header") << "header" << false << "the gzip data is corrupt";
    QTest::newRow("corrupt in the middle") << "middle" << true << "the gzip data is corrupt";
    QTest::newRow("wrong checksum") << "checksum" << true << "the gzip data is corrupt";
    QTest::newRow("truncated") << "truncate" << true << "the gzip data ends unexpectedly";
}

void ExtractReaderTest::gzipCorrupt()
{
    QFETCH(QString, damage);
    QFETCH(bool, opens);
    QFETCH(QString, reason);

    // Three chunks of text, so the damage lies beyond the first one.
    QByteArray content = "user_id,url,pageview_datetime\n";
    QRandomGenerator random(42);
    while (content.size() < 3 * qsizetype{CsvRecordReader::ChunkBytes}) {
        content += QByteArray::number(random.bounded(1, 1000000)) + ",https://example.com/"
                + QByteArray::number(random.generate64(), 36) + ",2024-03-01 10:00:00\n";
    }
    const QString path = write(content, QStringLiteral("pv.csv.gz"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadWrite));
    QByteArray gz = file.readAll();
    if (damage == QLatin1String("header")) {
        gz[3] = char(0xE0); // reserved flag bits
    } else if (damage == QLatin1String("middle")) {
        for (qsizetype i = gz.size() * 3 / 4; i < gz.size() * 3 / 4 + 64; ++i)
            gz[i] = char(~gz[i]);
    } else if (damage == QLatin1String("checksum")) {
        gz[gz.size() - 8] = char(~gz[gz.size() - 8]);
    } else {
        gz.truncate(gz.size() * 3 / 4);
    }
    file.resize(0);
    file.seek(0);
    file.write(gz);
    file.close();

    const ReadOutcome out = readAll(path, ExtractKind::Pageviews);
    if (!opens) {
        QVERIFY(!out.opened);
        QVERIFY2(out.openError.reason.contains(reason), qPrintable(out.openError.message()));
        QCOMPARE(out.openError.file, QStringLiteral("pv.csv.gz"));
        return;
    }
    QVERIFY2(out.opened, qPrintable(out.openError.message()));
    QVERIFY(out.failed);
    QVERIFY2(out.failure.reason.contains(reason), qPrintable(out.failure.message()));
    QCOMPARE(out.failure.file, QStringLiteral("pv.csv.gz"));
    QVERIFY(out.failure.line > 2);
    QVERIFY(out.hash.isEmpty());
    if (damage == QLatin1String("truncate")) {
        // Said where the records run out, after every whole line before the cut was read.
        const qint64 linesRead = out.records.size() + out.rejects.size() + 1;
        QVERIFY2(linesRead > 1000, qPrintable(QString::number(linesRead)));
        QCOMPARE(out.failure.line, linesRead + 1);
        QVERIFY2(out.failure.reason.startsWith(QStringLiteral("after line %1: ").arg(linesRead)), qPrintable(out.failure.reason));
    }
}

void ExtractReaderTest::plainFileNamedGzipIsRefused()
{
    const QString path = write(QByteArray(), QStringLiteral("pv.csv"));
    const QString named = QFileInfo(path).absolutePath() + QStringLiteral("/plain.csv.gz");
    QFile file(named);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("user_id,url,pageview_datetime\n1,/a,2024-03-01 10:00:00\n");
    file.close();
    const ReadOutcome out = readAll(named, ExtractKind::Pageviews);
    QVERIFY(!out.opened);
    QVERIFY2(out.openError.reason.contains(QStringLiteral("the name ends in .gz but the file is not gzip-compressed")),
             qPrintable(out.openError.message()));
}

// gzip -d reads gzip members written one after another (cat a.gz b.gz) as one stream: so does the reader.
void ExtractReaderTest::gzipMembersReadOneAfterAnother()
{
    QByteArray first = "user_id,url,pageview_datetime\n";
    QByteArray second;
    QRandomGenerator random(7);
    while (first.size() < 5 * qsizetype{CsvRecordReader::ChunkBytes} / 4)
        first += QByteArray::number(random.bounded(1, 1000000)) + ",https://example.com/" + QByteArray::number(random.generate64(), 36) + ",2024-03-01 10:00:00\n";
    for (int i = 1; i <= 100; ++i)
        second += QByteArray::number(i) + ",https://example.com/second,2024-03-01 11:00:00\n";
    const QString firstPath = write(first, QStringLiteral("a.csv.gz"));
    const QString secondPath = write(second, QStringLiteral("b.csv.gz"));
    const QString emptyPath = write(QByteArray(), QStringLiteral("c.csv.gz"));
    QFile a(firstPath), b(secondPath), c(emptyPath);
    QVERIFY(a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly) && c.open(QIODevice::ReadOnly));
    const QString path = write(QByteArray(), QStringLiteral("pv.csv"));
    // An empty member between the two, as a gzip of an empty file gives.
    QVERIFY(writeBytes(path, a.readAll() + c.readAll() + b.readAll()));

    const ReadOutcome out = readAll(path, ExtractKind::Pageviews);
    QVERIFY2(out.opened, qPrintable(out.openError.message()));
    QVERIFY2(!out.failed, qPrintable(out.failure.message()));
    QCOMPARE(out.rejects, QStringList());
    QCOMPARE(out.records.size(), first.count('\n') - 1 + 100);
    QCOMPARE(out.records.back(), QStringLiteral("L%1 100 2024-03-01 11:00:00").arg(first.count('\n') + 100));
    QCOMPARE(out.hash, sha256Hex(first + second));
}

void ExtractReaderTest::gzipFollowedByOtherData_data()
{
    QTest::addColumn<QByteArray>("after");
    QTest::addColumn<int>("rows");
    QTest::addColumn<QString>("reason");

    const QString appended = QStringLiteral("there is data after the end of the compressed (gzip) stream, at byte ");
    QTest::newRow("text") << QByteArray("garbage\n") << 10 << appended;
    QTest::newRow("one byte") << bytes("\x1f") << 10 << appended;
    QTest::newRow("text after many chunks") << QByteArray("garbage\n") << 200000 << appended;
    QTest::newRow("gzip magic, then not gzip") << bytes("\x1f\x8b\x63\x00junk") << 10
                                               << QStringLiteral("the gzip data is corrupt");
}

// Bytes after the last gzip member (a file damaged, or appended to) are an error, where zlib's gzread() would
// end the content there without a word.
void ExtractReaderTest::gzipFollowedByOtherData()
{
    QFETCH(QByteArray, after);
    QFETCH(int, rows);
    QFETCH(QString, reason);

    QByteArray content = "user_id,url,pageview_datetime\n";
    QRandomGenerator random(11);
    for (int i = 1; i <= rows; ++i)
        content += QByteArray::number(i) + ",https://example.com/" + QByteArray::number(random.generate64(), 36) + ",2024-03-01 10:00:00\n";
    const QString path = write(content, QStringLiteral("pv.csv.gz"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadWrite));
    const qint64 compressed = file.size();
    QVERIFY(file.seek(compressed));
    QCOMPARE(file.write(after), after.size());
    file.close();

    const ReadOutcome out = readAll(path, ExtractKind::Pageviews);
    const pv::ExtractError error = out.opened ? out.failure : out.openError;
    QVERIFY2(!out.opened || out.failed, "read to the end without an error");
    QVERIFY2(error.reason.contains(reason), qPrintable(error.message()));
    QCOMPARE(error.file, QStringLiteral("pv.csv.gz"));
    QVERIFY(out.hash.isEmpty());
    if (reason.startsWith(QLatin1String("there is data after"))) {
        // Said after every row of the gzip data was read, with where the other data starts.
        QCOMPARE(out.records.size(), rows);
        QCOMPARE(error.line, rows + 2);
        QVERIFY2(error.reason.startsWith(QStringLiteral("after line %1: ").arg(rows + 1)), qPrintable(error.reason));
        QVERIFY2(error.reason.contains(QStringLiteral("at byte %1").arg(compressed + 1)), qPrintable(error.reason));
    }
}

// Zero bytes after the last member are padding (tape blocks, some archivers), which gzip -d skips too;
// anything else after them is still other data, a gzip member too (gzip -d ignores it as trailing garbage;
// the reader read it on, found by the fuzz harness).
void ExtractReaderTest::gzipZeroPaddingIsNotData()
{
    const QByteArray content = "user_id,url,pageview_datetime\n1,/a,2024-03-01 10:00:00\n2,/b,2024-03-01 10:01:00\n";
    const QString path = write(content, QStringLiteral("pv.csv.gz"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray compressed = file.readAll();
    file.close();

    QVERIFY(writeBytes(path, compressed + QByteArray(3000, '\0')));
    const ReadOutcome padded = readAll(path, ExtractKind::Pageviews);
    QVERIFY2(padded.opened && !padded.failed, qPrintable(padded.failure.message()));
    QCOMPARE(padded.records.size(), 2);
    QCOMPARE(padded.hash, sha256Hex(content));

    QVERIFY(writeBytes(path, compressed + QByteArray(3000, '\0') + "garbage\n"));
    const ReadOutcome garbage = readAll(path, ExtractKind::Pageviews);
    QVERIFY(garbage.opened && garbage.failed);
    QVERIFY2(garbage.failure.reason.contains(QStringLiteral("there is data after the end of the compressed (gzip) stream, at byte %1")
                                                 .arg(compressed.size() + 3001)),
             qPrintable(garbage.failure.message()));

    for (const qsizetype zeros : {1, 3000}) {
        QVERIFY(writeBytes(path, compressed + QByteArray(zeros, '\0') + gzipped("3,/c,2024-03-01 10:02:00\n")));
        const ReadOutcome member = readAll(path, ExtractKind::Pageviews);
        QVERIFY(member.opened && member.failed);
        QCOMPARE(member.records.size(), 2);
        QCOMPARE(member.failure.line, 4);
        QVERIFY2(member.failure.reason.contains(QStringLiteral("after line 3: there is data after the end of the compressed "
                                                               "(gzip) stream, at byte %1")
                                                    .arg(compressed.size() + zeros + 1)),
                 qPrintable(member.failure.message()));
    }
}

void ExtractReaderTest::largeFileAcrossChunks_data()
{
    addPlainAndGzipRows();
}

// Several MiB with long quoted fields (doubled quotes, line breaks) so that chunk boundaries fall inside
// them; every record must come back with its id and its physical line.
void ExtractReaderTest::largeFileAcrossChunks()
{
    QFETCH(QString, name);

    QByteArray content = "user_id,url,pageview_datetime\n";
    QStringList expectedRecords;
    QStringList expectedRejects;
    qint64 line = 2;
    for (int i = 1; content.size() < 5 * qsizetype{CsvRecordReader::ChunkBytes} / 2; ++i) {
        const qint64 start = line;
        QByteArray url = "https://example.com/" + QByteArray::number(i);
        if (i % 7 == 0 && i % 50 != 0) {
            url = "\"" + url + "?a=1,b=\"\"2\"\"\nsecond line\"";
            ++line;
        }
        if (i % 50 == 0) {
            QByteArray longField = "\"";
            for (int k = 0; k < 40; ++k)
                longField += "segment " + QByteArray::number(k) + " \"\"quoted\"\", and more,\r\n";
            url = longField + "\"";
            line += 40;
        }
        const bool bad = i % 13 == 0;
        const QByteArray when = bad ? "2024-02-30 10:00:00" : "2024-03-01 10:" + QByteArray::number(10 + i % 50) + ":00";
        const QByteArray row = QByteArray::number(i) + "," + url + "," + when;
        content += row + (i % 11 == 0 ? "\r\n" : "\n");
        if (bad)
            expectedRejects << QStringLiteral("L%1 %2").arg(start).arg(QString::fromUtf8(row));
        else
            expectedRecords << QStringLiteral("L%1 %2 %3").arg(start).arg(i).arg(QString::fromLatin1(when));
        ++line;
    }

    const ReadOutcome out = readAll(write(content, name), ExtractKind::Pageviews);
    QVERIFY2(out.opened, qPrintable(out.openError.message()));
    QVERIFY2(!out.failed, qPrintable(out.failure.message()));
    QCOMPARE(out.records.size(), expectedRecords.size());
    QCOMPARE(out.records, expectedRecords);
    QCOMPARE(out.rejects, expectedRejects);
    QCOMPARE(out.hash, sha256Hex(content));
}

namespace {

// Inputs read from memory and in small chunks: a name, and the bytes as they are (not compressed for a .gz name).
void addReadingRows()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("content");

    const QByteArray pageviews = "user_id,url,pageview_datetime\r\n1,/a,2024-03-01 10:00:00\r\n"
                                 "2,\"/b?x=\"\"1\"\",\r\nsecond line\",2024-03-01 10:01:00\r\n\r\n"
                                 "3,/c,2024-02-30 10:00:00\r\nx,/d,2024-03-01 10:02:00\r\n4,\"/e\"f,2024-03-01 10:03:00\n"
                                 "5,/f,2024-03-01 10:04:00";
    QByteArray long_ = "id,postcode,extract_date\n";
    for (int i = 1; i <= 300; ++i)
        long_ += QByteArray::number(i) + (i % 7 ? ",SW1A 1AA," : ",\"sw1a\n1aa\",") + "2024-03-01" + (i % 5 ? "\n" : "\r\n");
    QByteArray wide = "user_id,url,pageview_datetime\n";
    while (wide.size() < 70 * 1024)
        wide += QByteArray::number(wide.size()) + ",/" + QByteArray(1500, 'w') + ",2024-03-01 10:00:00\n";
    wide += "9,/caf\xE9,2024-03-01 10:00:00\n"; // past the first 64 KiB: a bad row, not a binary file

    QTest::newRow("plain") << "extract.csv" << pageviews;
    QTest::newRow("gzip") << "extract.csv.gz" << gzipped(pageviews);
    QTest::newRow("gzip, named plain") << "extract.csv" << gzipped(pageviews);
    QTest::newRow("two gzip members") << "extract.csv.gz" << gzipped(pageviews.left(40)) + gzipped(pageviews.mid(40));
    QTest::newRow("gzip then other data") << "extract.csv.gz" << gzipped(pageviews) + "garbage";
    QTest::newRow("plain, named .gz") << "extract.csv.gz" << pageviews;
    QTest::newRow("BOM, users, quoted line breaks") << "extract.csv" << "\xEF\xBB\xBF" + long_;
    QTest::newRow("tabs told from the header") << "extract.csv" << QByteArray(pageviews).replace(',', '\t');
    QTest::newRow("no header, kind from the name") << "pageviews_2024-03-01T10.csv" << pageviews.mid(pageviews.indexOf('\n') + 1);
    QTest::newRow("UTF-16") << "extract.csv" << bytes("\xFF\xFEi\0d\0");
    QTest::newRow("NUL") << "extract.csv" << bytes("id,postcode\n1,W1\0\n");
    QTest::newRow("one byte") << "extract.csv" << QByteArray("i");
    QTest::newRow("empty") << "extract.csv" << QByteArray();
    QTest::newRow("past 64 KiB") << "extract.csv" << wide;
    QTest::newRow("past 64 KiB, gzip") << "extract.csv.gz" << gzipped(wide);
}

} // namespace

void ExtractReaderTest::contentFromMemory_data()
{
    addReadingRows();
}

// Content in memory is read exactly as the same bytes in a file of that name.
void ExtractReaderTest::contentFromMemory()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, content);

    const QString dir = m_dir.filePath(QString::number(++m_fileNumber));
    QVERIFY(QDir().mkpath(dir));
    const QString path = dir + QLatin1Char('/') + name;
    QVERIFY(writeBytes(path, content));
    const ReadOutcome fromFile = readAll(path, ExtractKind::Unknown);

    ExtractReader reader(content, name);
    QCOMPARE(reader.displayName(), name);
    QCOMPARE(reader.path(), QString());
    const ReadOutcome fromMemory = readAll(reader, ExtractKind::Unknown);
    QCOMPARE(describe(fromMemory), describe(fromFile));
    if (fromMemory.opened) {
        QCOMPARE(reader.sizeBytes(), content.size());
        if (!fromMemory.failed)
            QCOMPARE(reader.bytesRead(), content.size());
    }
}

void ExtractReaderTest::smallChunksReadTheSame_data()
{
    addReadingRows();
}

// Chunks of a few bytes put every boundary inside a record, a quoted field, a CRLF, a UTF-8 sequence, the
// byte-order mark, the gzip header: what is read is the same as in the production size.
void ExtractReaderTest::smallChunksReadTheSame()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, content);

    ExtractReader whole(content, name);
    const QString expected = describe(readAll(whole, ExtractKind::Unknown));
    for (const size_t chunk : {1, 2, 3, 7, 16, 17, 64, 1000}) {
        ExtractReader reader(content, name);
        reader.setChunkBytes(chunk);
        QCOMPARE(describe(readAll(reader, ExtractKind::Unknown)), expected);
    }
}

// zlib may hold decompressed bytes back when the output is full; at the end of a truncated file they still
// come out before the data is said to end unexpectedly, whatever the chunk (found by the fuzz harness: the
// last row's text was cut where the chunk ended).
void ExtractReaderTest::truncatedGzipSameInAnyChunks()
{
    QByteArray content = "user_id,url,pageview_datetime\n";
    for (int i = 1; i <= 40; ++i)
        content += QByteArray::number(i) + ",https://example.com/same/page/" + QByteArray::number(i % 3)
                + ",2024-03-01 10:00:00\n";
    const QByteArray gz = gzipped(content);
    QVERIFY(!gz.isEmpty());
    int differences = 0;
    for (qsizetype cut = 10; cut < gz.size() - 8; ++cut) {
        const QByteArray truncated = gz.left(cut);
        ExtractReader whole(truncated, QStringLiteral("pv.csv.gz"));
        const QString expected = describe(readAll(whole, ExtractKind::Pageviews));
        for (const size_t chunk : {1, 2, 3, 7, 16, 64}) {
            ExtractReader reader(truncated, QStringLiteral("pv.csv.gz"));
            reader.setChunkBytes(chunk);
            const QString got = describe(readAll(reader, ExtractKind::Pageviews));
            if (got != expected && ++differences == 1)
                QCOMPARE(got, expected);
        }
    }
    QCOMPARE(differences, 0);
}

void ExtractReaderTest::parseUserId_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<quint64>("value");
    QTest::addColumn<QString>("reason");

    QTest::newRow("one") << QByteArray("1") << true << quint64(1) << QString();
    QTest::newRow("spaces") << QByteArray("  123\t") << true << quint64(123) << QString();
    QTest::newRow("leading zeros") << QByteArray("007") << true << quint64(7) << QString();
    QTest::newRow("largest") << QByteArray("9223372036854775807") << true << quint64(9223372036854775807ULL)
                             << QString();
    QTest::newRow("zero") << QByteArray("0") << false << quint64(0) << "'0' is not a positive integer";
    QTest::newRow("zeros") << QByteArray("000") << false << quint64(0) << "'000' is not a positive integer";
    QTest::newRow("negative") << QByteArray("-5") << false << quint64(0) << "'-5' is not a positive integer";
    QTest::newRow("decimal") << QByteArray("1.5") << false << quint64(0) << "'1.5' is not a positive integer";
    QTest::newRow("exponent") << QByteArray("1e3") << false << quint64(0) << "'1e3' is not a positive integer";
    QTest::newRow("hex") << QByteArray("0x10") << false << quint64(0) << "'0x10' is not a positive integer";
    QTest::newRow("empty") << QByteArray() << false << quint64(0) << "empty value: expected a positive integer";
    QTest::newRow("overflow") << QByteArray("9223372036854775808") << false << quint64(0)
                              << "'9223372036854775808' is too large: the largest id is 9223372036854775807";
    QTest::newRow("uint64 max") << QByteArray("18446744073709551615") << false << quint64(0) << "is too large";
    QTest::newRow("long") << QByteArray(100, '9') << false << quint64(0) << "...' is too large";
}

void ExtractReaderTest::parseUserId()
{
    QFETCH(QByteArray, text);
    QFETCH(bool, valid);
    QFETCH(quint64, value);
    QFETCH(QString, reason);

    QString why;
    const std::optional<quint64> id = pv::parseUserId(std::string_view(text.constData(), size_t(text.size())), &why);
    QCOMPARE(id.has_value(), valid);
    if (valid) {
        QCOMPARE(*id, value);
        QVERIFY(why.isEmpty());
    } else {
        QVERIFY2(why.contains(reason), qPrintable(why));
    }
    QCOMPARE(pv::parseUserId(std::string_view(text.constData(), size_t(text.size())), nullptr).has_value(), valid);
}

// Every position of a bad byte against the eight-byte words the check reads, and every length of good text.
void ExtractReaderTest::fileNamesKeepTheirBytes()
{
    // UTF-8 decodes as UTF-8; every byte of what is not UTF-8 is kept, shown and recorded as \xHH.
    QCOMPARE(pv::decodeFileName("caf\xC3\xA9_\xF0\x9F\x98\x80.csv"), QStringLiteral("caf\u00e9_\U0001F600.csv"));
    const QString latin1 = pv::decodeFileName("caf\xE9.csv");
    QCOMPARE(latin1.size(), 8);
    QVERIFY(pv::hasUndecodableBytes(latin1));
    QCOMPARE(pv::shownFileName(latin1), QStringLiteral("caf\\xe9.csv"));
    QCOMPARE(pv::shownFileName(pv::decodeFileName("a\nb\x1b\xC0\xAF\xED\xA0\x80")), QStringLiteral("a\\x0ab\\x1b\\xc0\\xaf\\xed\\xa0\\x80"));
    QCOMPARE(pv::recordedFilePath(pv::decodeFileName("/in/caf\xE9\n.csv")), QStringLiteral("/in/caf\\xe9\n.csv"));
    QCOMPARE(pv::recordedFilePath(QStringLiteral("-")), QStringLiteral("<stdin>"));
    QVERIFY(!pv::hasUndecodableBytes(pv::decodeFileName("caf\xC3\xA9.csv")));
    // Any bytes come back as they were (a truncated sequence at the end too).
    QRandomGenerator random(5);
    for (int round = 0; round < 20000; ++round) {
        QByteArray bytes(1 + random.bounded(12), Qt::Uninitialized);
        for (char &b : bytes)
            b = char(1 + random.bounded(255));
        if (round % 3 == 0)
            bytes.insert(random.bounded(bytes.size()), "\xE2\x82\xAC");
        const QString name = pv::decodeFileName(bytes);
        QCOMPARE(pv::encodeFileName(name), bytes);
        QCOMPARE(pv::hasUndecodableBytes(name), QString::fromUtf8(bytes).toUtf8() != bytes);
    }
}

void ExtractReaderTest::isUtf8Text()
{
    const QByteArray ascii = "https://example.com/0123456789";
    for (qsizetype length = 0; length <= ascii.size(); ++length) {
        const QByteArray text = ascii.left(length);
        QVERIFY(pv::isUtf8Text(std::string_view(text.constData(), size_t(length)), nullptr));
    }
    for (qsizetype at = 0; at < ascii.size(); ++at) {
        for (const char bad : {'\0', '\x80', '\xE9', '\xFF'}) {
            QByteArray text = ascii;
            text[at] = bad;
            QString reason;
            QVERIFY(!pv::isUtf8Text(std::string_view(text.constData(), size_t(text.size())), &reason));
            const QString expected = bad == 0 ? QStringLiteral("has a NUL byte at position %1").arg(at + 1)
                                              : QStringLiteral("is not valid UTF-8 (byte 0x%1 at position %2)")
                                                        .arg(uchar(bad), 2, 16, QLatin1Char('0'))
                                                        .arg(at + 1);
            QVERIFY2(reason.contains(expected), qPrintable(reason));
        }
        QByteArray text = ascii;
        text.insert(at, "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
        QVERIFY(pv::isUtf8Text(std::string_view(text.constData(), size_t(text.size())), nullptr));
        text.chop(ascii.size() - at);
        text.chop(1); // the emoji cut short at the end
        QVERIFY(!pv::isUtf8Text(std::string_view(text.constData(), size_t(text.size())), nullptr));
    }
}

void ExtractReaderTest::normalisePostcode_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArray>("normalised"); // empty: invalid
    QTest::addColumn<QString>("reason");

    const struct
    {
        const char *text;
        const char *normalised;
    } valid[] = {
        {"SW1A 1AA", "SW1A 1AA"}, {"sw1a1aa", "SW1A 1AA"}, {"  sw1a   1aa ", "SW1A 1AA"}, {"sw1a\t1aa", "SW1A 1AA"},
        {"W1", "W1"},             {"w1a", "W1A"},          {"SW19", "SW19"},           {"EC1A", "EC1A"},
        {"M1 1AE", "M1 1AE"},     {"m11ae", "M1 1AE"},     {"B33 8TH", "B33 8TH"},     {"CR2 6XH", "CR2 6XH"},
        {"DN55 1PT", "DN55 1PT"}, {"dn551pt", "DN55 1PT"}, {"W1A 0AX", "W1A 0AX"},     {"GIR 0AA", "GIR 0AA"},
        {"gir0aa", "GIR 0AA"},    {"N1", "N1"},            {"E14", "E14"},
    };
    for (const auto &v : valid)
        QTest::addRow("valid '%s'", v.text) << QByteArray(v.text) << QByteArray(v.normalised) << QString();

    const struct
    {
        const char *text;
        const char *reason;
    } invalid[] = {
        {"", "empty value"},
        {"   ", "empty value"},
        {"UNKNOWN", "'UNKNOWN' is reserved"},
        {" Unknown ", "'Unknown' is reserved"},
        {"XYZ", "'XYZ' is not a UK postcode"},
        {"S", "is not a UK postcode"},
        {"1W", "is not a UK postcode"},
        {"SW1A 1A", "is not a UK postcode"},
        {"SW1A 1AAA", "is not a UK postcode"},
        {"SW1A 11A", "is not a UK postcode"},
        {"SW1A AAA", "is not a UK postcode"},
        {"SW1A-1AA", "is not a UK postcode"},
        {"S W1A 1AA", "is not a UK postcode"},
        {"SWW1 1AA", "is not a UK postcode"},
        {"SW1AB", "is not a UK postcode"},
        {"SW1AA 1AA", "is not a UK postcode"},
        {"GIR", "is not a UK postcode"},
        {"GIR 1AA", "is not a UK postcode"},
        {"SW1A 1AA X", "is not a UK postcode"},
        {"SW1A 1ÄA", "is not a UK postcode"},
        {"12345", "'12345' is not a UK postcode"},
    };
    for (const auto &v : invalid)
        QTest::addRow("invalid '%s'", v.text) << QByteArray(v.text) << QByteArray() << QString::fromUtf8(v.reason);
}

void ExtractReaderTest::normalisePostcode()
{
    QFETCH(QByteArray, text);
    QFETCH(QByteArray, normalised);
    QFETCH(QString, reason);

    const std::string_view input(text.constData(), size_t(text.size()));
    QString why;
    const std::optional<QByteArray> result = pv::normalisePostcode(input, &why);
    std::array<char, pv::MaxPostcodeLength> buffer{};
    const int length = pv::normalisePostcodeInto(input, buffer.data(), nullptr);
    if (normalised.isEmpty()) {
        QVERIFY2(!result, result ? result->constData() : "");
        QCOMPARE(length, 0);
        QVERIFY2(why.contains(reason), qPrintable(why));
    } else {
        QVERIFY2(result, qPrintable(why));
        QCOMPARE(*result, normalised);
        QCOMPARE(QByteArray(buffer.data(), length), normalised);
    }
}

void ExtractReaderTest::parseTimestamp_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("expected"); // formatted; empty: invalid
    QTest::addColumn<QString>("reason");

    QTest::newRow("plain") << QByteArray("2024-03-01 10:20:30") << "2024-03-01 10:20:30" << QString();
    QTest::newRow("T") << QByteArray("2024-03-01T10:20:30") << "2024-03-01 10:20:30" << QString();
    QTest::newRow("Z") << QByteArray("2024-03-01 10:20:30Z") << "2024-03-01 10:20:30" << QString();
    QTest::newRow("fraction") << QByteArray("2024-03-01 10:20:30.999999999") << "2024-03-01 10:20:30" << QString();
    QTest::newRow("one digit fraction") << QByteArray("2024-03-01 10:20:30.5") << "2024-03-01 10:20:30" << QString();
    QTest::newRow("all") << QByteArray(" 2024-03-01T10:20:30.123Z ") << "2024-03-01 10:20:30" << QString();
    QTest::newRow("epoch") << QByteArray("1970-01-01 00:00:00") << "1970-01-01 00:00:00" << QString();
    QTest::newRow("leap day") << QByteArray("2024-02-29 12:00:00") << "2024-02-29 12:00:00" << QString();
    QTest::newRow("leap century") << QByteArray("2000-02-29 12:00:00") << "2000-02-29 12:00:00" << QString();
    QTest::newRow("end of year") << QByteArray("2023-12-31 23:59:59") << "2023-12-31 23:59:59" << QString();
    // Zones as PostgreSQL, pandas and BigQuery write them: converted to UTC.
    QTest::newRow("+00:00") << QByteArray("2024-03-01T10:20:30+00:00") << "2024-03-01 10:20:30" << QString();
    QTest::newRow("+00") << QByteArray("2024-03-01 10:20:30+00") << "2024-03-01 10:20:30" << QString();
    QTest::newRow("space UTC") << QByteArray("2024-03-01 10:20:30 UTC") << "2024-03-01 10:20:30" << QString();
    QTest::newRow("UTC") << QByteArray("2024-03-01 10:20:30UTC") << "2024-03-01 10:20:30" << QString();
    QTest::newRow("GMT") << QByteArray("2024-03-01 10:20:30 gmt") << "2024-03-01 10:20:30" << QString();
    QTest::newRow("+01:00") << QByteArray("2024-03-01 10:20:30+01:00") << "2024-03-01 09:20:30" << QString();
    QTest::newRow("-05:00") << QByteArray("2024-03-01 10:20:30-05:00") << "2024-03-01 15:20:30" << QString();
    QTest::newRow("+0530") << QByteArray("2024-03-01 10:20:30+0530") << "2024-03-01 04:50:30" << QString();
    QTest::newRow("fraction and offset") << QByteArray("2024-03-01T10:20:30.123456+01:00") << "2024-03-01 09:20:30" << QString();
    QTest::newRow("space offset") << QByteArray("2024-03-01 10:20:30 +01:00") << "2024-03-01 09:20:30" << QString();
    QTest::newRow("offset across a day") << QByteArray("2024-03-01 00:30:00+01:00") << "2024-02-29 23:30:00" << QString();
    QTest::newRow("offset across a year") << QByteArray("2023-12-31 22:00:00-03:00") << "2024-01-01 01:00:00" << QString();
    QTest::newRow("offset 24 hours") << QByteArray("2024-03-01 10:20:30+24:00") << QString() << "is not a date and time";
    QTest::newRow("offset 60 minutes") << QByteArray("2024-03-01 10:20:30+01:60") << QString() << "is not a date and time";
    QTest::newRow("offset one digit") << QByteArray("2024-03-01 10:20:30+1") << QString() << "is not a date and time";
    QTest::newRow("zone name") << QByteArray("2024-03-01 10:20:30 Europe/London") << QString()
                               << "has a zone pvadmin does not convert: give UTC, Z or an offset such as +01:00";

    QTest::newRow("Feb 29 non-leap") << QByteArray("2023-02-29 00:00:00") << QString()
                                     << "'2023-02-29 00:00:00' is not a valid date: February 2023 has no day 29";
    QTest::newRow("Feb 29 2100") << QByteArray("2100-02-29 00:00:00") << QString() << "February 2100 has no day 29";
    QTest::newRow("Feb 30") << QByteArray("2024-02-30 00:00:00") << QString() << "February 2024 has no day 30";
    QTest::newRow("Jun 31") << QByteArray("2024-06-31 00:00:00") << QString() << "June 2024 has no day 31";
    QTest::newRow("month 13") << QByteArray("2024-13-01 00:00:00") << QString()
                              << "'2024-13-01 00:00:00' has month 13: expected 01 to 12";
    QTest::newRow("hour 24") << QByteArray("2024-03-01 24:00:00") << QString()
                             << "'2024-03-01 24:00:00' has hour 24: expected 00 to 23";
    QTest::newRow("minute 60") << QByteArray("2024-03-01 10:60:00") << QString() << "has minute 60";
    QTest::newRow("second 60") << QByteArray("2024-03-01 10:00:60") << QString() << "has second 60";
    QTest::newRow("single digits") << QByteArray("2024-3-1 1:2:3") << QString() << "is not a date and time";
    QTest::newRow("two Z") << QByteArray("2024-03-01 10:00:00ZZ") << QString() << "is not a date and time";
    QTest::newRow("fraction letters") << QByteArray("2024-03-01 10:00:00.5x") << QString() << "is not a date and time";
    QTest::newRow("space inside") << QByteArray("2024-03-01  10:00:00") << QString() << "is not a date and time";
    QTest::newRow("empty") << QByteArray() << QString() << "empty value";
}

void ExtractReaderTest::zonedTimesAreConvertedAndNeverMixedWithNaive()
{
    // A file of zoned times loads in UTC; Z beside naive times is the contract's own UTC.
    const ReadOutcome zoned = readAll(write("user_id,url,pageview_datetime\n1,/a,2024-03-01 10:05:00+01:00\n"
                                            "2,/b,2024-03-01 09:10:00 UTC\n3,/c,2024-03-01T04:15:00-05:00\n"),
                                      ExtractKind::Pageviews);
    QVERIFY2(!zoned.failed, qPrintable(zoned.failure.message()));
    QCOMPARE(zoned.records, (QStringList{"L2 1 2024-03-01 09:05:00", "L3 2 2024-03-01 09:10:00", "L4 3 2024-03-01 09:15:00"}));
    const ReadOutcome withZ = readAll(write("user_id,url,pageview_datetime\n1,/a,2024-03-01 10:05:00Z\n2,/b,2024-03-01 10:10:00\n"),
                                      ExtractKind::Pageviews);
    QVERIFY2(!withZ.failed, qPrintable(withZ.failure.message()));
    // Naive and zoned times in one file: two clocks, one perhaps local. Refused, naming the first of each.
    const ReadOutcome mixed = readAll(write("user_id,url,pageview_datetime\n1,/a,2024-03-01 10:05:00\n"
                                            "2,/b,2024-03-01 10:06:00\n3,/c,2024-03-01 10:07:00+01:00\n4,/d,2024-03-01 10:08:00\n",
                                            QStringLiteral("mixed.csv")),
                                      ExtractKind::Pageviews);
    QVERIFY(mixed.failed);
    QCOMPARE(mixed.failure.message(),
             QStringLiteral("mixed.csv:4: line 4 has a pageview time with a zone ('2024-03-01 10:07:00+01:00') and line 2 "
                            "one without ('2024-03-01 10:05:00'): a file's times must all have a zone or all be naive "
                            "UTC; nothing was loaded"));
    // The rows read are the rows handed back (two), not the one that stopped the read.
    QCOMPARE(mixed.rowsRead, 2);
    QCOMPARE(mixed.records.size(), 2);
}

void ExtractReaderTest::parseTimestamp()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, expected);
    QFETCH(QString, reason);

    QString why;
    const std::optional<qint64> t = pv::parseTimestamp(std::string_view(text.constData(), size_t(text.size())), &why);
    if (expected.isEmpty()) {
        QVERIFY(!t);
        QVERIFY2(why.contains(reason), qPrintable(why));
        return;
    }
    QVERIFY2(t, qPrintable(why));
    QCOMPARE(pv::formatTimestamp(*t), expected);
    const QDateTime reference(QDate::fromString(expected.left(10), Qt::ISODate),
                              QTime::fromString(expected.mid(11), Qt::ISODate), Qt::UTC);
    QCOMPARE(*t, reference.toSecsSinceEpoch());
}

void ExtractReaderTest::formatTimestampRoundTrip()
{
    QList<qint64> samples{0, 1, -1, 59, 86399, 86400, -86400, -86401, 951782400 /* 2000-02-29 */,
                          1709251199, 1709251200, 4102444800LL /* 2100-01-01 */, 253402300799LL /* 9999-12-31 */,
                          -62135596800LL /* 0001-01-01 */};
    QRandomGenerator random(7);
    for (int i = 0; i < 20000; ++i)
        samples << random.bounded(-62135596800LL, 253402300799LL);
    for (const qint64 t : samples) {
        const QString text = pv::formatTimestamp(t);
        const QString reference =
                QDateTime::fromSecsSinceEpoch(t, Qt::UTC).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        QCOMPARE(text, reference);
        const QByteArray utf8 = text.toUtf8();
        QString why;
        const std::optional<qint64> back =
                pv::parseTimestamp(std::string_view(utf8.constData(), size_t(utf8.size())), &why);
        QVERIFY2(back, qPrintable(why));
        QCOMPARE(*back, t);
    }
}

void ExtractReaderTest::civilDays()
{
    const QDate epoch(1970, 1, 1);
    for (qint64 days = -800000; days <= 3000000; days += 331) {
        const QDate date = epoch.addDays(days);
        int year = 0, month = 0, day = 0;
        pv::civilFromDays(days, &year, &month, &day);
        QCOMPARE(year, date.year() < 0 ? date.year() + 1 : date.year()); // QDate has no year 0
        QCOMPARE(month, date.month());
        QCOMPARE(day, date.day());
        QCOMPARE(pv::daysFromCivil(year, month, day), days);
    }
    QCOMPARE(pv::daysFromCivil(1970, 1, 1), 0);
    QCOMPARE(pv::daysFromCivil(2000, 3, 1), 11017);
    QCOMPARE(pv::daysFromCivil(1969, 12, 31), -1);
}

void ExtractReaderTest::kindNames()
{
    for (const ExtractKind kind : {ExtractKind::UsersSnapshot, ExtractKind::Pageviews, ExtractKind::Unknown})
        QCOMPARE(pv::extractKindFromName(pv::extractKindName(kind)), kind);
    QCOMPARE(pv::extractKindName(ExtractKind::UsersSnapshot), QStringLiteral("users"));
    QCOMPARE(pv::extractKindName(ExtractKind::Pageviews), QStringLiteral("pageviews"));
    QCOMPARE(pv::extractKindFromName(QStringLiteral(" Users ")), ExtractKind::UsersSnapshot);
    QCOMPARE(pv::extractKindFromName(QStringLiteral("weekly")), ExtractKind::Unknown);
}

QTEST_GUILESS_MAIN(ExtractReaderTest)
#include "tst_extractreader.moc"
