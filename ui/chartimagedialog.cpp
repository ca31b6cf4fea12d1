#include "chartimagedialog.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QVBoxLayout>

namespace pv {

namespace {
constexpr auto folderKey = "charts/imageFolder";
constexpr auto sizeKey = "charts/imageSize";
}

ChartImageDialog::ChartImageDialog(QSize onScreen, const QString &fileName, QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Export chart as PNG"));
    setObjectName(QStringLiteral("chartImageDialog"));
    QSettings settings;
    const QString folder = settings.value(QLatin1String(folderKey),
                                          QStandardPaths::writableLocation(QStandardPaths::PicturesLocation)).toString();
    m_path = new QLineEdit(QDir(folder).filePath(fileName + QStringLiteral(".png")), this);
    m_path->setObjectName(QStringLiteral("imagePath"));
    m_path->setMinimumWidth(420);
    auto *browse = new QPushButton(tr("Browse…"), this);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString chosen = QFileDialog::getSaveFileName(this, windowTitle(), m_path->text(), tr("PNG images (*.png)"));
        if (!chosen.isEmpty())
            m_path->setText(chosen);
    });
    auto *pathRow = new QHBoxLayout;
    pathRow->addWidget(m_path, 1);
    pathRow->addWidget(browse);

    m_onScreen = new QRadioButton(tr("As on screen: %1 × %2 px, title and notes above it").arg(onScreen.width()).arg(onScreen.height()), this);
    m_onScreen->setObjectName(QStringLiteral("sizeOnScreen"));
    auto *chosen = new QRadioButton(tr("This size for the whole image:"), this);
    chosen->setObjectName(QStringLiteral("sizeChosen"));
    const QSize last = settings.value(QLatin1String(sizeKey), QSize(1600, 900)).toSize();
    m_width = new QSpinBox(this);
    m_width->setObjectName(QStringLiteral("imageWidth"));
    m_width->setRange(400, 8000);
    m_width->setSuffix(tr(" px"));
    m_width->setValue(last.width());
    m_height = new QSpinBox(this);
    m_height->setObjectName(QStringLiteral("imageHeight"));
    m_height->setRange(300, 8000);
    m_height->setSuffix(tr(" px"));
    m_height->setValue(last.height());
    m_onScreen->setChecked(true);
    m_width->setEnabled(false);
    m_height->setEnabled(false);
    connect(chosen, &QRadioButton::toggled, m_width, &QWidget::setEnabled);
    connect(chosen, &QRadioButton::toggled, m_height, &QWidget::setEnabled);
    auto *sizeRow = new QHBoxLayout;
    sizeRow->addWidget(chosen);
    sizeRow->addWidget(m_width);
    sizeRow->addWidget(new QLabel(QStringLiteral("×"), this));
    sizeRow->addWidget(m_height);
    sizeRow->addStretch();

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *form = new QFormLayout;
    form->addRow(tr("File:"), pathRow);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_onScreen);
    layout->addLayout(sizeRow);
    layout->addWidget(buttons);
}

QString ChartImageDialog::path() const
{
    QString path = m_path->text().trimmed();
    if (!path.isEmpty() && QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".png");
    return path;
}

QSize ChartImageDialog::size() const
{
    return m_onScreen->isChecked() ? QSize() : QSize(m_width->value(), m_height->value());
}

void ChartImageDialog::accept()
{
    if (path().isEmpty())
        return;
    QSettings settings;
    settings.setValue(QLatin1String(folderKey), QFileInfo(path()).absolutePath());
    if (!size().isEmpty())
        settings.setValue(QLatin1String(sizeKey), size());
    QDialog::accept();
}

} // namespace pv
