#pragma once

#include "extract/extractlayout.h"

#include <QString>

namespace pv {

/// The layout (separator, column names, no header) the operator last gave for the files of path's folder in
/// the import dialog: a folder is fed by one pipeline. The contract's shape when none was given.
ExtractLayout rememberedLayout(const QString &path);
/// The layout to read path with: the one remembered for its folder when the file reads with it, else the
/// contract's shape when that reads it (a file in the contract's shape needs no layout, wherever it lies).
ExtractLayout layoutFor(const QString &path);
/// Remembers layout for the files of path's folder (in the user's settings).
void rememberLayout(const QString &path, const ExtractLayout &layout);

} // namespace pv
