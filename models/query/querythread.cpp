#include "query/querythread.h"

#include "storage/storageerror.h"
#include "storage/warehouse.h"

#include <QMutex>
#include <QSet>
#include <QThread>
#include <QWaitCondition>

namespace pv {

/// One reading thread and the Warehouse it opened, shared by the QueryThreads of a location. Each request
/// is known by its requester, channel and generation: only a channel's latest generation runs, and a
/// requester that is gone gets nothing delivered.
class SharedReader
{
public:
    enum class Turn { Run, Skip, Gone };

    /// The shared reader of a location (made when the first requester comes), or one of its own.
    static std::shared_ptr<SharedReader> acquire(const QString &path, QueryThread::Reader reader)
    {
        if (reader == QueryThread::Reader::Own)
            return std::make_shared<SharedReader>(path);
        static QMutex registryMutex;
        static QHash<QString, std::weak_ptr<SharedReader>> registry;
        QMutexLocker lock(&registryMutex);
        std::shared_ptr<SharedReader> shared = registry.value(path).lock();
        if (!shared) {
            shared = std::make_shared<SharedReader>(path);
            registry.insert(path, shared);
        }
        return shared;
    }

    explicit SharedReader(const QString &path)
        : m_path(path)
        , m_context(new QObject)
    {
        m_thread.setObjectName(QStringLiteral("pvadmin-query"));
        m_context->moveToThread(&m_thread);
        m_thread.start();
    }

    ~SharedReader()
    {
        // The connection is closed on the thread that opened it, after the running query.
        QMetaObject::invokeMethod(m_context, [this] { m_warehouse.reset(); }, Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
        delete m_context;
    }

    quint64 addRequester()
    {
        QMutexLocker lock(&m_mutex);
        return ++m_requesters;
    }

    /// Runs work on the reading thread, after what was posted before.
    void post(std::function<void()> work) { QMetaObject::invokeMethod(m_context, std::move(work), Qt::QueuedConnection); }

    void setLatest(quint64 requester, const QString &channel, quint64 generation)
    {
        QMutexLocker lock(&m_mutex);
        m_latest[key(requester, channel)] = generation;
    }

    /// On the reading thread, before a request: whether it runs, is skipped (superseded; its requester is
    /// told), or its requester is gone (nothing may reach it). Until finish(), the requester's destructor waits.
    Turn begin(quint64 requester, const QString &channel, quint64 generation)
    {
        QMutexLocker lock(&m_mutex);
        if (m_gone.contains(requester))
            return Turn::Gone;
        m_running = requester;
        return m_latest.value(key(requester, channel)) == generation ? Turn::Run : Turn::Skip;
    }

    void finish()
    {
        QMutexLocker lock(&m_mutex);
        m_running = 0;
        m_finished.wakeAll();
    }

    /// The requester is going: its queued requests are dropped, and this returns once none of them runs.
    void forget(quint64 requester, const QList<QString> &channels)
    {
        QMutexLocker lock(&m_mutex);
        m_gone.insert(requester);
        for (const QString &channel : channels)
            m_latest.remove(key(requester, channel));
        while (m_running == requester)
            m_finished.wait(&m_mutex);
    }

    /// On the reading thread: the open warehouse, or nullptr with *error set.
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
    static QString key(quint64 requester, const QString &channel)
    {
        return QString::number(requester) + QLatin1Char('/') + channel;
    }

    QString m_path;
    QThread m_thread;
    QObject *m_context;                       // lives on m_thread: what work is posted to
    std::unique_ptr<Warehouse> m_warehouse;   // used on m_thread only
    QMutex m_mutex;
    QWaitCondition m_finished;
    QHash<QString, quint64> m_latest;         // "requester/channel" → its latest generation
    QSet<quint64> m_gone;
    quint64 m_requesters = 0;
    quint64 m_running = 0;                    // the requester whose request is on the thread now
};

QueryThread::QueryThread(const QString &warehousePath, QObject *parent, Reader reader)
    : QObject(parent)
    , m_path(warehousePath)
    , m_reader(SharedReader::acquire(warehousePath, reader))
    , m_id(m_reader->addRequester())
{
}

QueryThread::~QueryThread()
{
    m_reader->forget(m_id, m_generations.keys());
    // The last requester of the location closes its connection, on its thread.
}

void QueryThread::request(const QString &channel, Job job)
{
    const quint64 generation = ++m_generations[channel];
    SharedReader *reader = m_reader.get();
    reader->setLatest(m_id, channel, generation);
    setOutstanding(m_outstanding + 1);
    reader->post([this, reader, id = m_id, channel, generation, job = std::move(job)] {
        const SharedReader::Turn turn = reader->begin(id, channel, generation);
        if (turn == SharedReader::Turn::Gone)
            return;
        std::function<void()> deliver;
        if (turn == SharedReader::Turn::Run) {
            // A connection that failed (a server restarted, a backend terminated) is closed and the request
            // read once more on a new one, so a screen recovers by itself; a second failure is the
            // warehouse's, and is said.
            QString error;
            bool read = false;
            for (int attempt = 1; attempt <= 2 && !read; ++attempt) {
                try {
                    if (Warehouse *warehouse = reader->warehouse(&error)) {
                        // What one request reads agrees with itself, whatever commits meanwhile.
                        const Warehouse::ReadSnapshot snapshot(*warehouse);
                        deliver = job(*warehouse);
                    } else
                        deliver = [this, error] { emit failed(error); };
                    read = true;
                } catch (const StorageError &e) {
                    reader->closeWarehouse();
                    if (attempt == 2)
                        deliver = [this, message = tr("Cannot read the warehouse: %1").arg(e.message)] { emit failed(message); };
                }
            }
        }
        QMetaObject::invokeMethod(
            this, [this, channel, generation, deliver] { finished(channel, generation, deliver); }, Qt::QueuedConnection);
        reader->finish(); // after the result was posted: a requester being destroyed waits for this
    });
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
