#include "settingsdialog.h"

#include "warehousename.h"

#include "load/loadworker.h"
#include "storage/warehouse.h"

#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QVBoxLayout>

namespace pv {

namespace {
const char *const folderKey = "newWarehouseFolder";

QLabel *note(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setStyleSheet(QStringLiteral("color: palette(mid);"));
    return label;
}
} // namespace

QString SettingsDialog::newWarehouseFolder()
{
    const QString defaultPath = Warehouse::defaultPath();
    const QString fallback = Warehouse::isServerLocation(defaultPath)
        ? QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QStringLiteral("/pvadmin")
        : QFileInfo(defaultPath).absolutePath();
    return QSettings().value(QLatin1String(folderKey), fallback).toString();
}

void SettingsDialog::setNewWarehouseFolder(const QString &folder)
{
    QSettings().setValue(QLatin1String(folderKey), folder);
}

SettingsDialog::SettingsDialog(const QString &location, QWidget *parent)
    : QDialog(parent)
    , m_warehouse(std::make_unique<Warehouse>())
{
    QString openError;
    m_warehouse->open(location, &openError, Warehouse::Role::Main, Warehouse::Creation::ExistingOnly);
    const Warehouse &warehouse = *m_warehouse;
    setWindowTitle(tr("Settings"));
    setObjectName(QStringLiteral("settingsDialog"));
    setMinimumWidth(640);
    auto *layout = new QVBoxLayout(this);
    layout->setSpacing(12);

    const QString name = Warehouse::isServerLocation(location) ? warehouseName(location) : QFileInfo(location).fileName();
    auto *loads = m_loads = new QGroupBox(tr("Loads into this warehouse (%1)").arg(name), this);
    auto *form = new QFormLayout(loads);
    m_threshold = new QDoubleSpinBox(loads);
    m_threshold->setObjectName(QStringLiteral("rejectThreshold"));
    m_threshold->setRange(0, 100);
    m_threshold->setDecimals(2);
    m_threshold->setSuffix(QStringLiteral(" %"));
    m_threshold->setValue(warehouse.defaultMaxRejectPercent());
    form->addRow(tr("Default reject threshold:"), m_threshold);
    form->addRow(QString(), note(tr("A file with a larger share of rejected rows fails as a whole and changes nothing.\n"
                                    "The import dialog can set another threshold for one file."),
                                 loads));
    m_guard = new QDoubleSpinBox(loads);
    m_guard->setObjectName(QStringLiteral("removalGuard"));
    m_guard->setRange(0, 100);
    m_guard->setDecimals(2);
    m_guard->setSuffix(QStringLiteral(" %"));
    m_guard->setValue(warehouse.removalGuardPercent());
    form->addRow(tr("Removal guard:"), m_guard);
    form->addRow(QString(), note(tr("A users snapshot missing more than this share of the previous snapshot's users\n"
                                    "is refused (most likely a truncated extract) unless “%1” is ticked.")
                                     .arg(loadAnywayText()),
                                 loads));
    form->addRow(QString(), note(tr("Both are stored in the warehouse, so loads from the command line follow them too."),
                                 loads));
    loads->setEnabled(warehouse.isOpen());
    layout->addWidget(loads);
    m_readOnly = new QLabel(this);
    m_readOnly->setObjectName(QStringLiteral("settingsReadOnly"));
    m_readOnly->setWordWrap(true);
    m_readOnly->setText(openError);
    m_readOnly->setVisible(!openError.isEmpty());
    layout->addWidget(m_readOnly);

    auto *desktop = new QGroupBox(tr("This desktop"), this);
    auto *desktopForm = new QFormLayout(desktop);
    auto *folderRow = new QHBoxLayout;
    m_folder = new QLineEdit(newWarehouseFolder(), desktop);
    m_folder->setObjectName(QStringLiteral("newWarehouseFolder"));
    auto *browse = new QPushButton(tr("Browse…"), desktop);
    folderRow->addWidget(m_folder, 1);
    folderRow->addWidget(browse);
    desktopForm->addRow(tr("New warehouses go in:"), folderRow);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString folder = QFileDialog::getExistingDirectory(this, tr("Where new warehouses go"), m_folder->text());
        if (!folder.isEmpty())
            m_folder->setText(folder);
    });
    layout->addWidget(desktop);
    layout->addStretch();

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
}

SettingsDialog::~SettingsDialog() = default;

void SettingsDialog::setWhyReadOnly(const QString &why)
{
    if (!m_warehouse->isOpen())
        return; // the reason it could not be read is said
    m_loads->setEnabled(why.isEmpty());
    m_readOnly->setText(tr("These are read-only on this connection: %1.").arg(why));
    m_readOnly->setVisible(!why.isEmpty());
}

void SettingsDialog::accept()
{
    if (m_loads->isEnabledTo(this)) {
        const bool stored = m_warehouse->setSetting(QStringLiteral("max_reject_percent"), QString::number(m_threshold->value()))
            && m_warehouse->setSetting(QStringLiteral("removal_guard_percent"), QString::number(m_guard->value()));
        if (!stored) {
            QMessageBox::warning(this, tr("Settings not saved"),
                                 tr("%1: the settings could not be written to the warehouse (is a load from another "
                                    "process holding it?). Try again when it has finished.")
                                     .arg(m_warehouse->path()));
            return;
        }
    }
    setNewWarehouseFolder(m_folder->text().trimmed());
    QDialog::accept();
}

} // namespace pv
