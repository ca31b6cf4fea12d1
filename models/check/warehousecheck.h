#pragma once

#include <QStringList>

namespace pv {

class LoadFeedback;
class Warehouse;

struct CheckReport
{
    QStringList differences;  ///< empty when everything agrees
    qint64 factsChecked = 0;
    qint64 hoursChecked = 0;
    qint64 usersChecked = 0;
    bool cancelled = false;
    bool ok() const { return differences.isEmpty() && !cancelled; }
};

/// The warehouse's proof that the incremental path is right: recomputes both hourly aggregates and every
/// fact's at-time postcode from the facts and the SCD2 history from scratch, checks the history's shape
/// and the current postcodes, and reconciles every hour (pageviews loaded = Σ at-time = Σ current).
/// Read-only; runs in one read transaction so a concurrent load does not disturb it.
CheckReport checkWarehouse(Warehouse &warehouse, LoadFeedback *feedback = nullptr);

} // namespace pv
