#pragma once

#include <QtGlobal>

namespace pv {

/// The advisory locks the engine takes (two-key form: a class, then an object). The classes are spelt
/// from "pvad" so they do not meet another application's in the same database.
constexpr qint64 pgLockClass = 0x70766164;    ///< objects: the two below
constexpr qint64 pgLoadLock = 1;              ///< held by the load writing, for its transaction
constexpr qint64 pgMigrationLock = 2;         ///< held while the schema is brought up to date
constexpr qint64 pgRunLockClass = 0x70766165; ///< object: a run id; held by its load's session while it runs

/// A run's key in pgRunLockClass: the id's low 32 bits (the lock's object is 32 bits; keys repeat every 2^32 runs).
constexpr qint64 pgRunLockKey(qint64 runId)
{
    return static_cast<qint32>(static_cast<quint32>(runId));
}

} // namespace pv
