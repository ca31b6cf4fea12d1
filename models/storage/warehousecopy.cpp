#include "storage/warehousecopy.h"

#include "core/loadfeedback.h"
#include "storage/storageerror.h"
#include "storage/tablecopy.h"
#include "storage/warehouse.h"

namespace pv {

namespace {
using Type = CopyColumnType;

/// Rows and bytes sent to the target at a time.
constexpr size_t batchRows = 10000;
constexpr qsizetype batchBytes = 64 << 20;

struct Cancelled
{
};
} // namespace

const std::vector<CopyTable> &warehouseTables()
{
    static const std::vector<CopyTable> tables{
        {"settings", {{"key", Type::Text}, {"value", Type::Text}}},
        {"postcodes", {{"id", Type::Integer}, {"postcode", Type::Text}, {"seal", Type::Integer}}},
        {"load_runs",
         {{"id", Type::Integer}, {"kind", Type::Text}, {"file", Type::Text}, {"content_hash", Type::Text},
          {"window_hour", Type::Integer}, {"as_of", Type::Integer}, {"started_at", Type::Integer},
          {"finished_at", Type::Integer}, {"rows_read", Type::Integer}, {"rows_loaded", Type::Integer},
          {"rows_rejected", Type::Integer}, {"late_rows", Type::Integer}, {"users_added", Type::Integer},
          {"users_moved", Type::Integer}, {"users_removed", Type::Integer}, {"facts_reattributed", Type::Integer},
          {"replaced_run", Type::Integer}, {"replaced_by", Type::Integer}, {"status", Type::Text}, {"error", Type::Text},
          {"pid", Type::Integer}}},
        {"load_rejects", {{"run_id", Type::Integer}, {"line", Type::Integer}, {"reason", Type::Text}, {"raw", Type::Blob}}},
        {"snapshots", {{"as_of", Type::Integer}, {"run_id", Type::Integer}, {"users", Type::Integer}}},
        {"user_postcode_changes",
         {{"as_of", Type::Integer}, {"user_id", Type::Integer}, {"postcode_id", Type::Integer},
          {"previous_as_of", Type::Integer}, {"previous_postcode_id", Type::Integer}}},
        {"postcode_current_users", {{"postcode_id", Type::Integer}, {"users", Type::Integer}}},
        {"user_directory_blocks",
         {{"block", Type::Integer}, {"first_user", Type::Integer}, {"users", Type::Integer}, {"data", Type::Blob}}},
        {"pageview_fact_segments",
         {{"id", Type::Integer}, {"load_id", Type::Integer}, {"first_user", Type::Integer}, {"last_user", Type::Integer},
          {"facts", Type::Integer}, {"format", Type::Integer}, {"data", Type::Blob}}},
        {"load_hour_views", {{"run_id", Type::Integer}, {"hour", Type::Integer}, {"views", Type::Integer}}},
        {"pageview_windows", {{"hour", Type::Integer}, {"run_id", Type::Integer}}},
        {"views_at_time_hourly", {{"hour", Type::Integer}, {"postcode_id", Type::Integer}, {"views", Type::Integer}}},
        {"views_current_hourly", {{"hour", Type::Integer}, {"postcode_id", Type::Integer}, {"views", Type::Integer}}},
        {"views_at_time_daily", {{"day", Type::Integer}, {"postcode_id", Type::Integer}, {"views", Type::Integer}}},
        {"views_current_daily", {{"day", Type::Integer}, {"postcode_id", Type::Integer}, {"views", Type::Integer}}},
    };
    return tables;
}

QByteArray columnList(const CopyTable &table)
{
    QByteArray list;
    for (const CopyColumn &column : table.columns)
        list += (list.isEmpty() ? "" : ", ") + QByteArray(column.name);
    return list;
}

CopyOutcome copyWarehouse(Warehouse &from, Warehouse &to, LoadFeedback *feedback)
{
    CopyOutcome outcome;
    std::unique_ptr<TableCopyTarget> target;
    try {
        if (const QString readOnly = to.whyReadOnly(); !readOnly.isEmpty()) {
            outcome.error = QStringLiteral("%1: %2").arg(to.path(), readOnly);
            return outcome;
        }
        const std::unique_ptr<TableCopySource> source = from.copySource();
        target = to.copyTarget();
        target->begin();
        if (const qint64 runs = target->runCount(); runs > 0) {
            target->rollback();
            outcome.error = QStringLiteral("%1 already holds a warehouse (%2 runs); copy only into a new or empty one")
                                .arg(to.path())
                                .arg(runs);
            return outcome;
        }
        for (const CopyTable &table : warehouseTables()) {
            if (feedback)
                feedback->setStage(QStringLiteral("copying %1").arg(QLatin1String(table.name)), source->rowCount(table));
            target->clear(table);
            std::vector<CopyRow> batch;
            qsizetype bytes = 0;
            qint64 done = 0;
            const auto send = [&] {
                target->append(table, batch);
                done += static_cast<qint64>(batch.size());
                batch.clear();
                bytes = 0;
                if (feedback) {
                    feedback->setProgress(done);
                    if (feedback->isCancelled())
                        throw Cancelled{};
                }
            };
            source->forEachRow(table, [&](const CopyRow &row) {
                batch.push_back(row);
                for (const CopyValue &value : row)
                    bytes += value.bytes.size();
                if (batch.size() >= batchRows || bytes >= batchBytes)
                    send();
                return true;
            });
            send();
            outcome.rows += done;
        }
        if (feedback)
            feedback->setStage(QStringLiteral("committing"));
        target->commit();
        outcome.ok = true;
    } catch (const Cancelled &) {
        target->rollback();
        outcome.cancelled = true;
        outcome.error = QStringLiteral("cancelled; nothing was copied into %1").arg(to.path());
    } catch (const StorageError &e) {
        if (target)
            target->rollback();
        outcome.error = QStringLiteral("the copy failed and was rolled back, nothing was copied into %1: %2").arg(to.path(), e.message);
    }
    return outcome;
}

} // namespace pv
