#include "reportsscreen.h"
#include "basesexplained.h"
#include "scrolledscreen.h"
#include "warehousename.h"

#include "core/time.h"
#include "core/loadfeedback.h"
#include "periodselector.h"
#include "query/querythread.h"
#include "itemmodels/reporttablemodels.h"
#include "storage/warehouse.h"
#include "query/warehousecoverage.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QStyledItemDelegate>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace pv {

namespace {

constexpr auto basisKey = "reports/basis";

/// Tints the rows of partial periods amber, so a count that covers only some hours stands out.
class PartialPeriodDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        if (index.data(ReportTableModel::PartialRole).toBool())
            option->backgroundBrush = QColor(255, 222, 150);
    }
};

} // namespace

ReportsScreen::ReportsScreen(const QString &warehousePath, QWidget *parent)
    : QWidget(parent)
    , m_queries(new QueryThread(warehousePath, this))
    , m_postcodesKey(warehouseSettingsKey(QStringLiteral("reports/postcodes"), warehousePath))
    , m_model(new ReportTableModel(this))
{
    auto *filters = new QGroupBox(tr("Report"), this);
    m_basis = new QComboBox(filters);
    m_basis->addItem(tr("current — under the user's most recent known postcode"), QStringLiteral("current"));
    m_basis->addItem(tr("at-time — under the postcode the user had then"), QStringLiteral("at-time"));
    m_basis->addItem(tr("both bases as two columns"), QString());
    m_period = new PeriodSelector(filters);
    // It opens on the biggest postcodes of the last complete day (sorted below), not on every postcode of a
    // week led by the late rows of a partial day.
    m_period->setRecentRange(RecentRange::LastCompleteDay);
    m_postcodes = new QLineEdit(filters);
    m_postcodes->setPlaceholderText(tr("e.g. SW19, SW1A 1AA — empty for every postcode"));
    m_postcodes->setClearButtonEnabled(true);
    auto *run = new QPushButton(tr("Preview"), filters);
    run->setDefault(true);
    auto *filterForm = new QFormLayout;
    filterForm->addRow(tr("Basis"), m_basis);
    filterForm->addRow(QString(), basesExplainedLink(filters));
    filterForm->addRow(tr("Postcodes"), m_postcodes);
    auto *filterLayout = new QHBoxLayout(filters);
    filterLayout->addLayout(filterForm, 3);
    filterLayout->addWidget(m_period, 2);
    filterLayout->addWidget(run, 0, Qt::AlignBottom);

    m_table = new QTableView(this);
    // Sorted in the view only (a header click sorts by that column, by number): the export keeps the
    // command line's order, period then postcode.
    auto *sorted = new QSortFilterProxyModel(this);
    sorted->setSourceModel(m_model);
    sorted->setSortRole(Qt::EditRole);
    m_table->setModel(sorted);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(2, Qt::DescendingOrder); // the first count: pageviews, or current
    m_table->horizontalHeader()->setSortIndicatorShown(true);
    m_table->setItemDelegate(new PartialPeriodDelegate(m_table));
    m_table->setAlternatingRowColors(true);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("reportsStatus"));
    m_status->setWordWrap(true);

    auto *exportBox = new QGroupBox(tr("Export CSV"), this);
    m_headerLines = new QCheckBox(tr("Header lines (filters, basis definition, data freshness)"), exportBox);
    m_hoursLoaded = new QCheckBox(tr("Hours loaded per period (hours_loaded, period_hours): marks partial periods"), exportBox);
    m_hoursLoaded->setChecked(true);
    m_bom = new QCheckBox(tr("UTF-8 BOM for spreadsheets"), exportBox);
    m_neutralise = new QCheckBox(tr("Neutralise cells a spreadsheet would run as formulas"), exportBox);
    m_neutralise->setChecked(true);
    m_neutralise->setToolTip(tr("Text cells starting with = + - @ tab or CR get a leading apostrophe; numbers are left as numbers"));
    m_export = new QPushButton(tr("Export CSV…"), exportBox);
    m_cancel = new QPushButton(tr("Cancel"), exportBox);
    m_progress = new QProgressBar(exportBox);
    m_progress->setTextVisible(true);
    auto *exportLayout = new QHBoxLayout(exportBox);
    auto *checks = new QVBoxLayout;
    checks->addWidget(m_headerLines);
    checks->addWidget(m_hoursLoaded);
    checks->addWidget(m_bom);
    checks->addWidget(m_neutralise);
    exportLayout->addLayout(checks, 2);
    auto *progressColumn = new QVBoxLayout;
    progressColumn->addWidget(m_progress);
    auto *buttons = new QHBoxLayout;
    buttons->addStretch();
    buttons->addWidget(m_export);
    buttons->addWidget(m_cancel);
    progressColumn->addLayout(buttons);
    exportLayout->addLayout(progressColumn, 1);

    // On a short window (a 1024×600 screen with the progress panel open) the screen scrolls as a whole, and
    // the table keeps room for ten rows; on a tall one the table takes the room there is.
    m_table->setMinimumHeight(m_table->verticalHeader()->defaultSectionSize() * 10 + m_table->horizontalHeader()->sizeHint().height());
    auto *content = new QWidget(this);
    auto *layout = new QVBoxLayout(content);
    layout->addWidget(filters);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_status);
    layout->addWidget(exportBox);
    showScrolled(this, content, QStringLiteral("reportsScroll"));
    setExporting(false);

    // It opens on what its user chose last time: basis, postcodes, range and grain.
    {
        const QSettings settings;
        if (const int b = m_basis->findData(settings.value(QLatin1String(basisKey), m_basis->currentData())); b >= 0)
            m_basis->setCurrentIndex(b);
        m_postcodes->setText(settings.value(m_postcodesKey).toString());
        m_period->remember(QStringLiteral("reports"));
    }
    connect(run, &QPushButton::clicked, this, &ReportsScreen::preview);
    connect(m_postcodes, &QLineEdit::returnPressed, this, &ReportsScreen::preview);
    connect(m_basis, &QComboBox::currentIndexChanged, this, &ReportsScreen::preview);
    connect(m_period, &PeriodSelector::changed, this, &ReportsScreen::preview);
    connect(m_export, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export report"), QStringLiteral("report.csv"),
                                                          tr("CSV files (*.csv)"));
        if (!path.isEmpty())
            exportCsv(path);
    });
    connect(m_cancel, &QPushButton::clicked, this, &ReportsScreen::cancelExport);
    connect(m_queries, &QueryThread::failed, this, [this](const QString &message) { m_status->setText(message); });
    reload();
}

