#include "historyscreen.h"

#include "core/time.h"
#include "periodselector.h"
#include "query/postcodedirectory.h"
#include "query/querythread.h"
#include "query/userhistory.h"
#include "itemmodels/reporttablemodels.h"
#include "itemmodels/userhistorymodels.h"
#include "storage/warehouse.h"
#include "query/warehousecoverage.h"

#include <QComboBox>
#include <QCompleter>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSplitter>
#include <QStringListModel>
#include <QTableView>
#include <QVBoxLayout>

namespace pv {

namespace {
QTableView *makeTable(QAbstractItemModel *model, QWidget *parent)
{
    auto *view = new QTableView(parent);
    view->setModel(model);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->setAlternatingRowColors(true);
    view->verticalHeader()->hide();
    view->horizontalHeader()->setStretchLastSection(true);
    view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    return view;
}
} // namespace

HistoryScreen::HistoryScreen(const QString &warehousePath, QWidget *parent)
    : QWidget(parent)
    , m_queries(new QueryThread(warehousePath, this))
    , m_history(new PostcodeHistoryModel(this))
    , m_pageviews(new UserPageviewsModel(this))
    , m_completions(new QStringListModel(this))
    , m_moves(new PostcodeMovesModel(this))
{
    // A user's story.
    auto *userBox = new QGroupBox(tr("User"), this);
    m_userId = new QLineEdit(userBox);
    m_userId->setObjectName(QStringLiteral("userId"));
    m_userId->setPlaceholderText(tr("User id, e.g. 1234567"));
    m_userId->setClearButtonEnabled(true);
    auto *findUser = new QPushButton(tr("Show history"), userBox);
    m_grain = new QComboBox(userBox);
    for (Grain g : allGrains)
        m_grain->addItem(tr("Pageviews per %1").arg(g == Grain::Week ? tr("ISO week") : grainName(g)), int(g));
    m_grain->setCurrentIndex(1);
    m_userSummary = new QLabel(tr("Find a user by id to see the postcodes they had and their pageviews."), userBox);
    m_userSummary->setWordWrap(true);
    auto *userRow = new QHBoxLayout;
    userRow->addWidget(new QLabel(tr("User id"), userBox));
    m_userId->setMaximumWidth(260);
    userRow->addWidget(m_userId);
    userRow->addWidget(findUser);
    userRow->addStretch();
    userRow->addWidget(m_grain);
    auto *timelineBox = new QWidget(userBox);
    auto *timelineLayout = new QVBoxLayout(timelineBox);
    timelineLayout->setContentsMargins(0, 0, 0, 0);
    timelineLayout->addWidget(new QLabel(tr("<b>Postcode timeline</b>"), timelineBox));
    timelineLayout->addWidget(makeTable(m_history, timelineBox));
    auto *pageviewsBox = new QWidget(userBox);
    auto *pageviewsLayout = new QVBoxLayout(pageviewsBox);
    pageviewsLayout->setContentsMargins(0, 0, 0, 0);
    pageviewsLayout->addWidget(new QLabel(tr("<b>Pageviews with the postcode the user had then</b>"), pageviewsBox));
    pageviewsLayout->addWidget(makeTable(m_pageviews, pageviewsBox));
    auto *userTables = new QSplitter(Qt::Horizontal, userBox);
    userTables->addWidget(timelineBox);
    userTables->addWidget(pageviewsBox);
    userTables->setStretchFactor(0, 3);
    userTables->setStretchFactor(1, 2);
    auto *userLayout = new QVBoxLayout(userBox);
    userLayout->addLayout(userRow);
    userLayout->addWidget(m_userSummary);
    userLayout->addWidget(userTables, 1);

    // A postcode's movers.
    auto *postcodeBox = new QGroupBox(tr("Postcode"), this);
    m_postcode = new QLineEdit(postcodeBox);
    m_postcode->setObjectName(QStringLiteral("postcode"));
    m_postcode->setPlaceholderText(tr("Type to search, e.g. SW19"));
    m_postcode->setClearButtonEnabled(true);
    auto *completer = new QCompleter(m_completions, m_postcode);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    m_postcode->setCompleter(completer);
    auto *findPostcode = new QPushButton(tr("Show movers"), postcodeBox);
    m_period = new PeriodSelector(postcodeBox);
    m_period->setGrainVisible(false);
    m_period->setRecentRange(RecentRange::AllData);
    m_postcodeSummary = new QLabel(tr("Pick a postcode to see who moved in and out."), postcodeBox);
    m_postcodeSummary->setWordWrap(true);
    m_movesView = makeTable(m_moves, postcodeBox);
    m_movesView->setToolTip(tr("Double-click a mover to show their history"));
    auto *postcodeSide = new QVBoxLayout;
    auto *postcodeRow = new QHBoxLayout;
    postcodeRow->addWidget(m_postcode, 1);
    postcodeRow->addWidget(findPostcode);
    postcodeSide->addLayout(postcodeRow);
    postcodeSide->addWidget(m_period);
    postcodeSide->addWidget(m_postcodeSummary);
    postcodeSide->addStretch();
    auto *postcodeLayout = new QHBoxLayout(postcodeBox);
    postcodeLayout->addLayout(postcodeSide, 2);
    postcodeLayout->addWidget(m_movesView, 3);

    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(userBox);
    split->addWidget(postcodeBox);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(split);

    connect(findUser, &QPushButton::clicked, this, &HistoryScreen::queryUser);
    connect(m_userId, &QLineEdit::returnPressed, this, &HistoryScreen::queryUser);
    connect(m_grain, &QComboBox::currentIndexChanged, this, &HistoryScreen::queryUser);
    connect(findPostcode, &QPushButton::clicked, this, &HistoryScreen::queryPostcode);
    connect(m_postcode, &QLineEdit::returnPressed, this, &HistoryScreen::queryPostcode);
    connect(m_postcode, &QLineEdit::textEdited, this, &HistoryScreen::searchPostcodes);
    connect(completer, qOverload<const QString &>(&QCompleter::activated), this, &HistoryScreen::queryPostcode);
    connect(m_period, &PeriodSelector::changed, this, &HistoryScreen::queryPostcode);
    connect(m_movesView, &QTableView::doubleClicked, this, [this](const QModelIndex &index) {
        showUser(m_moves->moves().value(index.row()).userId);
    });
    connect(m_queries, &QueryThread::failed, this, [this](const QString &message) {
        m_userSummary->setText(message);
    });
    reload();
}

HistoryScreen::~HistoryScreen() = default;

void HistoryScreen::reload()
{
    m_queries->request(QStringLiteral("freshness"), [this](Warehouse &warehouse) -> std::function<void()> {
        const DataFreshness freshness = warehouse.coverage().freshness();
        return [this, freshness] {
            const QSignalBlocker blocker(m_period);
            m_period->setFreshness(freshness);
            queryUser();
            queryPostcode();
        };
    });
}

void HistoryScreen::showUser(qint64 userId)
{
    m_userId->setText(QString::number(userId));
    queryUser();
}

void HistoryScreen::showPostcode(const QString &postcode)
{
    m_postcode->setText(postcode);
    queryPostcode();
}

QString HistoryScreen::userSummary() const
{
    return m_userSummary->text();
}

QString HistoryScreen::postcodeSummary() const
{
    return m_postcodeSummary->text();
}

void HistoryScreen::queryUser()
{
    const QString text = m_userId->text().trimmed();
    if (text.isEmpty())
        return;
    bool ok = false;
    const qint64 userId = text.toLongLong(&ok);
    if (!ok || userId <= 0) {
        m_userSummary->setText(tr("'%1' is not a user id: a user id is a positive whole number.").arg(text));
        m_history->setPeriods({});
        m_pageviews->setPageviews(Grain::Day, {});
        emit updated();
        return;
    }
    const Grain grain = Grain(m_grain->currentData().toInt());
    m_userSummary->setText(tr("Looking up user %1…").arg(userId));
    m_queries->request(QStringLiteral("user"), [this, userId, grain](Warehouse &warehouse) -> std::function<void()> {
        const UserHistory &history = warehouse.userHistory();
        const QList<UserPostcodePeriod> periods = history.periods(userId);
        const QList<UserPageviews> pageviews = history.pageviews(userId, grain);
        return [this, userId, grain, periods, pageviews] {
            m_history->setPeriods(periods);
            m_pageviews->setPageviews(grain, pageviews);
            qint64 total = 0;
            for (const UserPageviews &row : pageviews)
                total += row.pageviews;
            if (periods.isEmpty())
                m_userSummary->setText(pageviews.isEmpty()
                                           ? tr("User %1 is in no loaded snapshot and has no loaded pageviews.").arg(userId)
                                           : tr("User %1 is in no loaded snapshot: their %2 pageviews count under UNKNOWN.")
                                                 .arg(userId)
                                                 .arg(countText(total)));
            else
                m_userSummary->setText(tr("User %1: %2, current postcode %3%4; %5 pageviews loaded.")
                                           .arg(userId)
                                           .arg(periods.size() == 1 ? tr("1 postcode period")
                                                                    : tr("%1 postcode periods").arg(periods.size()))
                                           .arg(periods.last().postcode,
                                                periods.last().validTo ? tr(" (not in the latest snapshot)") : QString())
                                           .arg(countText(total)));
            emit updated();
        };
    });
}

void HistoryScreen::queryPostcode()
{
    const QString postcode = m_postcode->text().simplified().toUpper();
    const auto range = m_period->range();
    if (postcode.isEmpty() || !range)
        return;
    m_postcodeSummary->setText(tr("Looking up %1…").arg(postcode));
    m_queries->request(QStringLiteral("postcode"), [this, postcode, range](Warehouse &warehouse) -> std::function<void()> {
        const PostcodeDirectory &directory = warehouse.postcodes();
        const auto residents = directory.currentUsers(postcode);
        const QList<PostcodeMove> moves = directory.moves(postcode, range->first, range->second);
        return [this, postcode, range, residents, moves] {
            m_moves->setMoves(moves);
            if (!residents) {
                m_postcodeSummary->setText(tr("%1 is not a postcode the warehouse has seen.").arg(postcode));
            } else {
                qsizetype in = 0;
                for (const PostcodeMove &move : moves)
                    in += move.direction == PostcodeMove::Direction::In;
                m_postcodeSummary->setText(
                    tr("<b>%1</b>: %2 users have it as their current postcode.<br>"
                       "From %3 to %4 UTC: %5 moved in, %6 moved out.")
                        .arg(postcode, countText(*residents), formatTimestamp(range->first).left(16),
                             formatTimestamp(range->second).left(16), countText(in), countText(moves.size() - in)));
            }
            emit updated();
        };
    });
}

void HistoryScreen::searchPostcodes(const QString &prefix)
{
    if (prefix.trimmed().isEmpty())
        return;
    m_queries->request(QStringLiteral("search"), [this, prefix](Warehouse &warehouse) -> std::function<void()> {
        const QStringList found = warehouse.postcodes().search(prefix);
        return [this, found] { m_completions->setStringList(found); };
    });
}

} // namespace pv
