#include "pageviewchartview.h"

#include "core/time.h"
#include "export/savefile.h"
#include "itemmodels/reporttablemodels.h"

#include <QApplication>
#include <QAreaSeries>
#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QCategoryAxis>
#include <QDateTime>
#include <QImage>
#include <QLabel>
#include <QLegendMarker>
#include <QLineSeries>
#include <QMouseEvent>
#include <QPainter>
#include <QPixmap>
#include <QRubberBand>
#include <QScatterSeries>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace pv {

namespace {

QString drawnKey(const QString &postcode, PageviewSeriesModel::Value value)
{
    return postcode + QLatin1Char('/') + QString::number(value);
}

QColor postcodeColor(int index)
{
    static const QList<QColor> palette{QColor(0x1f, 0x77, 0xb4), QColor(0xd6, 0x27, 0x28), QColor(0x2c, 0xa0, 0x2c),
                                       QColor(0x94, 0x67, 0xbd), QColor(0xff, 0x7f, 0x0e), QColor(0x8c, 0x56, 0x4b),
                                       QColor(0xe3, 0x77, 0xc2), QColor(0x17, 0xbe, 0xcf)};
    return palette[index % palette.size()];
}

const QColor partialColor(0xe6, 0x8a, 0x00);

/// A postcode's value in a period as drawn; nullopt for a gap.
std::optional<qint64> valueAt(const PageviewSeries &s, int postcode, int period, PageviewSeriesModel::Value value)
{
    const std::optional<qint64> current = s.value(postcode, period, Basis::Current);
    const std::optional<qint64> atTime = s.value(postcode, period, Basis::AtTime);
    switch (value) {
    case PageviewSeriesModel::Current: return current;
    case PageviewSeriesModel::AtTime: return atTime;
    case PageviewSeriesModel::Difference: break;
    }
    return current && atTime ? std::optional<qint64>(*current - *atTime) : std::nullopt;
}

QString signedCount(qint64 value)
{
    return value > 0 ? QStringLiteral("+") + countText(value) : countText(value);
}

void clearCategories(QCategoryAxis *axis)
{
    for (const QString &label : axis->categoriesLabels())
        axis->remove(label);
}

/// Counts are whole numbers: ticks at a whole, round interval (1, 2, 5, 10, 20, 50, …) over [low, high],
/// each labelled with digit grouping (QValueAxis's printf format cannot group).
void setCountTicks(QCategoryAxis *axis, double low, double high)
{
    const double span = std::max(high - low, 1.0);
    double interval = 0;
    for (double magnitude = 1; interval == 0; magnitude *= 10)
        for (double step : {1.0, 2.0, 5.0})
            if (span / (step * magnitude) <= 8) {
                interval = step * magnitude;
                break;
            }
    const double bottom = std::floor(low / interval) * interval;
    const double top = std::ceil(high / interval) * interval;
    clearCategories(axis);
    axis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    axis->setStartValue(bottom - interval * 1e-6); // so the label of the bottom tick is drawn too
    for (double v = bottom; v <= top + interval * 1e-6; v += interval)
        axis->append(countText(std::llround(v)), v);
    axis->setRange(bottom, top);
}

/// The number of the period starting at start, counted from the epoch, so every count-th one is a tick.
qint64 periodOrdinal(Grain unit, qint64 start)
{
    switch (unit) {
    case Grain::Hour: return hourOf(start);
    case Grain::Day: return dayOf(start);
    case Grain::Week: return floorDiv(dayOf(start) - 4, 7); // 1970-01-05 was a Monday
    case Grain::Month: {
        const QDate d = QDateTime::fromSecsSinceEpoch(start, Qt::UTC).date();
        return qint64(d.year()) * 12 + d.month() - 1;
    }
    case Grain::Year: return QDateTime::fromSecsSinceEpoch(start, Qt::UTC).date().year();
    }
    return 0;
}

/// Time ticks: every count-th whole hour, day, week, month or year.
struct TickStep
{
    Grain unit;
    int count;
};

QList<TickStep> tickSteps(Grain grain)
{
    using G = Grain;
    const QList<TickStep> months{{G::Month, 1}, {G::Month, 2}, {G::Month, 3}, {G::Month, 6}, {G::Month, 12},
                                 {G::Month, 24}, {G::Month, 60}, {G::Month, 120}};
    switch (grain) {
    case G::Hour:
        return QList<TickStep>{{G::Hour, 1}, {G::Hour, 2}, {G::Hour, 3}, {G::Hour, 6}, {G::Hour, 12},
                               {G::Day, 1}, {G::Day, 2}, {G::Week, 1}, {G::Week, 2}} + months;
    case G::Day: return QList<TickStep>{{G::Day, 1}, {G::Day, 2}, {G::Week, 1}, {G::Week, 2}} + months;
    case G::Week: // a month does not start on a Monday: week ticks only
        return {{G::Week, 1}, {G::Week, 2}, {G::Week, 4}, {G::Week, 13}, {G::Week, 26}, {G::Week, 52}, {G::Week, 260}};
    case G::Month: return months;
    case G::Year: return {{G::Year, 1}, {G::Year, 2}, {G::Year, 5}, {G::Year, 10}, {G::Year, 50}};
    }
    return months;
}

/// The ticks of a step in [from, to]; stops early past limit.
QList<qint64> tickPositions(TickStep step, qint64 from, qint64 to, qsizetype limit)
{
    QList<qint64> ticks;
    qint64 t = periodStart(step.unit, hourOf(from));
    if (t < from)
        t = periodEnd(step.unit, t);
    for (; t <= to && ticks.size() <= limit; t = periodEnd(step.unit, t))
        if (periodOrdinal(step.unit, t) % step.count == 0)
            ticks << t;
    return ticks;
}

QString tickLabel(Grain grain, Grain unit, qint64 t)
{
    if (grain == Grain::Week)
        return periodLabel(Grain::Week, t);
    const QDateTime d = QDateTime::fromSecsSinceEpoch(t, Qt::UTC);
    switch (unit) {
    case Grain::Hour: return d.toString(QStringLiteral("MM-dd HH:mm"));
    case Grain::Day:
    case Grain::Week: return d.toString(QStringLiteral("yyyy-MM-dd"));
    case Grain::Month: return d.toString(QStringLiteral("yyyy-MM"));
    case Grain::Year: return d.toString(QStringLiteral("yyyy"));
    }
    return formatTimestamp(t);
}

} // namespace

