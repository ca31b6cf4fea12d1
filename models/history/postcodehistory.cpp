#include "history/postcodehistory.h"

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

std::vector<PostcodeChange> changesOf(const std::vector<PostcodePeriod> &history)
{
    std::vector<PostcodeChange> changes;
    changes.reserve(history.size() + 1);
    auto add = [&changes](qint64 asOf, std::optional<quint32> postcodeId) {
        PostcodeChange change{asOf, postcodeId, std::nullopt, std::nullopt};
        if (!changes.empty()) {
            change.previousAsOf = changes.back().asOf;
            change.previousPostcodeId = changes.back().postcodeId;
        }
        changes.push_back(change);
    };
    for (size_t i = 0; i < history.size(); ++i) {
        add(history[i].validFrom, history[i].postcodeId);
        const bool nextStartsAtEnd = i + 1 < history.size() && history[i + 1].validFrom == history[i].validTo;
        if (history[i].validTo != openEnded && !nextStartsAtEnd)
            add(history[i].validTo, std::nullopt);
    }
    return changes;
}

qint64 newestChangeOf(const std::vector<PostcodePeriod> &history)
{
    return history.back().validTo == openEnded ? history.back().validFrom : history.back().validTo;
}

} // namespace pv
