#pragma once

#include "warehouse.h"

#include <QMainWindow>

class QLabel;
class QTableWidget;

namespace pv {

/// The desktop app's window over one warehouse: for now the job tracker's runs and the warehouse state.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(const QString &warehousePath, QWidget *parent = nullptr);

private:
    void openWarehouse(const QString &path);
    void refreshRuns();

    Warehouse m_warehouse;
    QTableWidget *m_runs = nullptr;
    QLabel *m_state = nullptr;
};

} // namespace pv