PageviewChartView::PageviewChartView(QWidget *parent)
    : QChartView(parent)
{
    setRenderHint(QPainter::Antialiasing);
    chart()->setAnimationOptions(QChart::NoAnimation);
    // Beside the plot, every name is written in full ("SW1A 1AA — at-time"), never cut to "SW…".
    chart()->legend()->setAlignment(Qt::AlignRight);
    chart()->legend()->setShowToolTips(true);
    chart()->setMargins(QMargins(4, 4, 4, 4));
    setMinimumSize(420, 340);
    m_hover = new QLabel(viewport());
    m_hover->setObjectName(QStringLiteral("chartHover"));
    m_hover->setForegroundRole(QPalette::ToolTipText);
    m_hover->setBackgroundRole(QPalette::ToolTipBase);
    m_hover->setAutoFillBackground(true);
    m_hover->setFrameShape(QFrame::Box);
    m_hover->setMargin(4);
    m_hover->setAttribute(Qt::WA_TransparentForMouseEvents);
    m_hover->hide();
    m_band = new QRubberBand(QRubberBand::Rectangle, viewport());
    setFocusPolicy(Qt::StrongFocus); // + - and the arrow keys zoom and pan
    connect(chart(), &QChart::plotAreaChanged, this, &PageviewChartView::placeTimeTicks);
}

void PageviewChartView::setSeriesModel(PageviewSeriesModel *model)
{
    m_seriesModel = model;
    connect(model, &QAbstractItemModel::modelReset, this, &PageviewChartView::rebuild);
    rebuild();
}

void PageviewChartView::setRankingModel(PostcodeRankingModel *model)
{
    m_rankingModel = model;
    connect(model, &QAbstractItemModel::modelReset, this, &PageviewChartView::rebuild);
    rebuild();
}

void PageviewChartView::setView(View view)
{
    if (m_view == view)
        return;
    m_view = view;
    rebuild();
}

void PageviewChartView::rebuild()
{
    QChart *c = chart();
    m_hover->hide();
    c->removeAllSeries();
    for (QAbstractAxis *axis : c->axes()) {
        c->removeAxis(axis);
        axis->deleteLater();
    }
    m_timeAxis = nullptr;
    m_countAxis = nullptr;
    m_drawn.clear();
    m_shaded.clear();
    m_partial.clear();
    if (m_view == View::TopPostcodes) {
        buildRankingView();
        return;
    }
    buildTimeView();
    for (QLegendMarker *marker : c->legend()->markers())
        connect(marker, &QLegendMarker::clicked, this, [this, marker] {
            setSeriesShown(marker->label(), !isSeriesShown(marker->label()));
        });
    applyLegendState();
}

