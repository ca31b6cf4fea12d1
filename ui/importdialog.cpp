#include "importdialog.h"

#include "importlayouts.h"

#include "extract/extractlayout.h"
#include "core/time.h"
#include "query/querythread.h"
#include "storage/runlog.h"
#include "storage/warehouse.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QPushButton>
#include <QSplitter>
#include <QStyle>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace pv {

namespace {
QString sizeText(qint64 bytes)
{
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat);
}

QDateTime utcFromSeconds(qint64 seconds)
{
    return QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC);
}

/// An editor with nothing to show (no file, a field the file's kind does not use, nothing detected) shows
/// why instead of a date.
void showNothing(QDateTimeEdit *editor, const QString &why)
{
    editor->setSpecialValueText(why);
    editor->setDateTime(editor->minimumDateTime());
}

void showTime(QDateTimeEdit *editor, qint64 seconds)
{
    editor->setSpecialValueText(QString());
    editor->setDateTime(utcFromSeconds(seconds));
}

/// The hour an editor shows, or fallback when it shows nothing.
qint64 shownHour(const QDateTimeEdit *editor, qint64 fallback)
{
    return editor->dateTime() == editor->minimumDateTime() ? fallback : startOfHour(editor->dateTime().toSecsSinceEpoch());
}

/// The separators the dialog offers: told from the header, then the usual ones.
const QList<std::pair<char, const char *>> &offeredDelimiters()
{
    static const QList<std::pair<char, const char *>> offered = {
        {0, QT_TRANSLATE_NOOP("ImportDialog", "told from the first line")},
        {',', QT_TRANSLATE_NOOP("ImportDialog", "comma ,")},
        {'\t', QT_TRANSLATE_NOOP("ImportDialog", "tab")},
        {'|', QT_TRANSLATE_NOOP("ImportDialog", "pipe |")},
        {';', QT_TRANSLATE_NOOP("ImportDialog", "semicolon ;")}};
    return offered;
}

QString kindText(ExtractKind kind)
{
    switch (kind) {
    case ExtractKind::UsersSnapshot: return QObject::tr("users snapshot");
    case ExtractKind::Pageviews: return QObject::tr("pageviews extract");
    case ExtractKind::Unknown: break;
    }
    return QObject::tr("not recognised");
}
} // namespace

