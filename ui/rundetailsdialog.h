#pragma once

#include <QDialog>

class QLabel;
class QTableView;

namespace pv {

class RejectedLinesModel;
class Warehouse;

/// One load run in full: what was loaded from which file, the counts, the outcome and its reason, and
/// the rejected lines (line, reason, raw text), which can be copied or exported as CSV.
class RunDetailsDialog : public QDialog
{
    Q_OBJECT
public:
    RunDetailsDialog(const Warehouse &warehouse, qint64 runId, QWidget *parent = nullptr);

    qint64 runId() const { return m_runId; }
    RejectedLinesModel *rejects() const { return m_rejects; }
    /// The run's outcome and reason as shown.
    QString outcomeText() const;

    /// Copies the selected rejected lines (all fetched ones when none is selected) as tab-separated text.
    void copyRejects();
    /// Asks for a file and writes every rejected line of the run as CSV.
    void exportRejects();

private:
    const Warehouse &m_warehouse;
    qint64 m_runId = 0;
    RejectedLinesModel *m_rejects = nullptr;
    QTableView *m_view = nullptr;
    QLabel *m_outcome = nullptr;
};

} // namespace pv
