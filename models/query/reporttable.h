#pragma once

#include "query/basiscomparison.h"
#include "query/pageviewquery.h"
#include "query/periodcoverage.h"

#include <QList>
#include <QStringList>

#include <optional>

namespace pv {

class Warehouse;

/// What the Reports screen previews and exports and `pvadmin report` writes: PageviewQuery::report on one
/// basis, or both bases as two columns (compareBases), with how much of each period is loaded.
struct ReportTable
{
    std::optional<Basis> basis;       ///< nullopt: both bases
    Grain grain = Grain::Day;
    QList<ReportRow> rows;            ///< one basis
    QList<ComparisonRow> comparison;  ///< both bases
    HourCoverage coverage;            ///< the loaded hours of the query's range
    QStringList unknownPostcodes;     ///< postcodes of the filter no user in the warehouse has ever had

    qsizetype size() const { return basis ? rows.size() : comparison.size(); }
    qint64 periodStartAt(qsizetype row) const { return basis ? rows[row].periodStart : comparison[row].periodStart; }
    PeriodCoverage periodCoverage(qint64 periodStart) const { return coverage.period(grain, periodStart); }
};

/// Runs the report behind a ReportTable. bothBases ignores query.basis. nullopt with *error on an invalid
/// postcode in the filter or a failed query; a read the database fails throws StorageError.
std::optional<ReportTable> runReport(const Warehouse &warehouse, const ReportQuery &query, bool bothBases,
                                     QString *error);

/// The postcodes of a (normalised) filter that no user in the warehouse has ever had, in filter order.
QStringList unknownPostcodes(const Warehouse &warehouse, const QStringList &normalisedPostcodes);

/// "ZZ99: no user in the warehouse has ever had this postcode" (one line per postcode, joined by "; ").
QString describeUnknownPostcodes(const QStringList &postcodes);

} // namespace pv
