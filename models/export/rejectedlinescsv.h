#pragma once

#include <QString>

class QIODevice;

namespace pv {

class LoadRunLog;

/// Writes every rejected line of a run as CSV (line,reason,raw) through CsvWriter, reading them in
/// batches; a text cell a spreadsheet would run as a formula (=, +, -, @, tab, CR first) is neutralised. Returns the lines written, or -1 with *error (when given) "cannot write: REASON" (or "cannot
/// read the rejected lines: REASON" when the warehouse fails).
qint64 writeRejectedLinesCsv(const LoadRunLog &log, qint64 runId, QIODevice *out, QString *error = nullptr);
/// The same CSV to path through a QSaveFile, so a failed export leaves no file. Returns the lines
/// written, or -1 with *error "PATH: cannot write: REASON".
qint64 exportRejectedLinesCsv(const LoadRunLog &log, qint64 runId, const QString &path, QString *error);

} // namespace pv
