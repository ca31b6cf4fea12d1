#include "query/pageviewquery.h"

#include "extract/extractvalidation.h"

namespace pv {

namespace {
// Hours far outside any data stand for an open end, with room to add 23 without overflow.
constexpr qint64 earliestHour = -(qint64(1) << 40);
constexpr qint64 latestHour = qint64(1) << 40;
} // namespace

std::optional<QStringList> normalisedPostcodeFilter(const QStringList &postcodes, QString *error)
{
    QStringList result;
    for (const QString &postcode : postcodes) {
        QString normalised = QStringLiteral("UNKNOWN");
        if (postcode.trimmed().compare(QLatin1String("UNKNOWN"), Qt::CaseInsensitive) != 0) {
            const QByteArray utf8 = postcode.toUtf8();
            QString reason;
            const auto value = normalisePostcode(std::string_view(utf8.constData(), size_t(utf8.size())), &reason);
            if (!value) {
                *error = QStringLiteral("--postcode '%1': %2").arg(postcode, reason);
                return std::nullopt;
            }
            normalised = QString::fromUtf8(*value);
        }
        if (!result.contains(normalised))
            result << normalised;
    }
    return result;
}

qint64 firstHourFrom(std::optional<qint64> from)
{
    return from ? ceilDiv(*from, secondsPerHour) : earliestHour;
}

qint64 endHourFrom(std::optional<qint64> to)
{
    return to ? ceilDiv(*to, secondsPerHour) : latestHour;
}

} // namespace pv