ImportDialog::ImportDialog(const QString &warehousePath, double defaultRejectPercent, double removalGuardPercent,
                           QWidget *parent)
    : QDialog(parent)
    , m_queries(new QueryThread(warehousePath, this))
    , m_defaultRejectPercent(defaultRejectPercent)
    , m_removalGuardPercent(removalGuardPercent)
{
    setWindowTitle(tr("Import extracts"));
    setObjectName(QStringLiteral("importDialog"));
    resize(1180, 720);
    auto *layout = new QVBoxLayout(this);

    auto *splitter = new QSplitter(this);
    // Left: the queue, in the order it will run.
    auto *queue = new QWidget(splitter);
    auto *queueLayout = new QVBoxLayout(queue);
    queueLayout->setContentsMargins(0, 0, 0, 0);
    queueLayout->addWidget(new QLabel(tr("<b>Files, in the order they will load</b>"), queue));
    m_files = new QListWidget(queue);
    m_files->setObjectName(QStringLiteral("importFiles"));
    queueLayout->addWidget(m_files, 1);
    auto *queueButtons = new QHBoxLayout;
    auto *add = new QPushButton(tr("Add…"), queue);
    auto *remove = new QPushButton(tr("Remove"), queue);
    auto *up = new QPushButton(tr("Up"), queue);
    auto *down = new QPushButton(tr("Down"), queue);
    for (QPushButton *button : {add, remove, up, down})
        queueButtons->addWidget(button);
    queueLayout->addLayout(queueButtons);
    connect(add, &QPushButton::clicked, this, &ImportDialog::chooseFiles);
    connect(remove, &QPushButton::clicked, this, &ImportDialog::removeCurrent);
    connect(up, &QPushButton::clicked, this, [this] { moveCurrent(-1); });
    connect(down, &QPushButton::clicked, this, [this] { moveCurrent(1); });
    connect(m_files, &QListWidget::currentRowChanged, this, &ImportDialog::setCurrentFile);

    // Right: the preview and the options of the current file.
    auto *detail = new QWidget(splitter);
    auto *detailLayout = new QVBoxLayout(detail);
    detailLayout->setContentsMargins(8, 0, 0, 0);
    auto *previewBox = new QGroupBox(tr("Preview, as the reader parses the file"), detail);
    auto *previewLayout = new QVBoxLayout(previewBox);
    m_facts = new QLabel(previewBox);
    m_facts->setObjectName(QStringLiteral("previewFacts"));
    m_facts->setTextFormat(Qt::RichText);
    m_facts->setWordWrap(true);
    m_facts->setTextInteractionFlags(Qt::TextSelectableByMouse);
    previewLayout->addWidget(m_facts);
    m_problem = new QLabel(previewBox);
    m_problem->setObjectName(QStringLiteral("previewProblem"));
    m_problem->setWordWrap(true);
    m_problem->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_problem->setStyleSheet(QStringLiteral("QLabel { background: #fff4e5; color: #7a4b00; padding: 6px; "
                                            "border: 1px solid #f3d19e; border-radius: 4px; }"));
    previewLayout->addWidget(m_problem);
    m_rows = new QTableWidget(previewBox);
    m_rows->setObjectName(QStringLiteral("previewRows"));
    m_rows->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_rows->verticalHeader()->hide();
    m_rows->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    m_rows->horizontalHeader()->setStretchLastSection(true);
    m_rows->setWordWrap(false);
    previewLayout->addWidget(m_rows, 1);
    detailLayout->addWidget(previewBox, 1);

    auto *optionsBox = new QGroupBox(tr("Options for this file"), detail);
    auto *form = new QFormLayout(optionsBox);
    // A check box, the editor it enables (if any), and a note in a muted colour saying what it does.
    const auto optionRow = [&](QCheckBox *check, QWidget *editor, const QString &note) {
        auto *row = new QHBoxLayout;
        row->addWidget(check);
        if (editor)
            row->addWidget(editor);
        auto *noteLabel = new QLabel(note, optionsBox);
        noteLabel->setStyleSheet(QStringLiteral("color: palette(mid);"));
        noteLabel->setWordWrap(!editor);
        row->addWidget(noteLabel, 1);
        return row;
    };
    // How the file is laid out, for extracts from pipelines that write them otherwise.
    m_delimiter = new QComboBox(optionsBox);
    m_delimiter->setObjectName(QStringLiteral("delimiter"));
    for (const auto &[delimiter, name] : offeredDelimiters())
        m_delimiter->addItem(tr(name), int(delimiter));
    m_headerless = new QCheckBox(tr("The first line is data"), optionsBox);
    m_headerless->setObjectName(QStringLiteral("headerless"));
    m_kind = new QComboBox(optionsBox);
    m_kind->setObjectName(QStringLiteral("kind"));
    m_kind->addItem(tr("kind told from the file"), int(ExtractKind::Unknown));
    m_kind->addItem(kindText(ExtractKind::UsersSnapshot), int(ExtractKind::UsersSnapshot));
    m_kind->addItem(kindText(ExtractKind::Pageviews), int(ExtractKind::Pageviews));
    auto *layoutRow = new QHBoxLayout;
    layoutRow->addWidget(m_delimiter);
    layoutRow->addWidget(m_headerless);
    layoutRow->addWidget(m_kind);
    layoutRow->addStretch(1);
    form->addRow(tr("Separator:"), layoutRow);
    m_columns = new QLineEdit(optionsBox);
    m_columns->setObjectName(QStringLiteral("columns"));
    m_columns->setClearButtonEnabled(true);
    m_columns->setPlaceholderText(tr("the file's own names, if they differ: url=page_url, pageview_datetime=timestamp"));
    m_columns->setToolTip(tr("For each column the warehouse reads (%1), the file's name for it, or its number from 1. "
                             "Remembered for the files of this folder.")
                              .arg(warehouseColumnNames().join(QLatin1String(", "))));
    m_columnsProblem = new QLabel(optionsBox);
    m_columnsProblem->setObjectName(QStringLiteral("columnsProblem"));
    m_columnsProblem->setStyleSheet(QStringLiteral("color: #b71c1c;"));
    m_columnsProblem->hide();
    auto *columnsRow = new QVBoxLayout;
    columnsRow->addWidget(m_columns);
    columnsRow->addWidget(m_columnsProblem);
    form->addRow(tr("Columns:"), columnsRow);
    connect(m_delimiter, &QComboBox::currentIndexChanged, this, &ImportDialog::storeLayout);
    connect(m_headerless, &QCheckBox::toggled, this, &ImportDialog::storeLayout);
    connect(m_kind, &QComboBox::currentIndexChanged, this, [this] {
        if (m_showing || m_current < 0)
            return;
        m_entries[m_current].chosenKind = ExtractKind(m_kind->currentData().toInt());
        previewAgain(m_entries[m_current]);
    });
    connect(m_columns, &QLineEdit::editingFinished, this, &ImportDialog::storeLayout);

    m_asOfSet = new QCheckBox(tr("Set:"), optionsBox);
    m_asOfSet->setObjectName(QStringLiteral("asOfSet"));
    m_asOf = new QDateTimeEdit(optionsBox);
    m_asOf->setObjectName(QStringLiteral("asOf"));
    m_asOf->setTimeSpec(Qt::UTC);
    m_asOf->setMinimumDateTime(utcFromSeconds(0));
    m_asOf->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:00 'UTC'"));
    m_asOf->setCalendarPopup(true);
    form->addRow(tr("Snapshot as-of:"), optionRow(m_asOfSet, m_asOf, tr("users snapshots; otherwise from the file name")));
    m_hourSet = new QCheckBox(tr("Set:"), optionsBox);
    m_hourSet->setObjectName(QStringLiteral("hourSet"));
    m_hour = new QDateTimeEdit(optionsBox);
    m_hour->setObjectName(QStringLiteral("hour"));
    m_hour->setTimeSpec(Qt::UTC);
    m_hour->setMinimumDateTime(utcFromSeconds(0));
    m_hour->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:00 'UTC'"));
    m_hour->setCalendarPopup(true);
    form->addRow(tr("Pageviews hour:"), optionRow(m_hourSet, m_hour, tr("otherwise the hour in the file name, else the one most rows fall in")));
    m_replace = new QCheckBox(replaceEarlierText(), optionsBox);
    m_replace->setObjectName(QStringLiteral("replace"));
    form->addRow(tr("Correction:"), optionRow(m_replace, nullptr,
                                              tr("a file for an hour already loaded from a file of another name is refused unless ticked")));
    m_thresholdSet = new QCheckBox(tr("Set:"), optionsBox);
    m_thresholdSet->setObjectName(QStringLiteral("thresholdSet"));
    m_threshold = new QDoubleSpinBox(optionsBox);
    m_threshold->setObjectName(QStringLiteral("threshold"));
    m_threshold->setRange(0, 100);
    m_threshold->setDecimals(2);
    m_threshold->setSuffix(QStringLiteral(" %"));
    form->addRow(tr("Reject threshold:"),
                 optionRow(m_thresholdSet, m_threshold,
                           tr("more rejected rows than this fails the whole load; the warehouse default is %1 %")
                               .arg(QLocale().toString(defaultRejectPercent))));
    m_force = new QCheckBox(loadAnywayText(), optionsBox);
    m_force->setObjectName(QStringLiteral("force"));
    form->addRow(tr("Removal guard:"), optionRow(m_force, nullptr,
                                                 tr("a users snapshot missing more than %1 % of the users before it is refused unless ticked")
                                                     .arg(QLocale().toString(removalGuardPercent))));
    detailLayout->addWidget(optionsBox);
    // Wide enough for a whole date and hour, or for why there is none.
    for (QDateTimeEdit *editor : {m_asOf, m_hour})
        editor->setMinimumWidth(editor->fontMetrics().horizontalAdvance(tr("not used for %1").arg(kindText(ExtractKind::Pageviews)))
                                + 48);
    for (QCheckBox *check : {m_asOfSet, m_hourSet, m_replace, m_thresholdSet, m_force})
        connect(check, &QCheckBox::toggled, this, &ImportDialog::storeOptions);
    connect(m_asOf, &QDateTimeEdit::dateTimeChanged, this, &ImportDialog::storeOptions);
    connect(m_hour, &QDateTimeEdit::dateTimeChanged, this, &ImportDialog::storeOptions);
    connect(m_threshold, &QDoubleSpinBox::valueChanged, this, &ImportDialog::storeOptions);

    splitter->addWidget(queue);
    splitter->addWidget(detail);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 5);
    splitter->setSizes({340, 820});
    layout->addWidget(splitter, 1);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_load = buttons->addButton(tr("Load"), QDialogButtonBox::AcceptRole);
    m_load->setObjectName(QStringLiteral("loadButton"));
    m_load->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    showCurrent();

    connect(m_queries, &QueryThread::failed, this, [this](const QString &message) {
        m_snapshotUsers.reset();
        m_facts->setToolTip(tr("The removal guard cannot be forecast: %1").arg(message));
    });
    m_queries->request(QStringLiteral("snapshots"), [this](Warehouse &warehouse) -> std::function<void()> {
        std::map<qint64, qint64> users;
        for (const auto &[asOf, run] : warehouse.runLog().calendar().snapshots)
            users[asOf] = run.rows;
        return [this, users] {
            m_snapshotUsers = users;
            showCurrent();
            emit snapshotsRead();
        };
    });
}

