#include "query/reporttable.h"

namespace pv {

std::optional<ReportTable> runReport(const PageviewQuery &pageviews, const ReportQuery &query, bool bothBases,
                                     QString *error)
{
    ReportTable table;
    table.grain = query.grain;
    if (bothBases) {
        auto rows = compareBases(pageviews, query, error);
        if (!rows)
            return std::nullopt;
        table.comparison = std::move(*rows);
    } else {
        auto rows = pageviews.report(query, error);
        if (!rows)
            return std::nullopt;
        table.basis = query.basis;
        table.rows = std::move(*rows);
    }
    return table;
}

} // namespace pv
