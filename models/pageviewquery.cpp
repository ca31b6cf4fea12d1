#include "pageviewquery.h"

#include "extractvalidation.h"

#include <QIODevice>
#include <QMap>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <map>

namespace pv {

namespace {
constexpr qint64 secondsPerHour = 3600;
constexpr qint64 secondsPerDay = 86400;

qint64 floorDiv(qint64 a, qint64 b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

QByteArray csvField(const QString &text)
{
    QByteArray utf8 = text.toUtf8();
    if (utf8.contains(',') || utf8.contains('"') || utf8.contains('\n') || utf8.contains('\r'))
        utf8 = '"' + utf8.replace("\"", "\"\"") + '"';
    return utf8;
}
} // namespace

QString basisName(Basis basis)
{
    return basis == Basis::Current ? QStringLiteral("current") : QStringLiteral("at-time");
}

std::optional<Basis> basisFromName(const QString &name)
{
    if (name == QLatin1String("current"))
        return Basis::Current;
    if (name == QLatin1String("at-time"))
        return Basis::AtTime;
    return std::nullopt;
}

QString grainName(Grain grain)
{
    switch (grain) {
    case Grain::Hour: return QStringLiteral("hour");
    case Grain::Day: return QStringLiteral("day");
    case Grain::Week: return QStringLiteral("week");
    case Grain::Month: return QStringLiteral("month");
    }
    return {};
}

std::optional<Grain> grainFromName(const QString &name)
{
    for (Grain g : {Grain::Hour, Grain::Day, Grain::Week, Grain::Month})
        if (grainName(g) == name)
            return g;
    return std::nullopt;
}

qint64 periodStart(Grain grain, qint64 hour)
{
    const qint64 days = floorDiv(hour, 24);
    switch (grain) {
    case Grain::Hour:
        return hour * secondsPerHour;
    case Grain::Day:
        return days * secondsPerDay;
    case Grain::Week: {
        // 1970-01-01 was a Thursday: days + 3 counts from a Monday.
        const qint64 monday = days - (((days + 3) % 7) + 7) % 7;
        return monday * secondsPerDay;
    }
    case Grain::Month: {
        int y = 0, m = 0, d = 0;
        civilFromDays(days, &y, &m, &d);
        return daysFromCivil(y, m, 1) * secondsPerDay;
    }
    }
    return 0;
}

PageviewQuery::PageviewQuery(QSqlDatabase db)
    : m_db(std::move(db))
{
}

std::optional<QList<ReportRow>> PageviewQuery::report(const ReportQuery &query, QString *error) const
{
    QStringList normalised;
    for (const QString &postcode : query.postcodes) {
        const QByteArray utf8 = postcode.toUtf8();
        if (postcode.trimmed().compare(QLatin1String("UNKNOWN"), Qt::CaseInsensitive) == 0) {
            normalised << QStringLiteral("UNKNOWN");
            continue;
        }
        QString reason;
        const auto value = normalisePostcode(std::string_view(utf8.constData(), size_t(utf8.size())), &reason);
        if (!value) {
            *error = QStringLiteral("--postcode '%1': %2").arg(postcode, reason);
            return std::nullopt;
        }
        normalised << QString::fromUtf8(*value);
    }

    const QString table = query.basis == Basis::Current ? QStringLiteral("views_current_hourly")
                                                        : QStringLiteral("views_at_time_hourly");
    QString sql = QStringLiteral("SELECT a.hour, p.postcode, a.views FROM %1 a JOIN postcodes p ON p.id = a.postcode_id "
                                 "WHERE a.hour >= ? AND a.hour < ?")
                      .arg(table);
    if (!normalised.isEmpty()) {
        QStringList marks;
        for (qsizetype i = 0; i < normalised.size(); ++i)
            marks << QStringLiteral("?");
        sql += QStringLiteral(" AND p.postcode IN (%1)").arg(marks.join(QLatin1Char(',')));
    }
    // An hour counts when its start lies in [from, to).
    const qint64 fromHour = query.from ? floorDiv(*query.from + secondsPerHour - 1, secondsPerHour)
                                       : std::numeric_limits<qint64>::min();
    const qint64 toHour = query.to ? floorDiv(*query.to + secondsPerHour - 1, secondsPerHour)
                                   : std::numeric_limits<qint64>::max();
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    q.prepare(sql);
    q.addBindValue(fromHour);
    q.addBindValue(toHour);
    for (const QString &p : normalised)
        q.addBindValue(p);
    if (!q.exec()) {
        *error = QStringLiteral("report query failed: %1").arg(q.lastError().text());
        return std::nullopt;
    }
    std::map<std::pair<qint64, QString>, qint64> buckets;
    while (q.next())
        buckets[{periodStart(query.grain, q.value(0).toLongLong()), q.value(1).toString()}] += q.value(2).toLongLong();
    QList<ReportRow> rows;
    rows.reserve(static_cast<qsizetype>(buckets.size()));
    for (const auto &[key, views] : buckets)
        if (views != 0)
            rows.append({key.first, key.second, views});
    return rows;
}

void PageviewQuery::writeCsv(const QList<ReportRow> &rows, QIODevice *out)
{
    out->write("period_start,postcode,pageviews\n");
    for (const ReportRow &row : rows) {
        out->write(formatTimestamp(row.periodStart).toLatin1());
        out->write(",");
        out->write(csvField(row.postcode));
        out->write(",");
        out->write(QByteArray::number(row.pageviews));
        out->write("\n");
    }
}

} // namespace pv
