#include "mainwindow.h"

#include "query/querythread.h"

#include "chartsscreen.h"
#include "connectdialog.h"
#include "elidedlabel.h"
#include "core/time.h"
#include "historyscreen.h"
#include "importdialog.h"
#include "importlayouts.h"
#include "loadprogresspanel.h"
#include "loadsscreen.h"
#include "overviewscreen.h"
#include "reportsscreen.h"
#include "rundetailsdialog.h"
#include "screenrefresh.h"
#include "settingsdialog.h"
#include "warehousename.h"
#include "query/warehousestatus.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDesktopServices>
#include <QDir>
#include <QDirIterator>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QSettings>
#include <QScrollArea>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyle>
#include <QTimer>
#include <QToolBar>
#include <QUrl>

namespace pv {

namespace {
const char *const recentKey = "recentWarehouses";
constexpr int maxRecent = 8;

/// Files dropped or chosen: extract files as they are, folders expanded to the extracts in them.
QStringList extractFiles(const QStringList &paths)
{
    QStringList files;
    for (const QString &path : paths) {
        if (!QFileInfo(path).isDir()) {
            files << path;
            continue;
        }
        QDirIterator it(path, {QStringLiteral("*.csv"), QStringLiteral("*.csv.gz")}, QDir::Files);
        while (it.hasNext())
            files << it.next();
    }
    return files;
}

QString windowTitleFor(const QString &location)
{
    const QString name = Warehouse::isServerLocation(location)
        ? warehouseName(location)
        : QObject::tr("%1 (%2)").arg(QFileInfo(location).fileName(), QDir::toNativeSeparators(QFileInfo(location).absolutePath()));
    return QObject::tr("%1 — Pageview Warehouse Admin").arg(name);
}
} // namespace

MainWindow::MainWindow(const QString &location, QWidget *parent)
    : QMainWindow(parent)
    , m_loads(new LoadQueue(this))
    , m_refresh(new ScreenRefresh(this, this))
{
    setAcceptDrops(true);
    auto *central = new QWidget(this);
    auto *layout = new QHBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    m_navigation = new QListWidget(central);
    m_navigation->setObjectName(QStringLiteral("navigation"));
    m_navigation->setFixedWidth(150);
    m_navigation->setSpacing(2);
    m_navigation->setStyleSheet(QStringLiteral("QListWidget { border: none; border-right: 1px solid palette(mid); "
                                               "padding-top: 8px; } QListWidget::item { padding: 8px 12px; }"));
    m_stack = new QStackedWidget(central);
    layout->addWidget(m_navigation);
    layout->addWidget(m_stack, 1);
    setCentralWidget(central);
    connect(m_navigation, &QListWidget::currentRowChanged, m_stack, &QStackedWidget::setCurrentIndex);

    m_progress = new LoadProgressPanel(m_loads, this);
    m_progressDock = new QDockWidget(tr("Load progress"), this);
    m_progressDock->setObjectName(QStringLiteral("progressDock"));
    // Scrolled when the window is short (a 1024×600 screen): the panel never sets the window's least height.
    auto *progressScroll = new QScrollArea(m_progressDock);
    progressScroll->setWidget(m_progress);
    progressScroll->setWidgetResizable(true);
    progressScroll->setFrameShape(QFrame::NoFrame);
    m_progressDock->setWidget(progressScroll);
    m_progressDock->setFeatures(QDockWidget::DockWidgetClosable | QDockWidget::DockWidgetMovable
                                | QDockWidget::DockWidgetFloatable);
    addDockWidget(Qt::BottomDockWidgetArea, m_progressDock);
    m_progressDock->hide();
    connect(m_progress, &LoadProgressPanel::runRequested, this, [this](qint64 runId) { showRun(runId); });
    connect(m_progress, &LoadProgressPanel::loadAnywayRequested, this, &MainWindow::loadAgain);
    connect(m_loads, &LoadQueue::fileFinished, this, &MainWindow::refresh);
    // The Loads screen says which file is loading; its run, recorded before the file is read, is listed as
    // running (re-read as each stage begins), and as it ended at the end.
    connect(m_loads, &LoadQueue::progressChanged, this, [this, stage = QString()](const LoadProgress &progress) mutable {
        LoadsScreen *screen = loads();
        if (!screen)
            return;
        screen->showLoad(progress);
        if (progress.stage != stage)
            screen->reload();
        stage = progress.stage;
    });
    connect(m_loads, &LoadQueue::idle, this, [this] {
        if (LoadsScreen *screen = loads())
            screen->showLoad({});
    });
    // Once every file of a batch loaded, the panel has nothing more to say: it steps aside after a few
    // seconds. A failure, a refusal or a cancel keeps it open, so the operator sees why.
    m_hideProgress = new QTimer(this);
    m_hideProgress->setSingleShot(true);
    m_hideProgress->setInterval(4000);
    connect(m_hideProgress, &QTimer::timeout, this, [this] {
        if (!m_loads->isBusy() && m_progress->batchSucceeded())
            m_progressDock->hide();
    });
    connect(m_loads, &LoadQueue::idle, this, [this] {
        if (m_progress->batchSucceeded())
            m_hideProgress->start();
    });
    connect(m_refresh, &ScreenRefresh::refresh, this, &MainWindow::warehouseChanged);
    connect(m_loads, &LoadQueue::idle, this, &MainWindow::updateActions);

    m_snapshotStatus = new QLabel(this);
    m_hourStatus = new QLabel(this);
    m_staleWarning = new ElidedLabel(this);
    m_staleWarning->setObjectName(QStringLiteral("staleWarning"));
    m_staleWarning->setStyleSheet(QStringLiteral("QLabel { color: #8a1c1c; font-weight: bold; }"));
    statusBar()->addWidget(m_snapshotStatus);
    statusBar()->addWidget(m_hourStatus);
    statusBar()->addWidget(m_staleWarning, 1);
    m_notFollowing = new QLabel(this);
    m_notFollowing->setObjectName(QStringLiteral("notFollowing"));
    m_notFollowing->setStyleSheet(m_staleWarning->styleSheet());
    statusBar()->addPermanentWidget(m_notFollowing);
    m_location = new QLabel(this);
    m_location->setObjectName(QStringLiteral("warehouseLocation"));
    statusBar()->addPermanentWidget(m_location);
    connect(this, &MainWindow::warehouseChanged, this, &MainWindow::refreshStatus);

    createMenus();
    // The operator's screens; the analyst's History, Charts and Reports screens go after them, one line each.
    addScreen(tr("Overview"), [this](const QString &path) {
        auto *overview = new OverviewScreen(path);
        connect(overview, &OverviewScreen::importRequested, this, [this] { importFiles(); });
        return overview;
    });
    addScreen(tr("Loads"), [this](const QString &path) {
        auto *loads = new LoadsScreen(path);
        connect(loads, &LoadsScreen::loadRequested, this, &MainWindow::loadAgain);
        connect(loads, &LoadsScreen::importRequested, this, [this](const QStringList &paths) { importFiles(paths); });
        return loads;
    });
    addScreen(tr("History"), [](const QString &path) { return new HistoryScreen(path); });
    addScreen(tr("Charts"), [](const QString &path) { return new ChartsScreen(path); });
    addScreen(tr("Reports"), [](const QString &path) { return new ReportsScreen(path); });

    resize(1280, 800);
    openWarehouse(location);
}

MainWindow::~MainWindow()
{
    // Stop the loads first: a load writes through its own connection until it has rolled back.
    delete m_loads;
    m_loads = nullptr;
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    m_newAction = file->addAction(tr("&New warehouse…"), QKeySequence::New, this, &MainWindow::newWarehouse);
    m_openAction = file->addAction(tr("&Open warehouse…"), QKeySequence::Open, this, &MainWindow::chooseWarehouse);
    m_connectAction = file->addAction(tr("&Connect to PostgreSQL…"), this, &MainWindow::connectToPostgres);
    m_recent = file->addMenu(tr("Open &recent"));
    file->addSeparator();
    m_importAction = file->addAction(tr("&Import extracts…"), QKeySequence(tr("Ctrl+I")), this, [this] { importFiles(); });
    m_refreshAction = file->addAction(tr("Re&fresh"), QKeySequence::Refresh, this, &MainWindow::refresh);
    m_refreshAction->setToolTip(tr("Re-read the warehouse on every screen (F5)"));
    // Import's tooltip says why it is off on a connection that cannot load.
    file->setToolTipsVisible(true);
    file->addSeparator();
    m_settingsAction = file->addAction(tr("&Settings…"), QKeySequence::Preferences, this, &MainWindow::openSettings);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    m_viewMenu = menuBar()->addMenu(tr("&View"));
    m_viewMenu->addAction(m_progressDock->toggleViewAction());
    m_viewMenu->addSeparator(); // then each screen, Ctrl+1 onwards (insertScreen)

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&Documentation"), QKeySequence::HelpContents, this, &MainWindow::showDocumentation);
    help->addAction(tr("&Keyboard shortcuts"), this, &MainWindow::showShortcuts);
    help->addSeparator();
    help->addAction(tr("&About pvadmin"), this, &MainWindow::showAbout);

    QToolBar *tools = addToolBar(tr("Main"));
    tools->setObjectName(QStringLiteral("mainToolBar"));
    tools->setMovable(false);
    tools->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_importAction->setIcon(style()->standardIcon(QStyle::SP_DialogOpenButton));
    m_refreshAction->setIcon(style()->standardIcon(QStyle::SP_BrowserReload));
    tools->addAction(m_importAction);
    tools->addAction(m_refreshAction);
    updateRecentMenu();
}

void MainWindow::insertScreen(ScreenEntry entry)
{
    m_screens.append(std::move(entry));
    ScreenEntry &added = m_screens.last();
    m_navigation->addItem(added.title);
    // Ctrl+1 to Ctrl+9 go to the screens in their order, as the tabs of a browser.
    const int row = int(m_screens.size()) - 1;
    QAction *go = m_viewMenu->addAction(added.title, this, [this, row] { m_navigation->setCurrentRow(row); });
    if (row < 9)
        go->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + row)));
    if (!m_warehousePath.isEmpty())
        buildScreen(added);
    else
        m_stack->addWidget(new QWidget(m_stack));
    if (m_navigation->currentRow() < 0)
        m_navigation->setCurrentRow(0);
}

