#pragma once

#include <QDialog>
#include <QSize>

class QLineEdit;
class QRadioButton;
class QSpinBox;

namespace pv {

/// Asks where to save a chart as PNG and at what size: as it is on screen (its title and notes above it),
/// or a chosen size for the whole image (a slide, a report page). The folder is remembered; the file
/// name is what the chart shows.
class ChartImageDialog : public QDialog
{
    Q_OBJECT
public:
    /// onScreen: the chart's size on screen; fileName: the suggested name, without folder or suffix.
    ChartImageDialog(QSize onScreen, const QString &fileName, QWidget *parent = nullptr);

    QString path() const;
    /// The whole image's size; empty for the size on screen.
    QSize size() const;

    void accept() override;

private:
    QLineEdit *m_path = nullptr;
    QRadioButton *m_onScreen = nullptr;
    QSpinBox *m_width = nullptr;
    QSpinBox *m_height = nullptr;
};

} // namespace pv
