#pragma once

#include <QDate>
#include <QList>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>

#include <optional>

class QIODevice;

namespace pv {

enum class Basis { Current, AtTime };
enum class Grain { Hour, Day, Week, Month };

QString basisName(Basis basis);   ///< "current" / "at-time"
std::optional<Basis> basisFromName(const QString &name);
QString grainName(Grain grain);   ///< "hour" / "day" / "week" / "month"
std::optional<Grain> grainFromName(const QString &name);

/// Start of the period (seconds since the epoch) containing the given hour: the hour, the day, the ISO
/// week's Monday, the calendar month.
qint64 periodStart(Grain grain, qint64 hour);

/// Pageview counts per period and postcode, on one basis, from the stored hourly aggregates.
struct ReportQuery
{
    Basis basis = Basis::Current;
    Grain grain = Grain::Day;
    std::optional<qint64> from;  ///< inclusive, on pageview time (seconds since the epoch)
    std::optional<qint64> to;    ///< exclusive
    QStringList postcodes;       ///< empty: every postcode
};

struct ReportRow
{
    qint64 periodStart = 0;
    QString postcode;
    qint64 pageviews = 0;
};

/// The one query path of charts, reports and the command line.
class PageviewQuery
{
public:
    explicit PageviewQuery(QSqlDatabase db);

    /// Rows with a count, ordered by period start then postcode. An hour counts when its start lies in
    /// [from, to). Fails (nullopt, *error set) on an invalid postcode in the filter.
    std::optional<QList<ReportRow>> report(const ReportQuery &query, QString *error) const;

    /// Writes rows as CSV with the header period_start,postcode,pageviews.
    static void writeCsv(const QList<ReportRow> &rows, QIODevice *out);

private:
    QSqlDatabase m_db;
};

} // namespace pv
