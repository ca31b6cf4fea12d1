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
    /// Pageviews of a user in an hour: one per row as read, summed when compacted.
    struct View
    {
        quint64 userId;
        qint32 hour;    ///< hours since the epoch (years 0001-9999 fit)
        quint32 views;
    };

    QString refusalWhileReading() override;
    QString refusalAfterReading() override { return m_tooLarge; }
    void sortViews();
    /// Sorts the views read so far and sums each (user, hour) into one: memory grows with the pairs, not
    /// with the rows (an input that repeats its rows, or one of many hours, stays bounded).
    void compactViews();
    void replaceEarlierLoad(qint64 earlierRunId, class AggregateDeltas &deltas);
    /// Throws Refusal unless this file may replace the window's earlier load.
    void refuseUnlessCorrection(qint64 earlierRunId) const;
    /// Reads ahead, in one go, the histories attributing will need (users with an hour before their newest change).
    void prefetchHistories();

    PageviewRecord m_record;
    std::vector<View> m_views;
    size_t m_compactAt = 0;        ///< compact when m_views reaches this many
    size_t m_maxPairs = 0;         ///< refuse beyond this many (user, hour) pairs
    QString m_tooLarge;            ///< why reading stops, once it must
    std::vector<PageviewFact> m_facts;
    std::map<qint64, qint64> m_viewsPerHour;
    qint64 m_viewsLoaded = 0;
    qint64 m_window = 0;
    bool m_windowFromFileName = false;
};

} // namespace pv