ImportDialog::~ImportDialog()
{
    // The editors leave focus as they are destroyed, after this dialog's own members are gone.
    disconnect(m_columns, nullptr, this, nullptr);
    disconnect(m_delimiter, nullptr, this, nullptr);
    disconnect(m_headerless, nullptr, this, nullptr);
}

void ImportDialog::keyPressEvent(QKeyEvent *event)
{
    // Enter in Columns applies the mapping to the preview (the line edit said editingFinished); it does not load.
    if ((event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter) && focusWidget() == m_columns) {
        event->accept();
        return;
    }
    QDialog::keyPressEvent(event);
}

void ImportDialog::addFiles(const QStringList &paths)
{
    QList<Entry> added;
    for (const QString &path : paths) {
        const QString absolute = QFileInfo(path).absoluteFilePath();
        const auto same = [&](const Entry &e) { return e.preview.path == absolute; };
        if (std::any_of(m_entries.cbegin(), m_entries.cend(), same) || std::any_of(added.cbegin(), added.cend(), same))
            continue;
        Entry entry;
        entry.options.layout = layoutFor(absolute);
        entry.preview = previewExtract(absolute, 20, 2000, entry.options.layout);
        entry.options.kind = entry.preview.kind;
        added << entry;
    }
    // Users snapshots first, then by file name (generated and dated names sort by time).
    std::stable_sort(added.begin(), added.end(), [](const Entry &a, const Entry &b) {
        const bool usersA = a.preview.kind == ExtractKind::UsersSnapshot;
        const bool usersB = b.preview.kind == ExtractKind::UsersSnapshot;
        return usersA != usersB ? usersA : a.preview.fileName < b.preview.fileName;
    });
    m_entries += added;
    updateList();
    if (m_current < 0 && !m_entries.isEmpty())
        m_files->setCurrentRow(0);
}

