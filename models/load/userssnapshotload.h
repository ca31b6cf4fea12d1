#pragma once

#include "history/postcodehistory.h"
#include "load/aggregatedeltas.h"
#include "load/extractload.h"

#include <map>
#include <vector>

namespace pv {

/// A full users snapshot as of one moment: diffed against the warehouse's state at that moment, the
/// changed users' SCD2 history and current postcode rewritten, and exactly those users' facts
/// re-attributed with the aggregates adjusted by the difference. Works for the newest snapshot, a
/// backfilled older one, and a corrected snapshot for an as-of already loaded.
class UsersSnapshotLoad final : public ExtractLoad
{
public:
    using ExtractLoad::ExtractLoad;

protected:
    QString refusalBeforeReading() override;
    ExtractReader::Result readRow(RejectedLine &rejected) override;
    void finishReading() override;
    QString refusalAfterReading() override;
    QString rejectsNote() const override;
    qint64 rowsToLoad() const override { return m_usersLoaded; }
    void write() override;
    QString summary() const override;

private:
    struct Member
    {
        quint64 userId;
        quint32 postcodeId;
        quint32 line;
    };
    /// A user whose state at the as-of differs from the warehouse's: absent (hasPostcode false) or a postcode.
    struct Change
    {
        quint64 userId;
        quint32 postcodeId;
        bool hasPostcode;
        bool added; ///< absent from the warehouse's state at the as-of, present in the snapshot
    };

    /// A user whose facts must be looked at: their current postcode before and after, and how their
    /// facts' at-time postcodes follow from the new history.
    struct Reattribution
    {
        static constexpr quint32 everyFact = 0xffffffffu;      ///< every fact is under newCurrent
        static constexpr quint32 factsFromAsOf = 0xfffffffeu;  ///< facts from the as-of on are under newCurrent
        quint64 userId;
        quint32 oldCurrent;
        quint32 newCurrent;
        quint32 periods; ///< index into m_periodLists, or one of the two rules above
    };
    std::vector<Change> diffAgainstWarehouse(qint64 *baselineUsers);
    /// known: the user's index in m_directory, or its size() for a user new to the warehouse.
    void appendChange(const Change &change, size_t known);
    void rewriteUser(const Change &change, size_t known, qint64 nextAsOf);
    void setCurrent(size_t known, quint64 userId, quint32 newCurrent, bool inLatest, qint64 newestChange);
    void reattributeFacts(AggregateDeltas &deltas);

    /// The as-of in the --as-of-column of the file's first valid row, or why there is none.
    std::optional<qint64> asOfFromColumn(QString *refusal) const;
    /// The summary's warning when the file's date column disagrees with the as-of its name gave; else empty.
    QString dateColumnWarning() const;

    /// A value of the file's date column (ExtractReader::datedColumn()) and the line it is first on.
    struct DatedValue
    {
        QByteArray text;
        qint64 line = 0;
    };

    UserRecord m_record;
    qint64 m_asOf = 0;
    enum class AsOfFrom { Option, FileName, Column } m_asOfFrom = AsOfFrom::Option;
    DatedValue m_dated;      ///< the first row's
    DatedValue m_otherDated; ///< the first that differs from it
    qint64 m_ambiguousIds = 0;   ///< ids with rows of different postcodes
    QString m_firstAmbiguous;    ///< the first of them, as the note says it
    std::vector<Member> m_members;
    std::vector<quint64> m_unchangedIds; ///< users with only rejected rows: left as they were
    qint64 m_usersLoaded = 0;
    qint64 m_replacedRun = 0;
    std::vector<Reattribution> m_reattributions;  ///< sorted by user
    std::vector<std::vector<PostcodePeriod>> m_periodLists;
    std::map<quint32, qint64> m_currentUsersDelta; ///< postcode → change in users who have it as current
};

} // namespace pv
