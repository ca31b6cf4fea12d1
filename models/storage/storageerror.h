#pragma once

#include <QString>

namespace pv {

/// The warehouse's database refused or failed an operation (a full disk, a lock held too long, a damaged
/// structure). Thrown by the storage implementations; a load turns it into a failed run with this message.
struct StorageError
{
    QString message;
};

} // namespace pv
