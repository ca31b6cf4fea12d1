#pragma once

#include "export/savefile.h"
#include "query/pageviewquery.h"
#include "query/postcodedirectory.h"
#include "query/reporttable.h"
#include "query/warehousecoverage.h"

#include <QByteArray>
#include <QList>
#include <QString>

class QIODevice;

namespace pv {

class LoadFeedback;

/// How a report is written as CSV (CsvWriter: RFC 4180, UTF-8, LF line ends).
struct ReportCsvOptions
{
    /// Lines starting with '#' before the column header recording the filters, the basis definition and
    /// the data's freshness. Off, and with one basis, the file is byte for byte what `pvadmin report` writes.
    bool headerLines = false;
    /// Two more columns, hours_loaded and period_hours: how many hours of each row's period (inside the
    /// range) had their pageviews file loaded, of the hours the period has. hours_loaded < period_hours marks
    /// a partial period, whose count covers only the loaded hours (and any late rows).
    bool hoursLoaded = false;
    /// A UTF-8 byte order mark first, so spreadsheets read the file as UTF-8.
    bool utf8Bom = false;
    /// A text cell starting with = + - @ TAB or CR gets a leading apostrophe so a spreadsheet shows it
    /// instead of running it as a formula (OWASP, CSV injection). Number columns are written as numbers
    /// and never changed: a difference of -3 stays the number -3.
    bool neutraliseFormulas = true;
};

/// What the header lines record.
struct ReportDescription
{
    ReportQuery query;
    bool bothBases = false;
    DataFreshness freshness;
    qint64 exportedAt = 0;  ///< seconds since the epoch
};

/// The one report CSV writer, behind both `pvadmin report` and the Reports screen's export.
class ReportCsvWriter
{
public:
    explicit ReportCsvWriter(const ReportCsvOptions &options = {});

    /// The '#' lines for a report (without line ends).
    QStringList headerLines(const ReportDescription &description) const;
    /// Writes the whole report through CsvWriter; progress (rows) and cancel through feedback (may be
    /// null). Failed comes with *error "cannot write: REASON".
    WriteOutcome write(const ReportTable &table, const ReportDescription &description, QIODevice *out,
               LoadFeedback *feedback, QString *error) const;

private:
    ReportCsvOptions m_options;
};

/// Writes the report to path through QSaveFile: the file appears complete or not at all (an error or a
/// cancel leaves whatever was there before). Failed comes with *error "PATH: cannot write: REASON".
WriteOutcome exportReportCsv(const QString &path, const ReportTable &table, const ReportDescription &description,
                     const ReportCsvOptions &options, LoadFeedback *feedback, QString *error);

/// The top postcodes as the Charts screen ranks them, as CSV (CsvWriter): postcode,current,at_time,difference,
/// in rank order. Failed comes with *reason "cannot write: REASON".
WriteOutcome writeRankingCsv(const QList<PostcodeRanking> &ranking, QIODevice *out, QString *reason);

} // namespace pv
