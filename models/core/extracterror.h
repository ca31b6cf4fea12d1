#pragma once

#include <QString>

namespace pv {

/// A problem found in an extract file, written for the operator who has to act on it.
/// line is the 1-based physical line where the record starts (0 when the problem is not tied to a line).
struct ExtractError
{
    QString file;
    qint64 line = 0;
    QString column;
    QString reason;

    bool isNull() const { return reason.isEmpty(); }
    /// "FILE:LINE: column 'COL': REASON", leaving out the parts that are empty.
    QString message() const;
};

} // namespace pv
