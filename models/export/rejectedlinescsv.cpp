#include "export/rejectedlinescsv.h"

#include "export/csvwriter.h"
#include "export/savefile.h"
#include "storage/runlog.h"
#include "storage/storageerror.h"

namespace pv {

qint64 writeRejectedLinesCsv(const LoadRunLog &log, qint64 runId, QIODevice *out, QString *error)
{
    constexpr int batchLines = 10000;
    // Rejected lines are whatever a file held: a cell a spreadsheet would run as a formula gets its
    // leading apostrophe, like the reports' export.
    CsvWriter csv(out, CsvWriter::Formulas::Neutralise);
    csv.addText(QStringLiteral("line")).addText(QStringLiteral("reason")).addText(QStringLiteral("raw")).endRow();
    qint64 written = 0;
    qint64 after = 0;
    for (bool more = true; more && !csv.hasFailed();) {
        QList<RejectedLine> batch;
        try {
            batch = log.rejects(runId, after, batchLines);
        } catch (const StorageError &e) {
            if (error)
                *error = QStringLiteral("cannot read the rejected lines: %1").arg(e.message);
            return -1;
        }
        for (const RejectedLine &line : batch)
            csv.addNumber(line.line).addText(line.reason).addBytes(line.raw).endRow();
        written += batch.size();
        more = batch.size() == batchLines;
        if (more)
            after = batch.constLast().line;
    }
    if (!csv.finish()) {
        if (error)
            *error = QStringLiteral("cannot write: %1").arg(csv.errorString());
        return -1;
    }
    return written;
}

qint64 exportRejectedLinesCsv(const LoadRunLog &log, qint64 runId, const QString &path, QString *error)
{
    qint64 written = -1;
    const WriteOutcome saved = saveWholeFile(path, [&](QIODevice *out, QString *reason) {
        written = writeRejectedLinesCsv(log, runId, out, reason);
        return written >= 0 ? WriteOutcome::Written : WriteOutcome::Failed;
    }, error);
    return saved == WriteOutcome::Written ? written : -1;
}

} // namespace pv
