#pragma once

#include <QObject>
#include <QString>

#include <memory>

namespace pv {

class WarehouseChangeWatcher;

/// When the window's screens re-read the warehouse: on request (Refresh, a load ended) and whenever
/// another connection commits to the warehouse being followed. At most one refresh is in flight — from
/// refresh() until every query thread under the screens has delivered — and requests meanwhile run
/// once more after it.
class ScreenRefresh : public QObject
{
    Q_OBJECT
public:
    /// screens is searched for the query threads a refresh sets reading (the window).
    explicit ScreenRefresh(QObject *screens, QObject *parent = nullptr);
    ~ScreenRefresh() override;

    /// Refreshes whenever another connection commits to the warehouse at location, replacing the one
    /// followed before; an empty location follows none. False, with *error set, when it cannot watch.
    bool follow(const QString &location, QString *error);
    bool isFollowing() const { return m_watcher != nullptr; }

    /// Refreshes now, or once more after the refresh in flight.
    void request();
    bool isRefreshing() const { return m_refreshing; }

signals:
    /// The screens re-read the warehouse now.
    void refresh();

private:
    void settle();

    QObject *m_screens = nullptr;
    std::unique_ptr<WarehouseChangeWatcher> m_watcher;
    bool m_refreshing = false;
    bool m_again = false;
};

} // namespace pv
