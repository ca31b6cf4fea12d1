#pragma once

#include "load/loadworker.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;

namespace pv {

class LoadRunsModel;
class QueryThread;

/// Every load run (the job tracker), newest first, sortable by any column and filterable by text and
/// status; rows load as the operator scrolls. Double-click or Enter opens a run's details; a run that did not
/// load is retried from its row (Retry, or its context menu, which also imports the file again with options).
class LoadsScreen : public QWidget
{
    Q_OBJECT
public:
    /// The screen reads the warehouse at warehousePath on a query thread of its own.
    explicit LoadsScreen(const QString &warehousePath, QWidget *parent = nullptr);

    /// Re-reads what the screen shows from the warehouse (after a load).
    void reload();
    /// Says which file the desktop is loading and how far it is, above the list. A progress without a path
    /// says nothing is loading.
    void showLoad(const LoadProgress &progress);
    QString loadText() const;

signals:
    /// The operator asked for the details of a load run.
    void runRequested(qint64 runId);
    /// The operator asked to load a run's file again as it is (Retry).
    void loadRequested(const pv::LoadRequest &request);
    /// The operator asked to import a run's file again through the import dialog, to choose its options.
    void importRequested(const QStringList &paths);

public:
    LoadRunsModel *runs() const { return m_model; }
    QTableView *view() const { return m_view; }
    QLineEdit *filterEdit() const { return m_filter; }
    QComboBox *statusFilter() const { return m_status; }

private:
    void openCurrentRun();
    void updateCount();
    /// The retry of the selected run, when it did not load and its file is there to read again.
    std::optional<LoadRequest> currentRetry() const;
    void retryCurrentRun();
    void updateRetry();

    QueryThread *m_queries = nullptr;
    LoadRunsModel *m_model = nullptr;
    QTableView *m_view = nullptr;
    QLineEdit *m_filter = nullptr;
    QComboBox *m_status = nullptr;
    QLabel *m_count = nullptr;
    QLabel *m_loading = nullptr;
    QPushButton *m_retry = nullptr;
};

} // namespace pv
