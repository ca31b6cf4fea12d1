#pragma once

#include "core/writeoutcome.h"

#include <QString>

#include <functional>

class QIODevice;

namespace pv {

/// Writes path through QSaveFile: write(out, &reason) fills it, and the file appears whole or not at all
/// (a failed or cancelled write leaves whatever was there before). write's reason on failure is
/// "cannot write: REASON". Failed comes with *error "PATH: cannot write: REASON".
WriteOutcome saveWholeFile(const QString &path,
                           const std::function<WriteOutcome(QIODevice *out, QString *reason)> &write, QString *error);

} // namespace pv
