#include "connectdialog.h"

#include "warehousename.h"

#include "core/time.h"
#include "query/warehousestatus.h"
#include "storage/storageerror.h"
#include "storage/warehouse.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QUrl>
#include <QUrlQuery>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace pv {

namespace {
const QStringList sslModes{QStringLiteral("disable"), QStringLiteral("allow"),     QStringLiteral("prefer"),
                           QStringLiteral("require"), QStringLiteral("verify-ca"), QStringLiteral("verify-full")};
constexpr int defaultPort = 5432;
constexpr const char *lastLocationKey = "connect/lastLocation";
/// A check gives up on a server that does not answer: the open cannot be interrupted otherwise.
const char *const checkTimeout = "connect_timeout=10";

QString percentEncoded(const QString &part)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(part));
}

/// An error as the dialog shows it: without the address shown above it, and libpq's indented hint lines
/// brought to the margin.
QString operatorMessage(QString error, const QString &location)
{
    if (error.startsWith(location + QStringLiteral(": ")))
        error.remove(0, location.size() + 2);
    QStringList lines = error.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    for (QString &line : lines)
        line = line.trimmed();
    QString message = lines.join(QLatin1Char('\n'));
    if (!message.isEmpty())
        message[0] = message[0].toUpper();
    return message;
}
} // namespace

PostgresConnectDialog::PostgresConnectDialog(QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Connect to PostgreSQL"));
    setObjectName(QStringLiteral("connectDialog"));
    setMinimumWidth(560);
    auto *layout = new QVBoxLayout(this);
    layout->setSpacing(10);

    auto *form = new QFormLayout;
    m_host = new QLineEdit(QStringLiteral("localhost"), this);
    m_host->setObjectName(QStringLiteral("host"));
    m_host->setPlaceholderText(tr("the local socket"));
    form->addRow(tr("&Host:"), m_host);
    m_port = new QSpinBox(this);
    m_port->setObjectName(QStringLiteral("port"));
    m_port->setRange(1, 65535);
    m_port->setValue(defaultPort);
    form->addRow(tr("&Port:"), m_port);
    m_database = new QLineEdit(this);
    m_database->setObjectName(QStringLiteral("database"));
    m_database->setPlaceholderText(tr("the user's name"));
    form->addRow(tr("&Database:"), m_database);
    m_user = new QLineEdit(this);
    m_user->setObjectName(QStringLiteral("user"));
    m_user->setPlaceholderText(tr("your login name"));
    form->addRow(tr("&User:"), m_user);
    m_sslMode = new QComboBox(this);
    m_sslMode->setObjectName(QStringLiteral("sslMode"));
    m_sslMode->addItems(sslModes);
    m_sslMode->setCurrentText(QStringLiteral("prefer"));
    form->addRow(tr("&SSL mode:"), m_sslMode);
    layout->addLayout(form);

    auto *password = new QLabel(tr("No password here: PostgreSQL reads it from ~/.pgpass, the PGPASSWORD variable "
                                   "or a service file, so it is never kept with the warehouse's address."),
                                this);
    password->setWordWrap(true);
    password->setStyleSheet(QStringLiteral("color: palette(mid);"));
    layout->addWidget(password);
    const auto selectableLabel = [this](const QString &name) {
        auto *label = new QLabel(this);
        label->setObjectName(name);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
        label->setWordWrap(true);
        return label;
    };
    m_url = selectableLabel(QStringLiteral("url"));
    layout->addWidget(m_url);
    m_outcome = selectableLabel(QStringLiteral("outcome"));
    m_outcome->setMinimumHeight(4 * fontMetrics().lineSpacing());
    m_outcome->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    layout->addWidget(m_outcome, 1);

    auto *buttonRow = new QHBoxLayout;
    m_test = new QPushButton(tr("&Test"), this);
    m_test->setAutoDefault(false);
    buttonRow->addWidget(m_test);
    auto *buttons = new QDialogButtonBox(this);
    m_connect = buttons->addButton(tr("&Connect"), QDialogButtonBox::AcceptRole);
    m_connect->setDefault(true);
    // Enter connects, also after a Test (Cancel never takes the default while Connect is disabled).
    buttons->addButton(QDialogButtonBox::Cancel)->setAutoDefault(false);
    buttonRow->addWidget(buttons, 1);
    layout->addLayout(buttonRow);
    connect(m_test, &QPushButton::clicked, this, [this] { startCheck(false); });
    connect(m_connect, &QPushButton::clicked, this, [this] { startCheck(true); });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(&m_checking, &QFutureWatcher<Check>::finished, this, &PostgresConnectDialog::showCheck);

    const auto showUrl = [this] { m_url->setText(tr("Address: %1").arg(location())); };
    for (QLineEdit *edit : {m_host, m_database, m_user})
        connect(edit, &QLineEdit::textChanged, this, showUrl);
    connect(m_port, &QSpinBox::valueChanged, this, showUrl);
    connect(m_sslMode, &QComboBox::currentTextChanged, this, showUrl);
    // What was typed last time (Test or Connect), so that the dialog never reopens empty.
    if (const QString last = QSettings().value(QLatin1String(lastLocationKey)).toString(); !last.isEmpty())
        setLocation(last);
    showUrl();
}