void PageviewChartView::buildTimeView()
{
    QChart *c = chart();
    if (!m_seriesModel || m_seriesModel->series().periods.isEmpty() || m_seriesModel->series().postcodes.isEmpty()) {
        c->setTitle(tr("Choose postcodes to chart"));
        return;
    }
    const PageviewSeries &s = m_seriesModel->series();
    // A zoom belongs to the range it was chosen on: another grain or range shows the whole of it.
    if (m_zoomedSeries != std::tuple(s.grain, s.from, s.to) && m_zoom) {
        m_zoom.reset();
        emit zoomChanged();
    }
    const bool difference = m_view == View::Difference;
    c->setTitle(difference ? tr("Current − at-time pageviews per %1: where moves shift the counts").arg(grainName(s.grain))
                           : tr("Pageviews per %1 on both bases (solid: current, dashed: at-time)").arg(grainName(s.grain)));

    m_timeAxis = new QCategoryAxis;
    m_timeAxis->setTitleText(tr("Period (UTC)"));
    m_countAxis = new QCategoryAxis;
    m_countAxis->setTitleText(difference ? tr("Current − at-time") : tr("Pageviews"));
    c->addAxis(m_timeAxis, Qt::AlignBottom);
    c->addAxis(m_countAxis, Qt::AlignLeft);

    // A period's point sits in the middle of the period; the axis runs from the first period's start to
    // the last one's end, so a single period is drawn in the middle.
    const qsizetype periods = s.periods.size();
    const auto middle = [&s](qsizetype t) { return (double(s.periods[t]) + double(periodEnd(s.grain, s.periods[t]))) / 2; };
    const bool markers = periods <= 48;
    double low = 0, high = 0;
    QList<QPointF> partialPoints;
    QList<QPointF> lateOnlyPoints;
    const QList<PageviewSeriesModel::Value> values = difference ? QList{PageviewSeriesModel::Difference}
                                                                : QList{PageviewSeriesModel::Current, PageviewSeriesModel::AtTime};
    for (qsizetype p = 0; p < s.postcodes.size(); ++p) {
        for (PageviewSeriesModel::Value value : values) {
            QPen pen(postcodeColor(int(p)), 2);
            if (value == PageviewSeriesModel::AtTime) {
                pen.setColor(postcodeColor(int(p)).lighter(150));
                pen.setStyle(Qt::DashLine);
            }
            // A stretch touching a partial period is dotted and dimmed: never drawn like whole periods.
            QPen partialPen = pen;
            QColor dim = pen.color();
            dim.setAlpha(120);
            partialPen.setColor(dim);
            partialPen.setStyle(Qt::DotLine);
            const QString name = difference ? s.postcodes[p]
                                            : tr("%1 — %2").arg(s.postcodes[p], value == PageviewSeriesModel::Current
                                                                                    ? tr("current") : tr("at-time"));
            QList<QPointF> &drawn = m_drawn[drawnKey(s.postcodes[p], value)];
            bool named = false;
            QLineSeries *segment = nullptr;
            bool segmentPartial = false;
            const auto startSegment = [&](bool partial) {
                segment = new QLineSeries;
                segment->setName(name);
                segment->setPen(partial ? partialPen : pen);
                segment->setColor((partial ? partialPen : pen).color());
                segment->setPointsVisible(markers);
                segment->setProperty("partialPeriods", partial);
                c->addSeries(segment);
                segment->attachAxis(m_timeAxis);
                segment->attachAxis(m_countAxis);
                // The legend names each line once, by its whole periods' look.
                const bool inLegend = !partial && !named;
                segment->setProperty("inLegend", inLegend);
                named = named || inLegend;
                segmentPartial = partial;
            };
            std::optional<QPointF> previous; // the last point drawn, when the period before this one had one
            bool previousPartial = false;
            for (qsizetype t = 0; t < periods; ++t) {
                const std::optional<qint64> v = valueAt(s, int(p), int(t), value);
                // A period none of whose hours is loaded is a gap, even when late rows from other files landed in
                // it: those are a marker of their own, never a point of the line.
                if (!v || s.coverage[t].hoursLoaded == 0) {
                    if (v)
                        lateOnlyPoints << QPointF(middle(t), double(*v));
                    previous.reset();
                    segment = nullptr;
                    continue;
                }
                const QPointF point(middle(t), double(*v));
                const bool partial = s.coverage[t].isPartial();
                if (!previous) {
                    startSegment(partial);
                } else if ((partial || previousPartial) != segmentPartial) {
                    startSegment(partial || previousPartial);
                    segment->append(*previous);
                }
                segment->append(point);
                previous = point;
                previousPartial = partial;
                drawn.append(QPointF(double(s.periods[t]), double(*v)));
                if (partial)
                    partialPoints << point;
                low = std::min(low, double(*v));
                high = std::max(high, double(*v));
            }
        }
    }
    if (high == low)
        high = low + 1;
    const double pad = (high - low) * 0.05;
    setCountTicks(m_countAxis, low < 0 ? low - pad : 0, high + pad);

    // A period no charted postcode has a value in is a gap, shaded grey; a period some of whose hours were
    // not loaded is partial: shaded amber, its points hollow amber rings, its tooltip "5 of 24 hours loaded".
    const auto isGap = [&](qsizetype t) {
        if (s.coverage[t].hoursLoaded == 0)
            return true;
        for (qsizetype p = 0; p < s.postcodes.size(); ++p)
            if (s.value(int(p), int(t), Basis::Current))
                return false;
        return true;
    };
    QList<bool> gap(periods), partial(periods);
    for (qsizetype t = 0; t < periods; ++t) {
        gap[t] = isGap(t);
        partial[t] = !gap[t] && s.coverage[t].isPartial();
        if (gap[t])
            m_shaded << s.periods[t];
        if (partial[t])
            m_partial << s.periods[t];
    }
    addBands(gap, tr("not loaded"), QColor(128, 128, 128, 60), true);
    addBands(partial, tr("partial period"), QColor(255, 170, 0, 50), false); // the rings' legend entry names them
    if (!partialPoints.isEmpty()) {
        auto *rings = new QScatterSeries;
        rings->setName(tr("partial period"));
        rings->setMarkerShape(QScatterSeries::MarkerShapeCircle);
        rings->setMarkerSize(13); // around the line's own point, which stays visible inside
        rings->setBrush(Qt::NoBrush);
        rings->setPen(QPen(partialColor, 2));
        rings->append(partialPoints);
        c->addSeries(rings);
        rings->attachAxis(m_timeAxis);
        rings->attachAxis(m_countAxis);
        for (QLegendMarker *marker : c->legend()->markers(rings)) {
            marker->setShape(QLegend::MarkerShapeFromSeries);
            marker->setBrush(Qt::NoBrush);
            marker->setPen(QPen(partialColor, 2));
        }
    }
    if (!lateOnlyPoints.isEmpty()) {
        auto *late = new QScatterSeries;
        late->setName(tr("late rows only (hour not loaded)"));
        late->setMarkerShape(QScatterSeries::MarkerShapeRectangle);
        late->setMarkerSize(7);
        late->setColor(QColor(0x75, 0x75, 0x75));
        late->setBorderColor(QColor(0x75, 0x75, 0x75));
        late->append(lateOnlyPoints);
        c->addSeries(late);
        late->attachAxis(m_timeAxis);
        late->attachAxis(m_countAxis);
    }
    // A chart whose every period drawn is partial says so where it is read first.
    if (!m_partial.isEmpty() && m_partial.size() + m_shaded.size() == periods)
        c->setTitle(c->title() + tr(" — every period is partial: the counts cover only the hours loaded"));
    placeTimeTicks();
}