int ImportDialog::fileCount() const
{
    return int(m_entries.size());
}

QList<LoadRequest> ImportDialog::requests() const
{
    QList<LoadRequest> result;
    for (const Entry &entry : m_entries)
        if (entry.preview.isValid())
            result << LoadRequest{entry.preview.path, entry.options};
    return result;
}

LoadOptions &ImportDialog::optionsAt(int row)
{
    return m_entries[row].options;
}

const ExtractPreview &ImportDialog::previewAt(int row) const
{
    return m_entries.at(row).preview;
}

void ImportDialog::chooseFiles()
{
    const QStringList paths = QFileDialog::getOpenFileNames(this, tr("Import extracts"), QString(),
                                                            tr("Extracts (*.csv *.csv.gz);;All files (*)"));
    addFiles(paths);
}

void ImportDialog::removeCurrent()
{
    if (m_current < 0)
        return;
    m_entries.removeAt(m_current);
    const int next = std::min(m_current, int(m_entries.size()) - 1);
    m_current = -1;
    updateList();
    m_files->setCurrentRow(next);
    showCurrent();
}

void ImportDialog::moveCurrent(int delta)
{
    const int target = m_current + delta;
    if (m_current < 0 || target < 0 || target >= m_entries.size())
        return;
    m_entries.swapItemsAt(m_current, target);
    m_current = -1;
    updateList();
    m_files->setCurrentRow(target);
}

