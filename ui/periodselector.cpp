#include "periodselector.h"

#include "core/time.h"

#include <QComboBox>
#include <QDateTimeEdit>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QSettings>

namespace pv {

namespace {
constexpr int customRange = -1; ///< the item data of "Custom (UTC)"

QDateTime utc(qint64 seconds)
{
    return QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC);
}

qint64 hourStart(const QDateTimeEdit *edit)
{
    return pv::startOfHour(edit->dateTime().toSecsSinceEpoch());
}
} // namespace

PeriodSelector::PeriodSelector(QWidget *parent)
    : QWidget(parent)
{
    m_range = new QComboBox(this);
    m_range->addItem(tr("Last complete day"), int(RecentRange::LastCompleteDay));
    m_range->addItem(tr("Last 24 hours"), int(RecentRange::Last24Hours));
    m_range->addItem(tr("Last 7 days"), int(RecentRange::Last7Days));
    m_range->addItem(tr("Last 30 days"), int(RecentRange::Last30Days));
    m_range->addItem(tr("Last year"), int(RecentRange::LastYear));
    m_range->addItem(tr("All loaded data"), int(RecentRange::AllData));
    m_range->addItem(tr("Custom (UTC)"), customRange);
    m_range->setCurrentIndex(m_range->findData(int(RecentRange::Last7Days)));
    const auto makeEdit = [this] {
        auto *edit = new QDateTimeEdit(this);
        edit->setTimeSpec(Qt::UTC);
        edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:00"));
        edit->setCalendarPopup(true);
        return edit;
    };
    m_from = makeEdit();
    m_to = makeEdit();
    m_grain = new QComboBox(this);
    for (Grain g : allGrains)
        m_grain->addItem(g == Grain::Week ? tr("ISO week") : grainName(g), int(g));
    m_grain->setCurrentIndex(1);
    m_note = new QLabel(this);
    m_note->setObjectName(QStringLiteral("periodNote"));
    m_note->setWordWrap(true);
    m_note->setStyleSheet(QStringLiteral("color: palette(dark);"));

    auto *layout = new QFormLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addRow(tr("Range"), m_range);
    layout->addRow(tr("From"), m_from);
    layout->addRow(tr("To"), m_to);
    m_grainLabel = new QLabel(tr("Grain"), this);
    layout->addRow(m_grainLabel, m_grain);
    layout->addRow(m_note);

    connect(m_range, &QComboBox::currentIndexChanged, this, [this] {
        updateCustomEditors();
        emit changed();
    });
    connect(m_grain, &QComboBox::currentIndexChanged, this, [this] {
        updateCustomEditors(); // a recent range covers whole periods of the grain
        emit changed();
    });
    for (QDateTimeEdit *edit : {m_from, m_to})
        connect(edit, &QDateTimeEdit::editingFinished, this, [this] {
            if (isCustom())
                emit changed();
        });
    updateCustomEditors();
}

bool PeriodSelector::isCustom() const
{
    return m_range->currentData().toInt() == customRange;
}

void PeriodSelector::setFreshness(const DataFreshness &freshness)
{
    m_freshness = freshness;
    m_note->setText(freshness.newestHour
                        ? tr("Recent ranges are whole periods of the grain up to the newest loaded hour, %1 UTC "
                             "(the data's clock, not now); a period not yet complete is drawn as partial.")
                              .arg(formatTimestamp(*freshness.newestHour).left(16))
                        : tr("No pageviews are loaded yet."));
    updateCustomEditors();
}

std::optional<std::pair<qint64, qint64>> PeriodSelector::range() const
{
    if (isCustom())
        return std::pair{hourStart(m_from), hourStart(m_to)};
    // Whole periods of the grain charted (a hidden grain charts none: whole hours).
    return recentRange(RecentRange(m_range->currentData().toInt()), m_freshness,
                       m_grain->isHidden() ? Grain::Hour : grain());
}

Grain PeriodSelector::grain() const
{
    return Grain(m_grain->currentData().toInt());
}

void PeriodSelector::setRecentRange(RecentRange range)
{
    m_range->setCurrentIndex(m_range->findData(int(range)));
}

void PeriodSelector::setCustomRange(qint64 from, qint64 to)
{
    const QSignalBlocker blocker(m_range);
    m_range->setCurrentIndex(m_range->findData(customRange));
    m_from->setDateTime(utc(from));
    m_to->setDateTime(utc(to));
    updateCustomEditors();
    emit changed();
}

void PeriodSelector::setGrain(Grain grain)
{
    m_grain->setCurrentIndex(m_grain->findData(int(grain)));
}

void PeriodSelector::setGrainVisible(bool visible)
{
    m_grainLabel->setVisible(visible);
    m_grain->setVisible(visible);
}

void PeriodSelector::remember(const QString &group)
{
    const QString rangeKey = group + QStringLiteral("/range");
    const QString grainKey = group + QStringLiteral("/grain");
    const QString fromKey = group + QStringLiteral("/from");
    const QString toKey = group + QStringLiteral("/to");
    const QSettings settings;
    {
        const QSignalBlocker blockRange(m_range);
        const QSignalBlocker blockGrain(m_grain);
        if (const int g = m_grain->findData(settings.value(grainKey, int(grain())).toInt()); g >= 0)
            m_grain->setCurrentIndex(g);
        const int range = settings.value(rangeKey, m_range->currentData()).toInt();
        if (range == customRange && settings.contains(fromKey) && settings.contains(toKey)) {
            m_range->setCurrentIndex(m_range->findData(customRange));
            m_from->setDateTime(utc(settings.value(fromKey).toLongLong()));
            m_to->setDateTime(utc(settings.value(toKey).toLongLong()));
        } else if (const int r = m_range->findData(range); r >= 0 && range != customRange) {
            m_range->setCurrentIndex(r);
        }
    }
    updateCustomEditors();
    connect(this, &PeriodSelector::changed, this, [=, this] {
        QSettings chosen;
        chosen.setValue(rangeKey, m_range->currentData());
        chosen.setValue(grainKey, int(grain()));
        if (isCustom()) {
            chosen.setValue(fromKey, hourStart(m_from));
            chosen.setValue(toKey, hourStart(m_to));
        }
    });
}

void PeriodSelector::updateCustomEditors()
{
    const bool custom = isCustom();
    m_from->setEnabled(custom);
    m_to->setEnabled(custom);
    if (!custom) {
        // The editors show the range a recent choice stands for, a starting point for a custom one; with
        // nothing loaded, they say so rather than show a date that means nothing.
        const QSignalBlocker blockFrom(m_from);
        const QSignalBlocker blockTo(m_to);
        const auto r = range();
        for (QDateTimeEdit *edit : {m_from, m_to}) {
            edit->setSpecialValueText(r ? QString() : tr("no pageviews loaded"));
            if (!r)
                edit->setDateTime(edit->minimumDateTime());
        }
        if (r) {
            m_from->setDateTime(utc(r->first));
            m_to->setDateTime(utc(r->second));
        }
    }
}

} // namespace pv