void PageviewChartView::addBands(const QList<bool> &periodsMarked, const QString &name, const QColor &color, bool inLegend)
{
    const PageviewSeries &s = m_seriesModel->series();
    const double top = m_countAxis->max();
    const double bottom = m_countAxis->min();
    bool named = !inLegend;
    for (qsizetype t = 0; t < periodsMarked.size();) {
        if (!periodsMarked[t]) {
            ++t;
            continue;
        }
        const qsizetype start = t;
        while (t < periodsMarked.size() && periodsMarked[t])
            ++t;
        const double x0 = double(s.periods[start]);
        const double x1 = double(periodEnd(s.grain, s.periods[t - 1]));
        auto *upper = new QLineSeries;
        auto *lower = new QLineSeries;
        upper->append(x0, top);
        upper->append(x1, top);
        lower->append(x0, bottom);
        lower->append(x1, bottom);
        auto *band = new QAreaSeries(upper, lower);
        upper->setParent(band);
        lower->setParent(band);
        band->setName(name);
        band->setColor(color);
        band->setBorderColor(Qt::transparent);
        chart()->addSeries(band);
        band->attachAxis(m_timeAxis);
        band->attachAxis(m_countAxis);
        band->setProperty("inLegend", !named); // one legend entry for all the bands of a kind
        named = true;
    }
}

void PageviewChartView::placeTimeTicks()
{
    if (!m_timeAxis || !m_seriesModel || m_seriesModel->series().periods.isEmpty())
        return;
    const PageviewSeries &s = m_seriesModel->series();
    const auto [shownFrom, shownTo] = m_zoom ? *m_zoom : fullRange();
    const qint64 first = qint64(std::floor(shownFrom));
    const qint64 end = qint64(std::ceil(shownTo));
    const QList<TickStep> steps = tickSteps(s.grain);
    const QFontMetrics metrics(m_timeAxis->labelsFont());
    const double plotWidth = chart()->plotArea().width() > 100 ? chart()->plotArea().width() : width() * 0.65;
    const auto fitting = [&](Grain unit) {
        const int labelWidth = metrics.horizontalAdvance(tickLabel(s.grain, unit, first)) + 24;
        return std::max<qsizetype>(2, qsizetype(plotWidth / labelWidth));
    };

    TickStep chosen = steps.last();
    QList<qint64> ticks;
    for (const TickStep &step : steps) {
        ticks = tickPositions(step, first, end, fitting(step.unit));
        if (ticks.size() <= fitting(step.unit)) {
            chosen = step;
            break;
        }
    }
    QStringList wanted;
    const bool everyPeriod = chosen.unit == s.grain && chosen.count == 1;
    // Few periods: each one shown labelled in its middle, under its point.
    QList<qint64> shownPeriods;
    for (qint64 start : s.periods)
        if (periodEnd(s.grain, start) > first && start < end)
            shownPeriods << start;
    if (everyPeriod) {
        for (qint64 start : std::as_const(shownPeriods))
            wanted << tickLabel(s.grain, s.grain, start);
    } else {
        for (qint64 t : ticks)
            wanted << tickLabel(s.grain, chosen.unit, t);
    }
    if (wanted == m_timeAxis->categoriesLabels()) {
        m_timeAxis->setRange(shownFrom, shownTo);
        return;
    }
    clearCategories(m_timeAxis);
    if (everyPeriod && !shownPeriods.isEmpty()) {
        m_timeAxis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionCenter);
        m_timeAxis->setStartValue(double(shownPeriods.first()));
        for (qsizetype t = 0; t < shownPeriods.size(); ++t)
            m_timeAxis->append(wanted[t], double(periodEnd(s.grain, shownPeriods[t])));
    } else {
        m_timeAxis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
        m_timeAxis->setStartValue(double(first) - 1e-3); // so a tick on the first period is labelled too
        for (qsizetype i = 0; i < ticks.size(); ++i)
            m_timeAxis->append(wanted[i], double(ticks[i]));
    }
    m_timeAxis->setRange(shownFrom, shownTo);
}

