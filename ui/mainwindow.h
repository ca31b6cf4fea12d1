#pragma once

#include "load/loadworker.h"
#include "storage/warehouse.h"

#include <QMainWindow>

#include <functional>
#include <type_traits>

class QAction;
class QDockWidget;
class QLabel;
class QListWidget;
class QMenu;
class QStackedWidget;
class QTimer;

namespace pv {

class ElidedLabel;
class ImportDialog;
class LoadProgressPanel;
class LoadsScreen;
class OverviewScreen;
class PostgresConnectDialog;
class QueryThread;
struct WarehouseStatus;
class RunDetailsDialog;
class ScreenRefresh;

/// The desktop app's window over one warehouse. It only composes: a navigation list of screens
/// (Overview, Loads, and the analyst's screens), the load progress panel, the menus and the status bar
/// (latest snapshot, latest hour, a warning when either is stale, and which warehouse is open). The
/// screens refresh by themselves when another connection commits to the warehouse.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    /// location: a warehouse file, or a PostgreSQL URL or libpq keywords.
    explicit MainWindow(const QString &location, QWidget *parent = nullptr);
    ~MainWindow() override;

    /// Opens (creating if needed) another warehouse and rebuilds every screen on it.
    bool openWarehouse(const QString &location);
    /// The warehouse open in the window; empty when none is. The window holds no connection of its own:
    /// the screens read through their shared QueryThread, loads and settings connect while they run.
    QString warehousePath() const { return m_warehousePath; }
    /// Why this connection cannot load (Warehouse::whyReadOnly, asked once per open); empty when it can.
    QString whyReadOnly() const { return m_whyReadOnly; }

    /// Adds a screen to the navigation: make builds it for the open warehouse (again whenever another
    /// warehouse is opened). A screen with reload() is reloaded on warehouseChanged(); one with a
    /// runRequested(qint64) signal opens runs. For example:
    ///     addScreen(tr("Charts"), [](const Warehouse &w) { return new ChartsScreen(w.path()); });
    template <typename Make>
    void addScreen(const QString &title, Make make);

    /// Opens the import dialog (non-blocking) with these files added; the files dropped on the window
    /// come here too. Returns the dialog, which loads its files when accepted.
    ImportDialog *importFiles(const QStringList &paths = {});
    /// Queues files for loading into the open warehouse, in order, and shows the progress panel.
    void startLoads(const QList<LoadRequest> &requests);
    /// Queues a run's file again (a retry, or a refused snapshot loaded anyway), read with the layout
    /// remembered for its folder.
    void loadAgain(LoadRequest request);
    /// Opens a run's details (non-modal).
    RunDetailsDialog *showRun(qint64 runId);
    /// File → Connect to PostgreSQL: the dialog (non-blocking), which opens its warehouse here when it connects.
    PostgresConnectDialog *connectToPostgres();
    /// Re-reads every screen and the status bar (File → Refresh); while a refresh is being read, once more after it.
    void refresh();
    void showScreen(const QString &title);
    QWidget *screen(const QString &title) const;

    OverviewScreen *overview() const;
    LoadsScreen *loads() const;
    LoadQueue *loadQueue() const { return m_loads; }
    LoadProgressPanel *progressPanel() const { return m_progress; }
    QAction *importAction() const { return m_importAction; }
    QAction *refreshAction() const { return m_refreshAction; }
    /// Help → Documentation: where the manual and the installed documents are.
    static QString documentationText();
    /// Help → Keyboard shortcuts: every action with a shortcut, as a table.
    QString shortcutsText() const;
    /// The status bar's text: which warehouse, latest snapshot, latest hour, the staleness warning if any,
    /// and why the screens do not refresh by themselves if they cannot.
    QString statusText() const;

signals:
    /// The screens re-read the warehouse: a load ended, Refresh, or another connection committed.
    void warehouseChanged();

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;
    void closeEvent(QCloseEvent *event) override;

private:
    struct ScreenEntry
    {
        QString title;
        std::function<QWidget *(const QString &warehousePath)> make;
        std::function<void(QWidget *)> wire;
        QWidget *widget = nullptr;
    };

    void insertScreen(ScreenEntry entry);
    void buildScreen(ScreenEntry &entry);
    void createMenus();
    void refreshStatus();
    void showStatus(const WarehouseStatus &status);
    void followChanges(const QString &location);
    void rememberRecent(const QString &location);
    void updateRecentMenu();
    void newWarehouse();
    void chooseWarehouse();
    void openSettings();
    void updateActions();
    void showAbout();
    void showDocumentation();
    void showShortcuts();

    QString m_warehousePath;
    QString m_whyReadOnly;
    QueryThread *m_statusQueries = nullptr; ///< reads the status bar's figures; one per open warehouse
    LoadQueue *m_loads = nullptr;
    ScreenRefresh *m_refresh = nullptr;
    QList<ScreenEntry> m_screens;
    QListWidget *m_navigation = nullptr;
    QStackedWidget *m_stack = nullptr;
    QDockWidget *m_progressDock = nullptr;
    LoadProgressPanel *m_progress = nullptr;
    ImportDialog *m_import = nullptr;
    QLabel *m_snapshotStatus = nullptr;
    QLabel *m_hourStatus = nullptr;
    ElidedLabel *m_staleWarning = nullptr;
    QLabel *m_location = nullptr;
    QLabel *m_notFollowing = nullptr;
    QMenu *m_recent = nullptr;
    QMenu *m_viewMenu = nullptr; // the progress panel, then a Ctrl+N action per screen
    QAction *m_newAction = nullptr;
    QAction *m_openAction = nullptr;
    QAction *m_connectAction = nullptr;
    QAction *m_importAction = nullptr;
    QAction *m_refreshAction = nullptr;
    QTimer *m_hideProgress = nullptr;
    QAction *m_settingsAction = nullptr;
};

template <typename Make>
void MainWindow::addScreen(const QString &title, Make make)
{
    using S = std::remove_pointer_t<std::invoke_result_t<Make, const QString &>>;
    ScreenEntry entry;
    entry.title = title;
    entry.make = [make](const QString &warehousePath) -> QWidget * { return make(warehousePath); };
    entry.wire = [this](QWidget *widget) {
        auto *screen = static_cast<S *>(widget);
        if constexpr (requires { screen->reload(); })
            connect(this, &MainWindow::warehouseChanged, screen, [screen] { screen->reload(); });
        if constexpr (requires { &S::runRequested; })
            connect(screen, &S::runRequested, this, [this](qint64 runId) { showRun(runId); });
    };
    insertScreen(std::move(entry));
}

} // namespace pv