void MainWindow::buildScreen(ScreenEntry &entry)
{
    const int index = int(&entry - m_screens.data());
    QWidget *old = m_stack->widget(index);
    entry.widget = entry.make(m_warehousePath);
    entry.widget->setObjectName(entry.title);
    entry.wire(entry.widget);
    m_stack->insertWidget(index, entry.widget);
    if (old) {
        m_stack->removeWidget(old);
        delete old;
    }
    m_stack->setCurrentIndex(std::max(0, m_navigation->currentRow()));
}

bool MainWindow::openWarehouse(const QString &location)
{
    QString error;
    // Created or upgraded here, once; the connection ends with this function.
    Warehouse warehouse;
    const bool opened = warehouse.open(location, &error);
    m_warehousePath = opened ? warehouse.path() : QString();
    // Asks the database (a PostgreSQL role's rights): once per open.
    m_whyReadOnly = opened ? warehouse.whyReadOnly() : QString();
    if (!opened) {
        setWindowTitle(tr("No warehouse — Pageview Warehouse Admin"));
        auto *box = new QMessageBox(QMessageBox::Critical, tr("Cannot open the warehouse"), error, QMessageBox::Ok, this);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
    } else {
        setWindowTitle(windowTitleFor(location));
        rememberRecent(Warehouse::isServerLocation(location) ? location : QFileInfo(location).absoluteFilePath());
    }
    m_location->setText(opened ? warehouseName(location) + (m_whyReadOnly.isEmpty() ? QString() : tr(" · read-only"))
                               : QString());
    m_location->setToolTip(m_whyReadOnly.isEmpty() ? location : tr("%1\nLoads are not possible here: %2").arg(location, m_whyReadOnly));
    for (ScreenEntry &entry : m_screens)
        if (opened)
            buildScreen(entry);
    followChanges(opened ? location : QString());
    delete m_statusQueries;
    m_statusQueries = opened ? new QueryThread(location, this) : nullptr;
    if (m_statusQueries)
        connect(m_statusQueries, &QueryThread::failed, m_staleWarning, [this](const QString &message) {
            m_staleWarning->setText(QStringLiteral("  ⚠ ") + message);
        });
    refreshStatus();
    updateActions();
    return opened;
}

