#pragma once

#include "storage/runlog.h"

#include <QSqlDatabase>

namespace pv {

/// The job tracker (load_runs, load_rejects and the calendar's tables) read through Qt's SQL driver, in SQL
/// both engines speak.
class SqlRunLog final : public LoadRunLog
{
public:
    explicit SqlRunLog(QSqlDatabase db);

    QList<LoadRun> runs(const RunPage &page = {}) const override;
    std::optional<LoadRun> run(qint64 id) const override;
    qint64 runCount(const RunFilter &filter = {}) const override;
    qint64 runsNeedingAttention() const override;
    QList<RejectedLine> rejects(qint64 runId, qint64 afterLine = 0, int limit = -1) const override;
    LoadCalendarRecords calendar() const override;

private:
    QSqlDatabase m_db;
};

} // namespace pv
