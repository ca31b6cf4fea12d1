#include "load/pageviewsload.h"

#include "core/time.h"
#include "extract/extractvalidation.h"
#include "history/postcodehistory.h"
#include "load/aggregatedeltas.h"
#include "load/radixsort.h"
#include "storage/loadstore.h"
#include "storage/runlog.h"
#include "storage/warehouse.h"

#include <QFileInfo>

#include <algorithm>
#include <limits>
#include <tuple>

namespace pv {

namespace {
/// Views held before the first compaction (16 bytes each): more than an hour's extract at the seed's rate
/// (4.2M rows), so an ordinary hourly file is sorted once, at the end, as before.
constexpr size_t firstCompaction = size_t(8) << 20;
} // namespace

ExtractReader::Result PageviewsLoad::readRow(RejectedLine &rejected)
{
    if (m_compactAt == 0) {
        m_maxPairs = static_cast<size_t>(m_warehouse.maxPageviewPairs());
        m_compactAt = std::min(firstCompaction, m_maxPairs + 1);
        // A row is ~60 bytes; reserved but unused capacity is never resident.
        m_views.reserve(std::min(firstCompaction, static_cast<size_t>(std::max<qint64>(m_reader.sizeBytes(), 0) / 40)));
    }
    const ExtractReader::Result result = m_reader.nextPageview(m_record, rejected);
    if (result == ExtractReader::Result::Record) {
        const qint64 hour = hourOf(m_record.viewedAt);
        m_views.push_back({m_record.userId, static_cast<qint32>(hour), 1});
        ++m_viewsPerHour[hour];
        if (m_views.size() >= m_compactAt)
            compactViews();
    }
    return result;
}

QString PageviewsLoad::refusalWhileReading()
{
    return m_tooLarge;
}

void PageviewsLoad::sortViews()
{
    if (m_views.empty())
        return;
    quint64 minUser = m_views.front().userId, maxUser = minUser;
    qint64 minHour = m_views.front().hour, maxHour = minHour;
    for (const View &v : m_views) {
        minUser = std::min(minUser, v.userId);
        maxUser = std::max(maxUser, v.userId);
        minHour = std::min<qint64>(minHour, v.hour);
        maxHour = std::max<qint64>(maxHour, v.hour);
    }
    // (user, hour) packed into one integer key when both ranges fit in 64 bits: always, in practice.
    const int hourBits = bitsFor(static_cast<quint64>(maxHour - minHour));
    const int userBits = bitsFor(maxUser - minUser);
    if (userBits + hourBits > 64 || hourBits == 64) { // (a shift by 64 would be undefined)
        std::sort(m_views.begin(), m_views.end(), [](const View &a, const View &b) {
            return std::tie(a.userId, a.hour) < std::tie(b.userId, b.hour);
        });
        return;
    }
    radixSort(m_views, userBits + hourBits, [=](const View &v) {
        return ((v.userId - minUser) << hourBits) | static_cast<quint64>(v.hour - minHour);
    });
}

void PageviewsLoad::compactViews()
{
    sortViews();
    size_t kept = 0;
    for (size_t i = 0; i < m_views.size();) {
        quint64 views = 0;
        size_t j = i;
        for (; j < m_views.size() && m_views[j].userId == m_views[i].userId && m_views[j].hour == m_views[i].hour; ++j)
            views += m_views[j].views;
        if (views > std::numeric_limits<quint32>::max() && m_tooLarge.isEmpty())
            m_tooLarge = QStringLiteral("%1: refused: user %2 has more than %3 pageviews in the hour %4; nothing was loaded")
                             .arg(m_reader.displayName())
                             .arg(m_views[i].userId)
                             .arg(std::numeric_limits<quint32>::max())
                             .arg(formatTimestamp(qint64(m_views[i].hour) * secondsPerHour));
        m_views[kept++] = {m_views[i].userId, m_views[i].hour, static_cast<quint32>(std::min<quint64>(views, std::numeric_limits<quint32>::max()))};
        i = j;
    }
    m_views.resize(kept);
    // The next compaction when the pairs have had room to double: each row is sorted a bounded number of times.
    m_compactAt = std::max(std::min(firstCompaction, m_maxPairs + 1), 2 * kept);
    if (kept > m_maxPairs && m_tooLarge.isEmpty())
        m_tooLarge = QStringLiteral("%1: refused at line %2: more than %3 distinct (user, hour) pairs, far more than an "
                                    "hourly extract holds (an hour at 4.2 million pageviews has fewer), and more than a "
                                    "load may hold in memory; nothing was loaded. Split the file by hour, or raise the "
                                    "warehouse's setting max_pageview_pairs")
                         .arg(m_reader.displayName())
                         .arg(m_reader.rowsRead())
                         .arg(m_maxPairs);
}

void PageviewsLoad::finishReading()
{
    stage(QStringLiteral("aggregating"));
    compactViews();
    m_facts.reserve(m_views.size());
    m_viewsLoaded = 0;
    for (const View &v : m_views) {
        m_facts.push_back({v.userId, v.hour, 0, v.views});
        m_viewsLoaded += v.views;
    }
    std::vector<View>().swap(m_views);

    if (m_options.windowHour) {
        m_window = hourOf(*m_options.windowHour);
    } else if (const std::optional<qint64> named = hourFromFileName(m_reader.path())) {
        // A pipeline names each hourly file for its hour: two files cut elsewhere than at :00 may have most of
        // their rows in the same hour, and must not take each other's place.
        m_window = hourOf(*named);
        m_windowFromFileName = true;
    } else {
        qint64 best = -1;
        for (const auto &[hour, views] : m_viewsPerHour)
            if (views > best) {
                best = views;
                m_window = hour;
            }
    }
    const auto inWindow = m_viewsPerHour.find(m_window);
    m_run.lateRows = m_viewsLoaded - (inWindow == m_viewsPerHour.end() ? 0 : inWindow->second);
    m_run.windowHour = m_window * secondsPerHour;
}

void PageviewsLoad::refuseUnlessCorrection(qint64 earlierRunId) const
{
    const std::optional<LoadRun> earlier = m_warehouse.runLog().run(earlierRunId);
    const QString earlierName = earlier ? QFileInfo(earlier->file).fileName() : QString();
    const bool sameName = m_reader.path() != QLatin1String("-") && earlierName == QFileInfo(m_run.file).fileName();
    if (m_options.replace || sameName)
        return;
    throw Refusal{QStringLiteral("%1: not loaded: the hour %2 is already loaded from another file, %3 (run %4); "
                                 "nothing changed. If this file corrects that one, load it again with --replace; if it "
                                 "is for another hour, give that hour with --hour")
                      .arg(m_reader.displayName(), formatTimestamp(m_window * secondsPerHour),
                           earlierName.isEmpty() ? QStringLiteral("?") : earlierName)
                      .arg(earlierRunId)};
}

void PageviewsLoad::replaceEarlierLoad(qint64 earlierRunId, AggregateDeltas &deltas)
{
    stage(QStringLiteral("replacing run %1").arg(earlierRunId));
    UserDirectory::Cursor cursor(m_directory);
    for (const PageviewFact &f : m_store->facts(earlierRunId)) {
        const size_t user = cursor.seek(f.userId);
        const quint32 current = user < m_directory.size() ? m_directory.postcodeId(user) : unknownPostcodeId;
        deltas.addAtTime(f.hour, f.postcodeId, -qint64(f.views));
        deltas.addCurrent(f.hour, current, -qint64(f.views));
    }
    checkCancelled();
    m_store->removeFacts(earlierRunId);
    m_store->removeHourViews(earlierRunId);
    m_store->markReplaced(earlierRunId, m_run.id);
    m_run.replacedRun = earlierRunId;
}

void PageviewsLoad::prefetchHistories()
{
    // The users with an hour before their newest change: the ones whose history attributing reads.
    std::vector<std::pair<quint64, qint64>> users;
    UserDirectory::Cursor cursor(m_directory);
    for (size_t i = 0; i < m_facts.size(); ++i) {
        const quint64 userId = m_facts[i].userId;
        if (!users.empty() && users.back().first == userId)
            continue;
        const size_t user = cursor.seek(userId);
        if (user < m_directory.size() && m_facts[i].hour * secondsPerHour < m_directory.newestChange(user))
            users.emplace_back(userId, m_directory.newestChange(user));
    }
    m_store->prefetchHistories(users);
}

void PageviewsLoad::write()
{
    readUserDirectory();
    AggregateDeltas deltas;
    if (const qint64 earlier = m_store->windowRun(m_window)) {
        refuseUnlessCorrection(earlier);
        replaceEarlierLoad(earlier, deltas);
    }

    stage(QStringLiteral("attributing"), static_cast<qint64>(m_facts.size()));
    prefetchHistories();
    std::vector<PostcodePeriod> history;
    UserDirectory::Cursor cursor(m_directory);
    size_t done = 0;
    for (size_t i = 0; i < m_facts.size();) {
        const quint64 userId = m_facts[i].userId;
        const size_t user = cursor.seek(userId);
        const bool known = user < m_directory.size();
        const quint32 currentId = known ? m_directory.postcodeId(user) : unknownPostcodeId;
        // An hour before the user's newest history change needs their history; later ones are the current
        // postcode (a user who left keeps theirs).
        const qint64 newestChange = known ? m_directory.newestChange(user) : 0;
        size_t end = i;
        bool needsHistory = false;
        for (; end < m_facts.size() && m_facts[end].userId == userId; ++end)
            needsHistory |= known && m_facts[end].hour * secondsPerHour < newestChange;
        if (needsHistory)
            m_store->readHistory(userId, newestChange, history);
        for (; i < end; ++i) {
            PageviewFact &f = m_facts[i];
            f.postcodeId = needsHistory ? postcodeAt(history, f.hour * secondsPerHour) : currentId;
            deltas.addAtTime(f.hour, f.postcodeId, f.views);
            deltas.addCurrent(f.hour, currentId, f.views);
        }
        if ((++done & 0xffff) == 0) {
            progress(static_cast<qint64>(i));
            checkCancelled();
        }
    }
    stage(QStringLiteral("writing facts"));
    m_store->appendFacts(m_run.id, m_facts);

    stage(QStringLiteral("updating aggregates"));
    m_store->applyAggregateDeltas(deltas);
    m_store->setWindow(m_window, m_run.id, m_viewsPerHour);
}

QString PageviewsLoad::summary() const
{
    QString text = QStringLiteral("%1: loaded as run %2, window %3: %4 rows read, %5 loaded, %6 rejected, %7 late rows")
                       .arg(m_reader.displayName())
                       .arg(m_run.id)
                       .arg(formatTimestamp(m_window * secondsPerHour))
                       .arg(m_run.rowsRead)
                       .arg(m_run.rowsLoaded)
                       .arg(m_run.rowsRejected)
                       .arg(m_run.lateRows);
    if (m_run.lateRows > 0) {
        QStringList hours;
        for (const auto &[hour, views] : m_viewsPerHour)
            if (hour != m_window)
                hours << QStringLiteral("%1 (%2)").arg(formatTimestamp(hour * secondsPerHour)).arg(views);
        text += QStringLiteral(" in ") + hours.mid(0, 5).join(QStringLiteral(", "))
            + (hours.size() > 5 ? QStringLiteral(", ...") : QString());
    }
    if (m_windowFromFileName) {
        const auto inWindow = m_viewsPerHour.find(m_window);
        const qint64 rowsInWindow = inWindow == m_viewsPerHour.end() ? 0 : inWindow->second;
        if (rowsInWindow * 2 < m_viewsLoaded)
            text += QStringLiteral("; the window is the hour in the file's name, though only %1 of its %2 pageviews "
                                   "fall in it (the others count in their own hours)")
                        .arg(rowsInWindow)
                        .arg(m_viewsLoaded);
    }
    if (m_run.replacedRun)
        text += QStringLiteral("; replaced run %1 for the same window").arg(m_run.replacedRun);
    return text;
}

} // namespace pv