void MainWindow::followChanges(const QString &location)
{
    QString error;
    const bool following = m_refresh->follow(location, &error);
    const QString text = tr("⚠ Not refreshing by itself: %1").arg(error);
    m_notFollowing->setText(following ? QString() : m_notFollowing->fontMetrics().elidedText(text, Qt::ElideMiddle, 520));
    m_notFollowing->setToolTip(following ? QString() : text + tr("\nFile → Refresh (F5) re-reads the warehouse."));
}

void MainWindow::refresh()
{
    m_refresh->request();
}

void MainWindow::refreshStatus()
{
    if (!m_statusQueries) {
        showStatus(WarehouseStatus{});
        return;
    }
    m_statusQueries->request(QStringLiteral("status"), [this](Warehouse &warehouse) -> std::function<void()> {
        const WarehouseStatus status = readWarehouseStatus(warehouse);
        return [this, status] { showStatus(status); };
    });
}

void MainWindow::showStatus(const WarehouseStatus &status)
{
    m_snapshotStatus->setText(status.latestSnapshotAsOf
                                  ? tr("Latest users snapshot: %1 UTC").arg(formatTimestamp(*status.latestSnapshotAsOf).left(16))
                                  : tr("No users snapshot loaded"));
    m_hourStatus->setText(status.latestHour ? tr("  ·  Latest hour loaded: %1 UTC").arg(formatTimestamp(*status.latestHour).left(16))
                                            : tr("  ·  No pageviews hour loaded"));
    const QString warning = status.warning();
    m_staleWarning->setText(warning.isEmpty() ? QString() : tr("  ⚠ Stale: %1").arg(warning));
    // The whole warning, however narrow the window made the line.
    m_staleWarning->setToolTip((warning.isEmpty() ? QString() : tr("Stale: %1.\n\n").arg(warning))
                               + tr("Stale means a users snapshot more than 26 hours, or an hour more than 2 hours, "
                                    "older than the newest data in the warehouse."));
}

