#pragma once

#include "query/pageviewquery.h"
#include "query/postcodedirectory.h"
#include "query/userhistory.h"

#include <QAbstractTableModel>
#include <QList>

namespace pv {

/// A user's postcode timeline: postcode, valid from, valid to, current.
class PostcodeHistoryModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { PostcodeColumn, ValidFromColumn, ValidToColumn, CurrentColumn, ColumnCount };

    explicit PostcodeHistoryModel(QObject *parent = nullptr);
    void setPeriods(const QList<UserPostcodePeriod> &periods);
    const QList<UserPostcodePeriod> &periods() const { return m_periods; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<UserPostcodePeriod> m_periods;
};

/// A user's pageviews per period with the postcode they had then.
class UserPageviewsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { PeriodColumn, PostcodeColumn, PageviewsColumn, ColumnCount };

    explicit UserPageviewsModel(QObject *parent = nullptr);
    void setPageviews(Grain grain, const QList<UserPageviews> &rows);
    const QList<UserPageviews> &pageviews() const { return m_rows; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    Grain m_grain = Grain::Day;
    QList<UserPageviews> m_rows;
};

/// Users moving into and out of one postcode.
class PostcodeMovesModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { AtColumn, UserColumn, DirectionColumn, FromColumn, ToColumn, ColumnCount };

    explicit PostcodeMovesModel(QObject *parent = nullptr);
    void setMoves(const QList<PostcodeMove> &moves);
    const QList<PostcodeMove> &moves() const { return m_moves; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<PostcodeMove> m_moves;
};

} // namespace pv
