#pragma once

#include <QHash>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>

namespace pv {

class Warehouse;

class SharedReader;

/// Runs the desktop's read queries off the GUI thread: every screen, dialog and paged model reads through
/// one. The QueryThreads of one warehouse location share one reading thread and its one connection (a
/// desktop holds one reader connection on PostgreSQL, not one per screen); it opens its own Warehouse on the
/// path (a connection belongs to the thread that opened it; it never creates nor upgrades one) and keeps it
/// while any QueryThread of the location lives. A long job that must not hold up the screens' reads (a CSV
/// export) asks for a reader of its own (Reader::Own).
/// Requests are grouped by channel, per QueryThread: a newer request on a channel supersedes an older one
/// that has not started, and the result of an older one that was already running is dropped. Requests of
/// all the QueryThreads of a location run in the order they were made. The destructor waits for its own
/// running query, if any; the last QueryThread of a location closes the connection on its thread.
class QueryThread : public QObject
{
    Q_OBJECT
public:
    /// What runs on the thread; the closure it returns runs on the requester's thread with the result.
    using Job = std::function<std::function<void()>(Warehouse &warehouse)>;
    enum class Reader { Shared, Own };

    explicit QueryThread(const QString &warehousePath, QObject *parent = nullptr, Reader reader = Reader::Shared);
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
    std::shared_ptr<SharedReader> m_reader;
    quint64 m_id = 0;              // this requester among the reader's
    QHash<QString, quint64> m_generations;
    int m_outstanding = 0;
};

} // namespace pv
