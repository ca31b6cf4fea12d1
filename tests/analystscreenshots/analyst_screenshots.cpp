// Shows each analyst screen at 1280×800 on a demo warehouse with realistic selections and saves PNGs:
// history.png, charts.png (days), charts-export.png (the chart's PNG export), charts-hours.png (with the
// values under the mouse), charts-month.png (one month), charts-difference.png, charts-top.png, reports.png.
// Usage: analyst_screenshots --db WAREHOUSE --out DIR   (run by scripts/analyst-screenshots.sh under xvfb-run)
#include "chartsscreen.h"
#include "pageviewchartview.h"
#include "historyscreen.h"
#include "periodselector.h"
#include "query/postcodedirectory.h"
#include "reportsscreen.h"
#include "itemmodels/reporttablemodels.h"
#include "query/userhistory.h"
#include "itemmodels/userhistorymodels.h"
#include "storage/warehouse.h"
#include "query/warehousecoverage.h"

#include <QApplication>
#include <QSettings>
#include <QStandardPaths>
#include <QDir>
#include <QSpinBox>
#include <QTest>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace {

bool save(QWidget *widget, const QString &path)
{
    QTest::qWait(400); // let layouts settle and the window paint
    const bool ok = widget->grab().save(path);
    std::fprintf(stderr, "%s %s\n", ok ? "wrote" : "FAILED to write", qPrintable(path));
    return ok;
}

/// Waits for a screen's queries: until done() holds or the timeout passes.
template<typename Done>
bool settle(Done done, int timeoutMs = 20000)
{
    return QTest::qWaitFor(done, timeoutMs);
}

struct Selection
{
    QStringList southWest;   // the biggest SW postcodes
    qint64 mover = 0;        // a user who moved, with pageviews on both sides of the move
    QString moverPostcode;   // where they moved to
};

