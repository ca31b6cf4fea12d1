#include "load/userssnapshotload.h"

#include "core/time.h"
#include "extract/extractvalidation.h"
#include "history/postcodehistory.h"
#include "load/postcodedictionary.h"
#include "load/radixsort.h"
#include "storage/loadstore.h"
#include "storage/warehouse.h"

#include <QDateTime>

#include <algorithm>

namespace pv {

namespace {
/// Users whose histories are read ahead at a time (LoadStore::prefetchHistories): a round trip per batch on
/// a server, and a bounded memory.
constexpr size_t historyReadAhead = 20000;
} // namespace

QString UsersSnapshotLoad::refusalBeforeReading()
{
    QString refusal;
    if (m_options.asOf) {
        m_asOf = *m_options.asOf;
        m_asOfFrom = AsOfFrom::Option;
    } else if (!m_options.layout.asOfColumn.isEmpty()) {
        const std::optional<qint64> fromColumn = asOfFromColumn(&refusal);
        if (!fromColumn)
            return refusal;
        m_asOf = *fromColumn;
        m_asOfFrom = AsOfFrom::Column;
    } else if (const auto fromName = asOfFromFileName(m_reader.displayName())) {
        m_asOf = *fromName;
        m_asOfFrom = AsOfFrom::FileName;
    } else {
        return QStringLiteral("%1: cannot tell the snapshot's as-of from the file name; give it with "
                              "--as-of 'YYYY-MM-DD HH:MM:SS'")
            .arg(m_reader.displayName());
    }
    m_run.asOf = m_asOf;
    if (m_asOf % secondsPerHour != 0)
        return QStringLiteral("%1: as-of %2 is not on the hour; pageviews are counted per hour, so a snapshot's "
                              "as-of must be too")
            .arg(m_reader.displayName(), formatTimestamp(m_asOf));
    // A date read from the file that lies ahead of the clock would become everyone's current postcode, and
    // make every real snapshot after it a backfill: only the operator's word loads it.
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    if (m_asOfFrom != AsOfFrom::Option && m_asOf > now + secondsPerDay)
        return QStringLiteral("%1: the as-of %2, read from %3, is more than a day after the clock (%4 UTC); if it is "
                              "right, give it with --as-of 'YYYY-MM-DD HH:MM:SS'")
            .arg(m_reader.displayName(), formatTimestamp(m_asOf),
                 m_asOfFrom == AsOfFrom::FileName ? QStringLiteral("the file name")
                                                  : QStringLiteral("column '%1'").arg(m_options.layout.asOfColumn),
                 formatTimestamp(now).left(16));
    return {};
}

std::optional<qint64> UsersSnapshotLoad::asOfFromColumn(QString *refusal) const
{
    // Read before the load reads the file, from its first valid row: the as-of decides what the load compares with.
    if (m_reader.path() == QLatin1String("-")) {
        *refusal = QStringLiteral("<stdin>: --as-of-column needs a file, not standard input (it is read twice); give "
                                  "the as-of with --as-of 'YYYY-MM-DD HH:MM:SS'");
        return std::nullopt;
    }
    ExtractReader first(m_reader.path());
    first.setLayout(m_options.layout);
    if (!first.open(ExtractKind::UsersSnapshot)) {
        *refusal = first.error().message();
        return std::nullopt;
    }
    UserRecord record;
    RejectedLine rejected;
    for (;;) {
        const ExtractReader::Result result = first.nextUser(record, rejected);
        if (result == ExtractReader::Result::End || result == ExtractReader::Result::Failed) {
            *refusal = QStringLiteral("%1: no valid row gives the as-of in column '%2'")
                           .arg(m_reader.displayName(), m_options.layout.asOfColumn);
            return std::nullopt;
        }
        if (result != ExtractReader::Result::Record)
            continue;
        QString reason;
        if (const std::optional<qint64> asOf = parseDateValue(record.dated, &reason))
            return asOf;
        *refusal = QStringLiteral("%1:%2: column '%3', given as the as-of column, holds %4: %5")
                       .arg(m_reader.displayName())
                       .arg(record.line)
                       .arg(first.datedColumn(), quotedValue(record.dated), reason);
        return std::nullopt;
    }
}

ExtractReader::Result UsersSnapshotLoad::readRow(RejectedLine &rejected)
{
    if (m_members.empty()) {
        // Every row costs at least ~12 bytes ("id,postcode\n"): growing by doubling would copy and fault in
        // the whole array again and again. Unused capacity is never touched, so never resident.
        m_members.reserve(static_cast<size_t>(std::max<qint64>(m_reader.sizeBytes(), 0) / 10));
    }
    const ExtractReader::Result result = m_reader.nextUser(m_record, rejected);
    if (result == ExtractReader::Result::Record) {
        m_members.push_back({m_record.userId, m_postcodes->idFor(m_record.postcode),
                             static_cast<quint32>(std::min<qint64>(m_record.line, 0xffffffff))});
        // The snapshot's date column: its first value, and the first that differs from it.
        const std::string_view dated = m_record.dated;
        if (!dated.empty() && m_otherDated.line == 0
            && (m_dated.line == 0 || std::string_view(m_dated.text.constData(), size_t(m_dated.text.size())) != dated)) {
            (m_dated.line == 0 ? m_dated : m_otherDated) = DatedValue{QByteArray(dated.data(), qsizetype(dated.size())), m_record.line};
        }
    }
    else if (result == ExtractReader::Result::Rejected && rejected.userId != 0)
        m_unchangedIds.push_back(rejected.userId);
    return result;
}

void UsersSnapshotLoad::finishReading()
{
    stage(QStringLiteral("sorting"));
    // By user; a stable sort keeps each user's rows in line order.
    if (!m_members.empty()) {
        const auto [lowest, highest] = std::minmax_element(
            m_members.begin(), m_members.end(), [](const Member &a, const Member &b) { return a.userId < b.userId; });
        const quint64 minUser = lowest->userId;
        radixSort(m_members, bitsFor(highest->userId - minUser), [=](const Member &m) { return m.userId - minUser; });
    }
    // The same id twice: harmless with the same postcode, ambiguous (every line rejected) otherwise.
    size_t out = 0;
    for (size_t i = 0; i < m_members.size();) {
        size_t j = i + 1;
        bool ambiguous = false;
        while (j < m_members.size() && m_members[j].userId == m_members[i].userId) {
            ambiguous |= m_members[j].postcodeId != m_members[i].postcodeId;
            ++j;
        }
        if (ambiguous) {
            QStringList lines, postcodes;
            for (size_t k = i; k < j; ++k) {
                lines << QString::number(m_members[k].line);
                postcodes << m_postcodes->text(m_members[k].postcodeId);
            }
            if (m_ambiguousIds++ == 0)
                m_firstAmbiguous = QStringLiteral("user %1 on lines %2 (%3)")
                                       .arg(m_members[i].userId)
                                       .arg(lines.join(QStringLiteral(", ")), postcodes.join(QStringLiteral(", ")));
            for (size_t k = i; k < j; ++k)
                reject({m_members[k].line,
                        QStringLiteral("column 'id': user %1 appears on lines %2 with different postcodes (%3); "
                                       "ambiguous, so the user is left unchanged")
                            .arg(m_members[i].userId)
                            .arg(lines.join(QStringLiteral(", ")), postcodes.join(QStringLiteral(", "))),
                        QStringLiteral("%1,%2").arg(m_members[k].userId).arg(m_postcodes->text(m_members[k].postcodeId)).toUtf8(),
                        m_members[i].userId});
            m_unchangedIds.push_back(m_members[i].userId);
        } else {
            m_members[out++] = m_members[i];
        }
        i = j;
    }
    m_members.resize(out);
    m_members.shrink_to_fit();
    std::sort(m_unchangedIds.begin(), m_unchangedIds.end());
    m_unchangedIds.erase(std::unique(m_unchangedIds.begin(), m_unchangedIds.end()), m_unchangedIds.end());
    m_usersLoaded = static_cast<qint64>(m_members.size());
}

QString UsersSnapshotLoad::refusalAfterReading()
{
    if (m_asOfFrom != AsOfFrom::Column || m_otherDated.line == 0)
        return {};
    return QStringLiteral("%1: column '%2', given as the as-of column, holds %3 on line %4 and %5 on line %6; a snapshot "
                          "has one as-of, so nothing was loaded")
        .arg(m_reader.displayName(), m_reader.datedColumn(),
             quotedValue(std::string_view(m_dated.text.constData(), size_t(m_dated.text.size()))))
        .arg(m_dated.line)
        .arg(quotedValue(std::string_view(m_otherDated.text.constData(), size_t(m_otherDated.text.size()))))
        .arg(m_otherDated.line);
}

QString UsersSnapshotLoad::rejectsNote() const
{
    if (m_ambiguousIds == 0)
        return {};
    return QStringLiteral("%1 %2 with different postcodes; the first is %3.")
        .arg(m_ambiguousIds)
        .arg(m_ambiguousIds == 1 ? QStringLiteral("id appears") : QStringLiteral("ids appear"), m_firstAmbiguous);
}

QString UsersSnapshotLoad::dateColumnWarning() const
{
    if (m_asOfFrom != AsOfFrom::FileName || m_dated.line == 0)
        return {};
    const std::optional<qint64> dated = parseDateValue(std::string_view(m_dated.text.constData(), size_t(m_dated.text.size())), nullptr);
    if (!dated || dayOf(*dated) == dayOf(m_asOf))
        return {};
    return QStringLiteral("; warning: its %1 column says %2 (line %3) where its name says %4; loaded as of the name "
                          "(--as-of-column %1 takes the column's)")
        .arg(m_reader.datedColumn(), formatTimestamp(*dated).left(10))
        .arg(m_dated.line)
        .arg(formatTimestamp(m_asOf).left(10));
}

std::vector<UsersSnapshotLoad::Change> UsersSnapshotLoad::diffAgainstWarehouse(qint64 *baselineUsers)
{
    // The warehouse's state at the as-of: a user whose newest change is no later than the as-of is in the
    // state the directory gives; only users who changed after it (a backfilled snapshot) need their history.
    stage(QStringLiteral("comparing with the warehouse"), static_cast<qint64>(m_members.size()));
    std::vector<PostcodePeriod> periods;
    size_t readAheadTo = 0; // the directory's users before it have had their histories read ahead
    auto stateAtAsOf = [&](size_t i) -> std::optional<quint32> {
        if (m_directory.newestChange(i) <= m_asOf)
            return m_directory.inLatest(i) ? std::optional<quint32>(m_directory.postcodeId(i)) : std::nullopt;
        if (i >= readAheadTo) {
            // The next users who changed after the as-of, their histories in one go (on a server, one round
            // trip instead of one each).
            std::vector<std::pair<quint64, qint64>> ahead;
            for (readAheadTo = i; readAheadTo < m_directory.size() && ahead.size() < historyReadAhead; ++readAheadTo)
                if (m_directory.newestChange(readAheadTo) > m_asOf)
                    ahead.emplace_back(m_directory.userId(readAheadTo), m_directory.newestChange(readAheadTo));
            m_store->prefetchHistories(ahead);
        }
        m_store->readHistory(m_directory.userId(i), m_directory.newestChange(i), periods);
        for (const PostcodePeriod &p : periods)
            if (p.validFrom <= m_asOf && m_asOf < p.validTo)
                return p.postcodeId;
        return std::nullopt;
    };

    std::vector<Change> changes;
    size_t m = 0, u = 0;
    auto isUnchanged = [&](quint64 id) {
        while (u < m_unchangedIds.size() && m_unchangedIds[u] < id)
            ++u;
        return u < m_unchangedIds.size() && m_unchangedIds[u] == id;
    };
    auto addNewBefore = [&](quint64 limit, bool inclusive) {
        for (; m < m_members.size() && (m_members[m].userId < limit || (inclusive && m_members[m].userId == limit)); ++m) {
            changes.push_back({m_members[m].userId, m_members[m].postcodeId, true, true});
            ++m_run.usersAdded;
        }
    };
    for (size_t i = 0; i < m_directory.size(); ++i) {
        const std::optional<quint32> state = stateAtAsOf(i);
        if (!state)
            continue;
        ++*baselineUsers;
        const quint64 userId = m_directory.userId(i);
        addNewBefore(userId, false);
        if (m < m_members.size() && m_members[m].userId == userId) {
            if (m_members[m].postcodeId != *state) {
                changes.push_back({userId, m_members[m].postcodeId, true, false});
                ++m_run.usersMoved;
            }
            ++m;
        } else if (!isUnchanged(userId)) {
            changes.push_back({userId, 0, false, false});
            ++m_run.usersRemoved;
        }
    }
    addNewBefore(std::numeric_limits<quint64>::max(), true);
    progress(static_cast<qint64>(m_members.size()));
    return changes;
}

void UsersSnapshotLoad::setCurrent(size_t known, quint64 userId, quint32 newCurrent, bool inLatest, qint64 newestChange)
{
    if (known < m_directory.size())
        --m_currentUsersDelta[m_directory.postcodeId(known)];
    ++m_currentUsersDelta[newCurrent];
    m_directory.set(known, userId, newCurrent, inLatest, newestChange);
}

void UsersSnapshotLoad::appendChange(const Change &change, size_t known)
{
    // The newest snapshot: each change is added after the user's others, and a fact's at-time postcode
    // changes only from the as-of on (or everywhere for a user new to the warehouse).
    const bool wasKnown = known < m_directory.size();
    const quint32 oldCurrent = wasKnown ? m_directory.postcodeId(known) : unknownPostcodeId;
    PostcodeChange row{m_asOf, std::nullopt, std::nullopt, std::nullopt};
    if (wasKnown) {
        row.previousAsOf = m_directory.newestChange(known);
        if (m_directory.inLatest(known))
            row.previousPostcodeId = oldCurrent;
    }
    if (!change.hasPostcode) {
        // Gone from the snapshots: the user keeps their current postcode, and no fact changes.
        m_store->appendHistory(change.userId, row);
        m_directory.set(known, change.userId, oldCurrent, false, m_asOf);
        return;
    }
    row.postcodeId = change.postcodeId;
    m_store->appendHistory(change.userId, row);
    setCurrent(known, change.userId, change.postcodeId, true, m_asOf);
    m_reattributions.push_back({change.userId, oldCurrent, change.postcodeId,
                                wasKnown ? Reattribution::factsFromAsOf : Reattribution::everyFact});
}

void UsersSnapshotLoad::rewriteUser(const Change &change, size_t known, qint64 nextAsOf)
{
    const auto state = change.hasPostcode ? std::optional<quint32>(change.postcodeId) : std::nullopt;
    const bool wasKnown = known < m_directory.size();
    std::vector<PostcodePeriod> before;
    if (wasKnown)
        m_store->readHistory(change.userId, m_directory.newestChange(known), before);
    std::vector<PostcodePeriod> after = applySnapshotState(before, m_asOf, nextAsOf, state);
    if (after == before)
        return;
    m_store->rewriteHistory(change.userId, before, after);
    const quint32 oldCurrent = wasKnown ? m_directory.postcodeId(known) : unknownPostcodeId;
    const quint32 newCurrent = currentPostcode(after);
    if (after.empty()) {
        // The user was only in a snapshot that a corrected one replaced without them: no longer known.
        --m_currentUsersDelta[oldCurrent];
        m_directory.remove(change.userId);
    } else {
        setCurrent(known, change.userId, newCurrent, after.back().validTo == openEnded, newestChangeOf(after));
    }

    // One period (a user new to the warehouse) needs no list: every fact is then under that postcode.
    quint32 periods = Reattribution::everyFact;
    if (after.size() > 1) {
        periods = static_cast<quint32>(m_periodLists.size());
        m_periodLists.push_back(std::move(after));
    }
    m_reattributions.push_back({change.userId, oldCurrent, newCurrent, periods});
}

void UsersSnapshotLoad::reattributeFacts(AggregateDeltas &deltas)
{
    // Only the fact segments holding a changed user are read, and only those whose at-time postcodes
    // changed are written back.
    stage(QStringLiteral("re-attributing pageviews"), static_cast<qint64>(m_reattributions.size()));
    std::vector<quint64> users;
    users.reserve(m_reattributions.size());
    for (const Reattribution &r : m_reattributions)
        users.push_back(r.userId);
    qint64 changedFacts = 0;
    m_store->updateFacts(users, [&](qint64, std::vector<PageviewFact> &facts) {
        checkCancelled();
        bool changed = false;
        // Both lists are sorted by user: one binary search to the segment's first user, then a merge.
        auto r = std::lower_bound(m_reattributions.begin(), m_reattributions.end(), facts.front().userId,
                                  [](const Reattribution &a, quint64 id) { return a.userId < id; });
        for (PageviewFact &f : facts) {
            while (r != m_reattributions.end() && r->userId < f.userId)
                ++r;
            if (r == m_reattributions.end())
                break;
            if (r->userId != f.userId)
                continue;
            quint32 newAtTime = r->newCurrent;
            if (r->periods == Reattribution::factsFromAsOf && f.hour * secondsPerHour < m_asOf)
                newAtTime = f.postcodeId;
            else if (r->periods < Reattribution::factsFromAsOf)
                newAtTime = postcodeAt(m_periodLists[r->periods], f.hour * secondsPerHour);
            // A fact is re-attributed when it counts under another postcode on either basis.
            const bool atTimeChanges = newAtTime != f.postcodeId, currentChanges = r->oldCurrent != r->newCurrent;
            if (atTimeChanges) {
                deltas.addAtTime(f.hour, f.postcodeId, -qint64(f.views));
                deltas.addAtTime(f.hour, newAtTime, f.views);
                f.postcodeId = newAtTime;
                changed = true;
            }
            if (currentChanges) {
                deltas.addCurrent(f.hour, r->oldCurrent, -qint64(f.views));
                deltas.addCurrent(f.hour, r->newCurrent, f.views);
            }
            changedFacts += atTimeChanges || currentChanges;
        }
        return changed;
    });
    m_run.factsReattributed = changedFacts;
}

void UsersSnapshotLoad::write()
{
    readUserDirectory();
    qint64 baselineUsers = 0;
    const std::vector<Change> changes = diffAgainstWarehouse(&baselineUsers);
    const qint64 missing = m_run.usersRemoved;
    const double guard = m_warehouse.removalGuardPercent();
    if (!m_options.force && baselineUsers > 0 && missing * 100.0 > guard * static_cast<double>(baselineUsers)) {
        throw Refusal{QStringLiteral("%1: refused: %2 of the %3 users of the previous snapshot are missing (%4%), "
                                     "more than the %5% removal guard allows; a truncated extract is likely. "
                                     "If the users really left, load it again with --force")
                          .arg(m_reader.displayName())
                          .arg(missing)
                          .arg(baselineUsers)
                          .arg(QString::number(missing * 100.0 / static_cast<double>(baselineUsers), 'g', 3))
                          .arg(guard)};
    }

    m_store->addPostcodes(m_postcodes->firstNewId(), m_postcodes->newPostcodes());
    m_postcodes->markWritten();
    const qint64 nextAsOf = m_store->nextSnapshotAfter(m_asOf).value_or(openEnded);
    m_replacedRun = m_store->snapshotRun(m_asOf);
    if (m_replacedRun) {
        m_store->markReplaced(m_replacedRun, m_run.id);
        m_run.replacedRun = m_replacedRun;
    }
    m_store->setSnapshot(m_asOf, m_run.id, m_usersLoaded + static_cast<qint64>(m_unchangedIds.size()));

    std::vector<Member>().swap(m_members); // compared already: free it before the rewrite grows
    stage(QStringLiteral("writing history"), static_cast<qint64>(changes.size()));
    // A snapshot newer than every other only adds changes; an older or corrected one rewrites histories.
    const bool newest = nextAsOf == openEnded && !m_replacedRun;
    UserDirectory::Cursor cursor(m_directory); // changes come sorted by user
    UserDirectory::Cursor ahead(m_directory);
    for (size_t i = 0; i < changes.size(); ++i) {
        if (!newest && i % historyReadAhead == 0) {
            // Every known user's history is read before it is rewritten: the next ones' in one go.
            std::vector<std::pair<quint64, qint64>> known;
            for (size_t j = i; j < std::min(changes.size(), i + historyReadAhead); ++j)
                if (const size_t user = ahead.seek(changes[j].userId); user < m_directory.size())
                    known.emplace_back(changes[j].userId, m_directory.newestChange(user));
            m_store->prefetchHistories(known);
        }
        const size_t known = cursor.seek(changes[i].userId);
        if (newest)
            appendChange(changes[i], known);
        else
            rewriteUser(changes[i], known, nextAsOf);
        if ((i & 0x3fff) == 0) {
            progress(static_cast<qint64>(i));
            checkCancelled();
        }
    }
    AggregateDeltas deltas;
    reattributeFacts(deltas);
    stage(QStringLiteral("updating aggregates"));
    m_store->applyAggregateDeltas(deltas);
    m_store->applyCurrentUserDeltas(m_currentUsersDelta);
    stage(QStringLiteral("writing the user directory"));
    m_directory.build();
    m_store->writeUserDirectory(m_directory);
}

QString UsersSnapshotLoad::summary() const
{
    QString text = QStringLiteral("%1: loaded as run %2, as of %3: %4 rows read, %5 users loaded, %6 rejected; "
                                  "%7 new, %8 moved, %9 removed; %10 pageview facts re-attributed")
                       .arg(m_reader.displayName())
                       .arg(m_run.id)
                       .arg(formatTimestamp(m_asOf))
                       .arg(m_run.rowsRead)
                       .arg(m_run.rowsLoaded)
                       .arg(m_run.rowsRejected)
                       .arg(m_run.usersAdded)
                       .arg(m_run.usersMoved)
                       .arg(m_run.usersRemoved)
                       .arg(m_run.factsReattributed);
    if (m_run.replacedRun)
        text += QStringLiteral("; replaced run %1 for the same as-of").arg(m_run.replacedRun);
    return text + dateColumnWarning();
}

} // namespace pv