QString MainWindow::statusText() const
{
    QStringList texts{m_snapshotStatus->text() + m_hourStatus->text() + m_staleWarning->text(), m_notFollowing->text(),
                      m_location->text()};
    texts.removeAll(QString());
    return texts.join(QStringLiteral("  ·  "));
}

QWidget *MainWindow::screen(const QString &title) const
{
    for (const ScreenEntry &entry : m_screens)
        if (entry.title == title)
            return entry.widget;
    return nullptr;
}

OverviewScreen *MainWindow::overview() const
{
    return qobject_cast<OverviewScreen *>(screen(tr("Overview")));
}

LoadsScreen *MainWindow::loads() const
{
    return qobject_cast<LoadsScreen *>(screen(tr("Loads")));
}

void MainWindow::showScreen(const QString &title)
{
    for (int i = 0; i < m_screens.size(); ++i)
        if (m_screens[i].title == title)
            m_navigation->setCurrentRow(i);
}

ImportDialog *MainWindow::importFiles(const QStringList &paths)
{
    if (m_warehousePath.isEmpty() || !m_whyReadOnly.isEmpty())
        return nullptr;
    if (!m_import) {
        // The settings the dialog starts from, as they are now (the command line may have changed them).
        Warehouse warehouse;
        QString error;
        if (!warehouse.open(m_warehousePath, &error, Warehouse::Role::Main, Warehouse::Creation::ExistingOnly)) {
            auto *box = new QMessageBox(QMessageBox::Warning, tr("Import extracts"), error, QMessageBox::Ok, this);
            box->setAttribute(Qt::WA_DeleteOnClose);
            box->open();
            return nullptr;
        }
        m_import = new ImportDialog(m_warehousePath, warehouse.defaultMaxRejectPercent(), warehouse.removalGuardPercent(), this);
        connect(m_import, &QDialog::accepted, this, [this] { startLoads(m_import->requests()); });
        // Every import starts from an empty list.
        connect(m_import, &QDialog::finished, this, [this] {
            m_import->deleteLater();
            m_import = nullptr;
        });
    }
    m_import->addFiles(extractFiles(paths));
    if (!m_import->isVisible())
        m_import->open();
    return m_import;
}

void MainWindow::startLoads(const QList<LoadRequest> &requests)
{
    if (requests.isEmpty() || !!m_warehousePath.isEmpty() || !m_whyReadOnly.isEmpty())
        return;
    m_hideProgress->stop();
    if (!m_progressDock->isVisible()) {
        m_progressDock->show();
        // Modest: the screen above keeps most of the window.
        resizeDocks({m_progressDock}, {std::min(240, height() / 3)}, Qt::Vertical);
    }
    m_loads->enqueue(m_warehousePath, requests);
    updateActions();
}

void MainWindow::loadAgain(LoadRequest request)
{
    // Read as it was imported: with the layout given for its folder.
    request.options.layout = layoutFor(request.path);
    startLoads({request});
}

