#pragma once

#include <QDialog>

class QDoubleSpinBox;
class QGroupBox;
class QLabel;
class QLineEdit;

namespace pv {

class Warehouse;

/// The operator's settings: the default reject threshold and the removal guard (stored in the warehouse,
/// so the command line follows them too) and where new warehouses go (stored per user).
class SettingsDialog : public QDialog
{
    Q_OBJECT
public:
    SettingsDialog(Warehouse &warehouse, QWidget *parent = nullptr);

    /// The folder File → New warehouse starts in.
    static QString newWarehouseFolder();
    static void setNewWarehouseFolder(const QString &folder);

    /// On a connection that cannot load (Warehouse::whyReadOnly), the warehouse's settings are shown, not changed.
    void setWhyReadOnly(const QString &why);

    void accept() override;

    QDoubleSpinBox *rejectThreshold() const { return m_threshold; }
    QDoubleSpinBox *removalGuard() const { return m_guard; }
    QLineEdit *folder() const { return m_folder; }

private:
    Warehouse &m_warehouse;
    QGroupBox *m_loads = nullptr;
    QLabel *m_readOnly = nullptr;
    QDoubleSpinBox *m_threshold = nullptr;
    QDoubleSpinBox *m_guard = nullptr;
    QLineEdit *m_folder = nullptr;
};

} // namespace pv
