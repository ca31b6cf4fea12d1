#include "check/warehousecheck.h"

#include "check/recomputedhistory.h"
#include "core/loadfeedback.h"
#include "core/postcodeseal.h"
#include "core/time.h"
#include "history/userdirectory.h"
#include "load/radixsort.h"
#include "storage/storageerror.h"

#include <algorithm>
#include <array>
#include <limits>
#include <map>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>

namespace pv {

const char *aggregateTableName(Basis basis, AggregateGrain grain)
{
    if (grain == AggregateGrain::Hour)
        return basis == Basis::AtTime ? "views_at_time_hourly" : "views_current_hourly";
    return basis == Basis::AtTime ? "views_at_time_daily" : "views_current_daily";
}

quint32 storedPostcodeId(qint64 id)
{
    if (id < 0 || id >= std::numeric_limits<quint32>::max())
        throw StorageError{QStringLiteral("a history change has the postcode id %1, which no postcode can have").arg(id)};
    return static_cast<quint32>(id);
}

namespace {
constexpr int maxListed = 20;
// The facts of a few hours are recounted at once: a chunk of hours holds at most this many recorded
// pageviews (16 bytes each while sorted, twice over) unless one hour alone holds more, and never crosses
// midnight, so each day's rollup is compared once its last chunk is done.
constexpr qint64 viewsPerChunk = 4'000'000;
constexpr std::array bases{Basis::AtTime, Basis::Current};

QString hourText(qint64 hour)
{
    return formatTimestamp(hour * secondsPerHour);
}

QString dayText(qint64 day)
{
    return formatTimestamp(day * secondsPerDay).left(10);
}

QString asOfText(std::optional<qint64> asOf)
{
    return asOf ? formatTimestamp(*asOf) : QStringLiteral("none");
}

/// One fact of the chunk being recounted, under both bases.
struct Recount
{
    quint32 hourOffset;
    quint32 atTime;
    quint32 current;
    quint32 views;

    quint32 postcode(Basis basis) const { return basis == Basis::AtTime ? atTime : current; }
};

/// A recomputed aggregate: pageviews of a postcode in a period (an hour or a day).
struct Cell
{
    qint64 period;
    quint32 postcodeId;
    qint64 views;
};

/// Adds views to the last cell when it is the same period and postcode, or starts a cell: counts sorted by
/// period and postcode reduce to one cell each.
void addToCells(std::vector<Cell> &cells, qint64 period, quint32 postcodeId, qint64 views)
{
    if (cells.empty() || cells.back().period != period || cells.back().postcodeId != postcodeId)
        cells.push_back({period, postcodeId, 0});
    cells.back().views += views;
}

bool before(const Cell &cell, const AggregateRow &row)
{
    return cell.period < row.period || (cell.period == row.period && cell.postcodeId < row.postcodeId);
}

class Checker
{
public:
    Checker(CheckSource &source, std::optional<HourSpan> hours, LoadFeedback *feedback)
        : m_source(source)
        , m_hours(hours)
        , m_feedback(feedback)
    {
    }

    CheckReport run()
    {
        m_report.cancelled = !checkDictionary() || !replayHistory() || !recountFacts();
        if (!m_report.cancelled && !m_hours)
            checkStorageStructure();
        return m_report;
    }

private:
    // ---------------------------------------------------------------------------------------- dictionary

