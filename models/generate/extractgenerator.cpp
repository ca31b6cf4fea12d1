#include "generate/extractgenerator.h"

#include "core/time.h"
#include "core/loadfeedback.h"

#include <QDir>
#include <QIODevice>
#include <QSaveFile>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <numeric>
#include <set>

namespace pv {

namespace {

// ---------------------------------------------------------------------------------------------
// Randomness. Everything is derived from splitmix64 with integer arithmetic only, so the output
// does not depend on the standard library or the machine.

constexpr quint64 kGolden = 0x9E3779B97F4A7C15ull;

constexpr quint64 mix64(quint64 z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

// Independent streams: one per purpose (tag) and per day/hour.
enum StreamTag : quint64 {
    kTagIds = 1,
    kTagInitial,
    kTagDay,
    kTagNewUsers,
    kTagHour,
    kTagHeavy,
    kTagPool,
    kTagShuffle,
};

quint64 streamKey(quint64 seed, quint64 tag, quint64 a = 0, quint64 b = 0)
{
    return mix64(mix64(mix64(seed ^ (tag * kGolden)) + a) + b);
}

// The i-th value of the stream starting at key, without walking the stream.
inline quint64 streamAt(quint64 key, quint64 i)
{
    return mix64(key + (i + 1) * kGolden);
}

struct SplitMix
{
    quint64 state;
    quint64 next() { return mix64(state += kGolden); }
};

// A uniform integer in [0, n): multiply-shift on the top 32 bits while n fits in 32 bits.
inline quint64 below(quint64 random, quint64 n)
{
    if (n <= (quint64(1) << 32))
        return ((random >> 32) * n) >> 32;
    return random % n;
}

// A probability as a threshold on the top 53 bits of a random value: hit when (r >> 11) < threshold.
quint64 probabilityThreshold(double rate)
{
    constexpr double kOne = 9007199254740992.0; // 2^53
    if (!(rate > 0.0))
        return 0;
    if (rate >= 1.0)
        return quint64(1) << 53;
    return static_cast<quint64>(rate * kOne);
}

inline bool hit(quint64 random, quint64 threshold)
{
    return (random >> 11) < threshold;
}

// ---------------------------------------------------------------------------------------------
// The postcode pool: UK outward codes per area (the real areas, district ranges close to the real
// ones), the central London sub-districts with a letter, and some full postcodes. Popularity is
// Zipf-like over a fixed shuffle of the pool.

struct AreaDistricts
{
    const char *area;
    int first;
    int last;
};

constexpr AreaDistricts kAreas[] = {
    {"AB", 10, 56}, {"AL", 1, 10},  {"B", 1, 99},   {"BA", 1, 22},  {"BB", 1, 18},  {"BD", 1, 24},
    {"BH", 1, 31},  {"BL", 0, 9},   {"BN", 1, 45},  {"BR", 1, 8},   {"BS", 1, 49},  {"BT", 1, 94},
    {"CA", 1, 28},  {"CB", 1, 25},  {"CF", 3, 83},  {"CH", 1, 66},  {"CM", 0, 24},  {"CO", 1, 16},
    {"CR", 0, 9},   {"CT", 1, 21},  {"CV", 1, 47},  {"CW", 1, 12},  {"DA", 1, 18},  {"DD", 1, 11},
    {"DE", 1, 75},  {"DG", 1, 16},  {"DH", 1, 9},   {"DL", 1, 17},  {"DN", 1, 41},  {"DT", 1, 11},
    {"DY", 1, 14},  {"E", 1, 20},   {"EH", 1, 55},  {"EN", 1, 11},  {"EX", 1, 39},  {"FK", 1, 21},
    {"FY", 0, 8},   {"G", 1, 84},   {"GL", 1, 56},  {"GU", 1, 52},  {"HA", 0, 9},   {"HD", 1, 9},
    {"HG", 1, 5},   {"HP", 1, 27},  {"HR", 1, 9},   {"HS", 1, 9},   {"HU", 1, 20},  {"HX", 1, 7},
    {"IG", 1, 11},  {"IP", 1, 33},  {"IV", 1, 63},  {"KA", 1, 30},  {"KT", 1, 24},  {"KW", 1, 17},
    {"KY", 1, 16},  {"L", 1, 75},   {"LA", 1, 23},  {"LD", 1, 8},   {"LE", 1, 67},  {"LL", 11, 78},
    {"LN", 1, 13},  {"LS", 1, 29},  {"LU", 1, 7},   {"M", 1, 90},   {"ME", 1, 20},  {"MK", 1, 46},
    {"ML", 1, 12},  {"N", 1, 22},   {"NE", 1, 71},  {"NG", 1, 34},  {"NN", 1, 18},  {"NP", 4, 44},
    {"NR", 1, 35},  {"NW", 1, 11},  {"OL", 1, 16},  {"OX", 1, 49},  {"PA", 1, 78},  {"PE", 1, 38},
    {"PH", 1, 50},  {"PL", 1, 35},  {"PO", 1, 41},  {"PR", 0, 26},  {"RG", 1, 45},  {"RH", 1, 20},
    {"RM", 1, 20},  {"S", 1, 99},   {"SA", 1, 73},  {"SE", 1, 28},  {"SG", 1, 19},  {"SK", 1, 23},
    {"SL", 0, 9},   {"SM", 1, 7},   {"SN", 1, 26},  {"SO", 14, 53}, {"SP", 1, 11},  {"SR", 1, 9},
    {"SS", 0, 17},  {"ST", 1, 21},  {"SW", 1, 20},  {"SY", 1, 25},  {"TA", 1, 24},  {"TD", 1, 15},
    {"TF", 1, 13},  {"TN", 1, 40},  {"TQ", 1, 14},  {"TR", 1, 27},  {"TS", 1, 29},  {"TW", 1, 20},
    {"UB", 1, 11},  {"W", 2, 14},   {"WA", 1, 16},  {"WD", 3, 25},  {"WF", 1, 17},  {"WN", 1, 8},
    {"WR", 1, 15},  {"WS", 1, 15},  {"WV", 1, 16},  {"YO", 1, 62},  {"ZE", 1, 3},
};

constexpr const char *kLetteredDistricts[] = {
    "EC1A", "EC1M", "EC1N", "EC1R", "EC1V", "EC1Y", "EC2A", "EC2M", "EC2N", "EC2R", "EC2V", "EC2Y",
    "EC3A", "EC3M", "EC3N", "EC3R", "EC3V", "EC4A", "EC4M", "EC4N", "EC4R", "EC4V", "EC4Y", "WC1A",
    "WC1B", "WC1E", "WC1H", "WC1N", "WC1R", "WC1V", "WC1X", "WC2A", "WC2B", "WC2E", "WC2H", "WC2N",
    "WC2R", "W1B",  "W1C",  "W1D",  "W1F",  "W1G",  "W1H",  "W1J",  "W1K",  "W1S",  "W1T",  "W1U",
    "W1W",  "SW1A", "SW1E", "SW1H", "SW1P", "SW1V", "SW1W", "SW1X", "SW1Y", "E1W",  "N1C",  "NW1W",
    "SE1P",
};

constexpr int kFullPostcodes = 150;
constexpr const char kInwardLetters[] = "ABDEFGHJLNPQRSTUWXYZ"; // no C, I, K, M, O, V

struct PostcodeText
{
    char text[8];
    int length;
};

struct PostcodePool
{
    std::vector<QByteArray> codes;    // in popularity order: index 0 is the most common
    std::vector<PostcodeText> texts;  // the same, for fast copying
    std::vector<quint64> cumulative;  // cumulative[i] = weight of codes[0..i]
    std::vector<quint16> guide;       // guide[g]: first i with cumulative[i] > g * total / kGuide
    quint64 total = 0;
    static constexpr quint64 kGuide = 4096;

    PostcodePool()
    {
        // Like the real ones, the higher district numbers have gaps.
        std::vector<QByteArray> outward;
        for (const AreaDistricts &a : kAreas) {
            for (int district = a.first; district <= a.last; ++district) {
                const QByteArray code = QByteArray(a.area) + QByteArray::number(district);
                if (district > 10 && mix64(quint64(a.area[0]) << 16 | quint64(a.area[1]) << 8 | quint64(district)) % 10 < 3)
                    continue;
                outward.push_back(code);
            }
        }
        for (const char *code : kLetteredDistricts)
            outward.push_back(code);

        codes = outward;
        std::set<QByteArray> seen(codes.begin(), codes.end());
        SplitMix rng{streamKey(0, kTagPool)};
        while (codes.size() < outward.size() + kFullPostcodes) {
            QByteArray full = outward[below(rng.next(), outward.size())];
            full += ' ';
            full += char('0' + below(rng.next(), 10));
            full += kInwardLetters[below(rng.next(), sizeof kInwardLetters - 1)];
            full += kInwardLetters[below(rng.next(), sizeof kInwardLetters - 1)];
            if (seen.insert(full).second)
                codes.push_back(full);
        }
        for (size_t i = codes.size() - 1; i > 0; --i)
            std::swap(codes[i], codes[below(rng.next(), i + 1)]);

        texts.resize(codes.size());
        cumulative.resize(codes.size());
        for (size_t i = 0; i < codes.size(); ++i) {
            std::memset(texts[i].text, 0, sizeof texts[i].text);
            std::memcpy(texts[i].text, codes[i].constData(), size_t(codes[i].size()));
            texts[i].length = int(codes[i].size());
            total += (quint64(1) << 22) / (i + 8); // Zipf, exponent 1, flattened at the top
            cumulative[i] = total;
        }
        guide.resize(kGuide);
        size_t i = 0;
        for (quint64 g = 0; g < kGuide; ++g) {
            while (cumulative[i] <= g * total / kGuide)
                ++i;
            guide[g] = quint16(i);
        }
    }

    quint16 sample(quint64 random) const
    {
        const quint64 x = below(random, total);
        size_t i = guide[x * kGuide / total];
        while (cumulative[i] <= x)
            ++i;
        return quint16(i);
    }
};

const PostcodePool &pool()
{
    static const PostcodePool instance;
    return instance;
}

// ---------------------------------------------------------------------------------------------
// Output: rows are formatted by hand into one large buffer, handed to the sink in big blocks.

constexpr qint64 kBlockBytes = 1 << 20;
constexpr qint64 kRowSlack = 1024; // longer than any row we write
constexpr qint64 kProgressEvery = 1 << 16;

constexpr char kDigitPairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

inline void prefetch(const void *address)
{
#if defined(__GNUC__)
    __builtin_prefetch(address);
#else
    Q_UNUSED(address);
#endif
}

inline char *writeUInt(char *p, quint64 v)
{
    char tmp[20];
    char *end = tmp + sizeof tmp;
    char *q = end;
    while (v >= 100) {
        const quint64 pair = (v % 100) * 2;
        v /= 100;
        *--q = kDigitPairs[pair + 1];
        *--q = kDigitPairs[pair];
    }
    if (v >= 10) {
        *--q = kDigitPairs[v * 2 + 1];
        *--q = kDigitPairs[v * 2];
    } else {
        *--q = char('0' + v);
    }
    const size_t n = size_t(end - q);
    std::memcpy(p, q, n);
    return p + n;
}

inline char *writeTwoDigits(char *p, unsigned v)
{
    p[0] = kDigitPairs[v * 2];
    p[1] = kDigitPairs[v * 2 + 1];
    return p + 2;
}

inline char *writeText(char *p, const char *text)
{
    const size_t n = std::strlen(text);
    std::memcpy(p, text, n);
    return p + n;
}

class BlockWriter
{
public:
    explicit BlockWriter(ExtractGenerator::Sink &sink)
        : m_sink(sink)
        , m_buffer(size_t(kBlockBytes + kRowSlack))
        , m_end(m_buffer.data())
    {
    }

    // Room for one more row; flushes a full block first.
    char *row()
    {
        if (m_end - m_buffer.data() >= kBlockBytes && !flush())
            return nullptr;
        return m_end;
    }
    void commit(char *end) { m_end = end; }

    bool flush()
    {
        const qint64 size = m_end - m_buffer.data();
        m_end = m_buffer.data();
        if (size == 0)
            return true;
        return m_sink.write(m_buffer.data(), size);
    }

private:
    ExtractGenerator::Sink &m_sink;
    std::vector<char> m_buffer;
    char *m_end;
};

/// The end of an extract: a last look at cancel, the buffered bytes out, the final progress.
template <typename WriteFailed>
WriteOutcome finishExtract(BlockWriter &writer, ExtractGenerator::Sink &out, LoadFeedback *feedback, qint64 rows,
                           const WriteFailed &writeFailed)
{
    if (feedback && feedback->isCancelled())
        return WriteOutcome::Cancelled;
    if (!writer.flush() || !out.flush())
        return writeFailed();
    if (feedback)
        feedback->setProgress(rows);
    return WriteOutcome::Written;
}

class DeviceSink : public ExtractGenerator::Sink
{
public:
    explicit DeviceSink(QIODevice *device)
        : m_device(device)
    {
    }
    bool write(const char *data, qint64 size) override
    {
        while (size > 0) {
            const qint64 n = m_device->write(data, size);
            if (n <= 0)
                return false;
            data += n;
            size -= n;
        }
        return true;
    }
    QString errorString() const override { return m_device->errorString(); }

private:
    QIODevice *m_device;
};

class StdioSink : public ExtractGenerator::Sink
{
public:
    explicit StdioSink(FILE *file)
        : m_file(file)
    {
    }
    bool write(const char *data, qint64 size) override
    {
        if (std::fwrite(data, 1, size_t(size), m_file) == size_t(size))
            return true;
        m_errno = errno;
        return false;
    }
    bool flush() override
    {
        if (std::fflush(m_file) == 0)
            return true;
        m_errno = errno;
        return false;
    }
    QString errorString() const override
    {
        return m_errno ? QString::fromLocal8Bit(std::strerror(m_errno)) : QStringLiteral("write error");
    }

private:
    FILE *m_file;
    int m_errno = 0;
};

// "YYYY-MM-DD HH:" for the hour starting at epochSeconds.
struct HourPrefix
{
    char text[14];

    explicit HourPrefix(qint64 epochSeconds)
    {
        const qint64 days = epochSeconds >= 0 ? epochSeconds / 86400 : -((-epochSeconds + 86399) / 86400);
        const qint64 secondOfDay = epochSeconds - days * 86400;
        int year = 0, month = 0, day = 0;
        civilFromDays(days, &year, &month, &day);
        char *p = text;
        p = writeTwoDigits(p, unsigned(year / 100));
        p = writeTwoDigits(p, unsigned(year % 100));
        *p++ = '-';
        p = writeTwoDigits(p, unsigned(month));
        *p++ = '-';
        p = writeTwoDigits(p, unsigned(day));
        *p++ = ' ';
        p = writeTwoDigits(p, unsigned(secondOfDay / 3600));
        *p = ':';
    }
};

QString dateText(qint64 epochSeconds)
{
    int year = 0, month = 0, day = 0;
    civilFromDays(epochSeconds / 86400, &year, &month, &day);
    return QStringLiteral("%1-%2-%3")
        .arg(year, 4, 10, QLatin1Char('0'))
        .arg(month, 2, 10, QLatin1Char('0'))
        .arg(day, 2, 10, QLatin1Char('0'));
}

// Page urls: a few page kinds with a skewed page popularity, some query strings, and rarely a url
// that needs CSV quoting (a comma, or a doubled quote inside a quoted field).
char *writeUrl(char *p, SplitMix &rng)
{
    static constexpr const char *kCategories[] = {"news", "sport", "weather", "travel", "food", "money"};
    static constexpr const char *kSearches[] = {"red,blue", "size 8,10", "\"\"running shoes\"\",sale",
                                                "london,uk"};
    const quint64 r = rng.next();
    const quint64 popularity = (r >> 10) & 7;
    const quint64 page = 1 + below(rng.next(), popularity < 4 ? 100 : popularity < 7 ? 5000 : 200000);

    if (((r >> 23) & 511) == 0) {
        p = writeText(p, "\"https://example.com/search?q=");
        p = writeText(p, kSearches[(r >> 32) & 3]);
        p = writeText(p, "&page=");
        p = writeUInt(p, 1 + page % 5);
        *p++ = '"';
        return p;
    }

    p = writeText(p, "https://example.com/");
    const quint64 kind = (r >> 13) & 15;
    if (kind < 10) {
        p = writeText(p, "p/");
        p = writeUInt(p, page);
    } else if (kind < 13) {
        p = writeText(p, "article/");
        p = writeUInt(p, page);
    } else if (kind < 15) {
        p = writeText(p, "category/");
        p = writeText(p, kCategories[page % 6]);
        *p++ = '/';
        p = writeUInt(p, page % 50);
    } // else the home page

    const quint64 query = (r >> 17) & 63;
    if (query < 4)
        p = writeText(p, "?ref=home");
    else if (query < 6)
        p = writeText(p, "?utm_source=newsletter&utm_medium=email");
    else if (query < 7) {
        p = writeText(p, "?page=");
        p = writeUInt(p, 2 + (r >> 40) % 9);
    }
    return p;
}

WriteOutcome failWith(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return WriteOutcome::Failed;
}

constexpr quint16 kAbsent = 0x8000;
constexpr quint64 kFirstId = 100000;
constexpr size_t kShuffleBlock = 1024;

} // namespace

// ---------------------------------------------------------------------------------------------

ExtractGenerator::ExtractGenerator(const GeneratorOptions &options)
    : m_options(options)
    , m_removeThreshold(probabilityThreshold(options.removeRate))
    , m_moveThreshold(probabilityThreshold(options.moveRate))
    , m_returnThreshold(probabilityThreshold(options.returnRate))
    , m_lateThreshold(probabilityThreshold(options.lateRate))
    , m_unknownThreshold(probabilityThreshold(options.unknownRate))
{
    m_idKey = streamKey(options.seed, kTagIds);
    m_heavyKey = streamKey(options.seed, kTagHeavy);
}

QString ExtractGenerator::validate() const
{
    const GeneratorOptions &o = m_options;
    if (o.users < 0)
        return QStringLiteral("the number of users must not be negative");
    if (o.users > 1000000000)
        return QStringLiteral("the number of users must be at most 1,000,000,000");
    if (o.days < 0)
        return QStringLiteral("the number of days must not be negative");
    if (o.hoursPerDay < 0 || o.hoursPerDay > 24)
        return QStringLiteral("hours per day must be between 0 and 24");
    if (o.pageviewsPerHour < 0 || o.pageviewsPerHour > 1000000000)
        return QStringLiteral("pageviews per hour must be between 0 and 1,000,000,000");
    const struct
    {
        const char *name;
        double value;
    } rates[] = {{"move rate", o.moveRate},   {"new rate", o.newRate},   {"remove rate", o.removeRate},
                 {"return rate", o.returnRate}, {"late rate", o.lateRate}, {"unknown rate", o.unknownRate}};
    for (const auto &rate : rates) {
        if (!(rate.value >= 0.0 && rate.value <= 1.0))
            return QStringLiteral("the %1 must be between 0 and 1").arg(QLatin1String(rate.name));
    }
    if (o.moveRate + o.removeRate > 1.0)
        return QStringLiteral("the move rate and the remove rate together must not exceed 1");
    if (o.lateRate >= 0.5)
        return QStringLiteral("the late rate must be below 0.5 (most of a file's rows belong to its hour)");
    if (o.startEpoch % 86400 != 0)
        return QStringLiteral("the start must be at 00:00:00 of a day");
    if (o.startEpoch < 86400 || o.startEpoch > qint64(253402300800) - (qint64(o.days) + 1) * 86400)
        return QStringLiteral("the start must be a date between 1970-01-02 and 9999");
    return {};
}

QString ExtractGenerator::usersFileName(int day) const
{
    return QStringLiteral("users_extract_%1.csv").arg(dateText(snapshotAsOf(day)));
}

QString ExtractGenerator::pageviewsFileName(int day, int hour) const
{
    return QStringLiteral("pageviews_%1T%2.csv").arg(dateText(snapshotAsOf(day))).arg(hour, 2, 10, QLatin1Char('0'));
}

qint64 ExtractGenerator::snapshotAsOf(int day) const
{
    return m_options.startEpoch + qint64(day) * 86400;
}

qint64 ExtractGenerator::hourStart(int day, int hour) const
{
    return snapshotAsOf(day) + qint64(hour) * 3600;
}

qint64 ExtractGenerator::usersInSnapshot(int day)
{
    if (day < 0 || !validate().isEmpty())
        return -1;
    simulateTo(day);
    return m_present;
}

const std::vector<QByteArray> &ExtractGenerator::postcodePool()
{
    return pool().codes;
}

quint64 ExtractGenerator::userId(qint64 index) const
{
    return kFirstId + 4 * quint64(index) + (streamAt(m_idKey, quint64(index)) & 3);
}

// An id in a gap between two users' ids: never given to anyone, in this run or any later day.
quint64 ExtractGenerator::unknownUserId(quint64 random) const
{
    const quint64 candidates = m_state.size() + m_state.size() / 8 + 16;
    const quint64 index = below(random, candidates);
    const quint64 taken = streamAt(m_idKey, index) & 3;
    const quint64 gap = (taken + 1 + (random & 0xFFFF) % 3) & 3;
    return kFirstId + 4 * index + gap;
}

// Most views come from a uniform pick among all users, the rest from a small set of heavy users.
// The pick may be a user missing from the day's snapshot: pickUser() then draws again.
qint64 ExtractGenerator::candidateUser(quint64 &rngState) const
{
    constexpr quint64 kHeavyShare = quint64(0.10 * 9007199254740992.0);
    SplitMix rng{rngState};
    const quint64 n = m_state.size();
    qint64 index = 0;
    if (hit(rng.next(), kHeavyShare)) {
        const quint64 heavyUsers = std::max<quint64>(1, n / 200);
        const quint64 rank = below(rng.next(), below(rng.next(), heavyUsers) + 1);
        index = qint64(streamAt(m_heavyKey, rank) % n);
    } else {
        index = qint64(below(rng.next(), n));
    }
    rngState = rng.state;
    return index;
}

qint64 ExtractGenerator::pickUser(quint64 &rngState) const
{
    qint64 index = candidateUser(rngState);
    SplitMix rng{rngState};
    while (m_state[size_t(index)] & kAbsent)
        index = qint64(below(rng.next(), m_state.size()));
    rngState = rng.state;
    return index;
}

void ExtractGenerator::resetPopulation()
{
    // Reserve for the whole run up front: no reallocation (and no transient copy) at 20M users.
    qint64 bound = m_options.users;
    for (int d = 0; d < m_options.days; ++d)
        bound += std::llround(m_options.newRate * double(bound)) + 1;
    std::vector<quint16>().swap(m_state);
    m_state.reserve(size_t(bound));
    m_state.resize(size_t(m_options.users));

    const PostcodePool &postcodes = pool();
    const quint64 key = streamKey(m_options.seed, kTagInitial);
    for (size_t i = 0; i < m_state.size(); ++i)
        m_state[i] = postcodes.sample(streamAt(key, i));
    m_present = m_options.users;
    m_day = 0;
}

void ExtractGenerator::advanceOneDay()
{
    const PostcodePool &postcodes = pool();
    const quint16 poolSize = quint16(postcodes.codes.size());
    const auto moved = [&](quint16 postcode, quint64 random) {
        quint16 next = postcodes.sample(mix64(random ^ kGolden));
        if (next == postcode)
            next = quint16((postcode + 1) % poolSize);
        return next;
    };

    const int next = m_day + 1;
    const quint64 key = streamKey(m_options.seed, kTagDay, quint64(next));
    const quint64 removeOrMove = m_removeThreshold + m_moveThreshold;
    qint64 present = 0;
    for (size_t i = 0; i < m_state.size(); ++i) {
        const quint64 r = streamAt(key, i);
        quint16 s = m_state[i];
        if (!(s & kAbsent)) {
            if (hit(r, m_removeThreshold))
                s |= kAbsent; // keeps the postcode: a returning user may come back unmoved
            else if (hit(r, removeOrMove))
                s = moved(s, r);
        } else if (hit(r, m_returnThreshold)) {
            s &= quint16(~kAbsent);
            const quint64 r2 = mix64(r);
            if (hit(r2, m_moveThreshold))
                s = moved(s, r2);
        }
        m_state[i] = s;
        present += (s & kAbsent) ? 0 : 1;
    }

    const qint64 added = std::llround(m_options.newRate * double(m_present));
    const quint64 newKey = streamKey(m_options.seed, kTagNewUsers, quint64(next));
    for (qint64 j = 0; j < added; ++j)
        m_state.push_back(postcodes.sample(streamAt(newKey, quint64(j))));
    m_present = present + added;
    m_day = next;
}

void ExtractGenerator::simulateTo(int day)
{
    if (m_day < 0 || day < m_day)
        resetPopulation();
    while (m_day < day)
        advanceOneDay();
}

WriteOutcome ExtractGenerator::writeUsersSnapshot(int day, QIODevice *out, LoadFeedback *feedback, QString *error)
{
    DeviceSink sink(out);
    return writeUsersSnapshot(day, sink, feedback, error);
}

WriteOutcome ExtractGenerator::writeUsersSnapshot(int day, FILE *out, LoadFeedback *feedback, QString *error)
{
    StdioSink sink(out);
    return writeUsersSnapshot(day, sink, feedback, error);
}

WriteOutcome ExtractGenerator::writePageviewsHour(int day, int hour, QIODevice *out, LoadFeedback *feedback,
                                          QString *error)
{
    DeviceSink sink(out);
    return writePageviewsHour(day, hour, sink, feedback, error);
}

WriteOutcome ExtractGenerator::writePageviewsHour(int day, int hour, FILE *out, LoadFeedback *feedback, QString *error)
{
    StdioSink sink(out);
    return writePageviewsHour(day, hour, sink, feedback, error);
}

WriteOutcome ExtractGenerator::writeUsersSnapshot(int day, Sink &out, LoadFeedback *feedback, QString *error)
{
    if (const QString problem = validate(); !problem.isEmpty())
        return failWith(error, problem);
    if (day < 0)
        return failWith(error, QStringLiteral("the day must not be negative"));
    if (feedback && feedback->isCancelled())
        return WriteOutcome::Cancelled;

    simulateTo(day);
    if (feedback)
        feedback->setStage(usersFileName(day), m_present);

    const PostcodePool &postcodes = pool();
    BlockWriter writer(out);
    const auto writeFailed = [&] {
        return failWith(error, QStringLiteral("cannot write the users snapshot: %1").arg(out.errorString()));
    };

    char *p = writer.row();
    writer.commit(writeText(p, "id,postcode\n"));
    qint64 written = 0;
    const size_t n = m_state.size();
    // Shuffled by blocks: ids ascend within a block of users, the blocks come in a permuted order.
    const size_t blocks = (n + kShuffleBlock - 1) / kShuffleBlock;
    size_t step = 1;
    size_t offset = 0;
    if (m_options.shuffleUsers && blocks > 1) {
        const quint64 r = streamKey(m_options.seed, kTagShuffle, quint64(day));
        step = 1 + size_t(below(r, blocks - 1));
        while (std::gcd(step, blocks) != 1)
            ++step;
        offset = size_t(below(mix64(r), blocks));
    }
    for (size_t j = 0; j < blocks; ++j) {
        const size_t block = (offset + j * step) % blocks;
        const size_t end = std::min(n, (block + 1) * kShuffleBlock);
        for (size_t i = block * kShuffleBlock; i < end; ++i) {
            const quint16 s = m_state[i];
            if (s & kAbsent)
                continue;
            p = writer.row();
            if (!p)
                return writeFailed();
            p = writeUInt(p, kFirstId + 4 * i + (streamAt(m_idKey, i) & 3));
            *p++ = ',';
            const PostcodeText &postcode = postcodes.texts[s];
            std::memcpy(p, postcode.text, sizeof postcode.text);
            p += postcode.length;
            *p++ = '\n';
            writer.commit(p);
            if (++written % kProgressEvery == 0 && feedback) {
                feedback->setProgress(written);
                if (feedback->isCancelled())
                    return WriteOutcome::Cancelled;
            }
        }
    }
    return finishExtract(writer, out, feedback, written, writeFailed);
}

WriteOutcome ExtractGenerator::writePageviewsHour(int day, int hour, Sink &out, LoadFeedback *feedback, QString *error)
{
    if (const QString problem = validate(); !problem.isEmpty())
        return failWith(error, problem);
    if (day < 0)
        return failWith(error, QStringLiteral("the day must not be negative"));
    if (hour < 0 || hour > 23)
        return failWith(error, QStringLiteral("the hour must be between 0 and 23"));
    if (feedback && feedback->isCancelled())
        return WriteOutcome::Cancelled;

    simulateTo(day);
    const qint64 rows = m_options.pageviewsPerHour;
    if (feedback)
        feedback->setStage(pageviewsFileName(day, hour), rows);

    const qint64 start = hourStart(day, hour);
    const HourPrefix thisHour(start);
    const HourPrefix previousHour(start - 3600);
    const quint64 hourKey = streamKey(m_options.seed, kTagHour, quint64(day), quint64(hour));
    BlockWriter writer(out);
    const auto writeFailed = [&] {
        return failWith(error, QStringLiteral("cannot write the pageviews extract: %1").arg(out.errorString()));
    };

    char *p = writer.row();
    writer.commit(writeText(p, "user_id,url,pageview_datetime\n"));
    // Each row draws from its own stream, so the user of a row a little ahead can be looked up early:
    // the population is far larger than the cache and each pick is a random access.
    constexpr qint64 kLookahead = 16;
    const auto prefetchUser = [&](qint64 row) {
        SplitMix ahead{streamAt(hourKey, quint64(row))};
        if (m_present > 0 && !hit(ahead.next(), m_unknownThreshold)) {
            const qint64 index = candidateUser(ahead.state);
            prefetch(m_state.data() + index);
        }
    };
    for (qint64 k = 0; k < std::min(rows, kLookahead); ++k)
        prefetchUser(k);

    for (qint64 k = 0; k < rows; ++k) {
        p = writer.row();
        if (!p)
            return writeFailed();
        if (k + kLookahead < rows)
            prefetchUser(k + kLookahead);

        SplitMix rng{streamAt(hourKey, quint64(k))};
        quint64 id = 0;
        if (m_present == 0 || hit(rng.next(), m_unknownThreshold))
            id = unknownUserId(rng.next());
        else
            id = userId(pickUser(rng.state));
        p = writeUInt(p, id);
        *p++ = ',';
        p = writeUrl(p, rng);
        *p++ = ',';

        // In time order: row k gets a uniform second within its k-th share of the hour.
        unsigned second = 0;
        if (hit(rng.next(), m_lateThreshold)) {
            std::memcpy(p, previousHour.text, sizeof previousHour.text);
            second = unsigned(below(rng.next(), 3600));
        } else {
            std::memcpy(p, thisHour.text, sizeof thisHour.text);
            second = unsigned((quint64(k) * 3600 + below(rng.next(), 3600)) / quint64(rows));
        }
        p += sizeof thisHour.text;
        p = writeTwoDigits(p, second / 60);
        *p++ = ':';
        p = writeTwoDigits(p, second % 60);
        *p++ = '\n';
        writer.commit(p);

        if ((k + 1) % kProgressEvery == 0 && feedback) {
            feedback->setProgress(k + 1);
            if (feedback->isCancelled())
                return WriteOutcome::Cancelled;
        }
    }
    return finishExtract(writer, out, feedback, rows, writeFailed);
}

// ---------------------------------------------------------------------------------------------

WriteOutcome generate(const GeneratorOptions &options, LoadFeedback *feedback, QString *error)
{
    ExtractGenerator generator(options);
    if (const QString problem = generator.validate(); !problem.isEmpty())
        return failWith(error, problem);
    QDir dir(options.outDir);
    if (!dir.mkpath(QStringLiteral(".")))
        return failWith(error, QStringLiteral("cannot create the directory %1").arg(QDir::toNativeSeparators(options.outDir)));

    // Each file goes to a temporary name and is renamed when complete: no half file is ever visible.
    const auto writeFile = [&](const QString &name, const auto &write) {
        const QString path = dir.filePath(name);
        QSaveFile file(path);
        if (!file.open(QIODevice::WriteOnly))
            return failWith(error, QStringLiteral("cannot write %1: %2").arg(QDir::toNativeSeparators(path), file.errorString()));
        QString reason;
        if (const WriteOutcome outcome = write(&file, &reason); outcome != WriteOutcome::Written) {
            file.cancelWriting(); // the destructor removes the temporary file
            if (outcome == WriteOutcome::Cancelled)
                return outcome;
            return failWith(error, QStringLiteral("%1: %2").arg(QDir::toNativeSeparators(path), reason));
        }
        if (!file.commit())
            return failWith(error, QStringLiteral("cannot write %1: %2").arg(QDir::toNativeSeparators(path), file.errorString()));
        return WriteOutcome::Written;
    };

    for (int day = 0; day < options.days; ++day) {
        const WriteOutcome users = writeFile(generator.usersFileName(day), [&](QIODevice *out, QString *reason) {
            return generator.writeUsersSnapshot(day, out, feedback, reason);
        });
        if (users != WriteOutcome::Written)
            return users;
        for (int hour = 0; hour < options.hoursPerDay; ++hour) {
            const WriteOutcome pageviews = writeFile(generator.pageviewsFileName(day, hour), [&](QIODevice *out, QString *reason) {
                return generator.writePageviewsHour(day, hour, out, feedback, reason);
            });
            if (pageviews != WriteOutcome::Written)
                return pageviews;
        }
    }
    return WriteOutcome::Written;
}

} // namespace pv
