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
    qint64 postcodesChecked = 0;
    QString storageStructure; ///< what the engine's own check of its structure covered (empty: not run)
    bool cancelled = false;
    bool ok() const { return differences.isEmpty() && !cancelled; }
};

} // namespace pv
