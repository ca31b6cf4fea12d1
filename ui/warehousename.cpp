#include "warehousename.h"

#include <QCryptographicHash>

#include "storage/warehouse.h"

#include <QDir>
#include <QFileInfo>
#include <QObject>

namespace pv {

QString warehouseName(const QString &location)
{
    if (!Warehouse::isServerLocation(location))
        return QDir::toNativeSeparators(QFileInfo(location).absoluteFilePath());
    const std::optional<Warehouse::ServerAddress> address = Warehouse::serverAddress(location);
    if (!address)
        return location.trimmed();
    // libpq's defaults: the user's own database, the local host, 5432.
    const QString database = !address->database.isEmpty() ? address->database
                             : !address->user.isEmpty()   ? address->user
                                                          : QObject::tr("the default database");
    QString host = address->host.isEmpty() ? QStringLiteral("localhost") : address->host;
    if (host.contains(QLatin1Char(':')) && !host.startsWith(QLatin1Char('/')))
        host = QLatin1Char('[') + host + QLatin1Char(']'); // IPv6
    const QString port = address->port.isEmpty() ? QStringLiteral("5432") : address->port;
    return address->user.isEmpty() ? QObject::tr("%1 on %2:%3 (PostgreSQL)").arg(database, host, port)
                                   : QObject::tr("%1 on %2:%3 as %4 (PostgreSQL)").arg(database, host, port, address->user);
}

QString warehouseSettingsKey(const QString &group, const QString &location)
{
    return group + QLatin1Char('/')
        + QString::fromLatin1(QCryptographicHash::hash(location.toUtf8(), QCryptographicHash::Sha256).toHex().left(24));
}

} // namespace pv
