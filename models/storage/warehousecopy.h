#pragma once

#include <QString>

namespace pv {

class LoadFeedback;
class Warehouse;

/// What a copy did.
struct CopyOutcome
{
    bool ok = false;
    bool cancelled = false;
    QString error;  ///< why it failed or was refused
    qint64 rows = 0; ///< rows written, every table together
};

/// Copies the warehouse from into to (another engine or the same), table by table with their ids, in one
/// transaction on to: all or nothing. to must hold no runs yet. Progress by table on feedback, which can
/// cancel it.
CopyOutcome copyWarehouse(Warehouse &from, Warehouse &to, LoadFeedback *feedback);

} // namespace pv
