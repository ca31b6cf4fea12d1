#include "storage/sql/sqlpostcodedirectory.h"

#include "storage/sql/sqlquery.h"
#include <QVariant>

#include <algorithm>

namespace pv {


SqlPostcodeDirectory::SqlPostcodeDirectory(QSqlDatabase db)
    : m_db(std::move(db))
{
}

QStringList SqlPostcodeDirectory::search(const QString &prefix, int limit) const
{
    QString normalised = prefix.simplified().toUpper();
    if (normalised.isNull())
        normalised = QStringLiteral(""); // a null QString binds as SQL NULL
    // A range on the unique index: every postcode p with normalised <= p < normalised + U+FFFF.
    SqlQuery q(m_db,
                  QStringLiteral("SELECT postcode FROM postcodes WHERE postcode >= ? AND postcode < ? AND id <> 0 "
                                 "ORDER BY postcode LIMIT ?"),
                  {normalised, normalised + QChar(0xFFFF), limit});
    QStringList postcodes;
    while (q.next())
        postcodes << q.value(0).toString();
    return postcodes;
}

std::optional<qint64> SqlPostcodeDirectory::postcodeId(const QString &postcode) const
{
    SqlQuery q(m_db, QStringLiteral("SELECT id FROM postcodes WHERE postcode = ?"), {postcode.simplified().toUpper()});
    if (q.next())
        return q.value(0).toLongLong();
    return std::nullopt;
}

std::optional<qint64> SqlPostcodeDirectory::currentUsers(const QString &postcode) const
{
    const auto id = postcodeId(postcode);
    if (!id)
        return std::nullopt;
    SqlQuery q(m_db, QStringLiteral("SELECT COALESCE((SELECT users FROM postcode_current_users WHERE postcode_id = ?), 0)"),
                  {*id});
    if (q.next())
        return q.value(0).toLongLong();
    return std::nullopt;
}

QList<PostcodeMove> SqlPostcodeDirectory::moves(const QString &postcode, qint64 from, qint64 to) const
{
    QList<PostcodeMove> moves;
    const auto id = postcodeId(postcode);
    if (!id)
        return moves;
    // A change names the postcode before it: moves in are changes to the postcode, moves out changes from it.
    // One scan of the period's changes finds both (the key leads with the as-of): about 6M changes a second,
    // 50 ms for a day of a 20M-user warehouse (BENCHMARKS.md).
    SqlQuery q(m_db, QStringLiteral(
        "SELECT c.user_id, c.as_of, c.postcode_id = ?, before.postcode, after.postcode FROM user_postcode_changes c"
        " LEFT JOIN postcodes before ON before.id = c.previous_postcode_id"
        " LEFT JOIN postcodes after ON after.id = c.postcode_id"
        // Everyone appears in the first snapshot: that is where the warehouse starts, not a move. Starting
        // the key range after it keeps its millions of changes out of the scan.
        " WHERE (c.postcode_id = ? OR c.previous_postcode_id = ?)"
        " AND c.as_of >= ? AND c.as_of > (SELECT MIN(as_of) FROM snapshots) AND c.as_of < ?"),
        {*id, *id, *id, from, to});
    while (q.next())
        moves.append({q.value(0).toLongLong(), q.value(1).toLongLong(),
                      q.value(2).toBool() ? PostcodeMove::Direction::In : PostcodeMove::Direction::Out,
                      q.value(3).toString(), q.value(4).toString()});
    std::sort(moves.begin(), moves.end(), [](const PostcodeMove &a, const PostcodeMove &b) {
        return a.at != b.at ? a.at < b.at : a.userId != b.userId ? a.userId < b.userId : a.direction < b.direction;
    });
    return moves;
}

} // namespace pv
