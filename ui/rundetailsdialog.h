#pragma once

#include "load/loadworker.h"

#include <QDialog>

#include <optional>

class QLabel;
class QTableView;

namespace pv {

class QueryThread;
class RejectedLinesModel;
struct LoadRun;

/// One load run in full: what was loaded from which file, the counts, the outcome and its reason, and
/// the rejected lines (line, reason, raw text), which can be copied or exported as CSV. A run that loaded
/// nothing shows its counts as found in the file, not loaded.
class RunDetailsDialog : public QDialog
{
    Q_OBJECT
public:
    /// The dialog reads the run from the warehouse at warehousePath on a query thread of its own and shows
    /// it when it arrives (runShown()).
    RunDetailsDialog(const QString &warehousePath, qint64 runId, QWidget *parent = nullptr);

    qint64 runId() const { return m_runId; }
    RejectedLinesModel *rejects() const { return m_rejects; }
    /// The run's outcome and reason as shown.
    QString outcomeText() const;

    /// Copies the selected rejected lines (all fetched ones when none is selected) as tab-separated text.
    void copyRejects();
    /// Asks for a file and writes every rejected line of the run as CSV.
    void exportRejects();

signals:
    /// The run was read and is shown (its rejected lines follow in rejects()).
    void runShown();
    /// The operator asked to load this run's file again: retried (a run that did not load), or loaded anyway
    /// (a snapshot the removal guard refused).
    void loadRequested(const pv::LoadRequest &request);

private:
    void showRun(const std::optional<LoadRun> &found);

    qint64 m_runId = 0;
    QueryThread *m_queries = nullptr;
    QLabel *m_reading = nullptr;
    RejectedLinesModel *m_rejects = nullptr;
    QTableView *m_view = nullptr;
    QLabel *m_outcome = nullptr;
};

} // namespace pv
