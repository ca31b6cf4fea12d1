#pragma once

#include <QString>

#include <sys/types.h>

#include <utility>

namespace pv {

/// A database file this process holds through a library that locks it (an SQLite warehouse, and beside it
/// its -wal, -shm and -journal files), counted while it lives. On Linux, closing any descriptor of a file
/// drops every POSIX lock the process holds on it, the library's included, and another client may then take
/// itself for the last one and delete a live WAL. So nothing else in the process opens them: the extract
/// reader asks holderOf() first (a warehouse file dropped on the import dialog, or given to `load`).
class HeldFile
{
public:
    /// Counts one more connection holding the database file at path (nothing when it cannot be looked at).
    explicit HeldFile(const QString &path);
    /// Counts it one fewer: the file as it was held, even if it has been deleted or replaced since.
    ~HeldFile();
    HeldFile(const HeldFile &) = delete;
    HeldFile &operator=(const HeldFile &) = delete;

    /// The held database that path is, or is a companion file of; an empty string when it is neither. Looks
    /// with stat() only, never opening anything.
    static QString holderOf(const QString &path);

private:
    std::pair<dev_t, ino_t> m_id{};
    bool m_counted = false;
};

} // namespace pv
