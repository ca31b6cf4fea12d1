#pragma once

#include "itemmodels/pageviewseriesmodel.h"

#include <QChartView>
#include <QHash>
#include <QList>
#include <QPointF>

class QAbstractSeries;

namespace pv {

class PostcodeRankingModel;

/// All of the analyst's chart drawing, fed by plain models: a PageviewSeriesModel for the time views and
/// a PostcodeRankingModel for the top postcodes. Periods that were never loaded are shaded and break the
/// lines; they are never drawn as zeros. Hovering a point or a bar shows its exact values. Keeping Qt
/// Charts inside this one class lets it move to Qt Graphs later.
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
    /// The points drawn for a postcode's value, as (period start in seconds since the epoch, count); a
    /// period that was never loaded has no point.
    QList<QPointF> drawnPoints(const QString &postcode, PageviewSeriesModel::Value value) const;
    /// The periods shaded as never loaded, as period starts.
    QList<qint64> shadedPeriods() const { return m_shaded; }

    /// Saves the chart as it is drawn.
    bool exportPng(const QString &path);

private:
    void rebuild();
    void buildTimeView();
    void buildRankingView();
    void showToolTipAt(double axisX);
    void showRankingToolTip(bool status, int index);

    PageviewSeriesModel *m_seriesModel = nullptr;
    PostcodeRankingModel *m_rankingModel = nullptr;
    View m_view = View::BothBases;
    QHash<QString, QList<QPointF>> m_drawn;  // "postcode/value" → points
    QList<qint64> m_shaded;
};

} // namespace pv
