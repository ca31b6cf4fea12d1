#pragma once

#include "history/userdirectory.h"

#include <QString>

struct sqlite3;

namespace pv {

// The user directory stored as encoded blocks in user_directory_blocks, with a generation counter in
// settings. Errors throw StorageError.

void readUserDirectory(sqlite3 *db, UserDirectory &directory);
/// Replaces the stored blocks and counts one more directory write.
void writeUserDirectory(sqlite3 *db, const UserDirectory &directory);
qint64 userDirectoryGeneration(sqlite3 *db);
/// Reads the directory and its generation through a read-only connection of its own.
UserDirectoryCopy readUserDirectoryCopy(const QString &databasePath);
/// Rebuilds the stored directory from the history changes (a migration step).
void rebuildUserDirectoryFromHistory(sqlite3 *db);

} // namespace pv