// A check still running is left to finish on its own (within its connect_timeout); it holds nothing of
// the dialog's, and the application's thread pool waits for it at exit.
PostgresConnectDialog::~PostgresConnectDialog() = default;

void PostgresConnectDialog::setLocation(const QString &location)
{
    const QUrl url(location, QUrl::StrictMode);
    if (!url.isValid() || (url.scheme() != QLatin1String("postgresql") && url.scheme() != QLatin1String("postgres")))
        return;
    const std::optional<Warehouse::ServerAddress> address = Warehouse::serverAddress(location);
    if (!address)
        return;
    m_host->setText(address->host);
    m_port->setValue(address->port.isEmpty() ? defaultPort : address->port.toInt());
    m_database->setText(address->database);
    m_user->setText(address->user);
    const QString sslMode = QUrlQuery(url).queryItemValue(QStringLiteral("sslmode"));
    m_sslMode->setCurrentText(sslModes.contains(sslMode) ? sslMode : QStringLiteral("prefer"));
}

QString PostgresConnectDialog::location() const
{
    QString url = QStringLiteral("postgresql://");
    if (const QString user = m_user->text().trimmed(); !user.isEmpty())
        url += percentEncoded(user) + QLatin1Char('@');
    const QString host = m_host->text().trimmed();
    // A socket folder (/run/postgresql) is no host name: libpq takes it, and its port, as query parameters.
    const bool socket = host.startsWith(QLatin1Char('/'));
    if (!socket) {
        const bool ipv6 = host.contains(QLatin1Char(':')) && !host.startsWith(QLatin1Char('['));
        url += (ipv6 ? QLatin1Char('[') + host + QLatin1Char(']') : percentEncoded(host)) + QLatin1Char(':')
            + QString::number(m_port->value());
    }
    if (const QString database = m_database->text().trimmed(); !database.isEmpty())
        url += QLatin1Char('/') + percentEncoded(database);
    url += QLatin1Char('?');
    if (socket)
        url += QStringLiteral("host=") + percentEncoded(host) + QStringLiteral("&port=") + QString::number(m_port->value())
            + QLatin1Char('&');
    return url + QStringLiteral("sslmode=") + m_sslMode->currentText();
}

PostgresConnectDialog::Check PostgresConnectDialog::check(const QString &location)
{
    const QString bounded = location + QLatin1Char('&') + QLatin1String(checkTimeout);
    Warehouse warehouse;
    QString error;
    if (!warehouse.open(bounded, &error, Warehouse::Role::Reader))
        return {false, operatorMessage(error.replace(bounded, location), location)};
    try {
        const WarehouseStatus status = readWarehouseStatus(warehouse);
        QStringList facts{tr("schema version %1").arg(warehouse.schemaVersion()),
                          tr("%1 runs").arg(QLocale().toString(status.runs)),
                          status.latestHour ? tr("latest hour loaded %1 UTC").arg(formatTimestamp(*status.latestHour).left(16))
                                            : tr("no pageviews hour loaded")};
        const QString readOnly = warehouse.whyReadOnly();
        facts << (readOnly.isEmpty() ? tr("this user can load") : tr("read-only: %1").arg(readOnly));
        return {true, tr("Connected: %1.").arg(facts.join(QStringLiteral("; ")))};
    } catch (const StorageError &e) {
        return {false, operatorMessage(e.message, location)};
    }
}

void PostgresConnectDialog::startCheck(bool connectAfter)
{
    if (m_checking.isRunning())
        return;
    m_connectAfterCheck = connectAfter;
    QSettings().setValue(QLatin1String(lastLocationKey), location());
    setChecking(true);
    m_outcome->setStyleSheet(QString());
    m_outcome->setText(tr("Connecting to %1…").arg(warehouseName(location())));
    m_checking.setFuture(QtConcurrent::run(&PostgresConnectDialog::check, location()));
}

void PostgresConnectDialog::showCheck()
{
    setChecking(false);
    const Check result = m_checking.result();
    m_outcome->setStyleSheet(result.connected ? QStringLiteral("color: #2e7d32;") : QStringLiteral("color: #b71c1c;"));
    m_outcome->setText(result.text);
    if (result.connected && m_connectAfterCheck)
        accept();
}

void PostgresConnectDialog::setChecking(bool checking)
{
    for (QWidget *widget : std::initializer_list<QWidget *>{m_host, m_port, m_database, m_user, m_sslMode, m_test, m_connect})
        widget->setEnabled(!checking);
    if (!checking)
        m_connect->setDefault(true); // a disabled default button gave its place away meanwhile
}

} // namespace pv
