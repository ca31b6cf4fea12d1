#pragma once

#include <QList>
#include <QString>

#include <optional>

namespace pv {

/// What a warehouse holds and what it costs on disk, for `pvadmin stats`: how many facts, how tightly
/// they are packed, the bytes of each family of tables, and what a year at this rate would take.
struct WarehouseStats
{
    /// What makes a family of tables grow.
    enum class Growth { Hours, Snapshots, Users, Runs };

    struct Family
    {
        QString name;        ///< "facts", "aggregates", "history", ...
        QString tables;      ///< the tables (and their indexes) it stands for
        Growth growth = Growth::Hours;
        qint64 bytes = 0;    ///< pages used, indexes included
    };

    QString engine;          ///< "SQLite"
    qint64 fileBytes = 0;    ///< the database as stored
    qint64 freeBytes = 0;    ///< free pages inside it, reused before the file grows
    qint64 facts = 0;        ///< (user, hour, load) facts held, live and replaced alike
    qint64 segments = 0;     ///< the fact segments that hold them
    qint64 factBytes = 0;    ///< the packed facts themselves
    qint64 loadedHours = 0;  ///< hours with a live pageviews load
    qint64 snapshots = 0;    ///< users snapshots loaded
    qint64 users = 0;        ///< users known to the warehouse
    qint64 runs = 0;         ///< load runs recorded
    /// The share of the history's rows written by the first snapshot (every user's first postcode): a
    /// one-off, which the projection does not repeat for later snapshots.
    double historyBaselineShare = 0;
    std::optional<qint64> firstHour, lastHour; ///< seconds since the epoch, of the loaded hours
    QList<Family> families;

    /// Packed bytes a fact; 0 with no facts.
    double bytesPerFact() const { return facts > 0 ? double(factBytes) / double(facts) : 0.0; }
    /// The family's bytes a year of hourly and nightly loads would take, scaled from what is held by what
    /// it grows with: hours to 8,760; the history's later snapshots to 364 (the first snapshot's rows, the
    /// baseline, as they are); the user directory and postcodes as they are; the run log by the hours'
    /// scale. nullopt before an hour and two snapshots are loaded.
    std::optional<qint64> projectedYearBytes(const Family &family) const;
    std::optional<qint64> projectedYearBytes() const;
};

/// A family of tables other than the facts (each engine measures the facts its own way), with what makes
/// it grow: aggregates, history, user directory, run log.
struct TableFamily
{
    QString name;
    WarehouseStats::Growth growth;
    QStringList tables;
};
const QList<TableFamily> &tableFamiliesBesideFacts();

/// "hours", "snapshots", "users", "runs".
QString growthName(WarehouseStats::Growth growth);

} // namespace pv