    /// Every answer names a postcode through the dictionary: its ids must be the ones the loads handed out,
    /// each with the text the load wrote (its seal, core/postcodeseal.h). A text that does not match is named
    /// with the text it was loaded as when that text is now at another id (two texts swapped).
    bool checkDictionary()
    {
        stage(QStringLiteral("checking the postcode dictionary"));
        std::optional<qint64> handedOut;
        try {
            handedOut = m_source.postcodeCount();
        } catch (const StorageError &e) {
            add(QStringLiteral("postcode dictionary: %1").arg(e.message));
        }
        if (!handedOut)
            add(QStringLiteral("postcode dictionary: the number of postcodes the loads handed out is not recorded "
                               "(the setting postcode_count is missing)"));
        const qint64 count = handedOut.value_or(std::numeric_limits<qint64>::max());
        constexpr size_t maxResolved = 1000; // unsealed texts compared with each other to find swaps
        std::vector<StoredPostcode> unsealed;
        qint64 nextId = 0;
        const auto missingUpTo = [&](qint64 end) {
            if (nextId < end)
                add(QStringLiteral("postcode dictionary: %1 missing (the loads handed out ids 0 to %2)")
                        .arg(nextId + 1 == end ? QStringLiteral("id %1 is").arg(nextId)
                                               : QStringLiteral("ids %1 to %2 are").arg(nextId).arg(end - 1))
                        .arg(count - 1));
        };
        const bool finished = visitUntilCancelled([&](const auto &keepGoing) {
            m_source.forEachPostcode([&](const StoredPostcode &p) {
                ++m_report.postcodesChecked;
                missingUpTo(std::min<qint64>(p.id, count));
                nextId = qint64(p.id) + 1;
                const QString text = QString::fromStdString(p.text);
                if (qint64(p.id) >= count)
                    add(QStringLiteral("postcode dictionary: id %1 ('%2') was not handed out by any load").arg(p.id).arg(text));
                else if (!p.seal)
                    add(QStringLiteral("postcode dictionary: id %1 ('%2') has no seal: no load wrote it").arg(p.id).arg(text));
                else if (*p.seal != postcodeSeal(p.id, p.text) && unsealed.size() < maxResolved)
                    unsealed.push_back(p);
                else if (*p.seal != postcodeSeal(p.id, p.text))
                    add(wrongText(p, {}));
                if ((m_report.postcodesChecked & 0xffff) == 0)
                    keepGoing();
            });
        });
        if (!finished)
            return false;
        if (handedOut)
            missingUpTo(count);
        for (const StoredPostcode &p : unsealed) {
            const auto loadedAs = std::find_if(unsealed.cbegin(), unsealed.cend(), [&](const StoredPostcode &other) {
                return other.id != p.id && postcodeSeal(p.id, other.text) == *p.seal;
            });
            add(wrongText(p, loadedAs == unsealed.cend() ? std::nullopt : std::optional<StoredPostcode>(*loadedAs)));
        }
        return !isCancelled();
    }

    static QString wrongText(const StoredPostcode &p, const std::optional<StoredPostcode> &loadedAs)
    {
        const QString text = QString::fromStdString(p.text);
        if (loadedAs)
            return QStringLiteral("postcode dictionary: id %1 reads '%2' but was loaded as '%3' (the text id %4 holds now): "
                                  "every answer shows its pageviews under '%2'")
                .arg(p.id)
                .arg(text, QString::fromStdString(loadedAs->text))
                .arg(loadedAs->id);
        return QStringLiteral("postcode dictionary: id %1 reads '%2', not the text a load wrote there (its seal differs): "
                              "every answer shows its pageviews under '%2'")
            .arg(p.id)
            .arg(text);
    }

    // ---------------------------------------------------------------------------------------- storage

    void checkStorageStructure()
    {
        stage(QStringLiteral("checking the database's structure"));
        try {
            const StorageStructureCheck structure = m_source.checkStorageStructure();
            for (const QString &problem : structure.problems)
                add(QStringLiteral("storage: %1").arg(problem));
            m_report.storageStructure = structure.summary;
        } catch (const StorageError &e) {
            add(QStringLiteral("storage: %1").arg(e.message));
        }
    }

    // ---------------------------------------------------------------------------------------- history

