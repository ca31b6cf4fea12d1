#pragma once

#include <QDialog>

#include <memory>

class QDoubleSpinBox;
class QGroupBox;
class QLabel;
class QLineEdit;

namespace pv {

class Warehouse;

/// The operator's settings: the default reject threshold and the removal guard (stored in the warehouse,
/// so the command line follows them too) and where new warehouses go (stored per user). It connects to the
/// warehouse while it is open, and only then.
class SettingsDialog : public QDialog
{
    Q_OBJECT
public:
    SettingsDialog(const QString &location, QWidget *parent = nullptr);
    ~SettingsDialog() override;

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
    std::unique_ptr<Warehouse> m_warehouse;
    QGroupBox *m_loads = nullptr;
    QLabel *m_readOnly = nullptr;
    QDoubleSpinBox *m_threshold = nullptr;
    QDoubleSpinBox *m_guard = nullptr;
    QLineEdit *m_folder = nullptr;
};

} // namespace pv
