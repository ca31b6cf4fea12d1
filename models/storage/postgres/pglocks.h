#pragma once

#include <QtGlobal>

namespace pv {

/// The advisory locks the engine takes (two-key form: a class, then an object). The classes are spelt
/// from "pvad" so they do not meet another application's in the same database.
constexpr qint64 pgLockClass = 0x70766164;    ///< object: the one below (1, the load lock of schema versions 1-3, is not used)
constexpr qint64 pgMigrationLock = 2;         ///< held while the schema is brought up to date
constexpr qint64 pgRunLockClass = 0x70766165; ///< object: a run id; held by its load's session while it runs

/// Takes the lock loads serialise on, for the transaction: the row of load_lock, which only a role that may
/// update the table can lock (a read-only role cannot stop the loads, as it could an advisory lock). One row
/// when taken, none while another transaction holds it.
constexpr const char *pgTakeLoadLock = "SELECT id FROM load_lock WHERE id = 1 FOR UPDATE SKIP LOCKED";

/// A run's key in pgRunLockClass: the id's low 32 bits (the lock's object is 32 bits; keys repeat every 2^32 runs).
constexpr qint64 pgRunLockKey(qint64 runId)
{
    return static_cast<qint32>(static_cast<quint32>(runId));
}

} // namespace pv
