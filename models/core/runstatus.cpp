#include "core/runstatus.h"

#include <array>

namespace pv {

namespace {

constexpr std::array<std::pair<RunStatus, const char *>, 7> names{{
    {RunStatus::Running, "running"},
    {RunStatus::Succeeded, "succeeded"},
    {RunStatus::Failed, "failed"},
    {RunStatus::Cancelled, "cancelled"},
    {RunStatus::Refused, "refused"},
    {RunStatus::Interrupted, "interrupted"},
    {RunStatus::Replaced, "replaced"},
}};

} // namespace

QString runStatusName(RunStatus status)
{
    for (const auto &[value, name] : names)
        if (value == status)
            return QString::fromLatin1(name);
    return {};
}

RunStatus runStatusFromName(const QString &name)
{
    for (const auto &[value, text] : names)
        if (name == QLatin1String(text))
            return value;
    return RunStatus::Failed;
}

} // namespace pv
