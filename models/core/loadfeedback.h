#pragma once

#include <QObject>
#include <QString>

#include <atomic>

namespace pv {

/// Progress and cancel for one long operation (a load, a check, an export, generating extracts).
/// The worker calls setStage()/setProgress() and polls isCancelled(); any thread may call cancel().
/// Signals are emitted from the worker's thread; connect with a queued connection from the GUI.
class LoadFeedback : public QObject
{
    Q_OBJECT
public:
    explicit LoadFeedback(QObject *parent = nullptr);

    void cancel() { m_cancelled.store(true, std::memory_order_relaxed); }
    bool isCancelled() const { return m_cancelled.load(std::memory_order_relaxed); }

    /// Starts a named stage ("reading", "attributing", "writing facts", ...). total may be 0 when unknown.
    void setStage(const QString &stage, qint64 total = 0);
    /// Reports work done in the current stage; emits progressChanged at most every ~100 ms.
    void setProgress(qint64 done);
    /// Something the operator should be told even where no progress is drawn (a load waiting for
    /// another client's): emits notice.
    void tell(const QString &text);

    QString stage() const { return m_stage; }
    qint64 done() const { return m_done; }
    qint64 total() const { return m_total; }

signals:
    void stageChanged(const QString &stage, qint64 total);
    void progressChanged(qint64 done, qint64 total);
    void notice(const QString &text);

private:
    std::atomic<bool> m_cancelled{false};
    QString m_stage;
    qint64 m_done = 0;
    qint64 m_total = 0;
    qint64 m_lastEmitMs = 0;
};

} // namespace pv
