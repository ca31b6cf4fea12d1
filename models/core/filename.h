#pragma once

#include <QByteArray>
#include <QString>

namespace pv {

/// File names as Linux keeps them: bytes, which are UTF-8 by convention but need not be (a file copied from an
/// old Latin-1 system, a pipeline's bug). A name is carried in a QString through the program and turned back
/// into the very same bytes to open the file: each byte of the name that is not part of valid UTF-8 is held as
/// the lone surrogate U+DC80..U+DCFF (as Python's surrogateescape does), which no valid UTF-8 decodes to.

/// The name for these bytes (a command-line argument, a folder entry).
QString decodeFileName(const QByteArray &bytes);

/// The bytes of the name decodeFileName() gave, to open the file by.
QByteArray encodeFileName(const QString &name);

/// Whether the name holds bytes that are not UTF-8 (and so cannot be written as text without escaping).
bool hasUndecodableBytes(const QString &name);

/// The name made absolute against the current folder, the bytes that are not UTF-8 kept (QFileInfo loses them).
QString absoluteFileName(const QString &name);

/// The file a load run records for the path it was given: "<stdin>" for -, else the absolute path as text,
/// each byte that is not UTF-8 written \xHH.
QString recordedFilePath(const QString &path);

/// A file's name as every message shows it: a control character in it (a line feed or a tab too) written as
/// \xHH, so that a name cannot start a line of its own in a log, or drive a terminal; a byte that is not
/// UTF-8 is written \xHH too.
QString shownFileName(const QString &name);

} // namespace pv