    bool replayHistory()
    {
        stage(QStringLiteral("checking history"));
        const std::vector<qint64> asOfs = m_source.snapshotAsOfs();
        const std::unordered_set<qint64> snapshots(asOfs.begin(), asOfs.end());
        UserDirectory directory;
        bool haveDirectory = true;
        try {
            m_source.readUserDirectory(directory);
        } catch (const StorageError &e) {
            add(QStringLiteral("user directory: %1").arg(e.message));
            haveDirectory = false;
        }
        for (size_t i = 1; haveDirectory && i < directory.size(); ++i)
            if (directory.userId(i) <= directory.userId(i - 1)) {
                add(QStringLiteral("user directory: not sorted at user %1").arg(directory.userId(i)));
                haveDirectory = false;
            }
        m_history.reserve(directory.size(), directory.size() + directory.size() / 8);

        std::vector<qint64> usersByCurrent; // by postcode id: ids are handed out densely
        size_t d = 0; // the directory's walk, beside the history's users
        auto directoryOnly = [&](size_t i) {
            add(QStringLiteral("current: user %1 should be absent but the user directory says %2")
                    .arg(directory.userId(i))
                    .arg(postcodeText(directory.postcodeId(i))));
        };
        auto finishUser = [&] {
            const size_t i = m_history.size() - 1;
            const quint64 user = m_history.userId(i);
            const std::optional<quint32> current = m_history.current(i);
            if (current) {
                if (*current >= usersByCurrent.size())
                    usersByCurrent.resize(size_t{*current} + 1);
                ++usersByCurrent[*current];
            }
            if (!haveDirectory)
                return;
            for (; d < directory.size() && directory.userId(d) < user; ++d)
                directoryOnly(d);
            if (d == directory.size() || directory.userId(d) != user) {
                add(QStringLiteral("current: user %1 should be %2 but the user directory says absent")
                        .arg(user)
                        .arg(current ? postcodeText(*current) : QStringLiteral("absent")));
                return;
            }
            compareDirectoryEntry(directory, d++, i);
        };

        std::optional<qint64> lastAsOf;
        std::optional<quint32> lastPostcode;
        std::optional<qint64> knownSnapshot; // the last as-of found among the snapshots
        qint64 changes = 0;
        const bool finished = visitUntilCancelled([&](const auto &keepGoing) {
            m_source.forEachHistoryChange([&](const HistoryChange &c) {
                if (m_history.size() == 0 || m_history.userId(m_history.size() - 1) != c.userId) {
                    if (m_history.size() > 0)
                        finishUser();
                    lastAsOf.reset();
                    lastPostcode.reset();
                }
                const auto change = [&c] {
                    return QStringLiteral("history: user %1, change at %2").arg(c.userId).arg(asOfText(c.asOf));
                };
                if (c.previousAsOf != lastAsOf || c.previousPostcodeId != lastPostcode)
                    add([&] {
                        return QStringLiteral("%1 names the change before it as %2 but it is %3")
                            .arg(change(), asOfText(c.previousAsOf), asOfText(lastAsOf));
                    });
                else if (c.postcodeId == lastPostcode)
                    add([&] { return QStringLiteral("%1 changes nothing").arg(change()); });
                if (c.asOf != knownSnapshot) {
                    if (snapshots.contains(c.asOf))
                        knownSnapshot = c.asOf;
                    else
                        add([&] { return QStringLiteral("%1 is at no loaded snapshot's as-of").arg(change()); });
                }
                m_history.add(c.userId, c.asOf, c.postcodeId);
                lastAsOf = c.asOf;
                lastPostcode = c.postcodeId;
                if ((++changes & 0xffff) == 0)
                    progress(changes);
                return keepGoing();
            });
        });
        if (!finished)
            return false;
        if (m_history.size() > 0)
            finishUser();
        for (; haveDirectory && d < directory.size(); ++d)
            directoryOnly(d);
        m_report.usersChecked = static_cast<qint64>(m_history.size());

        // A stored row of 0 users is damage too: the loads delete a count that falls to zero.
        std::map<quint32, std::pair<std::optional<qint64>, std::optional<qint64>>> counts; // postcode: (recomputed, stored)
        for (size_t postcode = 0; postcode < usersByCurrent.size(); ++postcode)
            if (usersByCurrent[postcode] > 0)
                counts[static_cast<quint32>(postcode)].first = usersByCurrent[postcode];
        for (const auto &[postcode, users] : m_source.currentUserCounts())
            counts[postcode].second = users;
        for (const auto &[postcode, users] : counts)
            if (users.first != users.second)
                add(QStringLiteral("current users: postcode %1 has %2 users with it as current, but %3 are recorded")
                        .arg(postcodeText(postcode))
                        .arg(users.first.value_or(0))
                        .arg(users.second ? QString::number(*users.second) : QStringLiteral("none")));
        return true;
    }

