#pragma once

#include "itemmodels/pageviewseriesmodel.h"

#include <QChartView>
#include <QHash>
#include <QList>
#include <QPointF>

class QCategoryAxis;
class QLabel;

namespace pv {

class PostcodeRankingModel;

/// All of the analyst's chart drawing, fed by plain models: a PageviewSeriesModel for the time views and
/// a PostcodeRankingModel for the top postcodes. Periods that were never loaded are shaded and break the
/// lines; they are never drawn as zeros. Periods with some hours not loaded are drawn marked as partial. Hovering a period or a bar shows its exact values. Time ticks
/// fall on whole hours, days, weeks or months; counts are written with digit grouping. Keeping Qt Charts
/// inside this one class lets it move to Qt Graphs later.
class PageviewChartView : public QChartView
{
    Q_OBJECT
public:
    enum class View {
        BothBases,   ///< per postcode a solid current line and a dashed at-time line, same colour
        Difference,  ///< per postcode current − at-time
        TopPostcodes ///< bars of the ranked postcodes on both bases
    };

    explicit PageviewChartView(QWidget *parent = nullptr);

    void setSeriesModel(PageviewSeriesModel *model);
    void setRankingModel(PostcodeRankingModel *model);
    void setView(View view);
    View view() const { return m_view; }

    /// The tooltip of a period (time views) or a ranked postcode (top postcodes view).
    QString toolTipText(int row) const;
    /// What the hover label shows now; empty while it is hidden.
    QString hoverText() const;
    /// The points drawn for a postcode's value, as (period start in seconds since the epoch, count); a
    /// period that was never loaded has no point.
    QList<QPointF> drawnPoints(const QString &postcode, PageviewSeriesModel::Value value) const;
    /// The periods shaded as never loaded (no charted postcode has a value), as period starts.
    QList<qint64> shadedPeriods() const { return m_shaded; }
    /// The periods drawn as partial (some of their hours not loaded), as period starts.
    QList<qint64> partialPeriods() const { return m_partial; }
    /// The labels of the time axis and of the count axis, left to right and bottom to top.
    QStringList timeLabels() const;
    QStringList countLabels() const;
    /// The names in the legend, as drawn.
    QStringList legendNames() const;

    /// What the chart shows in one line: the view, the grain, the postcodes and the range in UTC.
    QString description() const;
    /// Saves the chart with its description above it and its legend.
    bool exportPng(const QString &path);

protected:
    void mouseMoveEvent(QMouseEvent *event) override;
    void leaveEvent(QEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    void rebuild();
    void buildTimeView();
    void buildRankingView();
    /// One shaded band per run of marked periods; inLegend: the first one named in the legend.
    void addBands(const QList<bool> &periodsMarked, const QString &name, const QColor &color, bool inLegend);
    void placeTimeTicks();
    void showHoverAt(const QPoint &viewportPos);

    PageviewSeriesModel *m_seriesModel = nullptr;
    PostcodeRankingModel *m_rankingModel = nullptr;
    View m_view = View::BothBases;
    QHash<QString, QList<QPointF>> m_drawn;  // "postcode/value" → points
    QList<qint64> m_shaded;
    QList<qint64> m_partial;
    QCategoryAxis *m_timeAxis = nullptr;     // of the time views
    QCategoryAxis *m_countAxis = nullptr;
    QLabel *m_hover = nullptr;
};

} // namespace pv