ReportsScreen::~ReportsScreen()
{
    cancelExport();
}

void ReportsScreen::reload()
{
    m_queries->request(QStringLiteral("freshness"), [this](Warehouse &warehouse) -> std::function<void()> {
        const DataFreshness freshness = warehouse.coverage().freshness();
        return [this, freshness] {
            {
                const QSignalBlocker blocker(m_period);
                m_period->setFreshness(freshness);
            }
            preview();
        };
    });
}

void ReportsScreen::setBasis(const QString &basis)
{
    m_basis->setCurrentIndex(m_basis->findData(basis));
}

QString ReportsScreen::basis() const
{
    return m_basis->currentData().toString();
}

void ReportsScreen::setPostcodes(const QString &postcodes)
{
    m_postcodes->setText(postcodes);
}

QString ReportsScreen::postcodes() const
{
    return m_postcodes->text();
}

void ReportsScreen::setCsvOptions(const ReportCsvOptions &options)
{
    m_headerLines->setChecked(options.headerLines);
    m_hoursLoaded->setChecked(options.hoursLoaded);
    m_bom->setChecked(options.utf8Bom);
    m_neutralise->setChecked(options.neutraliseFormulas);
}

ReportCsvOptions ReportsScreen::csvOptions() const
{
    ReportCsvOptions options;
    options.headerLines = m_headerLines->isChecked();
    options.hoursLoaded = m_hoursLoaded->isChecked();
    options.utf8Bom = m_bom->isChecked();
    options.neutraliseFormulas = m_neutralise->isChecked();
    return options;
}

QString ReportsScreen::status() const
{
    return m_status->text();
}

std::optional<ReportQuery> ReportsScreen::currentQuery(bool *bothBases, QString *error) const
{
    const auto range = m_period->range();
    if (!range) {
        *error = tr("No pageviews are loaded yet.");
        return std::nullopt;
    }
    if (range->second <= range->first) {
        *error = tr("The range is empty: From must be before To.");
        return std::nullopt;
    }
    ReportQuery query;
    const QString basis = m_basis->currentData().toString();
    *bothBases = basis.isEmpty();
    query.basis = basisFromName(basis).value_or(Basis::Current);
    query.grain = m_period->grain();
    query.from = range->first;
    query.to = range->second;
    for (const QString &postcode : m_postcodes->text().split(QRegularExpression(QStringLiteral("[,;]")), Qt::SkipEmptyParts))
        if (!postcode.trimmed().isEmpty())
            query.postcodes << postcode.trimmed();
    return query;
}

