#pragma once

#include <QHash>
#include <QObject>
#include <QString>

#include <functional>

class QThread;

namespace pv {

class Warehouse;

/// Runs the desktop's read queries off the GUI thread: every screen, dialog and paged model reads through
/// one. The thread opens its own Warehouse on the
/// path (a connection belongs to the thread that opened it; it never creates nor upgrades one) and keeps it
/// for every query it runs.
/// Requests are grouped by channel: a newer request on a channel supersedes an older one that has not
/// started, and the result of an older one that was already running is dropped. The destructor waits for
/// the running query and closes the connection on its own thread.
class QueryThread : public QObject
{
    Q_OBJECT
public:
    /// What runs on the thread; the closure it returns runs on the requester's thread with the result.
    using Job = std::function<std::function<void()>(Warehouse &warehouse)>;

    explicit QueryThread(const QString &warehousePath, QObject *parent = nullptr);
    ~QueryThread() override;

    QString warehousePath() const { return m_path; }

    /// Queues job on channel, superseding the channel's earlier requests.
    void request(const QString &channel, Job job);
    /// True while a request has not delivered its result yet.
    bool isBusy() const { return m_outstanding > 0; }

signals:
    void busyChanged(bool busy);
    /// The warehouse could not be opened on the thread, or a request's read failed (StorageError): the
    /// request delivers nothing, and this says why.
    void failed(const QString &message);

private:
    void finished(const QString &channel, quint64 generation, const std::function<void()> &deliver);
    void setOutstanding(int outstanding);

    QString m_path;
    QThread *m_thread = nullptr;
    QObject *m_worker = nullptr;   // lives on m_thread; owns the thread's Warehouse
    QHash<QString, quint64> m_generations;
    int m_outstanding = 0;
};

} // namespace pv