void PageviewChartView::buildRankingView()
{
    QChart *c = chart();
    if (!m_rankingModel || m_rankingModel->ranking().isEmpty()) {
        c->setTitle(tr("No pageviews in this range"));
        return;
    }
    const QList<PostcodeRanking> &ranking = m_rankingModel->ranking();
    c->setTitle(ranking.size() == 1 ? tr("Top postcode by current pageviews in the range, on both bases")
                                    : tr("Top %1 postcodes by current pageviews in the range, on both bases").arg(ranking.size()));
    auto *current = new QBarSet(tr("current"));
    auto *atTime = new QBarSet(tr("at-time"));
    current->setColor(QColor(0x1f, 0x77, 0xb4));
    atTime->setColor(QColor(0xff, 0x7f, 0x0e));
    QStringList categories;
    qint64 high = 1;
    for (const PostcodeRanking &r : ranking) {
        current->append(double(r.current));
        atTime->append(double(r.atTime));
        categories << r.postcode;
        high = std::max({high, r.current, r.atTime});
        m_drawn[drawnKey(r.postcode, PageviewSeriesModel::Current)] << QPointF(0, double(r.current));
        m_drawn[drawnKey(r.postcode, PageviewSeriesModel::AtTime)] << QPointF(0, double(r.atTime));
    }
    auto *bars = new QBarSeries;
    bars->append(current);
    bars->append(atTime);
    c->addSeries(bars);
    auto *x = new QBarCategoryAxis;
    x->append(categories);
    x->setTitleText(tr("Postcode"));
    m_countAxis = new QCategoryAxis;
    m_countAxis->setTitleText(tr("Pageviews"));
    setCountTicks(m_countAxis, 0, double(high) * 1.05);
    c->addAxis(x, Qt::AlignBottom);
    c->addAxis(m_countAxis, Qt::AlignLeft);
    bars->attachAxis(x);
    bars->attachAxis(m_countAxis);
}

QString PageviewChartView::toolTipText(int row) const
{
    if (m_view == View::TopPostcodes) {
        if (!m_rankingModel || row < 0 || row >= m_rankingModel->ranking().size())
            return {};
        const PostcodeRanking &r = m_rankingModel->ranking()[row];
        return tr("%1\ncurrent: %2\nat-time: %3\ndifference: %4")
            .arg(r.postcode, countText(r.current), countText(r.atTime), signedCount(r.current - r.atTime));
    }
    if (!m_seriesModel || row < 0 || row >= m_seriesModel->series().periods.size())
        return {};
    const PageviewSeries &s = m_seriesModel->series();
    const PeriodCoverage &coverage = s.coverage[row];
    QStringList lines{tr("%1 (%2, UTC)").arg(periodLabel(s.grain, s.periods[row]), grainName(s.grain))};
    if (m_shaded.contains(s.periods[row])) {
        lines << tr("not loaded (%1)").arg(coverage.describe());
        // Late rows from other files may have landed in it: told, not drawn as the period's count.
        for (qsizetype p = 0; p < s.postcodes.size(); ++p) {
            if (s.value(int(p), row, Basis::Current))
                lines << tr("%1: %2 late rows from other files (current), %3 (at-time)")
                             .arg(s.postcodes[p], countText(s.current[p][row]), countText(s.atTime[p][row]));
        }
        return lines.join(QLatin1Char('\n'));
    }
    if (coverage.isPartial())
        lines << tr("partial period: %1; the counts cover only those hours").arg(coverage.describe());
    for (qsizetype p = 0; p < s.postcodes.size(); ++p)
        lines << (s.value(int(p), row, Basis::Current)
                      ? tr("%1: current %2, at-time %3, difference %4")
                            .arg(s.postcodes[p], countText(s.current[p][row]), countText(s.atTime[p][row]),
                                 signedCount(s.current[p][row] - s.atTime[p][row]))
                      : tr("%1: not loaded").arg(s.postcodes[p]));
    return lines.join(QLatin1Char('\n'));
}

QString PageviewChartView::hoverText() const
{
    return m_hover->isVisible() ? m_hover->text() : QString();
}

std::pair<double, double> PageviewChartView::fullRange() const
{
    if (!m_seriesModel || m_seriesModel->series().periods.isEmpty())
        return {0, 0};
    const PageviewSeries &s = m_seriesModel->series();
    return {double(s.periods.first()), double(periodEnd(s.grain, s.periods.last()))};
}

std::pair<qint64, qint64> PageviewChartView::visibleRange() const
{
    const auto [from, to] = m_zoom ? *m_zoom : fullRange();
    return {qint64(std::floor(from)), qint64(std::ceil(to))};
}

std::pair<qint64, qint64> PageviewChartView::visiblePeriods() const
{
    if (!m_seriesModel || m_seriesModel->series().periods.isEmpty())
        return {0, 0};
    const PageviewSeries &s = m_seriesModel->series();
    if (!m_zoom)
        return {s.from, s.to};
    const auto [from, to] = visibleRange();
    qint64 first = s.periods.last();
    qint64 last = s.periods.first();
    for (qint64 start : s.periods) {
        if (periodEnd(s.grain, start) > from && start < to) {
            first = std::min(first, start);
            last = std::max(last, start);
        }
    }
    return {std::max(s.from, first), std::min(s.to, periodEnd(s.grain, last))};
}

void PageviewChartView::zoomTo(double from, double to)
{
    if (m_view == View::TopPostcodes || !m_timeAxis)
        return;
    const auto [first, end] = fullRange();
    const PageviewSeries &s = m_seriesModel->series();
    if (from > to)
        std::swap(from, to);
    // At least one period (an hour at hour grain) stays in view.
    const double shortest = std::max(double(secondsPerHour), (end - first) / double(s.periods.size()));
    const double span = std::max(to - from, shortest);
    if (span >= end - first) {
        resetZoom();
        return;
    }
    from = std::clamp(from, first, end - span);
    m_zoom = std::pair(from, from + span);
    m_zoomedSeries = std::tuple(s.grain, s.from, s.to);
    m_hover->hide();
    placeTimeTicks();
    emit zoomChanged();
}