void ReportsScreen::preview()
{
    bool bothBases = false;
    QString error;
    const auto query = currentQuery(&bothBases, &error);
    if (!query) {
        m_status->setText(error);
        return;
    }
    QSettings settings;
    settings.setValue(QLatin1String(basisKey), m_basis->currentData());
    settings.setValue(m_postcodesKey, m_postcodes->text());
    m_status->setText(tr("Querying…"));
    m_queries->request(QStringLiteral("preview"), [this, query, bothBases](Warehouse &warehouse) -> std::function<void()> {
        QString queryError;
        const auto table = runReport(warehouse, *query, bothBases, &queryError);
        const DataFreshness freshness = warehouse.coverage().freshness();
        return [this, table, queryError, freshness, query] {
            if (!table) {
                m_model->setTable({});
                m_status->setText(queryError);
            } else {
                m_model->setTable(*table);
                QStringList parts;
                if (!table->unknownPostcodes.isEmpty())
                    parts << describeUnknownPostcodes(table->unknownPostcodes) + QLatin1Char('.');
                parts << tr("%1 rows, %2 to %3 UTC per %4.")
                             .arg(countText(table->size()), formatTimestamp(*query->from).left(16),
                                  formatTimestamp(*query->to).left(16), grainName(query->grain));
                if (const qsizetype partial = m_model->partialRows())
                    parts << tr("%1 in partial periods (amber: not every hour loaded, see Hours loaded).").arg(countText(partial));
                parts << tr("Data: %1.").arg(freshness.describe());
                m_status->setText(parts.join(QLatin1Char(' ')));
            }
            emit previewUpdated();
        };
    });
}

void ReportsScreen::exportCsv(const QString &path)
{
    bool bothBases = false;
    QString error;
    const auto query = currentQuery(&bothBases, &error);
    if (!query) {
        m_status->setText(error);
        emit exportFinished(false, error);
        return;
    }
    cancelExport();
    m_feedback = new LoadFeedback(this);
    LoadFeedback *feedback = m_feedback;
    connect(feedback, &LoadFeedback::progressChanged, this, [this](qint64 done, qint64 total) {
        m_progress->setMaximum(int(std::min<qint64>(total, std::numeric_limits<int>::max())));
        m_progress->setValue(int(std::min<qint64>(done, std::numeric_limits<int>::max())));
    }, Qt::QueuedConnection);
    setExporting(true);
    m_status->setText(tr("Exporting to %1…").arg(path));
    const ReportCsvOptions options = csvOptions();
    // A long export reads on a connection of its own, so the screens' reads do not wait behind it.
    if (!m_exports) {
        m_exports = new QueryThread(m_queries->warehousePath(), this, QueryThread::Reader::Own);
        connect(m_exports, &QueryThread::failed, this, [this](const QString &message) { m_status->setText(message); });
    }
    m_exports->request(QStringLiteral("export"), [this, query, bothBases, path, options, feedback](Warehouse &warehouse) -> std::function<void()> {
        QString exportError;
        WriteOutcome outcome = WriteOutcome::Failed;
        qsizetype rows = 0;
        feedback->setStage(QStringLiteral("querying"));
        if (const auto table = runReport(warehouse, *query, bothBases, &exportError)) {
            ReportDescription description;
            description.query = *query;
            description.bothBases = bothBases;
            description.freshness = warehouse.coverage().freshness();
            description.exportedAt = QDateTime::currentSecsSinceEpoch();
            rows = table->size();
            outcome = exportReportCsv(path, *table, description, options, feedback, &exportError);
        }
        return [this, outcome, rows, path, exportError, feedback] {
            if (m_feedback == feedback) {
                m_feedback = nullptr;
                setExporting(false);
                // The export's connection is closed once it is done.
                m_exports->deleteLater();
                m_exports = nullptr;
            }
            feedback->deleteLater();
            const bool ok = outcome == WriteOutcome::Written;
            const QString message = ok ? tr("Exported %1 rows to %2.").arg(countText(rows), path)
                                    : outcome == WriteOutcome::Cancelled ? tr("Export cancelled: %1 was not written.").arg(path)
                                                                         : exportError;
            m_status->setText(message);
            emit exportFinished(ok, message);
        };
    });
}

void ReportsScreen::cancelExport()
{
    if (m_feedback)
        m_feedback->cancel();
}

void ReportsScreen::setExporting(bool exporting)
{
    m_export->setEnabled(!exporting);
    m_cancel->setEnabled(exporting);
    m_progress->setVisible(exporting);
    if (exporting) {
        m_progress->setRange(0, 0);
        m_progress->setValue(0);
    }
}

} // namespace pv
