#pragma once

#include "query/basiscomparison.h"
#include "query/pageviewquery.h"

#include <QList>

#include <optional>

namespace pv {

/// What the Reports screen previews and exports: PageviewQuery::report on one basis, or both bases as
/// two columns (compareBases).
struct ReportTable
{
    std::optional<Basis> basis;       ///< nullopt: both bases
    Grain grain = Grain::Day;
    QList<ReportRow> rows;            ///< one basis
    QList<ComparisonRow> comparison;  ///< both bases

    qsizetype size() const { return basis ? rows.size() : comparison.size(); }
};

/// Runs the report behind a ReportTable. bothBases ignores query.basis.
std::optional<ReportTable> runReport(const PageviewQuery &pageviews, const ReportQuery &query, bool bothBases,
                                     QString *error);

} // namespace pv