    void compareDirectoryEntry(const UserDirectory &directory, size_t d, size_t i)
    {
        const quint64 user = m_history.userId(i);
        const std::optional<quint32> current = m_history.current(i);
        if (current != directory.postcodeId(d))
            add(QStringLiteral("current: user %1 should be %2 but the user directory says %3")
                    .arg(user)
                    .arg(current ? postcodeText(*current) : QStringLiteral("absent"), postcodeText(directory.postcodeId(d))));
        if (m_history.inLatest(i) != directory.inLatest(d))
            add(QStringLiteral("user directory: user %1 is %2 as in the newest snapshot, but has %3 open period")
                    .arg(user)
                    .arg(directory.inLatest(d) ? QStringLiteral("marked") : QStringLiteral("not marked"),
                         directory.inLatest(d) ? QStringLiteral("no") : QStringLiteral("an")));
        // The directory keeps the newest change's hour.
        const qint64 newest = startOfHour(m_history.newestChange(i));
        if (newest != directory.newestChange(d))
            add(QStringLiteral("user directory: user %1 has the newest change at %2 but the user directory says %3")
                    .arg(user)
                    .arg(formatTimestamp(newest), formatTimestamp(directory.newestChange(d))));
    }

    // ------------------------------------------------------------------------------- facts and aggregates

    bool recountFacts()
    {
        std::vector<qint64> liveRunsWithFacts;
        for (const auto &[run, live] : m_source.runsWithFacts()) {
            if (!live)
                add(QStringLiteral("facts: load %1 has facts but is not a live run").arg(run));
            else
                liveRunsWithFacts.push_back(run);
        }
        std::optional<HourSpan> recordedHours;
        for (const RunHourViews &r : m_source.runHourViews()) {
            if (!r.live)
                continue;
            m_recorded[r.runId][r.hour] += r.views;
            m_loaded[r.hour] += r.views;
            m_runsByHour[r.hour].push_back(r.runId);
            recordedHours = HourSpan{std::min(r.hour, recordedHours ? recordedHours->first : r.hour),
                                     std::max(r.hour + 1, recordedHours ? recordedHours->end : r.hour + 1)};
        }
        for (const qint64 run : liveRunsWithFacts)
            if (!m_recorded.contains(run))
                add(QStringLiteral("facts: run %1 has facts but its load recorded no pageviews").arg(run));
        checkWindows();

        // Every hour with data, widened to whole days, and within the range asked for.
        std::optional<HourSpan> span = wholeDays(recordedHours, m_source.aggregateHours());
        if (span && m_hours)
            span = HourSpan{std::max(span->first, m_hours->first), std::min(span->end, m_hours->end)};
        if (!span || span->first >= span->end)
            return true;
        m_span = *span;
        const HourSpan asked = m_hours.value_or(*span);
        qint64 total = 0;
        for (auto it = m_loaded.lower_bound(span->first); it != m_loaded.end() && it->first < span->end; ++it)
            total += it->second;
        stage(QStringLiteral("checking facts and aggregates"), total);

        // Day by day, skipping days with nothing in them; each day in chunks of a few hours.
        for (std::optional<qint64> next = nextHourWithData(span->first); next; next = nextHourWithData(*next)) {
            const qint64 day = floorDiv(*next, hoursPerDay);
            const qint64 dayEnd = std::min(span->end, (day + 1) * hoursPerDay);
            for (qint64 first = std::max(span->first, day * hoursPerDay); first < dayEnd;) {
                qint64 end = first, views = 0;
                while (end < dayEnd && (end == first || views + loadedAt(end) <= viewsPerChunk))
                    views += loadedAt(end++);
                if (!recountChunk(first, end))
                    return false;
                m_viewsDone += views;
                progress(m_viewsDone);
                first = end;
            }
            // Day rollups only for the days the range holds whole.
            if (day * hoursPerDay >= asked.first && (day + 1) * hoursPerDay <= asked.end)
                compareDay(day);
            for (std::vector<Cell> &cells : m_dayCells)
                cells.clear();
            *next = dayEnd;
        }
        return true;
    }

