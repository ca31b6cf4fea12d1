#pragma once

#include "core/pageviewfact.h"
#include "load/extractload.h"

#include <map>
#include <vector>

namespace pv {

/// An hourly pageviews extract: aggregated to (user, hour) in memory, attributed to the at-time and
/// current postcodes, appended as one load's facts, and added to both hourly aggregates. Its window (the
/// hour it is for) is the one given, else the one in its name, else the one most of its rows fall in. A
/// file for a window that is already loaded replaces that earlier load when it is evidently a correction
/// of it (the same file name, or LoadOptions::replace); any other is refused.
class PageviewsLoad final : public ExtractLoad
{
public:
    using ExtractLoad::ExtractLoad;

protected:
    ExtractReader::Result readRow(RejectedLine &rejected) override;
    void finishReading() override;
    qint64 rowsToLoad() const override { return m_viewsLoaded; }
    void write() override;
    QString summary() const override;

private:
    struct View
    {
        quint64 userId;
        qint64 hour;
        auto operator<=>(const View &) const = default;
    };

    void sortViews();
    void replaceEarlierLoad(qint64 earlierRunId, class AggregateDeltas &deltas);
    /// Throws Refusal unless this file may replace the window's earlier load.
    void refuseUnlessCorrection(qint64 earlierRunId) const;
    /// Reads ahead, in one go, the histories attributing will need (users with an hour before their newest change).
    void prefetchHistories();

    PageviewRecord m_record;
    std::vector<View> m_views;
    std::vector<PageviewFact> m_facts;
    std::map<qint64, qint64> m_viewsPerHour;
    qint64 m_viewsLoaded = 0;
    qint64 m_window = 0;
    bool m_windowFromFileName = false;
};

} // namespace pv
