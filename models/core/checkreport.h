#pragma once

#include <QStringList>

namespace pv {

/// What `check` found: the warehouse's proof that the incremental path is right.
struct CheckReport
{
    QStringList differences;  ///< empty when everything agrees
    qint64 factsChecked = 0;
    qint64 hoursChecked = 0;
    qint64 usersChecked = 0;
    bool cancelled = false;
    bool ok() const { return differences.isEmpty() && !cancelled; }
};

} // namespace pv