void PageviewChartView::resetZoom()
{
    if (!m_zoom)
        return;
    m_zoom.reset();
    placeTimeTicks();
    emit zoomChanged();
}

void PageviewChartView::panBy(double seconds)
{
    if (m_zoom)
        zoomTo(m_zoom->first + seconds, m_zoom->second + seconds);
}

double PageviewChartView::timeAt(int viewportX) const
{
    const QList<QAbstractSeries *> drawn = chart()->series();
    if (drawn.isEmpty())
        return 0;
    const QPointF inChart = chart()->mapFromScene(mapToScene(QPoint(viewportX, 0)));
    return chart()->mapToValue(QPointF(inChart.x(), chart()->plotArea().center().y()), drawn.first()).x();
}

void PageviewChartView::mousePressEvent(QMouseEvent *event)
{
    const QPoint at = event->position().toPoint();
    const QRect plot = mapFromScene(chart()->mapToScene(chart()->plotArea())).boundingRect();
    const bool pans = event->button() == Qt::MiddleButton
        || (event->button() == Qt::LeftButton && event->modifiers().testFlag(Qt::ShiftModifier));
    if (m_view == View::TopPostcodes || !m_timeAxis || !plot.contains(at)
        || (event->button() != Qt::LeftButton && !pans)) {
        QChartView::mousePressEvent(event); // the legend's entries take their clicks
        return;
    }
    setFocus(Qt::MouseFocusReason);
    m_hover->hide();
    m_dragFrom = at;
    m_drag = pans ? Drag::Pan : Drag::Zoom;
    if (m_drag == Drag::Zoom) {
        m_band->setGeometry(QRect(at.x(), plot.top(), 0, plot.height()));
        m_band->show();
    }
    event->accept();
}

void PageviewChartView::mouseMoveEvent(QMouseEvent *event)
{
    const QPoint at = event->position().toPoint();
    switch (m_drag) {
    case Drag::Zoom: {
        const QRect band = m_band->geometry();
        m_band->setGeometry(QRect(std::min(at.x(), m_dragFrom.x()), band.top(), std::abs(at.x() - m_dragFrom.x()), band.height()));
        return;
    }
    case Drag::Pan:
        panBy(timeAt(m_dragFrom.x()) - timeAt(at.x()));
        m_dragFrom = at;
        return;
    case Drag::None:
        break;
    }
    QChartView::mouseMoveEvent(event);
    showHoverAt(at);
}

void PageviewChartView::mouseReleaseEvent(QMouseEvent *event)
{
    const Drag drag = std::exchange(m_drag, Drag::None);
    if (drag == Drag::None) {
        QChartView::mouseReleaseEvent(event);
        return;
    }
    m_band->hide();
    const int x = event->position().toPoint().x();
    if (drag == Drag::Zoom && std::abs(x - m_dragFrom.x()) >= 6) // a click is not a zoom
        zoomTo(timeAt(m_dragFrom.x()), timeAt(x));
    event->accept();
}

void PageviewChartView::mouseDoubleClickEvent(QMouseEvent *event)
{
    if (m_view != View::TopPostcodes && event->button() == Qt::LeftButton) {
        resetZoom();
        event->accept();
        return;
    }
    QChartView::mouseDoubleClickEvent(event);
}

void PageviewChartView::wheelEvent(QWheelEvent *event)
{
    // Ctrl+wheel zooms around the pointer; the wheel alone scrolls the screen as everywhere else.
    if (m_view == View::TopPostcodes || !m_timeAxis || !event->modifiers().testFlag(Qt::ControlModifier)
        || event->angleDelta().y() == 0) {
        event->ignore();
        return;
    }
    const double x = timeAt(event->position().toPoint().x());
    const double factor = event->angleDelta().y() > 0 ? 0.8 : 1.25;
    const auto [from, to] = m_zoom ? *m_zoom : fullRange();
    zoomTo(x - (x - from) * factor, x + (to - x) * factor);
    event->accept();
}

void PageviewChartView::keyPressEvent(QKeyEvent *event)
{
    const auto [from, to] = m_zoom ? *m_zoom : fullRange();
    const double middle = (from + to) / 2;
    const double span = to - from;
    if (m_view == View::TopPostcodes || !m_timeAxis) {
        QChartView::keyPressEvent(event);
        return;
    }
    switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal: zoomTo(middle - span / 4, middle + span / 4); break;
    case Qt::Key_Minus: zoomTo(middle - span, middle + span); break;
    case Qt::Key_Left: panBy(-span / 4); break;
    case Qt::Key_Right: panBy(span / 4); break;
    case Qt::Key_Home: resetZoom(); break;
    default: QChartView::keyPressEvent(event); return;
    }
    event->accept();
}


void PageviewChartView::leaveEvent(QEvent *event)
{
    QChartView::leaveEvent(event);
    m_hover->hide();
}

void PageviewChartView::resizeEvent(QResizeEvent *event)
{
    QChartView::resizeEvent(event);
    m_hover->hide();
}