    /// Exactly once: each live pageviews run is its window's load, and each window's load is live.
    void checkWindows()
    {
        std::map<qint64, qint64> windows; // hour: run
        for (const auto &[hour, run] : m_source.windowRuns())
            windows[hour] = run;
        std::unordered_set<qint64> live;
        for (const auto &[hour, run] : m_source.livePageviewRuns()) {
            live.insert(run);
            const auto window = windows.find(hour);
            if (window == windows.end() || window->second != run)
                add(QStringLiteral("exactly once: run %1 counts for the window %2, whose load is %3")
                        .arg(run)
                        .arg(hourText(hour))
                        .arg(window == windows.end() ? QStringLiteral("none") : QStringLiteral("run %1").arg(window->second)));
        }
        for (const auto &[hour, run] : windows)
            if (!live.contains(run))
                add(QStringLiteral("exactly once: the window %1 names run %2, which is not a live load").arg(hourText(hour)).arg(run));
    }

    /// Every hour a full check covers: the recorded and the aggregated hours, widened to whole days.
    static std::optional<HourSpan> wholeDays(std::optional<HourSpan> a, std::optional<HourSpan> b)
    {
        if (!a && !b)
            return std::nullopt;
        const qint64 first = std::min(a ? a->first : b->first, b ? b->first : a->first);
        const qint64 end = std::max(a ? a->end : b->end, b ? b->end : a->end);
        return HourSpan{floorDiv(first, hoursPerDay) * hoursPerDay, ceilDiv(end, hoursPerDay) * hoursPerDay};
    }

    /// The first hour at or after from, within the span, with recorded pageviews, facts read ahead or a
    /// stored aggregate row: an empty stretch (or a stray row years away) costs one look-up, not a walk.
    std::optional<qint64> nextHourWithData(qint64 from)
    {
        std::optional<qint64> next;
        const auto earliest = [&next](qint64 hour) { next = next ? std::min(*next, hour) : hour; };
        if (const auto loaded = m_loaded.lower_bound(from); loaded != m_loaded.end())
            earliest(loaded->first);
        if (const auto pending = m_pending.lower_bound(from); pending != m_pending.end())
            earliest(pending->first);
        if (const std::optional<qint64> stored = m_source.nextAggregateHour(from))
            earliest(std::max(from, *stored));
        if (!next || *next >= m_span.end)
            return std::nullopt;
        return next;
    }

    qint64 loadedAt(qint64 hour) const
    {
        const auto it = m_loaded.find(hour);
        return it == m_loaded.end() ? 0 : it->second;
    }

