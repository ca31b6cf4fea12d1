#pragma once

#include "load/loadworker.h"

#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;
class QTreeWidget;

namespace pv {

/// The non-modal panel that follows a LoadQueue: the current file, its stage, rows done, rows per
/// second, time left and a Cancel button; below, one line per finished file saying what happened
/// (loaded, rejected, late rows, replaced an earlier load, already loaded, refused and why). A snapshot the
/// removal guard refused can be loaded anyway from here.
class LoadProgressPanel : public QWidget
{
    Q_OBJECT
public:
    explicit LoadProgressPanel(LoadQueue *queue, QWidget *parent = nullptr);

    QPushButton *cancelButton() const { return m_cancel; }
    /// Queues the selected refused snapshot again, forced past the removal guard (loadAnywayRequested()).
    QPushButton *loadAnywayButton() const { return m_loadAnyway; }
    QProgressBar *progressBar() const { return m_bar; }
    QTreeWidget *results() const { return m_results; }
    /// The batch's one-line tally ("3 files: 2 loaded, 1 refused").
    QString tally() const;
    /// Every file of the last batch loaded or was already loaded: nothing for the operator to look at.
    bool batchSucceeded() const;
    /// The text shown for a finished file: what happened and, when it did not load, what to do.
    static QString describe(const LoadResult &result);

signals:
    /// The operator asked for the details of a finished file's run.
    void runRequested(qint64 runId);
    /// The operator asked to load a refused snapshot anyway.
    void loadAnywayRequested(const pv::LoadRequest &request);

private:
    void onStarted(const QString &path, int fileNumber, int fileCount);
    void onProgress(const LoadProgress &progress);
    void onFinished(const QString &path, const LoadResult &result);
    void onIdle();
    void clearCounts();
    void startBatch();
    void updateLoadAnyway();

    LoadQueue *m_queue = nullptr;
    QLabel *m_file = nullptr;
    QLabel *m_stage = nullptr;
    QLabel *m_rows = nullptr;
    QLabel *m_rate = nullptr;
    QLabel *m_timeLeft = nullptr;
    QLabel *m_tally = nullptr;
    QProgressBar *m_bar = nullptr;
    QPushButton *m_cancel = nullptr;
    QPushButton *m_loadAnyway = nullptr;
    QTreeWidget *m_results = nullptr;
    bool m_newBatch = true;
    int m_loaded = 0;
    int m_already = 0;
    int m_failed = 0;
    int m_refused = 0;
    int m_cancelled = 0;
};

} // namespace pv
