#include "core/basis.h"

namespace pv {

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

} // namespace pv