void ImportDialog::updateList()
{
    const QSignalBlocker blocker(m_files);
    m_files->clear();
    int loadable = 0;
    for (int i = 0; i < m_entries.size(); ++i) {
        const ExtractPreview &p = m_entries[i].preview;
        auto *item = new QListWidgetItem(m_files);
        if (p.isValid()) {
            ++loadable;
            item->setText(tr("%1. %2\n     %3, %4").arg(i + 1).arg(p.fileName, kindText(p.kind), sizeText(p.sizeBytes)));
        } else {
            item->setText(tr("%1. %2\n     cannot be read: left out").arg(i + 1).arg(p.fileName));
            item->setIcon(style()->standardIcon(QStyle::SP_MessageBoxWarning));
            item->setToolTip(p.error);
        }
    }
    if (m_current >= 0 && m_current < m_files->count())
        m_files->setCurrentRow(m_current);
    m_load->setEnabled(loadable > 0);
    m_load->setText(loadable == 1 ? tr("Load 1 file") : tr("Load %1 files").arg(loadable));
}

void ImportDialog::setCurrentFile(int row)
{
    m_current = row >= 0 && row < m_entries.size() ? row : -1;
    if (m_files->currentRow() != m_current) {
        const QSignalBlocker blocker(m_files);
        m_files->setCurrentRow(m_current);
    }
    showCurrent();
}

