#pragma once

#include <QDialog>
#include <QFutureWatcher>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace pv {

/// File → Connect to PostgreSQL: the server, port, database, user and SSL mode of a warehouse on
/// PostgreSQL, built into a postgresql:// URL. There is no password field: libpq reads the password from
/// ~/.pgpass, PGPASSWORD or a service file, so it never reaches the URL or the recent list. Test connects
/// off the GUI thread and says what it found; Connect does the same and, when it connects, accepts.
class PostgresConnectDialog : public QDialog
{
    Q_OBJECT
public:
    explicit PostgresConnectDialog(QWidget *parent = nullptr);
    ~PostgresConnectDialog() override;

    /// Fills the fields from a postgresql:// URL (the warehouse open now); any other location leaves them.
    void setLocation(const QString &location);
    /// The URL the fields make: each part percent-encoded, the SSL mode as a query parameter, empty parts
    /// left out.
    QString location() const;

    QPushButton *testButton() const { return m_test; }
    QPushButton *connectButton() const { return m_connect; }
    /// "Connecting…", then "Connected: …" or why not.
    QLabel *outcome() const { return m_outcome; }

private:
    struct Check
    {
        bool connected = false;
        QString text;
    };
    static Check check(const QString &location);

    void startCheck(bool connectAfter);
    void showCheck();
    void setChecking(bool checking);

    QLineEdit *m_host = nullptr;
    QSpinBox *m_port = nullptr;
    QLineEdit *m_database = nullptr;
    QLineEdit *m_user = nullptr;
    QComboBox *m_sslMode = nullptr;
    QLabel *m_url = nullptr;
    QLabel *m_outcome = nullptr;
    QPushButton *m_test = nullptr;
    QPushButton *m_connect = nullptr;
    QFutureWatcher<Check> m_checking;
    bool m_connectAfterCheck = false;
};

} // namespace pv
