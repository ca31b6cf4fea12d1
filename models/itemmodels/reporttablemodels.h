#pragma once

#include "query/postcodedirectory.h"
#include "query/reporttable.h"

#include <QAbstractTableModel>
#include <QList>

#include <optional>

namespace pv {

/// A ReportTable as a table: period start, postcode, then pageviews (one basis) or current, at-time and
/// difference (both bases), then the hours of the period loaded ("5 of 24") — the columns of the exported
/// CSV. A row of a partial period (not every hour loaded) answers PartialRole true (the view tints it) and
/// says why in its tooltip.
class ReportTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Role { PartialRole = Qt::UserRole + 1 };

    explicit ReportTableModel(QObject *parent = nullptr);
    /// The "Hours loaded" column: last.
    int hoursLoadedColumn() const { return columnCount() - 1; }
    /// The rows whose period is partial.
    qsizetype partialRows() const;
    void setTable(const ReportTable &table);
    const ReportTable &table() const { return m_table; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    ReportTable m_table;
};

/// The biggest postcodes of a period on both bases: postcode, current, at-time, difference.
class PostcodeRankingModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { PostcodeColumn, CurrentColumn, AtTimeColumn, DifferenceColumn, ColumnCount };

    explicit PostcodeRankingModel(QObject *parent = nullptr);
    /// The ranking of the range [from, to) (seconds since the epoch).
    void setRanking(const QList<PostcodeRanking> &ranking, qint64 from = 0, qint64 to = 0);
    const QList<PostcodeRanking> &ranking() const { return m_ranking; }
    qint64 from() const { return m_from; }
    qint64 to() const { return m_to; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<PostcodeRanking> m_ranking;
    qint64 m_from = 0;
    qint64 m_to = 0;
};

/// A count as people read it on the analyst's screens: digits grouped the locale's way ("12,345"), also
/// in the C locale, which leaves grouping out by default.
QString countText(qint64 count);
/// Makes QLocale() group digits in this process whatever the system locale (the C locale groups none), so
/// every screen writes counts as countText() does. The desktop calls it once at start.
void groupCountDigits();

} // namespace pv