    bool recountChunk(qint64 first, qint64 end)
    {
        const auto width = static_cast<size_t>(end - first);
        for (auto it = m_runsByHour.lower_bound(first); it != m_runsByHour.end() && it->first < end; ++it)
            for (const qint64 run : it->second)
                if (m_readRuns.insert(run).second && !readRun(run, first))
                    return false;

        // The chunk's facts, read now or with an earlier chunk's runs; a chunk of one hour (most, at seed
        // scale) takes its hour's facts as they are.
        std::vector<Recount> recount;
        std::vector<qint64> inFacts(width);
        quint32 widestPostcode = 0;
        const auto chunkFirst = m_pending.lower_bound(first), chunkEnd = m_pending.lower_bound(end);
        if (chunkFirst != chunkEnd && std::next(chunkFirst) == chunkEnd) {
            recount = std::move(chunkFirst->second);
            const quint32 offset = static_cast<quint32>(chunkFirst->first - first);
            for (Recount &r : recount)
                r.hourOffset = offset;
        } else {
            size_t facts = 0;
            for (auto it = chunkFirst; it != chunkEnd; ++it)
                facts += it->second.size();
            recount.reserve(facts);
            for (auto it = chunkFirst; it != chunkEnd; ++it) {
                const quint32 offset = static_cast<quint32>(it->first - first);
                for (const Recount &r : it->second)
                    recount.push_back({offset, r.atTime, r.current, r.views});
            }
        }
        m_pending.erase(chunkFirst, chunkEnd);
        for (const Recount &r : recount) {
            inFacts[r.hourOffset] += r.views;
            widestPostcode = std::max({widestPostcode, r.atTime, r.current});
        }

        std::array<std::vector<qint64>, 2> storedSums{std::vector<qint64>(width), std::vector<qint64>(width)};
        const int hourBits = bitsFor(width - 1);
        const int postcodeBits = std::max(1, bitsFor(widestPostcode));
        for (size_t b = 0; b < bases.size(); ++b) {
            const Basis basis = bases[b];
            radixSort(
                recount, hourBits + postcodeBits,
                [&](const Recount &r) { return (quint64{r.hourOffset} << postcodeBits) | r.postcode(basis); }, m_sortScratch);
            std::vector<Cell> cells;
            for (const Recount &r : recount)
                addToCells(cells, first + r.hourOffset, r.postcode(basis), r.views);
            compareAggregate(basis, AggregateGrain::Hour, cells, first, end, [&](const AggregateRow &row) {
                storedSums[b][static_cast<size_t>(row.period - first)] += row.views;
            });
            const qint64 day = floorDiv(first, hoursPerDay);
            for (const Cell &cell : cells)
                m_dayCells[b].push_back({day, cell.postcodeId, cell.views});
        }

        for (size_t h = 0; h < width; ++h) {
            const qint64 hour = first + qint64(h);
            const qint64 loaded = loadedAt(hour), atTime = storedSums[0][h], current = storedSums[1][h];
            if (loaded == 0 && inFacts[h] == 0 && atTime == 0 && current == 0)
                continue;
            ++m_report.hoursChecked;
            if (loaded != inFacts[h] || inFacts[h] != atTime || atTime != current)
                add(QStringLiteral("reconciliation: hour %1: %2 pageviews loaded, %3 in facts, %4 at-time, %5 current")
                        .arg(hourText(hour))
                        .arg(loaded)
                        .arg(inFacts[h])
                        .arg(atTime)
                        .arg(current));
        }
        recount.clear();
        if (recount.capacity() > m_spareFacts.capacity())
            m_spareFacts = std::move(recount);
        return true;
    }

