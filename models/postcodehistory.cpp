#include "postcodehistory.h"

#include "sqlitestatement.h"

#include <algorithm>

namespace pv {

quint32 postcodeAt(const std::vector<PostcodePeriod> &history, qint64 t)
{
    if (history.empty())
        return 0;
    const auto after = std::upper_bound(history.begin(), history.end(), t,
                                        [](qint64 time, const PostcodePeriod &p) { return time < p.validFrom; });
    return after == history.begin() ? history.front().postcodeId : std::prev(after)->postcodeId;
}

quint32 currentPostcode(const std::vector<PostcodePeriod> &history)
{
    return history.empty() ? 0 : history.back().postcodeId;
}

std::vector<PostcodePeriod> applySnapshotState(const std::vector<PostcodePeriod> &history, qint64 asOf,
                                               qint64 nextAsOf, std::optional<quint32> postcodeId)
{
    std::vector<PostcodePeriod> periods;
    periods.reserve(history.size() + 3);
    bool covered = false;
    for (const PostcodePeriod &p : history) {
        if (p.validFrom <= asOf && asOf < p.validTo) {
            // The period that held at asOf is cut around it: before, the new state, after the next snapshot.
            covered = true;
            if (p.validFrom < asOf)
                periods.push_back({p.validFrom, asOf, p.postcodeId});
            if (postcodeId)
                periods.push_back({asOf, nextAsOf, *postcodeId});
            if (nextAsOf < p.validTo)
                periods.push_back({nextAsOf, p.validTo, p.postcodeId});
        } else {
            periods.push_back(p);
        }
    }
    if (!covered && postcodeId)
        periods.push_back({asOf, nextAsOf, *postcodeId});
    std::sort(periods.begin(), periods.end(),
              [](const PostcodePeriod &a, const PostcodePeriod &b) { return a.validFrom < b.validFrom; });

    // Periods that meet with the same postcode are one period.
    std::vector<PostcodePeriod> merged;
    merged.reserve(periods.size());
    for (const PostcodePeriod &p : periods) {
        if (!merged.empty() && merged.back().validTo == p.validFrom && merged.back().postcodeId == p.postcodeId)
            merged.back().validTo = p.validTo;
        else
            merged.push_back(p);
    }
    return merged;
}

PostcodeHistoryReader::PostcodeHistoryReader(sqlite3 *db)
    : m_select(std::make_unique<SqliteStatement>(
          db, "SELECT valid_from, valid_to, postcode_id FROM user_postcode_history WHERE user_id = ? "
              "ORDER BY valid_from"))
{
}

PostcodeHistoryReader::~PostcodeHistoryReader() = default;

void PostcodeHistoryReader::read(quint64 userId, std::vector<PostcodePeriod> &history)
{
    history.clear();
    m_select->bind(1, static_cast<qint64>(userId));
    while (m_select->step())
        history.push_back({m_select->int64(0), m_select->isNull(1) ? openEnded : m_select->int64(1),
                           static_cast<quint32>(m_select->int64(2))});
    m_select->reset();
}

} // namespace pv
