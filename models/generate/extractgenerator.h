#pragma once

#include "core/writeoutcome.h"

#include <QByteArray>
#include <QString>

#include <cstdint>
#include <cstdio>
#include <vector>

class QIODevice;

namespace pv {

class LoadFeedback;

/// What `pvadmin generate` produces: a run of daily users snapshots and hourly pageviews extracts.
/// The same options and seed give byte-identical files on any machine.
struct GeneratorOptions
{
    QString outDir;                  ///< files are written here (created if missing)
    qint64 users = 1000;             ///< users in the first snapshot
    int days = 2;                    ///< daily snapshots, and days of hourly pageviews
    int hoursPerDay = 24;            ///< hourly pageviews files per day (the first hours of each day)
    qint64 pageviewsPerHour = 1000;  ///< rows per pageviews file, late rows included
    double moveRate = 0.01;          ///< share of users whose postcode changes between consecutive snapshots
    double newRate = 0.005;          ///< new users per day, as a share of the previous snapshot (fresh ids)
    double removeRate = 0.001;       ///< share of a snapshot's users missing from the next one
    double returnRate = 0.2;         ///< share of the missing users who come back in the next snapshot
    double lateRate = 0.01;          ///< share of a pageviews file's rows from the previous hour
    double unknownRate = 0.001;      ///< share of pageviews by user ids that are in no snapshot
    bool shuffleUsers = true;        ///< snapshot rows in a shuffled order (by blocks) rather than by id
    quint64 seed = 1;
    qint64 startEpoch = 1709251200;  ///< first snapshot's as-of (2024-03-01 00:00:00 UTC); a day boundary
};

/// Generates synthetic extracts from a simulated user population. The population is held compactly
/// (2 bytes per user: postcode and presence); a user's id is a function of its position, so ids are
/// sparse, increasing and never reused, and the ids in between are never given to anyone (the
/// pageviews' unknown users come from there). Output is streamed in large blocks: memory does not grow
/// with the number of pageviews. Day d's snapshot is the state at day d 00:00; the pageviews of day d
/// come from the users in day d's snapshot, plus the unknown share.
class ExtractGenerator
{
public:
    explicit ExtractGenerator(const GeneratorOptions &options);

    const GeneratorOptions &options() const { return m_options; }
    /// Empty when the options are usable, else the reason they are not.
    QString validate() const;

    /// "users_extract_YYYY-MM-DD.csv" and "pageviews_YYYY-MM-DDTHH.csv".
    QString usersFileName(int day) const;
    QString pageviewsFileName(int day, int hour) const;
    /// Day d's snapshot as-of, and the start of one of its hours, in seconds since the epoch.
    qint64 snapshotAsOf(int day) const;
    qint64 hourStart(int day, int hour) const;

    /// Rows in day d's snapshot (simulates up to day d if needed); -1 for invalid options or day.
    qint64 usersInSnapshot(int day);

    /// Writes day d's users snapshot (header included). Days may be asked in any order: an earlier day
    /// than the one simulated replays from day 0. Progress and cancel through feedback (may be null).
    /// Failed comes with *error saying why; Cancelled with no message.
    WriteOutcome writeUsersSnapshot(int day, QIODevice *out, LoadFeedback *feedback = nullptr, QString *error = nullptr);
    WriteOutcome writeUsersSnapshot(int day, FILE *out, LoadFeedback *feedback = nullptr, QString *error = nullptr);

    /// Writes the pageviews extract of one hour (0..23) of day d: options().pageviewsPerHour rows in
    /// time order, with the late rows (previous hour) interleaved.
    WriteOutcome writePageviewsHour(int day, int hour, QIODevice *out, LoadFeedback *feedback = nullptr,
                                    QString *error = nullptr);
    WriteOutcome writePageviewsHour(int day, int hour, FILE *out, LoadFeedback *feedback = nullptr,
                                    QString *error = nullptr);

    /// Output sink for the write functions: returns false when the bytes could not be written.
    class Sink
    {
    public:
        virtual ~Sink() = default;
        virtual bool write(const char *data, qint64 size) = 0;
        /// Called once after the last write of an extract.
        virtual bool flush() { return true; }
        virtual QString errorString() const = 0;
    };
    WriteOutcome writeUsersSnapshot(int day, Sink &out, LoadFeedback *feedback, QString *error);
    WriteOutcome writePageviewsHour(int day, int hour, Sink &out, LoadFeedback *feedback, QString *error);

    /// The fixed pool of postcodes users are drawn from (UK outward codes and some full postcodes).
    static const std::vector<QByteArray> &postcodePool();

private:
    void simulateTo(int day);
    void resetPopulation();
    void advanceOneDay();
    quint64 userId(qint64 index) const;
    quint64 unknownUserId(quint64 random) const;
    qint64 candidateUser(quint64 &rngState) const;
    qint64 pickUser(quint64 &rngState) const;

    GeneratorOptions m_options;
    quint64 m_idKey = 0;
    quint64 m_heavyKey = 0;
    quint64 m_removeThreshold = 0;
    quint64 m_moveThreshold = 0;
    quint64 m_returnThreshold = 0;
    quint64 m_lateThreshold = 0;
    quint64 m_unknownThreshold = 0;
    int m_day = -1;               // day the population is at, -1 before the first simulation
    qint64 m_present = 0;         // users in m_day's snapshot
    std::vector<quint16> m_state; // per user index: postcode index, top bit set while absent
};

/// Writes options.days users snapshots and options.days × options.hoursPerDay pageviews extracts into
/// options.outDir. Each file is written to a temporary name and renamed when complete, so a watcher never
/// sees half a file. Stage per file and rows done through feedback (may be null); cancel stops and leaves no
/// partial file (Cancelled, no message); Failed comes with *error naming the file and the reason.
WriteOutcome generate(const GeneratorOptions &options, LoadFeedback *feedback, QString *error);

} // namespace pv