void PageviewChartView::showHoverAt(const QPoint &viewportPos)
{
    const QPointF inChart = chart()->mapFromScene(mapToScene(viewportPos));
    const QList<QAbstractSeries *> drawn = chart()->series();
    if (drawn.isEmpty() || !chart()->plotArea().contains(inChart)) {
        m_hover->hide();
        return;
    }
    const double x = chart()->mapToValue(inChart, drawn.first()).x();
    int row = -1;
    if (m_view == View::TopPostcodes) {
        row = int(std::lround(x));
    } else {
        // The period whose [start, end) holds the cursor.
        const QList<qint64> &periods = m_seriesModel->series().periods;
        row = int(std::upper_bound(periods.cbegin(), periods.cend(), qint64(std::floor(x))) - periods.cbegin()) - 1;
    }
    const QString text = toolTipText(row);
    if (text.isEmpty()) {
        m_hover->hide();
        return;
    }
    m_hover->setText(text);
    m_hover->adjustSize();
    QPoint at = viewportPos + QPoint(16, 16);
    if (at.x() + m_hover->width() > viewport()->width())
        at.setX(std::max(0, viewportPos.x() - 16 - m_hover->width()));
    if (at.y() + m_hover->height() > viewport()->height())
        at.setY(std::max(0, viewport()->height() - m_hover->height()));
    m_hover->move(at);
    m_hover->show();
    m_hover->raise();
}

QList<QPointF> PageviewChartView::drawnPoints(const QString &postcode, PageviewSeriesModel::Value value) const
{
    return m_drawn.value(drawnKey(postcode, value));
}

QStringList PageviewChartView::timeLabels() const
{
    return m_timeAxis ? m_timeAxis->categoriesLabels() : QStringList();
}

QStringList PageviewChartView::countLabels() const
{
    return m_countAxis ? m_countAxis->categoriesLabels() : QStringList();
}

QStringList PageviewChartView::legendNames() const
{
    QStringList names;
    for (QLegendMarker *marker : chart()->legend()->markers())
        if (marker->isVisible())
            names << marker->label();
    return names;
}

void PageviewChartView::setSeriesShown(const QString &legendName, bool shown)
{
    if (shown == isSeriesShown(legendName))
        return;
    if (shown)
        m_hidden.remove(legendName);
    else
        m_hidden.insert(legendName);
    applyLegendState();
}

void PageviewChartView::applyLegendState()
{
    QLegend *legend = chart()->legend();
    for (QAbstractSeries *series : chart()->series()) {
        const bool shown = isSeriesShown(series->name());
        series->setVisible(shown);
        // Qt hides a hidden series' legend entry: it stays, dimmed, so a click brings the series back.
        for (QLegendMarker *marker : legend->markers(series)) {
            marker->setVisible(series->property("inLegend").toBool() || !series->property("inLegend").isValid());
            marker->setLabelBrush(shown ? legend->labelBrush() : QBrush(QColor(0xa0, 0xa0, 0xa0)));
            QColor fill = marker->brush().color();
            fill.setAlpha(shown ? 255 : 60);
            marker->setBrush(fill);
            marker->setFont(legend->font());
            if (QFont font = legend->font(); !shown) {
                font.setStrikeOut(true);
                marker->setFont(font);
            }
        }
    }
}

QString PageviewChartView::description() const
{
    const auto rangeText = [](qint64 from, qint64 to) {
        return tr("%1 to %2 UTC").arg(formatTimestamp(from).left(16), formatTimestamp(to).left(16));
    };
    // The top postcodes were read for a range of their own: the series may be empty or of another range.
    if (m_view == View::TopPostcodes && m_rankingModel && !m_rankingModel->ranking().isEmpty())
        return (m_rankingModel->ranking().size() == 1 ? tr("Top postcode by current pageviews, on both bases — %1")
                                                      : tr("Top %1 postcodes by current pageviews, on both bases — %2")
                                                            .arg(m_rankingModel->ranking().size()))
            .arg(rangeText(m_rankingModel->from(), m_rankingModel->to()));
    if (!m_seriesModel || m_seriesModel->series().periods.isEmpty())
        return chart()->title();
    const PageviewSeries &s = m_seriesModel->series();
    const auto [from, to] = visiblePeriods();
    const QString range = rangeText(from, to);
    switch (m_view) {
    case View::BothBases:
        return tr("Pageviews per %1 on both bases (solid: current, dashed: at-time) — %2 — %3")
            .arg(grainName(s.grain), s.postcodes.join(QStringLiteral(", ")), range);
    case View::Difference:
        return tr("Current − at-time pageviews per %1 — %2 — %3")
            .arg(grainName(s.grain), s.postcodes.join(QStringLiteral(", ")), range);
    case View::TopPostcodes:
        break;
    }
    return chart()->title();
}

