#include "query/reporttable.h"

#include "query/postcodedirectory.h"
#include "query/warehousecoverage.h"
#include "storage/warehouse.h"

#include <QObject>

namespace pv {

std::optional<ReportTable> runReport(const Warehouse &warehouse, const ReportQuery &query, bool bothBases,
                                     QString *error)
{
    const auto postcodes = normalisedPostcodeFilter(query.postcodes, error);
    if (!postcodes)
        return std::nullopt;
    ReportTable table;
    table.grain = query.grain;
    if (bothBases) {
        auto rows = compareBases(warehouse.pageviews(), query, error);
        if (!rows)
            return std::nullopt;
        table.comparison = std::move(*rows);
    } else {
        auto rows = warehouse.pageviews().report(query, error);
        if (!rows)
            return std::nullopt;
        table.basis = query.basis;
        table.rows = std::move(*rows);
    }
    table.coverage = HourCoverage::read(warehouse.coverage(), query.from, query.to);
    table.unknownPostcodes = unknownPostcodes(warehouse, *postcodes);
    return table;
}

QStringList unknownPostcodes(const Warehouse &warehouse, const QStringList &normalisedPostcodes)
{
    QStringList unknown;
    for (const QString &postcode : normalisedPostcodes)
        if (!warehouse.postcodes().currentUsers(postcode))
            unknown << postcode;
    return unknown;
}

QString describeUnknownPostcodes(const QStringList &postcodes)
{
    QStringList lines;
    for (const QString &postcode : postcodes)
        lines << QObject::tr("%1: no user in the warehouse has ever had this postcode").arg(postcode);
    return lines.join(QStringLiteral("; "));
}

} // namespace pv
