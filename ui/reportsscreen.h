#pragma once

#include "export/reportcsv.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTableView;

namespace pv {

class LoadFeedback;
class PeriodSelector;
class QueryThread;
class ReportTableModel;

/// The analyst's reports: the command line's report (one basis, or both bases as two columns; grain;
/// range; postcodes) previewed as a table, partial periods marked, and exported as CSV with progress and
/// cancel. Queries and the
/// export run on the screen's own QueryThread.
class ReportsScreen : public QWidget
{
    Q_OBJECT
public:
    explicit ReportsScreen(const QString &warehousePath, QWidget *parent = nullptr);
    ~ReportsScreen() override;

    /// Re-queries the preview (after a load).
    void reload();
    /// Runs the report with the chosen filters into the preview.
    void preview();
    /// Runs the report with the chosen filters and writes it to path; finished through exportFinished.
    void exportCsv(const QString &path);
    void cancelExport();

    /// "current", "at-time" or empty for both bases.
    void setBasis(const QString &basis);
    QString basis() const;
    void setPostcodes(const QString &postcodes);
    QString postcodes() const;
    void setCsvOptions(const ReportCsvOptions &options);
    ReportCsvOptions csvOptions() const;

    PeriodSelector *periodSelector() const { return m_period; }
    ReportTableModel *tableModel() const { return m_model; }
    QString status() const;

signals:
    void previewUpdated();
    /// ok false with the reason when the export failed or was cancelled.
    void exportFinished(bool ok, const QString &message);

private:
    /// The query the controls describe; nullopt with *error when they do not describe one.
    std::optional<ReportQuery> currentQuery(bool *bothBases, QString *error) const;
    void setExporting(bool exporting);

    QueryThread *m_queries = nullptr;
    QueryThread *m_exports = nullptr; // an export's own reader, while one runs
    QString m_postcodesKey; // where the postcodes reported on this warehouse are remembered
    QComboBox *m_basis = nullptr;
    PeriodSelector *m_period = nullptr;
    QLineEdit *m_postcodes = nullptr;
    QTableView *m_table = nullptr;
    ReportTableModel *m_model = nullptr;
    QLabel *m_status = nullptr;
    QCheckBox *m_headerLines = nullptr;
    QCheckBox *m_hoursLoaded = nullptr;
    QCheckBox *m_bom = nullptr;
    QCheckBox *m_neutralise = nullptr;
    QPushButton *m_export = nullptr;
    QPushButton *m_cancel = nullptr;
    QProgressBar *m_progress = nullptr;
    LoadFeedback *m_feedback = nullptr;  // of the running export
};

} // namespace pv
