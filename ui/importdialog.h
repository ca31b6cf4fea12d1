#pragma once

#include "extract/extractpreview.h"
#include "load/loadworker.h"

#include <QDialog>
#include <QList>

#include <map>
#include <optional>

class QCheckBox;
class QComboBox;
class QDateTimeEdit;
class QLineEdit;
class QDoubleSpinBox;
class QLabel;
class QListWidget;
class QPushButton;
class QTableWidget;

namespace pv {

class QueryThread;

/// Before anything is loaded: every chosen file as the reader parses it (kind, size, first rows, the
/// detected window or as-of), with per-file options (as-of, hour, reject threshold, force) and the order
/// the files will run in. A users snapshot the removal guard would refuse is said to be, before Load (the
/// users of the snapshots already loaded are read off the GUI thread). Accepting hands the queue to the
/// caller through requests().
class ImportDialog : public QDialog
{
    Q_OBJECT
public:
    /// The dialog reads the snapshots loaded in the warehouse at warehousePath on a query thread of its own
    /// (snapshotsRead()). defaultRejectPercent and removalGuardPercent are the warehouse's settings.
    ImportDialog(const QString &warehousePath, double defaultRejectPercent, double removalGuardPercent,
                 QWidget *parent = nullptr);
    ~ImportDialog() override;

    /// Adds files (users snapshots first, then by name) after the ones already listed; a file already listed is not added again.
    void addFiles(const QStringList &paths);
    int fileCount() const;
    /// The files to load, in order, with their options. Files that cannot be read are left out.
    QList<LoadRequest> requests() const;

    /// The file shown in the preview and edited by the options.
    void setCurrentFile(int row);
    LoadOptions &optionsAt(int row);
    const ExtractPreview &previewAt(int row) const;

    QPushButton *loadButton() const { return m_load; }

    /// How the current file is laid out (separator, the file's names for the columns, no header): the preview
    /// is read again with it, and it is remembered for the file's folder, which later files from there start with.
    void setCurrentLayout(const ExtractLayout &layout);

signals:
    /// The users of the warehouse's snapshots were read: the removal guard's forecast is shown.
    void snapshotsRead();

protected:
    void keyPressEvent(QKeyEvent *event) override;

private:
    struct Entry
    {
        ExtractPreview preview;
        LoadOptions options;
        /// The kind the operator chose (Unknown: the header's, or for a file without one, its name's).
        ExtractKind chosenKind = ExtractKind::Unknown;
    };
    /// Reads the current file's preview again with its layout and chosen kind.
    void previewAgain(Entry &entry);

    void chooseFiles();
    void removeCurrent();
    void moveCurrent(int delta);
    void showCurrent();
    void storeOptions();
    void storeLayout();
    void updateList();

    QueryThread *m_queries = nullptr;
    std::optional<std::map<qint64, qint64>> m_snapshotUsers; ///< as-of → users, once read
    double m_defaultRejectPercent = 1.0;
    double m_removalGuardPercent = 5.0;
    QList<Entry> m_entries;
    int m_current = -1;
    bool m_showing = false;

    QListWidget *m_files = nullptr;
    QLabel *m_facts = nullptr;
    QLabel *m_problem = nullptr;
    QTableWidget *m_rows = nullptr;
    QComboBox *m_delimiter = nullptr;
    QComboBox *m_kind = nullptr;
    QLineEdit *m_columns = nullptr;
    QCheckBox *m_headerless = nullptr;
    QLabel *m_columnsProblem = nullptr;
    QCheckBox *m_asOfSet = nullptr;
    QDateTimeEdit *m_asOf = nullptr;
    QCheckBox *m_hourSet = nullptr;
    QDateTimeEdit *m_hour = nullptr;
    QCheckBox *m_thresholdSet = nullptr;
    QDoubleSpinBox *m_threshold = nullptr;
    QCheckBox *m_force = nullptr;
    QCheckBox *m_replace = nullptr;
    QPushButton *m_load = nullptr;
};

} // namespace pv
