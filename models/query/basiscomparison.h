#pragma once

#include "query/pageviewquery.h"

#include <QList>
#include <QString>

#include <optional>

namespace pv {

/// One period and postcode on both bases.
struct ComparisonRow
{
    qint64 periodStart = 0;
    QString postcode;
    qint64 current = 0;
    qint64 atTime = 0;

    /// current − at-time: how users' moves shift the count.
    qint64 difference() const { return current - atTime; }
};

/// PageviewQuery::report on each basis (query.basis is ignored): the one place both bases are queried.
struct BothBases
{
    QList<ReportRow> current;
    QList<ReportRow> atTime;
};
std::optional<BothBases> reportBothBases(const PageviewQuery &pageviews, ReportQuery query, QString *error);

/// Both bases as two columns: PageviewQuery::report on each basis (query.basis is ignored), joined on
/// (period, postcode). A row appears when either basis has a count; the other is then 0. Ordered by
/// period start then postcode, like the report.
std::optional<QList<ComparisonRow>> compareBases(const PageviewQuery &pageviews, ReportQuery query, QString *error);

/// Joins the two bases' report rows (each ordered by period start then postcode).
QList<ComparisonRow> joinBases(const QList<ReportRow> &current, const QList<ReportRow> &atTime);

} // namespace pv
