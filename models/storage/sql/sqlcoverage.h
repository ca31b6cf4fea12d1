#pragma once

#include "query/warehousecoverage.h"

#include <QSqlDatabase>

namespace pv {

/// WarehouseCoverage through Qt's SQL driver, in SQL both engines speak: pageview_windows, load_hour_views, snapshots and load_runs.
class SqlCoverage final : public WarehouseCoverage
{
public:
    explicit SqlCoverage(QSqlDatabase db);

    DataFreshness freshness() const override;
    QList<qint64> loadedHours(qint64 from, qint64 to) const override;

private:
    QSqlDatabase m_db;
};

} // namespace pv
