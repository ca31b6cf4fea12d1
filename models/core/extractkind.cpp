#include "core/extractkind.h"

namespace pv {

QString extractKindName(ExtractKind kind)
{
    switch (kind) {
    case ExtractKind::UsersSnapshot:
        return QStringLiteral("users");
    case ExtractKind::Pageviews:
        return QStringLiteral("pageviews");
    case ExtractKind::Unknown:
        break;
    }
    return QStringLiteral("unknown");
}

ExtractKind extractKindFromName(const QString &name)
{
    const QString normal = name.trimmed().toLower();
    if (normal == QLatin1String("users"))
        return ExtractKind::UsersSnapshot;
    if (normal == QLatin1String("pageviews"))
        return ExtractKind::Pageviews;
    return ExtractKind::Unknown;
}

} // namespace pv
