#pragma once

#include "itemmodels/pageviewseriesmodel.h"

#include <QChartView>
#include <QHash>
#include <QImage>
#include <QList>
#include <QPointF>
#include <QSet>

#include <optional>
#include <tuple>
#include <utility>

class QCategoryAxis;
class QLabel;
class QRubberBand;

namespace pv {

class PostcodeRankingModel;

/// All of the analyst's chart drawing, fed by plain models: a PageviewSeriesModel for the time views and
/// a PostcodeRankingModel for the top postcodes. Periods that were never loaded are shaded and break the
/// lines; they are never drawn as zeros. Periods with some hours not loaded are drawn marked as partial.
/// Hovering a period or a bar shows its exact values. Time ticks fall on whole hours, days, weeks or months;
/// counts are written with digit grouping. A click on a legend entry hides or shows what it names; the time
/// axis zooms (drag across the plot, the wheel, + and -) and pans (Shift+drag, middle drag, the arrow
/// keys), and a double-click or Home shows the whole range again. Keeping Qt Charts inside this one class
/// lets it move to Qt Graphs later.
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

    /// Hides or shows every series the legend names so (a postcode's line, "not loaded", "partial period");
    /// what is hidden stays hidden when the chart is drawn again.
    void setSeriesShown(const QString &legendName, bool shown);
    bool isSeriesShown(const QString &legendName) const { return !m_hidden.contains(legendName); }

    /// The time views' visible stretch of the axis, [from, to) in seconds; the whole range unless zoomed.
    std::pair<qint64, qint64> visibleRange() const;
    /// The whole periods the visible stretch meets, [from, to) inside the series' range: what an export of
    /// the data shown covers.
    std::pair<qint64, qint64> visiblePeriods() const;
    bool isZoomed() const { return m_zoom.has_value(); }
    /// Shows [from, to) of the time axis (kept inside the range, at least one period wide).
    void zoomTo(double from, double to);
    void resetZoom();

    /// What the chart shows in one line: the view, the grain, the postcodes and the range in UTC (the
    /// visible stretch when zoomed).
    QString description() const;
    /// What a reader of an image of the chart must also know: the partial periods, the hidden series.
    QStringList notes() const;
    /// A file name for an export of what is shown, without folder or suffix:
    /// "pageviews-per-day-SW1A1AA-EC1A1BB-2024-02-26-to-2024-03-04".
    QString suggestedFileName() const;
    /// The chart drawn at size (the whole image, the description and notes above it included); an empty
    /// size means the size it has on screen.
    QImage renderImage(QSize size = {});
    /// Saves renderImage(size) as PNG, whole or not at all; false with *error "PATH: cannot write: REASON".
    bool exportPng(const QString &path, QSize size = {}, QString *error = nullptr);

signals:
    /// The visible stretch of the time axis changed (zoom, pan, reset, or a new range).
    void zoomChanged();

protected:
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
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
    /// Each series shown or hidden as m_hidden says, its legend entry dimmed when hidden; markers of the
    /// series named by another entry (property "inLegend" false) stay out of the legend.
    void applyLegendState();
    /// The time axis's value at a viewport x.
    double timeAt(int viewportX) const;
    std::pair<double, double> fullRange() const;
    void panBy(double seconds);

    enum class Drag { None, Zoom, Pan };

    PageviewSeriesModel *m_seriesModel = nullptr;
    PostcodeRankingModel *m_rankingModel = nullptr;
    View m_view = View::BothBases;
    QHash<QString, QList<QPointF>> m_drawn;  // "postcode/value" → points
    QList<qint64> m_shaded;
    QList<qint64> m_partial;
    QCategoryAxis *m_timeAxis = nullptr;     // of the time views
    QCategoryAxis *m_countAxis = nullptr;
    QLabel *m_hover = nullptr;
    QSet<QString> m_hidden;                       // legend names switched off
    std::optional<std::pair<double, double>> m_zoom; // the visible stretch of the time axis, when zoomed
    std::tuple<Grain, qint64, qint64> m_zoomedSeries{}; // the grain and range m_zoom was chosen on
    QRubberBand *m_band = nullptr;
    Drag m_drag = Drag::None;
    QPoint m_dragFrom;
    double m_dragFromValue = 0;
};

} // namespace pv