    /// Reads one run's facts, once: each fact in the span not before first is looked up in the history and
    /// kept for its hour's chunk (m_pending: a late row's hour, or the rest of a backfill, waits there);
    /// all of them are summed per hour and compared with what the load recorded.
    bool readRun(qint64 run, qint64 first)
    {
        std::unordered_map<qint64, qint64> perHour;
        qint64 *hourViews = nullptr; // perHour's entry for the last fact's hour
        qint64 viewsHour = 0;
        bool ordered = true, outsideRange = false, overlapping = false;
        std::optional<PageviewFact> previous;
        std::optional<quint64> previousLastUser;
        std::vector<Recount> *hourFacts = nullptr;
        qint64 factsHour = 0;
        bool finished = true;
        try {
            finished = visitUntilCancelled([&](const auto &keepGoing) {
                m_source.forEachFactSegment(run, [&](const FactSegment &segment) {
                    if (previousLastUser && segment.firstUser <= *previousLastUser)
                        overlapping = true;
                    previousLastUser = segment.lastUser;
                    size_t user = 0;
                    for (const PageviewFact &f : segment.facts) {
                        outsideRange |= f.userId < segment.firstUser || f.userId > segment.lastUser;
                        if (previous && (f.userId < previous->userId || (f.userId == previous->userId && f.hour <= previous->hour)))
                            ordered = false;
                        previous = f;
                        if (!hourViews || viewsHour != f.hour) {
                            hourViews = &perHour[f.hour];
                            viewsHour = f.hour;
                        }
                        *hourViews += f.views;
                        // An hour before first had its chunk already: a fact there is one its load did not
                        // record, and the per-hour comparison below says so.
                        if (f.hour < first || f.hour < m_span.first || f.hour >= m_span.end)
                            continue;
                        user = m_history.seek(f.userId, user);
                        const bool known = user < m_history.size() && m_history.userId(user) == f.userId;
                        const auto [atTime, current] =
                            known ? m_history.postcodes(user, f.hour) : std::pair{unknownPostcodeId, unknownPostcodeId};
                        if (f.postcodeId != atTime)
                            add([&] {
                                return QStringLiteral("facts: user %1, hour %2 (run %3) is stored under %4 but its at-time postcode is %5")
                                    .arg(f.userId)
                                    .arg(hourText(f.hour))
                                    .arg(run)
                                    .arg(postcodeText(f.postcodeId), postcodeText(atTime));
                            });
                        if (!hourFacts || factsHour != f.hour) {
                            hourFacts = &m_pending[f.hour];
                            factsHour = f.hour;
                            if (hourFacts->capacity() == 0)
                                std::swap(*hourFacts, m_spareFacts);
                        }
                        hourFacts->push_back({0, atTime, current, f.views});
                        ++m_report.factsChecked;
                    }
                    return keepGoing();
                });
            });
        } catch (const StorageError &e) {
            add(QStringLiteral("facts: run %1: %2").arg(run).arg(e.message));
        }
        if (!finished)
            return false;
        if (!ordered)
            add(QStringLiteral("facts: run %1's facts are not in user and hour order").arg(run));
        if (outsideRange)
            add(QStringLiteral("facts: run %1 has facts outside their segment's user range").arg(run));
        if (overlapping)
            add(QStringLiteral("facts: run %1 has overlapping fact segments").arg(run));
        std::map<qint64, std::pair<qint64, qint64>> hours; // hour: (in facts, recorded)
        for (const auto &[hour, views] : perHour)
            hours[hour].first = views;
        for (const auto &[hour, views] : m_recorded[run])
            hours[hour].second = views;
        for (const auto &[hour, views] : hours)
            if (views.first != views.second)
                add(QStringLiteral("facts: run %1 holds %2 pageviews in hour %3, but its load recorded %4")
                        .arg(run)
                        .arg(views.first)
                        .arg(hourText(hour))
                        .arg(views.second));
        return true;
    }

    /// Compares recomputed cells (in period then postcode order) with the stored rows of [first, end),
    /// calling onStored with every stored row.
    template <typename OnStored>
    void compareAggregate(Basis basis, AggregateGrain grain, const std::vector<Cell> &cells, qint64 first, qint64 end,
                          OnStored &&onStored)
    {
        size_t next = 0;
        auto differs = [&](qint64 period, quint32 postcode, qint64 stored, qint64 recomputed) {
            add([&] {
                const QString where = grain == AggregateGrain::Hour
                                          ? QStringLiteral("%1 aggregate: hour %2").arg(basisName(basis), hourText(period))
                                          : QStringLiteral("day rollup %1: day %2").arg(basisName(basis), dayText(period));
                if (stored <= 0 && recomputed == 0)
                    return QStringLiteral("%1, postcode %2: a stored row of %3 pageviews, where none should be")
                        .arg(where, postcodeText(postcode))
                        .arg(stored);
                return QStringLiteral("%1, postcode %2: stored %3, recomputed %4")
                    .arg(where, postcodeText(postcode))
                    .arg(stored)
                    .arg(recomputed);
            });
        };
        m_source.forEachAggregateRow(basis, grain, first, end, [&](const AggregateRow &row) {
            onStored(row);
            for (; next < cells.size() && before(cells[next], row); ++next)
                differs(cells[next].period, cells[next].postcodeId, 0, cells[next].views);
            if (next < cells.size() && cells[next].period == row.period && cells[next].postcodeId == row.postcodeId) {
                if (cells[next].views != row.views)
                    differs(row.period, row.postcodeId, row.views, cells[next].views);
                ++next;
            } else {
                differs(row.period, row.postcodeId, row.views, 0);
            }
        });
        for (; next < cells.size(); ++next)
            differs(cells[next].period, cells[next].postcodeId, 0, cells[next].views);
    }

