#include "storage/sqlite/userdirectoryblocks.h"

#include "core/time.h"
#include "storage/sqlite/sqlitestatement.h"

#include <QScopeGuard>

#include <sqlite3.h>

namespace pv {

void readUserDirectory(sqlite3 *db, UserDirectory &directory)
{
    {
        SqliteStatement total(db, "SELECT COALESCE(SUM(MIN(MAX(users, 0), ?)), 0) FROM user_directory_blocks");
        // A damaged count must not decide an allocation.
        total.bind(1, static_cast<qint64>(UserDirectory::usersPerBlock));
        directory.startDecoding(total.step() ? total.int64(0) : 0);
    }
    SqliteStatement blocks(db, "SELECT first_user, users, data FROM user_directory_blocks ORDER BY block");
    while (blocks.step())
        if (!directory.decodeBlock(static_cast<quint64>(blocks.int64(0)), blocks.int64(1), blocks.blobView(2)))
            throw StorageError{QStringLiteral("a user directory block is damaged: run pvadmin check")};
}

void writeUserDirectory(sqlite3 *db, const UserDirectory &directory)
{
    sqliteExec(db, "INSERT INTO settings (key, value) VALUES ('user_directory_generation', 1) "
                   "ON CONFLICT (key) DO UPDATE SET value = value + 1");
    sqliteExec(db, "DELETE FROM user_directory_blocks");
    SqliteStatement insert(db, "INSERT INTO user_directory_blocks (block, first_user, users, data) VALUES (?, ?, ?, ?)");
    for (size_t i = 0; i < directory.blockCount(); ++i) {
        const UserDirectory::Block block = directory.encodeBlock(i);
        insert.bind(1, static_cast<qint64>(i)).bind(2, static_cast<qint64>(block.firstUser));
        insert.bind(3, block.users).bindBlob(4, block.data).execute();
    }
}

qint64 userDirectoryGeneration(sqlite3 *db)
{
    SqliteStatement select(db, "SELECT value FROM settings WHERE key = 'user_directory_generation'");
    return select.step() ? select.int64(0) : 0;
}

UserDirectoryCopy readUserDirectoryCopy(const QString &databasePath)
{
    sqlite3 *db = nullptr;
    const int rc = sqlite3_open_v2(databasePath.toUtf8().constData(), &db, SQLITE_OPEN_READONLY, nullptr);
    const auto closeDb = qScopeGuard([db] { sqlite3_close(db); });
    if (rc != SQLITE_OK)
        throw StorageError{QString::fromUtf8(sqlite3_errstr(rc))};
    sqlite3_busy_timeout(db, 10000);
    // One read transaction: the generation and the blocks are of the same moment.
    sqliteExec(db, "BEGIN");
    UserDirectoryCopy copy;
    copy.generation = userDirectoryGeneration(db);
    readUserDirectory(db, copy.directory);
    sqliteExec(db, "COMMIT");
    return copy;
}

void rebuildUserDirectoryFromHistory(sqlite3 *db)
{
    // A user's current postcode is that of their newest change with one; they are in the newest snapshot
    // when their newest change gives a postcode.
    UserDirectory directory;
    SqliteStatement changes(db, "SELECT user_id, as_of, postcode_id FROM user_postcode_changes ORDER BY user_id, as_of");
    quint64 userId = 0;
    quint32 postcodeId = 0;
    bool inLatest = false, haveUser = false;
    qint64 newestChange = 0;
    while (changes.step()) {
        const auto id = static_cast<quint64>(changes.int64(0));
        if (haveUser && id != userId)
            directory.set(directory.size(), userId, postcodeId, inLatest, newestChange);
        if (!haveUser || id != userId) {
            userId = id;
            postcodeId = 0;
            inLatest = false;
        }
        haveUser = true;
        newestChange = floorDiv(changes.int64(1), secondsPerHour) * secondsPerHour;
        inLatest = !changes.isNull(2);
        if (inLatest)
            postcodeId = static_cast<quint32>(changes.int64(2));
    }
    if (haveUser)
        directory.set(directory.size(), userId, postcodeId, inLatest, newestChange);
    directory.build();
    writeUserDirectory(db, directory);
}

} // namespace pv
