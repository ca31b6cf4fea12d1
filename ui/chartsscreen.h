#pragma once

#include "pageviewchartview.h"

#include <QStringList>

#include <functional>
#include <utility>
#include <QWidget>

class QLabel;
class QLineEdit;
class QListWidget;
class QSpinBox;
class QStringListModel;
class QTabBar;

namespace pv {

class PeriodSelector;
class PostcodeRankingModel;
class QueryThread;

/// The analyst's charts: chosen postcodes (typed with search, or the top N) over a range at a grain, on
/// both bases side by side, as their difference, or as a top-N bar chart; exported as PNG. Queries run on
/// the screen's own QueryThread; the drawing is PageviewChartView's.
class ChartsScreen : public QWidget
{
    Q_OBJECT
public:
    explicit ChartsScreen(const QString &warehousePath, QWidget *parent = nullptr);
    ~ChartsScreen() override;

    /// Re-queries everything shown (after a load).
    void reload();

    void setPostcodes(const QStringList &postcodes);
    QStringList postcodes() const { return m_postcodes; }
    /// Replaces the chosen postcodes with the top n by current pageviews in the range.
    void useTopPostcodes(int n);
    void setView(PageviewChartView::View view);

    PeriodSelector *periodSelector() const { return m_period; }
    PageviewChartView *chartView() const { return m_chart; }
    PageviewSeriesModel *seriesModel() const { return m_series; }
    PostcodeRankingModel *rankingModel() const { return m_ranking; }
    QString status() const;
    /// Saves the chart as PNG (PageviewChartView::exportPng); a failure is said in the status line.
    bool exportPng(const QString &path, QSize size = {});
    /// The data of the chart shown as CSV: the time views' as the Reports screen writes both bases with
    /// hours loaded (the visible stretch when zoomed), the top postcodes' as writeRankingCsv. Reads on the
    /// query thread; dataCopied or dataExported follows.
    void copyData();
    void exportData(const QString &path);

signals:
    /// A query's result was drawn.
    void updated();
    /// The chart's data is on the clipboard, or was saved (ok false: the status line says why).
    void dataCopied();
    void dataExported(bool ok);

private:
    void addTypedPostcode();
    void querySeries();
    void queryRanking();
    void searchPostcodes(const QString &prefix);
    void showPostcodeList();
    /// Strikes out the chosen postcodes no user has ever had, with the reason as their tooltip.
    void markUnknownPostcodes(const QStringList &unknown);
    void showStatus();
    /// Reads the chart's data as CSV, then use(csv); a failure goes to the status line, and use is not called.
    void withChartCsv(std::function<void(const QByteArray &csv)> use);

    QueryThread *m_queries = nullptr;
    QString m_postcodesKey; // where the postcodes charted on this warehouse are remembered
    QStringList m_postcodes;
    bool m_pickTopOnLoad = true;
    quint64 m_choice = 0;  // counts choices of postcodes: a top-N answer applies only if none came after
    QLineEdit *m_search = nullptr;
    QStringListModel *m_completions = nullptr;
    QListWidget *m_postcodeList = nullptr;
    QSpinBox *m_topN = nullptr;
    PeriodSelector *m_period = nullptr;
    QTabBar *m_views = nullptr;
    PageviewChartView *m_chart = nullptr;
    PageviewSeriesModel *m_series = nullptr;
    PostcodeRankingModel *m_ranking = nullptr;
    QLabel *m_status = nullptr;
    QString m_seriesStatus;   // what the time views show
    QString m_rankingStatus;  // what the top postcodes view shows
    std::pair<qint64, qint64> m_rankedRange{0, 0};  // the range and N of the ranking shown or asked for:
    int m_rankedN = 0;                              // a grain change does not re-rank
};

} // namespace pv
