#include "query/basiscomparison.h"

namespace pv {

std::optional<BothBases> reportBothBases(const PageviewQuery &pageviews, ReportQuery query, QString *error)
{
    query.basis = Basis::Current;
    auto current = pageviews.report(query, error);
    if (!current)
        return std::nullopt;
    query.basis = Basis::AtTime;
    auto atTime = pageviews.report(query, error);
    if (!atTime)
        return std::nullopt;
    return BothBases{std::move(*current), std::move(*atTime)};
}

std::optional<QList<ComparisonRow>> compareBases(const PageviewQuery &pageviews, ReportQuery query, QString *error)
{
    const auto both = reportBothBases(pageviews, std::move(query), error);
    if (!both)
        return std::nullopt;
    return joinBases(both->current, both->atTime);
}

QList<ComparisonRow> joinBases(const QList<ReportRow> &current, const QList<ReportRow> &atTime)
{
    QList<ComparisonRow> rows;
    rows.reserve(std::max(current.size(), atTime.size()));
    const auto before = [](const ReportRow &a, const ReportRow &b) {
        return a.periodStart != b.periodStart ? a.periodStart < b.periodStart : a.postcode < b.postcode;
    };
    qsizetype i = 0, j = 0;
    while (i < current.size() || j < atTime.size()) {
        if (j == atTime.size() || (i < current.size() && before(current[i], atTime[j]))) {
            rows.append({current[i].periodStart, current[i].postcode, current[i].pageviews, 0});
            ++i;
        } else if (i == current.size() || before(atTime[j], current[i])) {
            rows.append({atTime[j].periodStart, atTime[j].postcode, 0, atTime[j].pageviews});
            ++j;
        } else {
            rows.append({current[i].periodStart, current[i].postcode, current[i].pageviews, atTime[j].pageviews});
            ++i;
            ++j;
        }
    }
    return rows;
}

} // namespace pv