QStringList PageviewChartView::notes() const
{
    if (m_view == View::TopPostcodes || !m_seriesModel || m_seriesModel->series().periods.isEmpty())
        return {};
    const PageviewSeries &s = m_seriesModel->series();
    const auto [from, to] = visiblePeriods();
    QStringList partial;
    qsizetype gaps = 0;
    for (qsizetype t = 0; t < s.periods.size(); ++t) {
        if (s.periods[t] < from || s.periods[t] >= to)
            continue;
        if (m_partial.contains(s.periods[t]))
            partial << tr("%1 (%2)").arg(periodLabel(s.grain, s.periods[t]), s.coverage[t].describe());
        gaps += m_shaded.contains(s.periods[t]) ? 1 : 0;
    }
    QStringList notes;
    constexpr qsizetype listed = 6;
    if (!partial.isEmpty()) {
        QString named = partial.mid(0, listed).join(QStringLiteral(", "));
        if (partial.size() > listed)
            named += tr(" and %1 more").arg(partial.size() - listed);
        notes << tr("Partial periods (dotted lines, amber rings; their counts cover only the hours loaded): %1.").arg(named);
    }
    if (gaps > 0)
        notes << (gaps == 1 ? tr("1 %1 never loaded: shaded grey, not zero.").arg(grainName(s.grain))
                            : tr("%1 %2s never loaded: shaded grey, not zero.").arg(countText(gaps), grainName(s.grain)));
    QStringList hidden;
    for (const QAbstractSeries *series : chart()->series())
        if (!isSeriesShown(series->name()) && !hidden.contains(series->name()))
            hidden << series->name();
    if (!hidden.isEmpty())
        notes << tr("Hidden: %1.").arg(hidden.join(QStringLiteral(", ")));
    return notes;
}

QString PageviewChartView::suggestedFileName() const
{
    const auto day = [](qint64 t) { return formatTimestamp(t).left(10); };
    // [from, to): the last day named is the one to - 1 falls in.
    const auto span = [&day](qint64 from, qint64 to) {
        return day(from) == day(to - 1) ? day(from) : day(from) + QStringLiteral("-to-") + day(to - 1);
    };
    if (m_view == View::TopPostcodes) {
        if (!m_rankingModel || m_rankingModel->ranking().isEmpty())
            return QStringLiteral("top-postcodes");
        return QStringLiteral("top-%1-postcodes-%2")
            .arg(m_rankingModel->ranking().size())
            .arg(span(m_rankingModel->from(), m_rankingModel->to()));
    }
    if (!m_seriesModel || m_seriesModel->series().periods.isEmpty())
        return QStringLiteral("pageviews");
    const PageviewSeries &s = m_seriesModel->series();
    QStringList postcodes;
    constexpr qsizetype named = 3;
    for (const QString &postcode : s.postcodes.mid(0, named))
        postcodes << QString(postcode).remove(QLatin1Char(' '));
    if (s.postcodes.size() > named)
        postcodes << QStringLiteral("and-%1-more").arg(s.postcodes.size() - named);
    const auto [from, to] = visiblePeriods();
    return QStringLiteral("%1-per-%2-%3-%4")
        .arg(m_view == View::Difference ? QStringLiteral("current-minus-at-time") : QStringLiteral("pageviews"),
             grainName(s.grain), postcodes.join(QLatin1Char('-')), span(from, to));
}

QImage PageviewChartView::renderImage(QSize size)
{
    m_hover->hide();
    const QString title = description();
    const QString notesText = notes().join(QLatin1Char('\n'));
    const int width = size.isEmpty() ? viewport()->width() : size.width();
    constexpr int margin = 10;
    QFont titleFont = font();
    titleFont.setBold(true);
    const int textWidth = width - 2 * margin;
    const QRect titleBox = QFontMetrics(titleFont).boundingRect(QRect(0, 0, textWidth, 10000), Qt::TextWordWrap, title);
    const QRect notesBox = notesText.isEmpty()
        ? QRect()
        : fontMetrics().boundingRect(QRect(0, 0, textWidth, 10000), Qt::TextWordWrap, notesText);
    const int header = margin + titleBox.height() + (notesText.isEmpty() ? 0 : margin / 2 + notesBox.height()) + margin;
    // On screen's size: the chart as it is, the header above it. A chosen size is the whole image's.
    const QSize chartSize = size.isEmpty() ? viewport()->size() : QSize(width, std::max(120, size.height() - header));

    QImage image(QSize(width, header + chartSize.height()), QImage::Format_RGB32);
    image.fill(Qt::white);
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::black);
    painter.setFont(titleFont);
    painter.drawText(QRect(margin, margin, textWidth, titleBox.height()), Qt::TextWordWrap, title);
    if (!notesText.isEmpty()) {
        painter.setFont(font());
        painter.setPen(QColor(0x6d, 0x4c, 0x00));
        painter.drawText(QRect(margin, margin + titleBox.height() + margin / 2, textWidth, notesBox.height()),
                         Qt::TextWordWrap, notesText);
    }
    // The chart is laid out again at the image's size (ticks and legend placed for it), drawn, and given
    // back its size on screen.
    const QSizeF onScreen = chart()->size();
    chart()->resize(chartSize);
    scene()->render(&painter, QRectF(QPointF(0, header), QSizeF(chartSize)), chart()->sceneBoundingRect());
    chart()->resize(onScreen);
    painter.end();
    image.setText(QStringLiteral("Title"), title);
    if (!notesText.isEmpty())
        image.setText(QStringLiteral("Description"), notesText);
    return image;
}

bool PageviewChartView::exportPng(const QString &path, QSize size, QString *error)
{
    const QImage image = renderImage(size);
    // Whole or not at all: a full disk leaves no half image.
    return saveWholeFile(path, [&image](QIODevice *out, QString *reason) {
        if (image.save(out, "PNG"))
            return WriteOutcome::Written;
        *reason = QObject::tr("cannot write: %1").arg(out->errorString().isEmpty() ? QObject::tr("the image could not be encoded")
                                                                                    : out->errorString());
        return WriteOutcome::Failed;
    }, error) == WriteOutcome::Written;
}

} // namespace pv
