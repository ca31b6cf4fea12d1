#pragma once

#include <QString>

namespace pv {

/// Where a load run stands; stored by name in load_runs.status.
enum class RunStatus {
    Running,     ///< started and not finished (a crash leaves it so until the next open)
    Succeeded,   ///< committed, and live
    Failed,      ///< nothing was loaded: bad input or a database error
    Cancelled,   ///< the operator cancelled; nothing was loaded
    Refused,     ///< refused before loading (no as-of, removal guard); nothing was loaded
    Interrupted, ///< the process died while it was running; nothing was loaded
    Replaced,    ///< committed, then replaced by a later file for the same hour or as-of
};

/// The stored and printed name: "running", "succeeded", "failed", ...
QString runStatusName(RunStatus status);
/// The status a stored name stands for; Failed for a name this version does not know.
RunStatus runStatusFromName(const QString &name);
/// Failed, refused or interrupted: something the operator should look at.
constexpr bool needsAttention(RunStatus status)
{
    return status == RunStatus::Failed || status == RunStatus::Refused || status == RunStatus::Interrupted;
}

} // namespace pv