void ImportDialog::showCurrent()
{
    m_showing = true;
    const bool has = m_current >= 0;
    for (QWidget *w : std::initializer_list<QWidget *>{m_delimiter, m_headerless, m_kind, m_columns, m_asOfSet, m_asOf, m_hourSet,
                                                       m_hour, m_replace, m_thresholdSet, m_threshold, m_force})
        w->setEnabled(has);
    m_rows->clear();
    m_rows->setRowCount(0);
    m_rows->setColumnCount(0);
    if (!has) {
        m_facts->setText(tr("Add extract files with “Add…” or drop them on the main window."));
        m_problem->hide();
        showNothing(m_asOf, QString());
        showNothing(m_hour, QString());
        m_showing = false;
        return;
    }
    const Entry &entry = m_entries.at(m_current);
    const ExtractPreview &p = entry.preview;
    const QLocale locale;
    QString detected;
    QStringList problems;
    if (p.kind == ExtractKind::UsersSnapshot) {
        detected = p.asOf ? tr("as-of %1 UTC (from the file name)").arg(formatTimestamp(*p.asOf).left(16))
                          : tr("as-of: none in the file name");
        if (!p.asOf && !entry.options.asOf)
            problems << tr("The file name has no date, so the load will be refused: set the snapshot's as-of below.");
    } else if (p.kind == ExtractKind::Pageviews) {
        if (p.windowFromFileName)
            detected = tr("hour %1 UTC (from the file name)").arg(formatTimestamp(*p.windowHour).left(16));
        else
            detected = p.windowHour ? tr("hour %1 UTC (most of the first %2 rows)")
                                          .arg(formatTimestamp(*p.windowHour).left(16), locale.toString(p.rowsRead))
                                    : tr("hour: not found in the rows read");
    }
    const QString read = p.isValid()
        ? tr("<br>read with %1 as the separator (%2), columns %3")
              .arg(delimiterName(p.delimiter), p.delimiterDetected ? tr("told from the first line") : tr("as set"),
                   p.columnsRead.join(QLatin1String(", ")).toHtmlEscaped())
        : QString();
    // Said of the rows read, when there are some: "0 of the first 0 rows" says nothing.
    const QString rejected = p.rowsRead == 0 ? tr("no rows read yet")
        : p.rowsRead == 1 ? (p.rowsRejected ? tr("its one row read would be rejected") : tr("its one row read would load"))
                          : tr("%1 of the first %2 rows would be rejected").arg(locale.toString(p.rowsRejected), locale.toString(p.rowsRead));
    m_facts->setText(tr("<b>%1</b><br>%2 · %3 · about %4 rows · %5%6<br>%7")
                         .arg(p.fileName.toHtmlEscaped(), kindText(p.kind), sizeText(p.sizeBytes),
                              p.estimatedRows > 0 ? locale.toString(p.estimatedRows) : tr("an unknown number of"),
                              detected, read, rejected));
    if (!p.isValid())
        problems << tr("This file cannot be loaded and is left out: %1").arg(desktopMessage(p.error));
    const std::optional<qint64> asOf = entry.options.asOf ? entry.options.asOf : p.asOf;
    if (const auto forecast = m_snapshotUsers ? forecastRemovals(p, asOf, *m_snapshotUsers, m_removalGuardPercent) : std::nullopt;
        forecast && forecast->refused) {
        const QString removal = tr("Removal guard: this snapshot has %1 %2 rows; the snapshot before it (as of %3 UTC) has "
                                   "%4 users, so at least %5 of them (%6 %) would be removed, more than the %7 % the guard allows.")
                                    .arg(forecast->estimated ? tr("about") : tr("exactly"), locale.toString(forecast->fileRows),
                                         formatTimestamp(forecast->previousAsOf).left(16), locale.toString(forecast->previousUsers),
                                         locale.toString(forecast->removedAtLeast),
                                         locale.toString(100.0 * double(forecast->removedAtLeast) / double(forecast->previousUsers), 'f', 1),
                                         locale.toString(m_removalGuardPercent));
        problems << (entry.options.force
                         ? tr("%1 “%2” is ticked: it will load, and those users are recorded as removed.").arg(removal, loadAnywayText())
                         : tr("%1 It will be refused unless “%2” is ticked (only if those users really left).")
                               .arg(removal, loadAnywayText()));
    }
    if (p.rowsRead > 0 && p.rowsRejected * 100.0 > m_defaultRejectPercent * p.rowsRead && !entry.options.maxRejectPercent)
        problems << tr("%1 of the first %2 rows would be rejected, more than the %3 % threshold: the load would fail. "
                       "Look at the rejected rows below; raise this file's threshold only if they may be skipped.")
                        .arg(locale.toString(p.rowsRejected), locale.toString(p.rowsRead), locale.toString(m_defaultRejectPercent));
    m_problem->setText(problems.join(QLatin1Char('\n')));
    m_problem->setVisible(!problems.isEmpty());

    m_rows->setColumnCount(int(p.columns.size()));
    m_rows->setHorizontalHeaderLabels(p.columns);
    m_rows->setRowCount(int(p.rows.size()));
    for (int r = 0; r < p.rows.size(); ++r)
        for (int c = 0; c < p.rows[r].size(); ++c) {
            auto *item = new QTableWidgetItem(p.rows[r][c]);
            item->setToolTip(p.rows[r][c]);
            if (p.rows[r].constLast() != QLatin1String("ok"))
                item->setForeground(QColor(0xb7, 0x1c, 0x1c));
            m_rows->setItem(r, c, item);
        }
    m_rows->resizeColumnsToContents();
    for (int c = 0; c < m_rows->columnCount(); ++c)
        m_rows->setColumnWidth(c, std::min(m_rows->columnWidth(c), 260));
    if (m_rows->columnCount() > 0)
        m_rows->horizontalHeader()->setSectionResizeMode(m_rows->columnCount() - 1, QHeaderView::Stretch);

    const bool users = p.kind == ExtractKind::UsersSnapshot;
    const bool pageviews = p.kind == ExtractKind::Pageviews;
    m_asOfSet->setEnabled(users);
    m_asOf->setEnabled(users && entry.options.asOf.has_value());
    m_asOfSet->setChecked(entry.options.asOf.has_value());
    if (!users)
        showNothing(m_asOf, tr("not used for %1").arg(kindText(p.kind)));
    else if (asOf)
        showTime(m_asOf, *asOf);
    else
        showNothing(m_asOf, tr("none in the file name"));
    m_hourSet->setEnabled(pageviews);
    m_hour->setEnabled(pageviews && entry.options.windowHour.has_value());
    m_hourSet->setChecked(entry.options.windowHour.has_value());
    if (!pageviews)
        showNothing(m_hour, tr("not used for %1").arg(kindText(p.kind)));
    else if (const std::optional<qint64> hour = entry.options.windowHour ? entry.options.windowHour : p.windowHour)
        showTime(m_hour, *hour);
    else
        showNothing(m_hour, tr("not found in the rows"));
    m_replace->setEnabled(pageviews);
    m_replace->setChecked(entry.options.replace);
    m_thresholdSet->setChecked(entry.options.maxRejectPercent.has_value());
    m_threshold->setEnabled(entry.options.maxRejectPercent.has_value());
    m_threshold->setValue(entry.options.maxRejectPercent.value_or(m_defaultRejectPercent));
    m_force->setEnabled(users);
    m_force->setChecked(entry.options.force);
    const ExtractLayout &layout = entry.options.layout;
    m_delimiter->setCurrentIndex(std::max(0, m_delimiter->findData(int(layout.delimiter))));
    m_headerless->setChecked(layout.headerless);
    m_kind->setCurrentIndex(std::max(0, m_kind->findData(int(entry.chosenKind))));
    if (!m_columns->hasFocus() || m_columnsProblem->isHidden())
        m_columns->setText(columnMappingText(layout.columns).replace(QLatin1Char(','), QLatin1String(", ")));
    m_showing = false;
}

