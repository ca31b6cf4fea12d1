#pragma once

namespace pv {

/// How writing a file, an extract or a device ended. A cancel is not an error: it has no message.
enum class WriteOutcome { Written, Failed, Cancelled };

} // namespace pv
