#pragma once

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace pv {

enum class Basis;

/// A postcode's pageviews over a period on both bases.
struct PostcodeRanking
{
    QString postcode;
    qint64 current = 0;
    qint64 atTime = 0;
};

/// A user's postcode changing to or from one postcode (a row of the SCD2 history starting or ending).
struct PostcodeMove
{
    enum class Direction { In, Out };
    qint64 userId = 0;
    qint64 at = 0;            ///< the as-of of the snapshot that showed the change
    Direction direction = Direction::In;
    QString fromPostcode;     ///< In: the previous postcode, empty for a user new to the warehouse (or returning)
    QString toPostcode;       ///< Out: the next postcode, empty when the user left the snapshots
};

/// The warehouse's postcodes: search, ranking, who lives where and who moved. A read the database fails
/// throws StorageError.
class PostcodeDirectory
{
public:
    virtual ~PostcodeDirectory() = default;

    /// Known postcodes starting with prefix (normalised: trimmed, upper-cased), in order, at most limit.
    virtual QStringList search(const QString &prefix, int limit = 50) const = 0;


    /// Users whose current postcode is postcode; nullopt for a postcode the warehouse does not know.
    virtual std::optional<qint64> currentUsers(const QString &postcode) const = 0;

    /// Users whose postcode became (In) or stopped being (Out) postcode at an as-of in [from, to), in time
    /// order then user id. The first snapshot's users are not counted as moving in.
    virtual QList<PostcodeMove> moves(const QString &postcode, qint64 from, qint64 to) const = 0;
};

class PageviewQuery;

/// The n postcodes with most pageviews on rankBy over hours starting in [from, to), with both bases'
/// counts, biggest first (ties by postcode). UNKNOWN is left out.
QList<PostcodeRanking> topPostcodes(const PageviewQuery &pageviews, qint64 from, qint64 to, int n, Basis rankBy);

} // namespace pv