void ImportDialog::storeLayout()
{
    if (m_showing || m_current < 0)
        return;
    ExtractLayout layout;
    layout.delimiter = char(m_delimiter->currentData().toInt());
    layout.headerless = m_headerless->isChecked();
    QString error;
    const auto columns = parseColumnMapping(m_columns->text(), &error);
    m_columnsProblem->setText(error);
    m_columnsProblem->setVisible(!columns);
    if (!columns)
        return;
    layout.columns = *columns;
    setCurrentLayout(layout);
}

void ImportDialog::setCurrentLayout(const ExtractLayout &layout)
{
    if (m_current < 0)
        return;
    Entry &entry = m_entries[m_current];
    if (entry.options.layout == layout && entry.preview.isValid())
        return;
    entry.options.layout = layout;
    rememberLayout(entry.preview.path, layout);
    previewAgain(entry);
}

void ImportDialog::previewAgain(Entry &entry)
{
    entry.preview = previewExtract(entry.preview.path, 20, 2000, entry.options.layout, entry.chosenKind);
    entry.options.kind = entry.preview.isValid() ? entry.preview.kind : entry.chosenKind;
    updateList();
    showCurrent();
}

void ImportDialog::storeOptions()
{
    if (m_showing || m_current < 0)
        return;
    LoadOptions &options = m_entries[m_current].options;
    // Set on a field that shows nothing starts from today's midnight (as-of) or the current hour.
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    options.asOf = m_asOfSet->isChecked() ? std::optional(shownHour(m_asOf, dayOf(now) * secondsPerDay)) : std::nullopt;
    options.windowHour = m_hourSet->isChecked() ? std::optional(shownHour(m_hour, startOfHour(now))) : std::nullopt;
    options.maxRejectPercent = m_thresholdSet->isChecked() ? std::optional(m_threshold->value()) : std::nullopt;
    options.force = m_force->isChecked();
    options.replace = m_replace->isChecked();
    showCurrent();
}

} // namespace pv
