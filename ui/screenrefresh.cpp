#include "screenrefresh.h"

#include "query/querythread.h"
#include "storage/warehousechanges.h"

#include <QLoggingCategory>

#include <algorithm>
#include <utility>

namespace pv {

namespace {
// Off by default; QT_LOGGING_RULES="pvadmin.refresh.debug=true" says on stderr when the screens re-read the
// warehouse (scripts/soak.sh counts them).
Q_LOGGING_CATEGORY(lcRefresh, "pvadmin.refresh", QtWarningMsg)
} // namespace

ScreenRefresh::ScreenRefresh(QObject *screens, QObject *parent)
    : QObject(parent)
    , m_screens(screens)
{
}

ScreenRefresh::~ScreenRefresh() = default;

bool ScreenRefresh::follow(const QString &location, QString *error)
{
    m_watcher.reset();
    if (location.isEmpty())
        return true;
    m_watcher = WarehouseChangeWatcher::watch(location, error);
    if (m_watcher)
        connect(m_watcher.get(), &WarehouseChangeWatcher::changed, this, &ScreenRefresh::request);
    return m_watcher != nullptr;
}

void ScreenRefresh::request()
{
    if (m_refreshing) {
        qCDebug(lcRefresh, "refresh asked while one is reading: the screens read once more after it");
        m_again = true;
        return;
    }
    qCDebug(lcRefresh, "refresh started: every screen and the status bar re-read the warehouse");
    m_refreshing = true;
    emit refresh();
    settle();
}

void ScreenRefresh::settle()
{
    if (!m_refreshing)
        return;
    // The screens (rebuilt when another warehouse opens) and dialogs come and go: the threads reading now
    // are looked for each time. One deleted while it reads ends its part too, once it has gone.
    const QList<QueryThread *> threads = m_screens->findChildren<QueryThread *>();
    for (QueryThread *queries : threads) {
        connect(queries, &QueryThread::busyChanged, this, &ScreenRefresh::settle, Qt::UniqueConnection);
        connect(queries, &QObject::destroyed, this, &ScreenRefresh::settle,
                Qt::ConnectionType(Qt::QueuedConnection | Qt::UniqueConnection));
    }
    if (std::any_of(threads.begin(), threads.end(), [](const QueryThread *q) { return q->isBusy(); }))
        return;
    m_refreshing = false;
    qCDebug(lcRefresh, "refresh read: %lld query threads delivered", static_cast<long long>(threads.size()));
    if (std::exchange(m_again, false))
        request();
}

} // namespace pv
