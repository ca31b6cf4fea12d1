#pragma once

#include <QString>

#include <functional>

class QIODevice;

namespace pv {

/// Writes path through QSaveFile: write(out, &reason) fills it, and the file appears whole or not at all
/// (a failed or cancelled write leaves whatever was there before). write's reason is "cannot write: REASON"
/// or "cancelled". Returns false with *error "PATH: cannot write: REASON", or "cancelled" as it is.
bool saveWholeFile(const QString &path, const std::function<bool(QIODevice *out, QString *reason)> &write,
                   QString *error);

} // namespace pv
