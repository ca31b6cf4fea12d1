#pragma once

#include "query/pageviewquery.h"
#include "query/warehousecoverage.h"

#include <QWidget>

#include <optional>
#include <utility>

class QComboBox;
class QDateTimeEdit;
class QLabel;

namespace pv {

/// Picks a range — a recent one counted back from the newest loaded hour (the data's clock, not the
/// wall clock), or a custom one in UTC — and, unless hidden, a grain. Shared by the analyst screens.
class PeriodSelector : public QWidget
{
    Q_OBJECT
public:
    explicit PeriodSelector(QWidget *parent = nullptr);

    /// Where the recent ranges count from; call after every load.
    void setFreshness(const DataFreshness &freshness);
    const DataFreshness &freshness() const { return m_freshness; }

    /// [from, to) in seconds since the epoch; nullopt while nothing is loaded.
    std::optional<std::pair<qint64, qint64>> range() const;
    Grain grain() const;

    void setRecentRange(RecentRange range);
    void setCustomRange(qint64 from, qint64 to);
    void setGrain(Grain grain);
    void setGrainVisible(bool visible);
    /// Takes the range and grain last chosen under this settings group (QSettings "GROUP/range", …), and
    /// keeps every later choice there, so a screen opens on what its user chose last time.
    void remember(const QString &group);

signals:
    /// The range or the grain changed.
    void changed();

private:
    bool isCustom() const;
    void updateCustomEditors();

    DataFreshness m_freshness;
    QComboBox *m_range = nullptr;
    QDateTimeEdit *m_from = nullptr;
    QDateTimeEdit *m_to = nullptr;
    QLabel *m_grainLabel = nullptr;
    QComboBox *m_grain = nullptr;
    QLabel *m_note = nullptr;
};

} // namespace pv
