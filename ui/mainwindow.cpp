#include "mainwindow.h"

#include "extractvalidation.h"
#include "loadrun.h"

#include <QDateTime>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>
#include <QTableWidget>
#include <QVBoxLayout>

namespace pv {

MainWindow::MainWindow(const QString &warehousePath, QWidget *parent)
    : QMainWindow(parent)
{
    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    m_state = new QLabel(central);
    m_runs = new QTableWidget(central);
    m_runs->setColumnCount(9);
    m_runs->setHorizontalHeaderLabels({tr("Run"), tr("Kind"), tr("Status"), tr("Window / as-of"), tr("Started (UTC)"),
                                       tr("Rows read"), tr("Loaded"), tr("Rejected"), tr("File")});
    m_runs->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_runs->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_runs->setSortingEnabled(true);
    m_runs->verticalHeader()->hide();
    m_runs->horizontalHeader()->setStretchLastSection(true);
    layout->addWidget(m_state);
    layout->addWidget(m_runs);
    setCentralWidget(central);

    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Open warehouse…"), QKeySequence::Open, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open warehouse"), QFileInfo(m_warehouse.path()).path(),
                                                          tr("Warehouses (*.sqlite *.db);;All files (*)"));
        if (!path.isEmpty())
            openWarehouse(path);
    });
    file->addAction(tr("&Refresh"), QKeySequence::Refresh, this, &MainWindow::refreshRuns);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
    resize(1100, 640);
    openWarehouse(warehousePath);
}

void MainWindow::openWarehouse(const QString &path)
{
    QString error;
    if (!m_warehouse.open(path, &error)) {
        QMessageBox::critical(this, tr("Cannot open warehouse"), error);
        setWindowTitle(tr("Pageview Warehouse Admin"));
        return;
    }
    setWindowTitle(tr("%1 — Pageview Warehouse Admin").arg(QFileInfo(path).fileName()));
    statusBar()->showMessage(path);
    refreshRuns();
}

void MainWindow::refreshRuns()
{
    if (!m_warehouse.isOpen())
        return;
    const QList<LoadRun> runs = LoadRunLog(m_warehouse.database()).runs();
    m_runs->setSortingEnabled(false);
    m_runs->setRowCount(int(runs.size()));
    int row = 0;
    for (const LoadRun &run : runs) {
        const QString when = run.windowHour ? formatTimestamp(*run.windowHour)
                                            : run.asOf ? formatTimestamp(*run.asOf) : QString();
        const QVariantList cells{QVariant(run.id), extractKindName(run.kind), run.status, when,
                                 QDateTime::fromMSecsSinceEpoch(run.startedAtMs, Qt::UTC).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")),
                                 QVariant(run.rowsRead), QVariant(run.rowsLoaded), QVariant(run.rowsRejected),
                                 QFileInfo(run.file).fileName()};
        for (int column = 0; column < cells.size(); ++column) {
            auto *item = new QTableWidgetItem;
            item->setData(Qt::DisplayRole, cells[column]);
            if (!run.error.isEmpty())
                item->setToolTip(run.error);
            m_runs->setItem(row, column, item);
        }
        ++row;
    }
    m_runs->setSortingEnabled(true);
    m_runs->resizeColumnsToContents();
    m_state->setText(tr("%n load run(s) in %1", nullptr, int(runs.size())).arg(m_warehouse.path()));
}

} // namespace pv