    void compareDay(qint64 day)
    {
        for (size_t b = 0; b < bases.size(); ++b) {
            std::vector<Cell> &hours = m_dayCells[b];
            std::stable_sort(hours.begin(), hours.end(), [](const Cell &x, const Cell &y) { return x.postcodeId < y.postcodeId; });
            std::vector<Cell> cells;
            for (const Cell &c : hours)
                addToCells(cells, day, c.postcodeId, c.views);
            compareAggregate(bases[b], AggregateGrain::Day, cells, day, day + 1, [](const AggregateRow &) {});
        }
    }

    // ---------------------------------------------------------------------------------------- plumbing

    /// Runs a source walk whose visitor calls keepGoing() after each item: false once cancelled.
    template <typename Walk>
    bool visitUntilCancelled(Walk &&walk)
    {
        bool cancelled = false;
        walk([&] { return !(cancelled = cancelled || isCancelled()); });
        return !cancelled;
    }

    QString postcodeText(quint32 id)
    {
        const auto [it, added] = m_postcodeTexts.try_emplace(id);
        if (added)
            it->second = m_source.postcodeText(id);
        return it->second;
    }

    /// Lists a difference (the first maxListed of them, built only then) and counts it.
    template <typename Text>
    void add(Text &&text)
    {
        if (m_listed < maxListed) {
            if constexpr (std::is_convertible_v<Text, QString>)
                m_report.differences << QString(text);
            else
                m_report.differences << text();
        } else if (m_listed == maxListed) {
            m_report.differences << QStringLiteral("... (further differences not listed)");
        }
        ++m_listed;
    }

    void stage(const QString &name, qint64 total = 0)
    {
        if (m_feedback)
            m_feedback->setStage(name, total);
    }

    void progress(qint64 done)
    {
        if (m_feedback)
            m_feedback->setProgress(done);
    }

    bool isCancelled() const { return m_feedback && m_feedback->isCancelled(); }

    CheckSource &m_source;
    const std::optional<HourSpan> m_hours;
    LoadFeedback *m_feedback;
    CheckReport m_report;
    int m_listed = 0;
    RecomputedHistory m_history;
    std::unordered_map<quint32, QString> m_postcodeTexts;

    std::unordered_map<qint64, std::map<qint64, qint64>> m_recorded; // live run: hour: pageviews
    std::map<qint64, qint64> m_loaded;                               // hour: pageviews of live runs
    std::map<qint64, std::vector<qint64>> m_runsByHour;              // hour: live runs
    std::unordered_set<qint64> m_readRuns;
    std::map<qint64, std::vector<Recount>> m_pending;                // hour: facts read, not yet recounted
    HourSpan m_span;                                                 // the hours whose facts are recounted
    std::vector<Recount> m_spareFacts;                               // a recounted hour's memory, for the next
    RadixScratch<Recount> m_sortScratch;
    std::array<std::vector<Cell>, 2> m_dayCells;                     // the current day's hourly cells
    qint64 m_viewsDone = 0;
};
} // namespace

CheckReport checkWarehouse(CheckSource &source, std::optional<HourSpan> hours, LoadFeedback *feedback)
{
    return Checker(source, hours, feedback).run();
}

} // namespace pv
