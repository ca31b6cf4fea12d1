#include "pageviewchartview.h"

#include "itemmodels/reporttablemodels.h"

#include <QAreaSeries>
#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QCursor>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLocale>
#include <QPixmap>
#include <QToolTip>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace pv {

namespace {

/// QDateTimeAxis labels in local time: shift the value so the label shows the UTC wall time.
double axisX(qint64 epochSeconds)
{
    const QDateTime t = QDateTime::fromSecsSinceEpoch(epochSeconds, Qt::UTC);
    return double(QDateTime(t.date(), t.time(), Qt::LocalTime).toMSecsSinceEpoch());
}

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

/// Counts are whole numbers: ticks at a whole, round interval (1, 2, 5, 10, 20, 50, …) over [low, high].
void setCountRange(QValueAxis *axis, double low, double high)
{
    const double span = std::max(high - low, 1.0);
    double interval = 1;
    for (double magnitude = 1;; magnitude *= 10) {
        const double steps[] = {1, 2, 5};
        bool found = false;
        for (double step : steps)
            if (span / (step * magnitude) <= 8) {
                interval = step * magnitude;
                found = true;
                break;
            }
        if (found)
            break;
    }
    axis->setTickType(QValueAxis::TicksDynamic);
    axis->setTickAnchor(0);
    axis->setTickInterval(interval);
    axis->setRange(std::floor(low / interval) * interval, std::ceil(high / interval) * interval);
}

QString number(qint64 value)
{
    return QLocale(QLocale::English).toString(value);
}

QString signedNumber(qint64 value)
{
    return value > 0 ? QStringLiteral("+") + number(value) : number(value);
}

} // namespace

PageviewChartView::PageviewChartView(QWidget *parent)
    : QChartView(parent)
{
    setRenderHint(QPainter::Antialiasing);
    chart()->setAnimationOptions(QChart::NoAnimation);
    chart()->legend()->setAlignment(Qt::AlignBottom);
    chart()->setMargins(QMargins(4, 4, 4, 4));
    setMinimumSize(420, 300);
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
    c->removeAllSeries();
    for (QAbstractAxis *axis : c->axes())
        c->removeAxis(axis);
    m_drawn.clear();
    m_shaded.clear();
    if (m_view == View::TopPostcodes)
        buildRankingView();
    else
        buildTimeView();
}

void PageviewChartView::buildTimeView()
{
    QChart *c = chart();
    if (!m_seriesModel || m_seriesModel->series().periods.isEmpty() || m_seriesModel->series().postcodes.isEmpty()) {
        c->setTitle(tr("Choose postcodes to chart"));
        return;
    }
    const PageviewSeries &s = m_seriesModel->series();
    const bool difference = m_view == View::Difference;
    c->setTitle(difference ? tr("Current − at-time pageviews per %1: where moves shift the counts").arg(grainName(s.grain))
                           : tr("Pageviews per %1 on both bases (solid: current, dashed: at-time)").arg(grainName(s.grain)));

    auto *x = new QDateTimeAxis;
    x->setFormat(s.grain == Grain::Hour ? QStringLiteral("MM-dd HH:mm")
                 : s.grain == Grain::Month ? QStringLiteral("yyyy-MM") : QStringLiteral("yyyy-MM-dd"));
    x->setTitleText(tr("Period start (UTC)"));
    auto *y = new QValueAxis;
    y->setLabelFormat(QStringLiteral("%.0f"));
    y->setTitleText(difference ? tr("Current − at-time") : tr("Pageviews"));
    c->addAxis(x, Qt::AlignBottom);
    c->addAxis(y, Qt::AlignLeft);

    const qsizetype periods = s.periods.size();
    const bool markers = periods <= 48;
    double low = 0, high = 0;
    const QList<PageviewSeriesModel::Value> values = difference ? QList{PageviewSeriesModel::Difference}
                                                                : QList{PageviewSeriesModel::Current, PageviewSeriesModel::AtTime};
    for (qsizetype p = 0; p < s.postcodes.size(); ++p) {
        for (PageviewSeriesModel::Value value : values) {
            QPen pen(postcodeColor(int(p)), 2);
            if (value == PageviewSeriesModel::AtTime) {
                pen.setColor(postcodeColor(int(p)).lighter(150));
                pen.setStyle(Qt::DashLine);
            }
            const QString name = difference ? s.postcodes[p]
                                            : tr("%1 %2").arg(s.postcodes[p], value == PageviewSeriesModel::Current
                                                                                  ? tr("current") : tr("at-time"));
            QList<QPointF> &drawn = m_drawn[drawnKey(s.postcodes[p], value)];
            QLineSeries *segment = nullptr;
            bool first = true;
            for (qsizetype t = 0; t < periods; ++t) {
                if (!(s.coverage[t].hoursLoaded > 0)) {
                    segment = nullptr; // a gap: the line stops and starts again after it
                    continue;
                }
                const qint64 v = value == PageviewSeriesModel::Current ? s.current[p][t]
                                 : value == PageviewSeriesModel::AtTime ? s.atTime[p][t]
                                                                          : s.current[p][t] - s.atTime[p][t];
                if (!segment) {
                    segment = new QLineSeries;
                    segment->setName(name);
                    segment->setPen(pen);
                    segment->setColor(pen.color());
                    segment->setPointsVisible(markers);
                    c->addSeries(segment);
                    segment->attachAxis(x);
                    segment->attachAxis(y);
                    if (!first)
                        for (QLegendMarker *marker : c->legend()->markers(segment))
                            marker->setVisible(false);
                    first = false;
                    connect(segment, &QLineSeries::hovered, this, [this](const QPointF &point, bool state) {
                        if (state)
                            showToolTipAt(point.x());
                        else
                            QToolTip::hideText();
                    });
                }
                segment->append(axisX(s.periods[t]), double(v));
                drawn.append(QPointF(double(s.periods[t]), double(v)));
                low = std::min(low, double(v));
                high = std::max(high, double(v));
            }
        }
    }
    if (high == low)
        high = low + 1;
    const double pad = (high - low) * 0.05;
    setCountRange(y, low < 0 ? low - pad : 0, high + pad);
    const double top = y->max();
    const double bottom = y->min();

    // Periods never loaded: one shaded band per run of them.
    bool named = false;
    for (qsizetype t = 0; t < periods;) {
        if ((s.coverage[t].hoursLoaded > 0)) {
            ++t;
            continue;
        }
        const qsizetype start = t;
        while (t < periods && !(s.coverage[t].hoursLoaded > 0)) {
            m_shaded << s.periods[t];
            ++t;
        }
        const double x0 = axisX(s.periods[start]);
        const double x1 = axisX(t < periods ? s.periods[t] : s.to);
        auto *upper = new QLineSeries;
        auto *lower = new QLineSeries;
        upper->append(x0, top);
        upper->append(x1, top);
        lower->append(x0, bottom);
        lower->append(x1, bottom);
        auto *band = new QAreaSeries(upper, lower);
        upper->setParent(band);
        lower->setParent(band);
        band->setName(tr("Not loaded"));
        band->setColor(QColor(128, 128, 128, 60));
        band->setBorderColor(Qt::transparent);
        c->addSeries(band);
        band->attachAxis(x);
        band->attachAxis(y);
        if (named)
            for (QLegendMarker *marker : c->legend()->markers(band))
                marker->setVisible(false);
        named = true;
    }
    const qint64 end = periods > 1 && (s.coverage.last().hoursLoaded > 0) ? s.periods.last() : s.to;
    x->setRange(QDateTime::fromMSecsSinceEpoch(qint64(axisX(s.periods.first()))),
                QDateTime::fromMSecsSinceEpoch(qint64(axisX(end))));
    x->setTickCount(std::clamp(int(periods), 2, 9));
}