RunDetailsDialog *MainWindow::showRun(qint64 runId)
{
    auto *dialog = new RunDetailsDialog(m_warehousePath, runId, this);
    connect(dialog, &RunDetailsDialog::loadRequested, this, &MainWindow::loadAgain);
    dialog->show();
    return dialog;
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (event->mimeData()->hasUrls() && m_importAction->isEnabled())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    QStringList paths;
    for (const QUrl &url : event->mimeData()->urls())
        if (url.isLocalFile())
            paths << url.toLocalFile();
    if (paths.isEmpty())
        return;
    event->acceptProposedAction();
    importFiles(paths);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_loads->isBusy()) {
        const auto pending = [this] {
            return m_loads->pendingCount() == 1 ? tr("1 file is still loading. Quitting cancels it: the load is rolled back "
                                                     "and nothing changes. Quit anyway?")
                                                  : tr("%1 files are still loading or waiting. Quitting cancels them: the "
                                                       "running load is rolled back and nothing changes. Quit anyway?")
                                                        .arg(m_loads->pendingCount());
        };
        QMessageBox question(QMessageBox::Question, tr("Loads are running"), pending(), QMessageBox::Yes | QMessageBox::No, this);
        question.setObjectName(QStringLiteral("quitQuestion"));
        question.setDefaultButton(QMessageBox::No);
        // Files go on finishing while it asks: the count follows them, and once none is left there is nothing
        // to cancel and nothing to ask.
        connect(m_loads, &LoadQueue::fileFinished, &question, [&question, pending] { question.setText(pending()); });
        connect(m_loads, &LoadQueue::idle, &question, [&question] { question.done(QMessageBox::Yes); });
        if (question.exec() != QMessageBox::Yes) {
            event->ignore();
            return;
        }
    }
    event->accept();
}

void MainWindow::rememberRecent(const QString &location)
{
    QSettings settings;
    QStringList recent = settings.value(QLatin1String(recentKey)).toStringList();
    recent.removeAll(location);
    recent.prepend(location);
    settings.setValue(QLatin1String(recentKey), recent.mid(0, maxRecent));
    updateRecentMenu();
}

void MainWindow::updateRecentMenu()
{
    m_recent->clear();
    const QStringList recent = QSettings().value(QLatin1String(recentKey)).toStringList();
    for (const QString &location : recent) {
        QString text = Warehouse::isServerLocation(location) ? location : QDir::toNativeSeparators(location);
        m_recent->addAction(text.replace(QLatin1Char('&'), QLatin1String("&&")), this,
                            [this, location] { openWarehouse(location); });
    }
    m_recent->setEnabled(!recent.isEmpty());
}

void MainWindow::newWarehouse()
{
    const QString folder = SettingsDialog::newWarehouseFolder();
    QDir().mkpath(folder);
    QString path = QFileDialog::getSaveFileName(this, tr("New warehouse"), folder + QStringLiteral("/warehouse.sqlite"),
                                                tr("Warehouses (*.sqlite)"), nullptr, QFileDialog::DontConfirmOverwrite);
    if (path.isEmpty())
        return;
    if (QFileInfo::exists(path)) {
        QMessageBox::warning(this, tr("New warehouse"),
                             tr("%1 already exists. Use File → Open warehouse to open it, or choose another name.").arg(path));
        return;
    }
    if (QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".sqlite");
    openWarehouse(path);
}

void MainWindow::chooseWarehouse()
{
    const QString start = !m_warehousePath.isEmpty() && !Warehouse::isServerLocation(m_warehousePath)
        ? QFileInfo(m_warehousePath).absolutePath()
        : SettingsDialog::newWarehouseFolder();
    const QString path = QFileDialog::getOpenFileName(this, tr("Open warehouse"), start,
                                                      tr("Warehouses (*.sqlite *.db);;All files (*)"));
    if (!path.isEmpty())
        openWarehouse(path);
}

PostgresConnectDialog *MainWindow::connectToPostgres()
{
    auto *dialog = new PostgresConnectDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    if (!m_warehousePath.isEmpty())
        dialog->setLocation(m_warehousePath);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { openWarehouse(dialog->location()); });
    dialog->open();
    return dialog;
}

