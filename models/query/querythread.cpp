#include "query/querythread.h"

#include "storage/storageerror.h"
#include "storage/warehouse.h"

#include <QMutex>
#include <QThread>

#include <memory>

namespace pv {

namespace {

/// The thread's side: one Warehouse opened lazily on the thread, and the channels' latest generations
/// so a superseded request is skipped before it starts.
class QueryWorker : public QObject
{
public:
    explicit QueryWorker(const QString &path)
        : m_path(path)
    {
    }

    ~QueryWorker() override = default;

    void setLatest(const QString &channel, quint64 generation)
    {
        QMutexLocker lock(&m_mutex);
        m_latest[channel] = generation;
    }

    bool isLatest(const QString &channel, quint64 generation)
    {
        QMutexLocker lock(&m_mutex);
        return !m_stopping && m_latest.value(channel) == generation;
    }

    /// Requests still queued are skipped from now on.
    void stop()
    {
        QMutexLocker lock(&m_mutex);
        m_stopping = true;
    }

    /// The open warehouse, or nullptr with *error set.
    Warehouse *warehouse(QString *error)
    {
        if (!m_warehouse) {
            auto warehouse = std::make_unique<Warehouse>();
            if (!warehouse->open(m_path, error, Warehouse::Role::Reader, Warehouse::Creation::ExistingOnly))
                return nullptr;
            m_warehouse = std::move(warehouse);
        }
        return m_warehouse.get();
    }

    void closeWarehouse() { m_warehouse.reset(); }

private:
    QString m_path;
    std::unique_ptr<Warehouse> m_warehouse;
    QMutex m_mutex;
    QHash<QString, quint64> m_latest;
    bool m_stopping = false;
};

} // namespace

QueryThread::QueryThread(const QString &warehousePath, QObject *parent)
    : QObject(parent)
    , m_path(warehousePath)
    , m_thread(new QThread)
    , m_worker(new QueryWorker(warehousePath))
{
    m_thread->setObjectName(QStringLiteral("pvadmin-query"));
    m_worker->moveToThread(m_thread);
    m_thread->start();
}

QueryThread::~QueryThread()
{
    auto *worker = static_cast<QueryWorker *>(m_worker);
    worker->stop();
    // The connection is closed on the thread that opened it, after the running query.
    QMetaObject::invokeMethod(worker, [worker] { worker->closeWarehouse(); }, Qt::BlockingQueuedConnection);
    m_thread->quit();
    m_thread->wait();
    delete m_worker;
    delete m_thread;
}

void QueryThread::request(const QString &channel, Job job)
{
    const quint64 generation = ++m_generations[channel];
    auto *worker = static_cast<QueryWorker *>(m_worker);
    worker->setLatest(channel, generation);
    setOutstanding(m_outstanding + 1);
    QMetaObject::invokeMethod(
        worker,
        [this, worker, channel, generation, job = std::move(job)] {
            std::function<void()> deliver;
            QString error;
            if (worker->isLatest(channel, generation)) {
                // A connection that failed (a server restarted, a backend terminated) is closed and the
                // request read once more on a new one, so a screen recovers by itself; a second failure is
                // the warehouse's, and is said.
                bool read = false;
                for (int attempt = 1; attempt <= 2 && !read; ++attempt) {
                    try {
                        if (Warehouse *warehouse = worker->warehouse(&error)) {
                            // What one request reads agrees with itself, whatever commits meanwhile.
                            const Warehouse::ReadSnapshot snapshot(*warehouse);
                            deliver = job(*warehouse);
                        } else
                            deliver = [this, error] { emit failed(error); };
                        read = true;
                    } catch (const StorageError &e) {
                        worker->closeWarehouse();
                        if (attempt == 2)
                            deliver = [this, message = tr("Cannot read the warehouse: %1").arg(e.message)] { emit failed(message); };
                    }
                }
            }
            QMetaObject::invokeMethod(
                this, [this, channel, generation, deliver] { finished(channel, generation, deliver); },
                Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

void QueryThread::finished(const QString &channel, quint64 generation, const std::function<void()> &deliver)
{
    if (deliver && m_generations.value(channel) == generation)
        deliver();
    setOutstanding(m_outstanding - 1);
}

void QueryThread::setOutstanding(int outstanding)
{
    const bool wasBusy = m_outstanding > 0;
    m_outstanding = outstanding;
    if (wasBusy != (m_outstanding > 0))
        emit busyChanged(m_outstanding > 0);
}

} // namespace pv