Selection choose(const QString &path)
{
    Selection s;
    pv::Warehouse warehouse;
    QString error;
    if (!warehouse.open(path, &error))
        qFatal("%s", qPrintable(error));
    const pv::DataFreshness freshness = warehouse.coverage().freshness();
    const auto range = pv::recentRange(pv::RecentRange::AllData, freshness);
    if (!range)
        qFatal("the warehouse has no pageviews");
    const pv::PostcodeDirectory &directory = warehouse.postcodes();
    // The SW postcodes where moves shift the counts most (then the busiest).
    QList<pv::PostcodeRanking> southWest;
    for (const pv::PostcodeRanking &r : pv::topPostcodes(warehouse.pageviews(), range->first, range->second, 100000, pv::Basis::Current))
        if (r.postcode.startsWith(QLatin1String("SW")))
            southWest << r;
    std::stable_sort(southWest.begin(), southWest.end(), [](const pv::PostcodeRanking &a, const pv::PostcodeRanking &b) {
        return std::abs(a.current - a.atTime) > std::abs(b.current - b.atTime);
    });
    for (const pv::PostcodeRanking &r : southWest.mid(0, 3))
        s.southWest << r.postcode;
    // A mover into one of the SW postcodes with the most pageviews under more than one postcode.
    const pv::UserHistory &history = warehouse.userHistory();
    qint64 best = 0;
    for (const QString &postcode : s.southWest) {
        for (const pv::PostcodeMove &move : directory.moves(postcode, range->first, range->second)) {
            if (move.direction != pv::PostcodeMove::Direction::In || move.fromPostcode.isEmpty())
                continue;
            QSet<QString> postcodes;
            qint64 views = 0;
            for (const pv::UserPageviews &row : history.pageviews(move.userId, pv::Grain::Day)) {
                postcodes.insert(row.atTimePostcode);
                views += row.pageviews;
            }
            if (postcodes.size() > 1 && views > best) {
                best = views;
                s.mover = move.userId;
                s.moverPostcode = postcode;
            }
        }
    }
    return s;
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    pv::groupCountDigits();
    // The screens remember the last choices: the pictures start from none, in a settings file of their own.
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("pvadmin-screenshots"));
    QSettings().clear();
    QString db, out;
    const QStringList args = app.arguments();
    for (qsizetype i = 1; i + 1 < args.size(); ++i) {
        if (args[i] == QLatin1String("--db"))
            db = args[++i];
        else if (args[i] == QLatin1String("--out"))
            out = args[++i];
    }
    if (db.isEmpty() || out.isEmpty()) {
        std::fprintf(stderr, "usage: analyst_screenshots --db WAREHOUSE --out DIR\n");
        return 2;
    }
    QDir().mkpath(out);
    const Selection selection = choose(db);
    std::fprintf(stderr, "SW postcodes %s; mover %lld into %s\n", qPrintable(selection.southWest.join(QLatin1Char(' '))),
                 selection.mover, qPrintable(selection.moverPostcode));
    bool ok = true;

    {
        pv::HistoryScreen history(db);
        history.setWindowTitle(QStringLiteral("History — Pageview Warehouse Admin"));
        history.resize(1280, 800);
        history.show();
        if (!QTest::qWaitForWindowExposed(&history))
            return 1;
        history.showUser(selection.mover);
        history.showPostcode(selection.moverPostcode);
        ok &= settle([&] { return history.historyModel()->rowCount() > 1 && history.movesModel()->rowCount() > 0; });
        ok &= save(&history, out + QStringLiteral("/history.png"));
    }
    {
        pv::ChartsScreen charts(db);
        charts.setWindowTitle(QStringLiteral("Charts — Pageview Warehouse Admin"));
        charts.resize(1280, 800);
        charts.show();
        if (!QTest::qWaitForWindowExposed(&charts))
            return 1;
        ok &= settle([&] { return charts.periodSelector()->freshness().newestHour.has_value(); });
        charts.periodSelector()->setRecentRange(pv::RecentRange::AllData);
        charts.periodSelector()->setGrain(pv::Grain::Day);
        // ZZ99 is a postcode no user has ever had: said in the status line, not drawn.
        charts.setPostcodes(selection.southWest + QStringList{QStringLiteral("ZZ99")});
        ok &= settle([&] {
            return charts.seriesModel()->series().postcodes == selection.southWest
                && charts.seriesModel()->series().grain == pv::Grain::Day;
        });
        ok &= save(&charts, out + QStringLiteral("/charts.png"));
        charts.periodSelector()->setGrain(pv::Grain::Hour);
        ok &= settle([&] { return charts.seriesModel()->series().grain == pv::Grain::Hour; });
        QTest::qWait(400);
        // The mouse over the middle of the plot shows that hour's values.
        pv::PageviewChartView *view = charts.chartView();
        QTest::mouseMove(view->viewport(), view->mapFromScene(view->chart()->mapToScene(view->chart()->plotArea().center())));
        ok &= save(&charts, out + QStringLiteral("/charts-hours.png"));
        // Zoomed by a drag to the last two days, one line hidden from the legend; exported at a slide's size.
        {
            const auto [from, to] = view->visibleRange();
            const QPoint left = view->mapFromScene(view->chart()->mapToScene(
                view->chart()->mapToPosition(QPointF(double(to - 2 * 86400), 0), view->chart()->series().first())));
            const QPoint right = view->mapFromScene(view->chart()->mapToScene(
                view->chart()->mapToPosition(QPointF(double(to), 0), view->chart()->series().first())));
            const int y = view->mapFromScene(view->chart()->mapToScene(view->chart()->plotArea().center())).y();
            QTest::mousePress(view->viewport(), Qt::LeftButton, {}, QPoint(left.x(), y));
            QTest::mouseMove(view->viewport(), QPoint((left.x() + right.x()) / 2, y));
            QTest::mouseMove(view->viewport(), QPoint(right.x() - 1, y));
            QTest::mouseRelease(view->viewport(), Qt::LeftButton, {}, QPoint(right.x() - 1, y));
            Q_UNUSED(from);
        }
        view->setSeriesShown(selection.southWest.first() + QStringLiteral(" — at-time"), false);
        ok &= view->isZoomed();
        QTest::qWait(300);
        ok &= save(&charts, out + QStringLiteral("/charts-zoomed.png"));
        ok &= charts.exportPng(out + QStringLiteral("/charts-export.png"), QSize(1600, 900));
        view->setSeriesShown(selection.southWest.first() + QStringLiteral(" — at-time"), true);
        view->resetZoom();
        const auto newest = charts.periodSelector()->freshness().newestHour;
        charts.periodSelector()->setCustomRange(*newest - 2 * 86400, *newest + 3600);
        charts.periodSelector()->setGrain(pv::Grain::Month);
        ok &= settle([&] { return charts.seriesModel()->series().grain == pv::Grain::Month; });
        ok &= save(&charts, out + QStringLiteral("/charts-month.png"));
        charts.periodSelector()->setRecentRange(pv::RecentRange::AllData);
        charts.periodSelector()->setGrain(pv::Grain::Day);
        ok &= settle([&] { return charts.seriesModel()->series().grain == pv::Grain::Day; });
        charts.setView(pv::PageviewChartView::View::Difference);
        ok &= save(&charts, out + QStringLiteral("/charts-difference.png"));
        charts.findChild<QSpinBox *>()->setValue(10);
        charts.setView(pv::PageviewChartView::View::TopPostcodes);
        ok &= settle([&] { return charts.rankingModel()->rowCount() == 10; });
        ok &= save(&charts, out + QStringLiteral("/charts-top.png"));
    }
    {
        pv::ReportsScreen reports(db);
        reports.setWindowTitle(QStringLiteral("Reports — Pageview Warehouse Admin"));
        reports.resize(1280, 800);
        reports.show();
        if (!QTest::qWaitForWindowExposed(&reports))
            return 1;
        ok &= settle([&] { return reports.periodSelector()->freshness().newestHour.has_value(); });
        reports.setPostcodes((selection.southWest + QStringList{QStringLiteral("ZZ99")}).join(QStringLiteral(", ")));
        reports.periodSelector()->setRecentRange(pv::RecentRange::AllData);
        reports.periodSelector()->setGrain(pv::Grain::Day);
        reports.setBasis(QString());
        ok &= settle([&] { return reports.tableModel()->columnCount() == 6 && reports.tableModel()->rowCount() > 0; });
        ok &= save(&reports, out + QStringLiteral("/reports.png"));
    }
    return ok ? 0 : 1;
}