void MainWindow::openSettings()
{
    auto *dialog = new SettingsDialog(m_warehousePath, this);
    dialog->setWhyReadOnly(m_whyReadOnly);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void MainWindow::updateActions()
{
    // While a load writes, settings (a write) and switching warehouses wait for it to end.
    const bool busy = m_loads && m_loads->isBusy();
    m_newAction->setEnabled(!busy);
    m_openAction->setEnabled(!busy);
    m_connectAction->setEnabled(!busy);
    m_recent->setEnabled(!busy && !m_recent->isEmpty());
    m_importAction->setEnabled(!m_warehousePath.isEmpty() && m_whyReadOnly.isEmpty());
    const QString importTip = m_whyReadOnly.isEmpty() ? tr("Load users snapshots and pageview extracts into this warehouse")
                                                      : tr("Import is off: %1").arg(m_whyReadOnly);
    m_importAction->setToolTip(importTip);
    m_importAction->setStatusTip(importTip);
    m_settingsAction->setEnabled(!busy && !m_warehousePath.isEmpty());
}

void MainWindow::showAbout()
{
    const QString version = QCoreApplication::applicationVersion().isEmpty() ? QStringLiteral(PVADMIN_VERSION)
                                                                              : QCoreApplication::applicationVersion();
    QMessageBox::about(this, tr("About pvadmin"),
                       tr("<h3>Pageview Warehouse Admin %1</h3>"
                          "<p>Loads users snapshots and hourly pageview extracts into a warehouse (SQLite or PostgreSQL) "
                          "and answers pageviews per postcode, on the users' current postcode or the one they had at "
                          "the time.</p><p>Built with Qt %2.</p>")
                           .arg(version.toHtmlEscaped(), QString::fromLatin1(qVersion())));
}

QString MainWindow::documentationText()
{
    const QString docs = QStringLiteral(PVADMIN_DOCDIR);
    return tr("<p><b>The guide</b> (README.md: what the screens show, the two bases, loads, reports) and the "
              "guides in its <code>docs/</code> folder (the contract, PostgreSQL and BI tools, scaling, the "
              "architecture) are installed with the package in <code>%1</code>, with the changelog and the "
              "copyright. <b>Open the guide</b> opens it.</p><p>The command line's manual: run "
              "<code>man pvadmin</code> in a terminal (its commands, options and exit codes).</p>")
        .arg(docs.toHtmlEscaped());
}

void MainWindow::showDocumentation()
{
    auto *box = new QMessageBox(QMessageBox::Information, tr("Documentation"), documentationText(), QMessageBox::Close, this);
    box->setObjectName(QStringLiteral("documentation"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setTextFormat(Qt::RichText);
    // The installed guide, else (a build run where it was built) the source tree's.
    QString guide = QStringLiteral(PVADMIN_DOCDIR "/README.md");
    if (!QFileInfo::exists(guide))
        guide = QStringLiteral(PVADMIN_SOURCE_DIR "/README.md");
    if (QFileInfo::exists(guide)) {
        QPushButton *openGuide = box->addButton(tr("Open the guide"), QMessageBox::ActionRole);
        openGuide->setObjectName(QStringLiteral("openGuide"));
        openGuide->setToolTip(guide);
        connect(openGuide, &QPushButton::clicked, this, [guide] { QDesktopServices::openUrl(QUrl::fromLocalFile(guide)); });
    }
    if (QFileInfo(QStringLiteral(PVADMIN_DOCDIR)).isDir()) {
        QPushButton *open = box->addButton(tr("Open the folder"), QMessageBox::ActionRole);
        connect(open, &QPushButton::clicked, this,
                [] { QDesktopServices::openUrl(QUrl::fromLocalFile(QStringLiteral(PVADMIN_DOCDIR))); });
    }
    box->open();
}

QString MainWindow::shortcutsText() const
{
    QString rows;
    for (const QAction *action : findChildren<QAction *>()) {
        if (action->shortcut().isEmpty() || action->text().isEmpty())
            continue;
        rows += QStringLiteral("<tr><td><b>%1</b></td><td>&nbsp;&nbsp;%2</td></tr>")
                    .arg(action->shortcut().toString(QKeySequence::NativeText).toHtmlEscaped(),
                         QString(action->text()).remove(QLatin1Char('&')).toHtmlEscaped());
    }
    return QStringLiteral("<table>%1</table>").arg(rows);
}

void MainWindow::showShortcuts()
{
    auto *box = new QMessageBox(QMessageBox::NoIcon, tr("Keyboard shortcuts"), shortcutsText(), QMessageBox::Close, this);
    box->setObjectName(QStringLiteral("shortcuts"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setTextFormat(Qt::RichText);
    // Wide enough for its title: a window manager cuts a title wider than the window ("Keyboa… ortcuts").
    box->setStyleSheet(QStringLiteral("QLabel { min-width: %1px; }").arg(box->fontMetrics().horizontalAdvance(box->windowTitle()) * 2));
    box->open();
}

} // namespace pv
