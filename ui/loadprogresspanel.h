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
/// (loaded, rejected, late rows, replaced an earlier load, already loaded, refused and why).
class LoadProgressPanel : public QWidget
{
    Q_OBJECT
public:
    explicit LoadProgressPanel(LoadQueue *queue, QWidget *parent = nullptr);

    QPushButton *cancelButton() const { return m_cancel; }
    QProgressBar *progressBar() const { return m_bar; }
    QTreeWidget *results() const { return m_results; }
    /// The batch's one-line tally ("3 files: 2 loaded, 1 refused").
    QString tally() const;
    /// The text shown for a finished file: what happened and, when it did not load, what to do.
    static QString describe(const LoadResult &result);
    /// An engine message (written for the command line) with its advice naming the import dialog's options.
    static QString forTheDesktop(QString message);

signals:
    /// The operator asked for the details of a finished file's run.
    void runRequested(qint64 runId);

private:
    void onStarted(const QString &path, int fileNumber, int fileCount);
    void onProgress(const LoadProgress &progress);
    void onFinished(const QString &path, const LoadResult &result);
    void onIdle();
    void clearCounts();

    LoadQueue *m_queue = nullptr;
    QLabel *m_file = nullptr;
    QLabel *m_stage = nullptr;
    QLabel *m_rows = nullptr;
    QLabel *m_rate = nullptr;
    QLabel *m_timeLeft = nullptr;
    QLabel *m_tally = nullptr;
    QProgressBar *m_bar = nullptr;
    QPushButton *m_cancel = nullptr;
    QTreeWidget *m_results = nullptr;
    bool m_newBatch = true;
    int m_loaded = 0;
    int m_already = 0;
    int m_failed = 0;
    int m_refused = 0;
    int m_cancelled = 0;
};

} // namespace pv
