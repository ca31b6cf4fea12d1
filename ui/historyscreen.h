#pragma once

#include "query/pageviewquery.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QStringListModel;
class QTableView;

namespace pv {

class PeriodSelector;
class PostcodeHistoryModel;
class PostcodeMovesModel;
class QueryThread;
class UserPageviewsModel;

/// The analyst's history screen: a user's postcode timeline and their pageviews per period under the
/// postcode they had then; a postcode's movers over a range and how many users live there now.
/// Queries run on the screen's own QueryThread.
class HistoryScreen : public QWidget
{
    Q_OBJECT
public:
    explicit HistoryScreen(const QString &warehousePath, QWidget *parent = nullptr);
    ~HistoryScreen() override;

    /// Re-queries everything shown (after a load).
    void reload();
    /// Looks up a user as if typed.
    void showUser(qint64 userId);
    /// Looks up a postcode as if typed.
    void showPostcode(const QString &postcode);

    PostcodeHistoryModel *historyModel() const { return m_history; }
    UserPageviewsModel *pageviewsModel() const { return m_pageviews; }
    PostcodeMovesModel *movesModel() const { return m_moves; }
    QString userSummary() const;
    QString postcodeSummary() const;

signals:
    /// A query's result was shown.
    void updated();

private:
    void queryUser();
    void queryPostcode();
    void searchPostcodes(const QString &prefix);

    QueryThread *m_queries = nullptr;
    QLineEdit *m_userId = nullptr;
    QComboBox *m_grain = nullptr;
    QLabel *m_userSummary = nullptr;
    PostcodeHistoryModel *m_history = nullptr;
    UserPageviewsModel *m_pageviews = nullptr;
    QLineEdit *m_postcode = nullptr;
    QStringListModel *m_completions = nullptr;
    PeriodSelector *m_period = nullptr;
    QLabel *m_postcodeSummary = nullptr;
    PostcodeMovesModel *m_moves = nullptr;
    QTableView *m_movesView = nullptr;
};

} // namespace pv