void PageviewChartView::buildRankingView()
{
    QChart *c = chart();
    if (!m_rankingModel || m_rankingModel->ranking().isEmpty()) {
        c->setTitle(tr("No pageviews in this range"));
        return;
    }
    const QList<PostcodeRanking> &ranking = m_rankingModel->ranking();
    c->setTitle(tr("Top %n postcode(s) by current pageviews in the range, on both bases", nullptr, int(ranking.size())));
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
    auto *y = new QValueAxis;
    y->setLabelFormat(QStringLiteral("%.0f"));
    y->setTitleText(tr("Pageviews"));
    setCountRange(y, 0, double(high) * 1.05);
    c->addAxis(x, Qt::AlignBottom);
    c->addAxis(y, Qt::AlignLeft);
    bars->attachAxis(x);
    bars->attachAxis(y);
    for (QBarSet *set : {current, atTime})
        connect(set, &QBarSet::hovered, this, &PageviewChartView::showRankingToolTip);
}

QString PageviewChartView::toolTipText(int row) const
{
    if (m_view == View::TopPostcodes) {
        if (!m_rankingModel || row < 0 || row >= m_rankingModel->ranking().size())
            return {};
        const PostcodeRanking &r = m_rankingModel->ranking()[row];
        return tr("%1\ncurrent: %2\nat-time: %3\ndifference: %4")
            .arg(r.postcode, number(r.current), number(r.atTime), signedNumber(r.current - r.atTime));
    }
    if (!m_seriesModel || row < 0 || row >= m_seriesModel->series().periods.size())
        return {};
    const PageviewSeries &s = m_seriesModel->series();
    QStringList lines{tr("%1 (%2, UTC)").arg(periodLabel(s.grain, s.periods[row]), grainName(s.grain))};
    if (!(s.coverage[row].hoursLoaded > 0)) {
        lines << tr("not loaded");
        return lines.join(QLatin1Char('\n'));
    }
    for (qsizetype p = 0; p < s.postcodes.size(); ++p)
        lines << tr("%1: current %2, at-time %3, difference %4")
                     .arg(s.postcodes[p], number(s.current[p][row]), number(s.atTime[p][row]),
                          signedNumber(s.current[p][row] - s.atTime[p][row]));
    return lines.join(QLatin1Char('\n'));
}

void PageviewChartView::showToolTipAt(double x)
{
    const PageviewSeries &s = m_seriesModel->series();
    int nearest = -1;
    double best = 0;
    for (qsizetype t = 0; t < s.periods.size(); ++t) {
        const double distance = std::abs(axisX(s.periods[t]) - x);
        if (nearest < 0 || distance < best) {
            nearest = int(t);
            best = distance;
        }
    }
    QToolTip::showText(QCursor::pos(), toolTipText(nearest), this);
}

void PageviewChartView::showRankingToolTip(bool status, int index)
{
    if (status)
        QToolTip::showText(QCursor::pos(), toolTipText(index), this);
    else
        QToolTip::hideText();
}

QList<QPointF> PageviewChartView::drawnPoints(const QString &postcode, PageviewSeriesModel::Value value) const
{
    return m_drawn.value(drawnKey(postcode, value));
}

bool PageviewChartView::exportPng(const QString &path)
{
    return grab().save(path, "PNG");
}

} // namespace pv
