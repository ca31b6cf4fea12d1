#include "warehousename.h"

#include "storage/warehouse.h"

#include <QDir>
#include <QFileInfo>
#include <QObject>
#include <QUrl>

namespace pv {

QString warehouseName(const QString &location)
{
    if (!Warehouse::isServerLocation(location))
        return QDir::toNativeSeparators(QFileInfo(location).absoluteFilePath());
    const QUrl url(location.trimmed(), QUrl::StrictMode);
    if (!url.isValid() || url.scheme().isEmpty())
        return location.trimmed();
    // libpq's defaults: the user's own database, the local host, 5432.
    QString database = url.path().mid(1);
    if (database.isEmpty())
        database = url.userName();
    QString host = url.host().isEmpty() ? QStringLiteral("localhost") : url.host();
    if (host.contains(QLatin1Char(':')))
        host = QLatin1Char('[') + host + QLatin1Char(']'); // IPv6

    return QObject::tr("%1 on %2:%3 (PostgreSQL)")
        .arg(database.isEmpty() ? QObject::tr("the default database") : database, host)
        .arg(url.port(5432));
}

} // namespace pv
