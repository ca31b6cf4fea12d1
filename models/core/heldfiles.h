#pragma once

#include <QString>

namespace pv {

/// The database files this process holds through a library that locks them: an SQLite warehouse, and
/// beside it its -wal, -shm and -journal files. On Linux, closing any descriptor of a file drops every
/// POSIX lock the process holds on it, the library's included, and another client may then take itself
/// for the last one and delete a live WAL. So nothing else in the process opens them: the extract reader
/// asks here first (a warehouse file dropped on the import dialog, or given to `load`).
namespace heldfiles {

/// Counts one more connection holding the database file at path.
void hold(const QString &path);
/// Counts one connection fewer.
void release(const QString &path);
/// The held database that path is, or is a companion file of; an empty string when it is neither. Looks
/// with stat() only, never opening anything.
QString holderOf(const QString &path);

} // namespace heldfiles
} // namespace pv
