// The operator's desktop on the offscreen platform: import through the dialog with live progress,
// cancel with rollback, rejects, refusals, the overview's calendar (and its weeks and months), the status bar
// and settings; the
// PostgreSQL connect dialog, the window naming its warehouse, and refreshing when another connection loads.
#include "operatorfixture.h"
#include "settle.h"

#include "calendarcelldelegate.h"
#include "connectdialog.h"
#include "export/rejectedlinescsv.h"
#include "importdialog.h"
#include "itemmodels/daycalendarmodel.h"
#include "itemmodels/loadcalendarmodel.h"
#include "loadprogresspanel.h"
#include "itemmodels/loadrunsmodel.h"
#include "elidedlabel.h"
#include "loadsscreen.h"
#include "mainwindow.h"
#include "overviewscreen.h"
#include "itemmodels/rejectedlinesmodel.h"
#include "storage/runlog.h"
#include "rundetailsdialog.h"
#include "screenrefresh.h"
#include "settingsdialog.h"
#include "warehousename.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QBuffer>
#include <QCheckBox>
#include <QDateTimeEdit>
#include <QDockWidget>
#include <QClipboard>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QHeaderView>
#include <QScrollBar>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStackedWidget>
#include <QListWidget>
#include <QStandardPaths>
#include <QTableView>
#include <QThread>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QTreeWidget>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace pv;

namespace {
QStringList resultTexts(const MainWindow &window)
{
    QStringList texts;
    const QTreeWidget *results = window.progressPanel()->results();
    for (int i = 0; i < results->topLevelItemCount(); ++i)
        texts << results->topLevelItem(i)->text(0) + QStringLiteral(" | ") + results->topLevelItem(i)->text(2);
    return texts;
}

/// What the question before loading a refused snapshot anyway said, once answered.
struct LoadAnywayAnswer
{
    QString text;
    bool cancelIsDefault = false;
    bool asked = false;
};

/// Answers the question that the next click raises (modal, so from the event loop it runs): with Enter (the
/// default button), or by clicking "Load anyway (force)".
std::shared_ptr<LoadAnywayAnswer> answerLoadAnyway(bool load)
{
    auto answer = std::make_shared<LoadAnywayAnswer>();
    auto *poll = new QTimer;
    poll->setInterval(20);
    QObject::connect(poll, &QTimer::timeout, poll, [poll, answer, load] {
        auto *question = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        if (!question || question->objectName() != QLatin1String("loadAnywayQuestion"))
            return;
        poll->stop();
        poll->deleteLater();
        answer->asked = true;
        answer->text = question->text() + QLatin1Char(' ') + question->informativeText();
        answer->cancelIsDefault = question->defaultButton() == question->button(QMessageBox::Cancel);
        if (load)
            question->findChild<QPushButton *>(QStringLiteral("confirmLoadAnyway"))->click();
        else
            QTest::keyClick(question, Qt::Key_Return);
    });
    poll->start();
    return answer;
}

/// Accepts the import dialog with its current files and waits until the queue is idle.
QList<LoadResult> runImport(MainWindow &window, ImportDialog *dialog)
{
    QSignalSpy finished(window.loadQueue(), &LoadQueue::fileFinished);
    QSignalSpy idle(window.loadQueue(), &LoadQueue::idle);
    dialog->loadButton()->click();
    if (!idle.wait(60000))
        qWarning("the load queue did not become idle");
    if (!waitUntilRead(window))
        qWarning("the screens did not finish reading the warehouse");
    QList<LoadResult> results;
    for (const QList<QVariant> &args : std::as_const(finished))
        results << args.at(1).value<LoadResult>();
    return results;
}

/// A server that never answers: the kernel completes each connection on its port, nobody reads it.
class SilentServer
{
public:
    SilentServer()
        : m_socket(::socket(AF_INET, SOCK_STREAM, 0))
    {
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t size = sizeof address;
        if (::bind(m_socket, reinterpret_cast<sockaddr *>(&address), size) != 0 || ::listen(m_socket, 4) != 0
            || ::getsockname(m_socket, reinterpret_cast<sockaddr *>(&address), &size) != 0)
            qFatal("cannot listen on a local port");
        m_port = ntohs(address.sin_port);
    }
    ~SilentServer() { hangUp(); }
    SilentServer(const SilentServer &) = delete;
    SilentServer &operator=(const SilentServer &) = delete;

    int port() const { return m_port; }
    /// Closes the port: the connections waiting on it are reset.
    void hangUp()
    {
        if (m_socket >= 0)
            ::close(m_socket);
        m_socket = -1;
    }

private:
    int m_socket = -1;
    int m_port = 0;
};
} // namespace

class TestOperatorGui : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("pvadmin-tests"));
        QSettings().clear();
    }

    void importShowsPreviewProgressAndTheRun()
    {
        OperatorFixture f;
        ExtractGenerator gen = f.generate(2000, 1, 2, 50000);
        MainWindow window(f.warehousePath());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(waitUntilRead(window));
        QVERIFY(window.windowTitle().contains(QStringLiteral("w.sqlite")));

        // Dropped files open the import dialog, several at once.
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(f.path(gen.pageviewsFileName(0, 1))),
                      QUrl::fromLocalFile(f.path(gen.usersFileName(0)))});
        // Delivered to the window directly: QApplication passes a drop only to the target of a real drag.
        QDragEnterEvent enter(QPoint(200, 200), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        static_cast<QObject &>(window).event(&enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(200, 200), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        static_cast<QObject &>(window).event(&drop);
        QVERIFY(drop.isAccepted());
        ImportDialog *dialog = window.findChild<ImportDialog *>();
        QVERIFY(dialog);
        QTRY_VERIFY(dialog->isVisible());
        QCOMPARE(dialog->fileCount(), 2);
        // The preview as the reader parses each file: the snapshot first, its as-of from the name.
        QCOMPARE(dialog->previewAt(0).kind, ExtractKind::UsersSnapshot);
        QCOMPARE(dialog->previewAt(0).asOf, std::optional(gen.snapshotAsOf(0)));
        QCOMPARE(dialog->previewAt(1).kind, ExtractKind::Pageviews);
        QCOMPARE(dialog->previewAt(1).windowHour, std::optional(gen.hourStart(0, 1)));
        QCOMPARE(dialog->previewAt(1).rows.size(), 20);
        QVERIFY(qAbs(dialog->previewAt(1).estimatedRows - 50000) < 2500);
        QVERIFY(dialog->findChild<QLabel *>(QStringLiteral("previewFacts"))->text().contains(QStringLiteral("users snapshot")));

        QSignalSpy progress(window.loadQueue(), &LoadQueue::progressChanged);
        const QList<LoadResult> results = runImport(window, dialog);
        QCOMPARE(results.size(), 2);
        QCOMPARE(results[0].outcome, LoadOutcome::Loaded);
        QCOMPARE(results[1].outcome, LoadOutcome::Loaded);
        QCOMPARE(results[1].run.rowsLoaded, 50000);

        // Progress reached the end of reading, and the panel shows the end.
        bool readToTheEnd = false;
        for (const QList<QVariant> &args : std::as_const(progress)) {
            const auto p = args.at(0).value<LoadProgress>();
            readToTheEnd |= p.stage == QLatin1String("reading") && p.total > 0 && p.done == p.total;
        }
        QVERIFY(readToTheEnd);
        QProgressBar *bar = window.progressPanel()->progressBar();
        QCOMPARE(bar->value(), bar->maximum());
        QVERIFY(window.progressPanel()->tally().contains(QStringLiteral("2 loaded")));
        // The rate is the run's own: its rows read over the duration pvadmin runs records for it.
        const LoadRun recorded = *f.openWarehouse()->runLog().run(results[1].run.id);
        QCOMPARE(window.findChild<QLabel *>(QStringLiteral("progressRate"))->text(),
                 QStringLiteral("%1 rows/s over the whole run").arg(QLocale().toString(recorded.rowsRead * 1000 / recorded.durationMs())));
        const QStringList texts = resultTexts(window);
        QCOMPARE(texts.size(), 2);
        QVERIFY2(texts[1].contains(QStringLiteral("50,000 rows loaded")), qPrintable(texts[1]));
        QVERIFY2(texts[1].contains(QStringLiteral("late rows")), qPrintable(texts[1]));

        // The runs appear on the Loads screen and the overview, and in the status bar.
        LoadRunsModel *runs = window.loads()->runs();
        QCOMPARE(runs->rowCount(), 2);
        QCOMPARE(runs->runAt(0).id, results[1].run.id); // newest first
        QCOMPARE(runs->runAt(0).status, RunStatus::Succeeded);
        QCOMPARE(window.overview()->calendar()->loadedHours(), 1);
        QVERIFY2(window.findChild<QLabel *>(QStringLiteral("overviewSummary"))->text().startsWith(QStringLiteral("1 day, 1 hour loaded.")),
                 qPrintable(window.findChild<QLabel *>(QStringLiteral("overviewSummary"))->text()));
        // A snapshot has no hours for late rows to come from: its row leaves the column empty, not "0".
        QCOMPARE(runs->runAt(1).kind, ExtractKind::UsersSnapshot);
        QCOMPARE(runs->index(1, LoadRunsModel::LateRows).data().toString(), QString());
        QVERIFY(window.statusText().contains(QStringLiteral("Latest hour loaded: 2024-03-01 01:00 UTC")));
        QVERIFY(window.statusText().contains(QStringLiteral("Latest users snapshot: 2024-03-01 00:00 UTC")));

        // The same files again: already loaded, said so, nothing changed.
        dialog = window.importFiles({f.path(gen.usersFileName(0))});
        const QList<LoadResult> again = runImport(window, dialog);
        QCOMPARE(again.size(), 1);
        QCOMPARE(again[0].outcome, LoadOutcome::AlreadyLoaded);
        QVERIFY(resultTexts(window).constFirst().contains(QStringLiteral("Already loaded by run")));
    }

    void cancelRollsBackAndLeavesTheWarehouseUnchanged()
    {
        OperatorFixture f;
        ExtractGenerator gen = f.generate(100000, 1, 1, 600000, 3);
        QCOMPARE(f.load(f.path(gen.usersFileName(0))).outcome, LoadOutcome::Loaded);
        // An earlier, different file for the same hour: the cancelled load would have replaced it.
        QByteArray small("user_id,url,pageview_datetime\n");
        for (int i = 0; i < 50; ++i)
            small += QByteArray::number(1000 + i) + ",https://example.com/a,2024-03-01 00:10:00\n";
        const LoadResult earlier = f.load(f.write(QStringLiteral("early.csv"), small));
        QCOMPARE(earlier.outcome, LoadOutcome::Loaded);
        const QString before = f.fingerprint();

        MainWindow window(f.warehousePath());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        // Cancel once the load is writing inside its transaction.
        bool cancelled = false;
        connect(window.loadQueue(), &LoadQueue::progressChanged, this, [&](const LoadProgress &p) {
            if (!cancelled && p.stage == QLatin1String("attributing")) {
                cancelled = true;
                window.progressPanel()->cancelButton()->click();
            }
        });
        // A second file waits behind it: the cancel drops it before it starts.
        const QString waiting = f.write(QStringLiteral("pageviews_2024-03-01T05.csv"), "user_id,url,pageview_datetime\n1,/a,2024-03-01 05:00:00\n");
        ImportDialog *dialog = window.importFiles({f.path(gen.pageviewsFileName(0, 0)), waiting});
        auto *replace = dialog->findChild<QCheckBox *>(QStringLiteral("replace"));
        QVERIFY(replace && replace->isEnabled());
        replace->setChecked(true); // a correction of early.csv
        QList<LoadResult> results = runImport(window, dialog);
        QVERIFY(cancelled);
        QCOMPARE(results.size(), 2);
        QCOMPARE(results[1].outcome, LoadOutcome::Cancelled);
        QCOMPARE(results[1].run.id, 0);
        results.removeLast();
        // The panel's figures stay those of the cancelled run, as pvadmin runs records them.
        const LoadRun recorded = *f.openWarehouse()->runLog().run(results[0].run.id);
        QVERIFY(recorded.rowsRead > 0);
        QCOMPARE(window.findChild<QLabel *>(QStringLiteral("progressRows"))->text(),
                 QStringLiteral("%1 read, nothing loaded").arg(QLocale().toString(recorded.rowsRead)));
        QCOMPARE(results[0].outcome, LoadOutcome::Cancelled);
        QVERIFY2(results[0].message.contains(QStringLiteral("rolled back")), qPrintable(results[0].message));
        QVERIFY(resultTexts(window).constFirst().contains(QStringLiteral("rolled back")));
        QVERIFY(window.findChild<QLabel *>(QStringLiteral("progressStage"))->text().contains(QStringLiteral("nothing changed")));
        // The bar stops where the load was, never full, and speaks for the batch.
        QProgressBar *bar = window.progressPanel()->progressBar();
        QVERIFY(bar->value() < bar->maximum());
        QCOMPARE(bar->format(), QStringLiteral("Batch done: 2 not loaded"));

        // Nothing changed but the cancelled run's own record, which says so.
        QCOMPARE(f.fingerprint({results[0].run.id}), before);
        QCOMPARE(window.loads()->runs()->runAt(0).status, RunStatus::Cancelled);
        QCOMPARE(window.overview()->calendar()->data(window.overview()->calendar()->indexOfHour(gen.hourStart(0, 0)),
                                                     LoadCalendarModel::RunIdRole)
                     .toLongLong(),
                 earlier.run.id);
    }

    void anotherPipelinesLayoutIsSetInThePreviewAndRememberedForItsFolder()
    {
        OperatorFixture f;
        f.write(QStringLiteral("users_2024-03-01.csv"), "id,postcode\n1,SW19\n2,B45\n");
        // Pipe-separated, with the pipeline's own names: the separator is told from the header, the names are not.
        const QString first = f.write(QStringLiteral("views_2024-03-01T05.csv"),
                                      "visitor|page_url|ts\n1|/a|2024-03-01 05:10:00+00\n2|/b|2024-03-01 05:20:00+00\n");
        const QString second = f.write(QStringLiteral("views_2024-03-01T06.csv"), "visitor|page_url|ts\n2|/c|2024-03-01 06:10:00+00\n");
        MainWindow window(f.warehousePath());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(waitUntilRead(window));
        QCOMPARE(runImport(window, window.importFiles({f.path(QStringLiteral("users_2024-03-01.csv"))})).constFirst().outcome,
                 LoadOutcome::Loaded);

        ImportDialog *dialog = window.importFiles({first});
        QVERIFY(!dialog->previewAt(0).isValid());
        auto *problem = dialog->findChild<QLabel *>(QStringLiteral("previewProblem"));
        QVERIFY2(problem->text().contains(QStringLiteral("map them in Columns")), qPrintable(problem->text()));
        QVERIFY(!dialog->loadButton()->isEnabled());
        // A name the warehouse does not read is said at once, and changes nothing.
        auto *columns = dialog->findChild<QLineEdit *>(QStringLiteral("columns"));
        columns->setFocus();
        columns->setText(QStringLiteral("visitor=user_id"));
        QTest::keyClick(columns, Qt::Key_Return);
        QVERIFY(dialog->findChild<QLabel *>(QStringLiteral("columnsProblem"))->isVisible());
        QVERIFY(!dialog->previewAt(0).isValid());
        columns->setText(QStringLiteral("user_id=visitor, url=page_url, pageview_datetime=TS"));
        QTest::keyClick(columns, Qt::Key_Return);
        QVERIFY(!dialog->findChild<QLabel *>(QStringLiteral("columnsProblem"))->isVisible());
        QVERIFY2(dialog->previewAt(0).isValid(), qPrintable(dialog->previewAt(0).error));
        QCOMPARE(dialog->previewAt(0).rowsRead, 2);
        const QString facts = dialog->findChild<QLabel *>(QStringLiteral("previewFacts"))->text();
        QVERIFY2(facts.contains(QStringLiteral("read with '|' as the separator (told from the first line)"))
                     && facts.contains(QStringLiteral("url (page_url)")),
                 qPrintable(facts));
        QCOMPARE(dialog->requests().constFirst().options.layout.columns.at(QStringLiteral("url")), QStringLiteral("page_url"));
        QList<LoadResult> results = runImport(window, dialog);
        QVERIFY2(results.constFirst().outcome == LoadOutcome::Loaded, qPrintable(results.constFirst().message));

        // The next file from that folder starts with the same layout, and loads as it is.
        dialog = window.importFiles({second});
        QVERIFY2(dialog->previewAt(0).isValid(), qPrintable(dialog->previewAt(0).error));
        QCOMPARE(dialog->findChild<QLineEdit *>(QStringLiteral("columns"))->text(),
                 QStringLiteral("pageview_datetime=TS, url=page_url, user_id=visitor"));
        results = runImport(window, dialog);
        QVERIFY2(results.constFirst().outcome == LoadOutcome::Loaded, qPrintable(results.constFirst().message));
        // A file without a header, nor a kind in its name: the operator says both.
        const QString bare = f.write(QStringLiteral("export.csv"), "1|/d|2024-03-01 07:10:00\n");
        dialog = window.importFiles({bare});
        auto *headerless = dialog->findChild<QCheckBox *>(QStringLiteral("headerless"));
        dialog->findChild<QLineEdit *>(QStringLiteral("columns"))->clear();
        headerless->setChecked(true);
        QVERIFY(!dialog->previewAt(0).isValid());
        problem = dialog->findChild<QLabel *>(QStringLiteral("previewProblem"));
        QVERIFY2(problem->text().contains(QStringLiteral("choose its kind beside Separator")), qPrintable(problem->text()));
        auto *kind = dialog->findChild<QComboBox *>(QStringLiteral("kind"));
        kind->setCurrentIndex(kind->findData(int(ExtractKind::Pageviews)));
        QVERIFY2(dialog->previewAt(0).isValid(), qPrintable(dialog->previewAt(0).error));
        QCOMPARE(dialog->requests().constFirst().options.kind, ExtractKind::Pageviews);
        QVERIFY(dialog->requests().constFirst().options.layout.headerless);
        const LoadResult bareResult = runImport(window, dialog).constFirst();
        QVERIFY2(bareResult.outcome == LoadOutcome::Loaded, qPrintable(bareResult.message));
        QCOMPARE(bareResult.run.rowsLoaded, 1);
        QCOMPARE(window.overview()->calendar()->data(window.overview()->calendar()->indexOfHour(*results.constFirst().run.windowHour),
                                                     LoadCalendarModel::RunIdRole)
                     .toLongLong(),
                 results.constFirst().run.id);
    }

    void badRowsShowTheirRejects()
    {
        OperatorFixture f;
        QByteArray csv("user_id,url,pageview_datetime\n");
        for (int i = 1; i <= 100; ++i) {
            if (i == 10)
                csv += "12x,https://example.com/a,2024-03-01 05:10:00\n";
            else if (i == 40)
                csv += "7,\"https://example.com/b,c\",2024-03-01 25:00:00\n";
            else
                csv += QByteArray::number(i) + ",https://example.com/a,2024-03-01 05:10:00\n";
        }
        const QString file = f.write(QStringLiteral("pageviews_2024-03-01T05.csv"), csv);
        MainWindow window(f.warehousePath());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        // 2% rejected is over the default 1%: the load fails, and says how to go on.
        ImportDialog *dialog = window.importFiles({file});
        QCOMPARE(dialog->previewAt(0).rowsRejected, 2);
        QVERIFY(dialog->findChild<QLabel *>(QStringLiteral("previewProblem"))->text().contains(QStringLiteral("threshold")));
        QList<LoadResult> results = runImport(window, dialog);
        QCOMPARE(results[0].outcome, LoadOutcome::Failed);
        QString text = resultTexts(window).constFirst();
        QVERIFY2(text.contains(QStringLiteral("pageviews_2024-03-01T05.csv")) && text.contains(QStringLiteral("line 11"))
                     && text.contains(QStringLiteral("reject threshold in the import dialog")),
                 qPrintable(text));
        QCOMPARE(window.overview()->calendar()->failedHours().size(), 1);

        // With this file's threshold raised to 5% it loads, and its run shows the two rejected lines.
        dialog = window.importFiles({file});
        dialog->findChild<QCheckBox *>(QStringLiteral("thresholdSet"))->setChecked(true);
        dialog->findChild<QDoubleSpinBox *>(QStringLiteral("threshold"))->setValue(5);
        QCOMPARE(dialog->requests().constFirst().options.maxRejectPercent, std::optional(5.0));
        results = runImport(window, dialog);
        QCOMPARE(results[0].outcome, LoadOutcome::Loaded);
        QCOMPARE(results[0].run.rowsRejected, 2);
        QVERIFY(resultTexts(window).constFirst().contains(QStringLiteral("2 rows rejected")));

        RunDetailsDialog *details = window.showRun(results[0].run.id);
        QVERIFY(waitUntilRead(window));
        QAbstractItemModelTester tester(details->rejects(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(details->rejects()->rowCount(), 2);
        QCOMPARE(details->rejects()->lineAt(0).line, 11);
        QVERIFY(details->rejects()->lineAt(0).reason.contains(QStringLiteral("user_id")));
        QCOMPARE(details->rejects()->lineAt(1).line, 41);
        QCOMPARE(details->rejects()->data(details->rejects()->index(1, RejectedLinesModel::RawText)).toString(),
                 QStringLiteral("7,\"https://example.com/b,c\",2024-03-01 25:00:00"));
        details->copyRejects();
        QVERIFY(QApplication::clipboard()->text().contains(QStringLiteral("\n11\tcolumn 'user_id'")));
        QBuffer buffer;
        buffer.open(QIODevice::WriteOnly);
        QCOMPARE(writeRejectedLinesCsv(f.openWarehouse()->runLog(), results[0].run.id, &buffer), 2);
        QVERIFY(buffer.data().startsWith("line,reason,raw\n11,"));
        QVERIFY(buffer.data().contains("\"7,\"\"https://example.com/b,c\"\",2024-03-01 25:00:00\""));
        QCOMPARE(window.overview()->calendar()->failedHours().size(), 0);
        details->close();
    }

    void failedRunIsRetriedFromItsRow()
    {
        OperatorFixture f;
        QByteArray bad("user_id,url,pageview_datetime\n");
        QByteArray good = bad;
        for (int i = 1; i <= 50; ++i) {
            bad += (i == 10 ? QByteArray("12x") : QByteArray::number(i)) + ",https://example.com/a,2024-03-01 05:10:00\n";
            good += QByteArray::number(i) + ",https://example.com/a,2024-03-01 05:10:00\n";
        }
        const QString file = f.write(QStringLiteral("pageviews_2024-03-01T05.csv"), bad);
        MainWindow window(f.warehousePath());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QList<LoadResult> results = runImport(window, window.importFiles({file}));
        QCOMPARE(results[0].outcome, LoadOutcome::Failed); // 2% rejected, over the 1% threshold
        const qint64 failedRun = results[0].run.id;

        // The file is put right; its failed run's row loads it again.
        QFile fixed(file);
        QVERIFY(fixed.open(QIODevice::WriteOnly | QIODevice::Truncate));
        fixed.write(good);
        fixed.close();
        window.showScreen(QStringLiteral("Loads"));
        LoadsScreen *loads = window.loads();
        QTRY_COMPARE(loads->runs()->rowCount(), 1);
        auto *retry = loads->findChild<QPushButton *>(QStringLiteral("retryRun"));
        QVERIFY(retry);
        QVERIFY(!retry->isEnabled()); // nothing selected
        loads->view()->selectRow(0);
        QCOMPARE(loads->runs()->runAt(0).id, failedRun);
        QVERIFY(retry->isEnabled());
        QSignalSpy finished(window.loadQueue(), &LoadQueue::fileFinished);
        QSignalSpy idle(window.loadQueue(), &LoadQueue::idle);
        QTest::mouseClick(retry, Qt::LeftButton);
        QVERIFY(idle.wait(60000));
        QCOMPARE(finished.size(), 1);
        const LoadResult retried = finished.at(0).at(1).value<LoadResult>();
        QCOMPARE(retried.outcome, LoadOutcome::Loaded);
        QCOMPARE(retried.run.rowsLoaded, 50);
        QVERIFY(waitUntilRead(window));
        QCOMPARE(window.overview()->calendar()->failedHours().size(), 0);
        QCOMPARE(window.overview()->calendar()->loadedHours(), 1);
        // A run that loaded is not retried.
        QTRY_COMPARE(loads->runs()->rowCount(), 2);
        loads->view()->selectRow(0);
        QCOMPARE(loads->runs()->runAt(0).id, retried.run.id);
        QVERIFY(!retry->isEnabled());

        // The run's details offer the retry too; with its file gone, the row says so and records nothing.
        loads->view()->selectRow(1);
        QVERIFY(retry->isEnabled());
        RunDetailsDialog *details = window.showRun(failedRun);
        QVERIFY(waitUntilRead(window));
        QTRY_VERIFY(details->findChild<QPushButton *>(QStringLiteral("retryRun")));
        QVERIFY(details->findChild<QPushButton *>(QStringLiteral("retryRun"))->isEnabled());
        details->close();
        QVERIFY(QFile::remove(file));
        QTest::mouseClick(retry, Qt::LeftButton);
        QVERIFY2(loads->findChild<QLabel *>(QStringLiteral("runCount"))->text().contains(QStringLiteral("is not there any more")),
                 qPrintable(loads->findChild<QLabel *>(QStringLiteral("runCount"))->text()));
        QTest::qWait(200);
        QCOMPARE(finished.size(), 1);
        QCOMPARE(f.openWarehouse()->runLog().runs().size(), 2);
    }

    void refusedFileSaysWhyAndHowToForce()
    {
        OperatorFixture f;
        // The truncated one comes from another pipeline (its names, tab-separated): loaded anyway, it is read as
        // it was imported.
        QByteArray first("id,postcode\n"), truncated("customer\tcustomer_postcode\n");
        for (int i = 1; i <= 100; ++i) {
            first += QByteArray::number(i) + ",SW19\n";
            if (i <= 50)
                truncated += QByteArray::number(i) + (i % 3 == 0 ? "\tSW19\n" : "\tEC1A\n");
        }
        truncated += "101\tEC1A\n";
        const QString day1 = f.write(QStringLiteral("users_2024-03-01.csv"), first);
        const QString day2 = f.write(QStringLiteral("users_2024-03-02.csv"), truncated);
        const QString undated = f.write(QStringLiteral("users.csv"), first);
        MainWindow window(f.warehousePath());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCOMPARE(runImport(window, window.importFiles({day1})).constFirst().outcome, LoadOutcome::Loaded);

        // Before Load, the preview says the guard will refuse it, and what to tick: one wording everywhere.
        ImportDialog *dialog = window.importFiles({day2});
        QSignalSpy snapshotsRead(dialog, &ImportDialog::snapshotsRead);
        QVERIFY(snapshotsRead.wait(10000));
        ExtractLayout layout;
        layout.columns = {{QStringLiteral("id"), QStringLiteral("customer")}, {QStringLiteral("postcode"), QStringLiteral("customer_postcode")}};
        dialog->setCurrentLayout(layout);
        QCheckBox *force = dialog->findChild<QCheckBox *>(QStringLiteral("force"));
        QCOMPARE(force->text(), loadAnywayText());
        QString warning = dialog->findChild<QLabel *>(QStringLiteral("previewProblem"))->text();
        QVERIFY2(warning.contains(QStringLiteral("exactly 51 rows")) && warning.contains(QStringLiteral("has 100 users"))
                     && warning.contains(QStringLiteral("at least 49 of them"))
                     && warning.contains(QStringLiteral("refused unless “Load anyway (force)” is ticked")),
                 qPrintable(warning));
        QList<LoadResult> results = runImport(window, dialog);
        QCOMPARE(results[0].outcome, LoadOutcome::Refused);
        const QString text = resultTexts(window).constFirst();
        QVERIFY2(text.startsWith(QStringLiteral("Refused")) && text.contains(QStringLiteral("users_2024-03-02.csv"))
                     && text.contains(QStringLiteral("50 of the 100 users")) && text.contains(QStringLiteral("removal guard"))
                     && text.contains(QStringLiteral("“Load anyway (force)” ticked")) && !text.contains(QStringLiteral("--")),
                 qPrintable(text));
        QCOMPARE(window.overview()->calendar()->missingSnapshots().size(), 0);
        QCOMPARE(window.overview()->calendar()->data(window.overview()->calendar()->index(1, LoadCalendarModel::SnapshotColumn),
                                                     LoadCalendarModel::StateRole)
                     .toInt(),
                 int(LoadCalendarModel::State::Refused));
        // The Overview lists it under "Needs attention", with its reason.
        const QLabel *summary = window.findChild<QLabel *>(QStringLiteral("overviewSummary"));
        QVERIFY2(summary->text().contains(QStringLiteral("Needs attention:"))
                     && summary->text().contains(QStringLiteral("users snapshot for 2024-03-02 refused (run %1, users_2024-03-02.csv): "
                                                                "50 of the 100 users of the previous snapshot are missing")
                                                     .arg(results[0].run.id)),
                 qPrintable(summary->text()));
        // Its message wraps: read whole, never cut with "…".
        QTreeWidget *resultList = window.progressPanel()->results();
        QVERIFY(resultList->visualItemRect(resultList->topLevelItem(0)).height() > 3 * resultList->fontMetrics().height() / 2);

        // Its run tells what was found in the file without saying it was loaded, and offers to load it anyway.
        RunDetailsDialog *details = window.showRun(results[0].run.id);
        QSignalSpy shown(details, &RunDetailsDialog::runShown);
        QVERIFY(shown.wait(10000));
        QStringList facts;
        for (const QLabel *label : details->findChildren<QLabel *>())
            facts << label->text();
        const QString factText = facts.join(QLatin1Char('|'));
        QVERIFY2(factText.contains(QStringLiteral("As of:|2024-03-02 00:00 UTC|"))
                     && factText.contains(QStringLiteral("Rows loaded:|none: nothing was loaded"))
                     && factText.contains(QStringLiteral("1 / 34 / 50 found in the file, not loaded"))
                     && !factText.contains(QStringLiteral("--force")),
                 qPrintable(factText));
        QPushButton *detailsLoadAnyway = details->findChild<QPushButton *>(QStringLiteral("loadAnyway"));
        QVERIFY(detailsLoadAnyway);
        QCOMPARE(detailsLoadAnyway->text(), loadAnywayText());
        // It asks first, saying what it will do; Enter answers Cancel, and nothing is loaded.
        QSignalSpy finished(window.loadQueue(), &LoadQueue::fileFinished);
        QSignalSpy idle(window.loadQueue(), &LoadQueue::idle);
        const auto fromDetails = answerLoadAnyway(false);
        detailsLoadAnyway->click();
        QVERIFY(fromDetails->asked);
        QVERIFY(fromDetails->cancelIsDefault);
        QVERIFY2(fromDetails->text.contains(QStringLiteral("Load users_2024-03-02.csv past the removal guard?"))
                     && fromDetails->text.contains(QStringLiteral("50 users of the previous snapshot will be marked removed as of 2024-03-02 00:00 UTC")),
                 qPrintable(fromDetails->text));
        QVERIFY(detailsLoadAnyway->isEnabled());
        details->close();
        QPushButton *loadAnyway = window.progressPanel()->loadAnywayButton();
        QVERIFY(loadAnyway->isVisible());
        const auto fromPanelCancelled = answerLoadAnyway(false);
        loadAnyway->click();
        QVERIFY(fromPanelCancelled->asked && fromPanelCancelled->cancelIsDefault);
        QVERIFY(loadAnyway->isVisible());
        QTest::qWait(200);
        QCOMPARE(finished.size(), 0);
        QCOMPARE(window.loadQueue()->isBusy(), false);

        // Load anyway, from the progress panel, confirmed: the same file again, forced, at the same as-of.
        const auto fromPanel = answerLoadAnyway(true);
        loadAnyway->click();
        QVERIFY(fromPanel->asked);
        QVERIFY(idle.wait(20000));
        const LoadResult forced = finished.constLast().at(1).value<LoadResult>();
        QCOMPARE(forced.outcome, LoadOutcome::Loaded);
        QCOMPARE(forced.run.usersRemoved, 50);
        QCOMPARE(forced.run.asOf, results[0].run.asOf);
        QVERIFY(!loadAnyway->isVisible());
        // Made good: no longer in need of attention.
        QVERIFY(waitUntilRead(window));
        QVERIFY2(!summary->text().contains(QStringLiteral("refused")), qPrintable(summary->text()));

        // A snapshot without a date in its name: the preview warns, the load is refused and says what to do;
        // it is not a guard refusal, so there is nothing to load anyway.
        dialog = window.importFiles({undated});
        QVERIFY(dialog->findChild<QLabel *>(QStringLiteral("previewProblem"))->text().contains(QStringLiteral("as-of")));
        results = runImport(window, dialog);
        QCOMPARE(results[0].outcome, LoadOutcome::Refused);
        QVERIFY2(resultTexts(window).constFirst().contains(QStringLiteral("set the snapshot's as-of")),
                 qPrintable(resultTexts(window).constFirst()));
        QVERIFY(!loadAnyway->isVisible());
    }

    void failedRunShowsItsLateRowsAsNotLoaded()
    {
        OperatorFixture f;
        QByteArray csv("user_id,url,pageview_datetime\n");
        for (int i = 1; i <= 100; ++i)
            csv += i % 25 == 0 ? QByteArray("x,u,2024-03-01 05:10:00\n")
                : QByteArray::number(i) + (i % 10 == 0 ? ",u,2024-03-01 04:59:00\n" : ",u,2024-03-01 05:10:00\n");
        MainWindow window(f.warehousePath());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        const QList<LoadResult> results = runImport(window, window.importFiles({f.write(QStringLiteral("p.csv"), csv)}));
        QCOMPARE(results[0].outcome, LoadOutcome::Failed);
        QVERIFY(results[0].run.lateRows > 0);
        QVERIFY2(window.findChild<QLabel *>(QStringLiteral("progressRows"))->text().contains(QStringLiteral("nothing loaded")),
                 qPrintable(window.findChild<QLabel *>(QStringLiteral("progressRows"))->text()));
        RunDetailsDialog *details = window.showRun(results[0].run.id);
        QSignalSpy shown(details, &RunDetailsDialog::runShown);
        QVERIFY(shown.wait(10000));
        QStringList facts;
        for (const QLabel *label : details->findChildren<QLabel *>())
            facts << label->text();
        QVERIFY2(facts.contains(QStringLiteral("%1 found in the file, not loaded").arg(results[0].run.lateRows)),
                 qPrintable(facts.join(QLatin1Char('|'))));
        QVERIFY(!details->findChild<QPushButton *>(QStringLiteral("loadAnyway")));
        // Nor does the Loads list count them.
        QCOMPARE(window.loads()->runs()->index(0, LoadRunsModel::LateRows).data().toString(), QString());
    }

    void progressDockStepsAsideOnlyAfterSuccess()
    {
        OperatorFixture f;
        ExtractGenerator gen = f.generate(300, 1, 2, 200);
        QByteArray bad("user_id,url,pageview_datetime\n1,u,2024-03-01 05:00:00\nx,u,2024-03-01 05:00:00\n");
        MainWindow window(f.warehousePath());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto *dock = window.findChild<QDockWidget *>(QStringLiteral("progressDock"));
        QLabel *tally = window.findChild<QLabel *>(QStringLiteral("progressTally"));

        QCOMPARE(runImport(window, window.importFiles({f.path(gen.usersFileName(0))})).constFirst().outcome, LoadOutcome::Loaded);
        QVERIFY(dock->isVisible());
        QVERIFY(dock->height() <= window.height() / 3 + 40); // modest: the screen keeps the window
        QTRY_VERIFY_WITH_TIMEOUT(!dock->isVisible(), 8000);   // everything loaded: it steps aside

        // A new batch starts from nothing: the previous batch's tally is not shown as this one's.
        QStringList talliesAtStart;
        connect(window.loadQueue(), &LoadQueue::fileStarted, this, [&] { talliesAtStart << tally->text(); });
        QCOMPARE(runImport(window, window.importFiles({f.write(QStringLiteral("bad.csv"), bad)})).constFirst().outcome,
                 LoadOutcome::Failed);
        QCOMPARE(talliesAtStart.size(), 1);
        QVERIFY2(!talliesAtStart[0].contains(QStringLiteral("loaded")), qPrintable(talliesAtStart[0]));
        QVERIFY(tally->text().contains(QStringLiteral("1 failed")));
        // A failure keeps it open, so the operator sees why.
        QVERIFY(dock->isVisible());
        QTest::qWait(5000);
        QVERIFY(dock->isVisible());
    }

    void progressSaysWhatAStageWithoutASizeIsDoing()
    {
        OperatorFixture f;
        MainWindow window(f.warehousePath());
        LoadProgress p;
        p.stage = QStringLiteral("reading");
        p.total = 1000;
        p.done = 500;
        p.rowsPerSecond = 123456;
        p.elapsedMs = 2000;
        emit window.loadQueue()->progressChanged(p);
        p.stage = QStringLiteral("aggregating");
        p.total = 0;
        p.done = 0;
        p.elapsedMs = 9000;
        emit window.loadQueue()->progressChanged(p);
        const QString timeLeft = window.findChild<QLabel *>(QStringLiteral("progressTimeLeft"))->text();
        QVERIFY2(timeLeft.startsWith(QStringLiteral("aggregating…")) && !timeLeft.contains(QStringLiteral("estimating")),
                 qPrintable(timeLeft));
        const QString rate = window.findChild<QLabel *>(QStringLiteral("progressRate"))->text();
        QVERIFY2(rate.contains(QStringLiteral("while reading")), qPrintable(rate));
    }

    void loadsListShowsTheRunningLoadAndWholeValues()
    {
        OperatorFixture f;
        ExtractGenerator gen = f.generate(20000, 1, 1, 400000, 9);
        MainWindow window(f.warehousePath());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCOMPARE(runImport(window, window.importFiles({f.path(gen.usersFileName(0))})).constFirst().outcome, LoadOutcome::Loaded);

        // While the file is read (before its run is recorded) the Loads screen says it is running.
        QStringList whileReading;
        connect(window.loadQueue(), &LoadQueue::progressChanged, this, [&](const LoadProgress &p) {
            if (p.stage == QLatin1String("reading"))
                whileReading << window.loads()->loadText();
        });
        LoadRunsModel *runs = window.loads()->runs();
        bool sawRunning = false;
        connect(runs, &QAbstractItemModel::modelReset, this, [&] {
            for (int row = 0; row < runs->rowCount(); ++row)
                sawRunning |= runs->runAt(row).status == RunStatus::Running;
        });
        const QList<LoadResult> results = runImport(window, window.importFiles({f.path(gen.pageviewsFileName(0, 0))}));
        QCOMPARE(results.constFirst().outcome, LoadOutcome::Loaded);
        QVERIFY(!whileReading.isEmpty());
        QVERIFY2(whileReading.constLast().contains(gen.pageviewsFileName(0, 0)) && whileReading.constLast().contains(QStringLiteral("reading")),
                 qPrintable(whileReading.constLast()));
        QVERIFY(sawRunning);
        QCOMPARE(window.loads()->loadText(), QString()); // ended: the list says how
        QCOMPARE(runs->runAt(0).status, RunStatus::Succeeded); // refreshed as it ended

        // No value is cut: every column but the file is as wide as its widest text.
        window.showScreen(tr("Loads"));
        auto *view = window.loads()->findChild<QTableView *>(QStringLiteral("runsView"));
        QTRY_VERIFY(view->isVisible());
        for (int column = 0; column < LoadRunsModel::ColumnCount; ++column) {
            if (column == LoadRunsModel::File)
                continue;
            int needed = 0;
            for (int row = 0; row < runs->rowCount(); ++row)
                needed = std::max(needed, view->sizeHintForIndex(runs->index(row, column)).width());
            QVERIFY2(view->columnWidth(column) >= needed,
                     qPrintable(QStringLiteral("column %1: %2 < %3").arg(column).arg(view->columnWidth(column)).arg(needed)));
        }
    }

    void firstRunInvitesAnImport()
    {
        OperatorFixture f;
        ExtractGenerator gen = f.generate(100, 1, 1, 50);
        MainWindow window(f.warehousePath());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(waitUntilRead(window));

        // A toolbar with Import and Refresh.
        auto *toolbar = window.findChild<QToolBar *>(QStringLiteral("mainToolBar"));
        QVERIFY(toolbar && toolbar->isVisible());
        QVERIFY(toolbar->actions().contains(window.importAction()));
        QVERIFY(toolbar->actions().contains(window.refreshAction()));
        // Help: about, documentation (where the package installs it), shortcuts.
        QStringList menus;
        for (const QAction *action : window.menuBar()->actions())
            menus << action->text();
        QVERIFY(menus.contains(QStringLiteral("&Help")));
        QVERIFY(MainWindow::documentationText().contains(QStringLiteral("share/doc/pvadmin")));
        QVERIFY(MainWindow::documentationText().contains(QStringLiteral("man pvadmin")));
        // Help → Documentation offers to open the guide itself (installed, or this build's own).
        for (QAction *action : window.findChildren<QAction *>())
            if (action->text() == QLatin1String("&Documentation"))
                action->trigger();
        auto *documentation = window.findChild<QMessageBox *>(QStringLiteral("documentation"));
        QVERIFY(documentation);
        auto *openGuide = documentation->findChild<QPushButton *>(QStringLiteral("openGuide"));
        QVERIFY(openGuide);
        QVERIFY2(openGuide->toolTip().endsWith(QLatin1String("/README.md")) && QFileInfo::exists(openGuide->toolTip()),
                 qPrintable(openGuide->toolTip()));
        documentation->close();
        // The shortcuts box is wide enough for its whole title.
        for (QAction *action : window.findChildren<QAction *>())
            if (action->text() == QLatin1String("&Keyboard shortcuts"))
                action->trigger();
        auto *shortcuts = window.findChild<QMessageBox *>(QStringLiteral("shortcuts"));
        QVERIFY(shortcuts);
        QTRY_VERIFY(shortcuts->isVisible());
        QVERIFY(shortcuts->width() > 2 * shortcuts->fontMetrics().horizontalAdvance(shortcuts->windowTitle()));
        shortcuts->close();
        QVERIFY(window.shortcutsText().contains(QKeySequence(QStringLiteral("Ctrl+I")).toString(QKeySequence::NativeText)));
        // Ctrl+1 to Ctrl+5 go to the screens in their order, and the shortcuts box lists them.
        auto *navigation = window.findChild<QListWidget *>(QStringLiteral("navigation"));
        QVERIFY(QTest::qWaitForWindowActive(&window));
        const QStringList screens{QStringLiteral("Overview"), QStringLiteral("Loads"), QStringLiteral("History"),
                                  QStringLiteral("Charts"), QStringLiteral("Reports")};
        for (int i = int(screens.size()) - 1; i >= 0; --i) {
            QTest::keyClick(&window, Qt::Key(Qt::Key_1 + i), Qt::ControlModifier);
            QCOMPARE(navigation->currentItem()->text(), screens[i]);
            QCOMPARE(window.findChild<QStackedWidget *>()->currentWidget()->objectName(), screens[i]);
        }
        QVERIFY(window.shortcutsText().contains(QKeySequence(QStringLiteral("Ctrl+4")).toString(QKeySequence::NativeText)));

        // The empty Overview: a centred invitation with a real Import button.
        auto *empty = window.overview()->findChild<QWidget *>(QStringLiteral("overviewEmpty"));
        QVERIFY(empty && empty->isVisible());
        QVERIFY(!window.overview()->calendarView()->isVisible());
        QVERIFY(!window.overview()->findChild<QLabel *>(QStringLiteral("overviewSummary"))->isVisible());
        auto *import = empty->findChild<QPushButton *>(QStringLiteral("emptyImport"));
        QVERIFY(import && import->isVisible());
        import->click();
        auto *dialog = window.findChild<ImportDialog *>();
        QVERIFY(dialog);
        QTRY_VERIFY(dialog->isVisible());

        // No placeholder dates: nothing chosen shows no date; a pageviews file does not use the as-of.
        auto *asOf = dialog->findChild<QDateTimeEdit *>(QStringLiteral("asOf"));
        auto *hour = dialog->findChild<QDateTimeEdit *>(QStringLiteral("hour"));
        QVERIFY2(!asOf->text().contains(QStringLiteral("20")), qPrintable(asOf->text()));
        QVERIFY2(!hour->text().contains(QStringLiteral("20")), qPrintable(hour->text()));
        dialog->addFiles({f.path(gen.pageviewsFileName(0, 0))});
        QCOMPARE(asOf->text(), QStringLiteral("not used for pageviews extract"));
        QVERIFY(hour->text().startsWith(QStringLiteral("2024-03-01 00:00")));
        // Setting an as-of on an undated snapshot starts from a real day, not the placeholder.
        QByteArray users("id,postcode\n1,SW19\n");
        dialog->addFiles({f.write(QStringLiteral("users.csv"), users)});
        dialog->setCurrentFile(1);
        QCOMPARE(asOf->text(), QStringLiteral("none in the file name"));
        dialog->findChild<QCheckBox *>(QStringLiteral("asOfSet"))->setChecked(true);
        QVERIFY(dialog->optionsAt(1).asOf && *dialog->optionsAt(1).asOf > 1000000000);
        QVERIFY(!asOf->text().startsWith(QStringLiteral("1970")));
        dialog->reject();
    }

    void overviewMarksAMissingHour()
    {
        OperatorFixture f;
        ExtractGenerator gen = f.generate(500, 1, 4, 300);
        QCOMPARE(f.load(f.path(gen.usersFileName(0))).outcome, LoadOutcome::Loaded);
        for (const int hour : {0, 1, 3})
            QCOMPARE(f.load(f.path(gen.pageviewsFileName(0, hour))).outcome, LoadOutcome::Loaded);
        MainWindow window(f.warehousePath());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        QVERIFY(waitUntilRead(window));
        OverviewScreen *overview = window.overview();
        LoadCalendarModel *calendar = overview->calendar();
        QCOMPARE(calendar->rowCount(), 1);
        QCOMPARE(calendar->missingHours(), QList<qint64>{gen.hourStart(0, 2)});
        const QModelIndex missing = calendar->indexOfHour(gen.hourStart(0, 2));
        QCOMPARE(missing.column(), 3);
        QCOMPARE(missing.data(LoadCalendarModel::StateRole).toInt(), int(LoadCalendarModel::State::Missing));
        QVERIFY(missing.data(Qt::ToolTipRole).toString().contains(QStringLiteral("Missing")));
        QCOMPARE(missing.data(Qt::DisplayRole).toString(), QStringLiteral("missing"));
        QCOMPARE(calendar->indexOfHour(gen.hourStart(0, 1)).data(LoadCalendarModel::StateRole).toInt(),
                 int(LoadCalendarModel::State::Loaded));
        QCOMPARE(calendar->indexOfHour(gen.hourStart(0, 5)).data(LoadCalendarModel::StateRole).toInt(),
                 int(LoadCalendarModel::State::NotDue));
        QVERIFY(overview->findChild<QLabel *>(QStringLiteral("overviewSummary"))
                    ->text()
                    .contains(QStringLiteral("1 hour missing: 2024-03-01 02:00")));

        // Hover tells the run; a click opens it.
        const QModelIndex loaded = calendar->indexOfHour(gen.hourStart(0, 3));
        QVERIFY(loaded.data(Qt::ToolTipRole).toString().contains(QStringLiteral("pageviews_2024-03-01T03.csv")));
        QSignalSpy requested(overview, &OverviewScreen::runRequested);
        QTableView *view = overview->calendarView();
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->visualRect(loaded).center());
        QCOMPARE(requested.size(), 1);
        QCOMPARE(requested.at(0).at(0).toLongLong(), loaded.data(LoadCalendarModel::RunIdRole).toLongLong());
        QTRY_VERIFY(window.findChild<RunDetailsDialog *>() && window.findChild<RunDetailsDialog *>()->isVisible());
    }

    void overviewZoomsOutToDays()
    {
        // 2024-03-01 to 03-20, every day's snapshot: sixteen days with only their first hour loaded, then a
        // whole day, a day without its 05:00 (Monday 03-18), a whole day, and half a day (the rest not due yet).
        constexpr int whole = 16, gap = 17, wholeAgain = 18, half = 19, dayCount = 20;
        OperatorFixture f;
        ExtractGenerator gen = f.generate(200, dayCount, 24, 60);
        for (int day = 0; day < dayCount; ++day) {
            QCOMPARE(f.load(f.path(gen.usersFileName(day))).outcome, LoadOutcome::Loaded);
            for (int hour = 0; hour < (day < whole ? 1 : day == half ? 12 : 24); ++hour)
                if (day != gap || hour != 5)
                    QCOMPARE(f.load(f.path(gen.pageviewsFileName(day, hour))).outcome, LoadOutcome::Loaded);
        }
        const QLocale saved;
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
        MainWindow window(f.warehousePath());
        window.resize(1024, 600);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(waitUntilRead(window));
        OverviewScreen *overview = window.overview();
        LoadCalendarModel *hours = overview->calendar();
        DayCalendarModel *days = overview->dayCalendar();
        QTableView *hourView = overview->calendarView();
        QTableView *dayView = overview->dayView();
        QCOMPARE(overview->zoom(), OverviewScreen::Zoom::Hours);
        QVERIFY(hourView->isVisible() && !dayView->isVisible());
        const auto rowShown = [hourView](const QModelIndex &index) {
            return hourView->viewport()->rect().contains(hourView->visualRect(index));
        };
        QVERIFY(!rowShown(hours->index(0, 1))); // scrolled to the latest days

        // Weeks, through the zoom control: four weeks, Monday first, a cell per day.
        auto *weeks = overview->findChild<QToolButton *>(QStringLiteral("zoomWeeks"));
        QTest::mouseClick(weeks, Qt::LeftButton);
        QVERIFY(weeks->isChecked());
        QCOMPARE(overview->zoom(), OverviewScreen::Zoom::Weeks);
        QVERIFY(dayView->isVisible() && !hourView->isVisible());
        QCOMPARE(days->rowCount(), 4);
        QCOMPARE(days->columnCount(), 7);
        QCOMPARE(days->headerData(0, Qt::Vertical).toString(), QStringLiteral("W09 · 2024-02-26"));
        const auto cell = [days](int day) { return days->indexOfDate(QDate(2024, 3, 1).addDays(day)); };
        QCOMPARE(cell(0), days->index(0, 4));
        QCOMPARE(cell(half), days->index(3, 2));
        const QSize minimum = window.minimumSizeHint().expandedTo(window.minimumSize());
        QVERIFY2(minimum.width() <= 1024 && minimum.height() <= 570, qPrintable(QStringLiteral("%1×%2").arg(minimum.width()).arg(minimum.height())));

        // A day's pageviews are the sum of its hours' views; the shade follows them, the busiest day darkest.
        const auto hoursViews = [hours](int day) {
            qint64 sum = 0;
            for (int h = 1; h <= LoadCalendarModel::HourColumns; ++h)
                sum += hours->index(day, h).data(LoadCalendarModel::ViewsRole).toLongLong();
            return sum;
        };
        const auto views = [&](int day) { return cell(day).data(DayCalendarModel::ViewsRole).toLongLong(); };
        const auto shade = [&](int day) { return cell(day).data(DayCalendarModel::ShadeRole).toDouble(); };
        qint64 busiest = 0;
        for (int day = 0; day < dayCount; ++day) {
            QCOMPARE(views(day), hoursViews(day));
            busiest = std::max(busiest, views(day));
        }
        QVERIFY(views(0) > 0);
        for (int a = 0; a < dayCount; ++a)
            for (int b = 0; b < dayCount; ++b)
                if (views(a) < views(b))
                    QVERIFY2(shade(a) < shade(b), qPrintable(QStringLiteral("days %1 and %2").arg(a).arg(b)));
        QVERIFY(shade(0) < shade(half) && shade(half) < shade(gap) && shade(gap) < shade(wholeAgain));
        QCOMPARE(std::max(shade(whole), shade(wholeAgain)), 1.0);
        QVERIFY2(overview->findChild<QLabel *>(QStringLiteral("busiestDay"))->text().contains(QLocale().toString(busiest)),
                 qPrintable(overview->findChild<QLabel *>(QStringLiteral("busiestDay"))->text()));

        // The day without its 05:00 is marked missing: a frame in the Missing colour around the hours' symbol.
        // A whole day and the half day (its other hours not due) are not.
        QCOMPARE(cell(gap).data(DayCalendarModel::StateRole).toInt(), int(LoadCalendarModel::State::Missing));
        QCOMPARE(cell(wholeAgain).data(DayCalendarModel::StateRole).toInt(), int(LoadCalendarModel::State::Loaded));
        QCOMPARE(cell(half).data(DayCalendarModel::StateRole).toInt(), int(LoadCalendarModel::State::Loaded));
        const QImage painted = dayView->viewport()->grab().toImage();
        const auto frame = [dayView](const QModelIndex &index) {
            const QRect rect = dayView->visualRect(index);
            return QPoint(rect.left() + 2, rect.bottom() - 2);
        };
        QCOMPARE(painted.pixelColor(frame(cell(gap))), CalendarCellDelegate::colour(LoadCalendarModel::State::Missing));
        QCOMPARE(painted.pixelColor(frame(cell(wholeAgain))), CalendarCellDelegate::shade(shade(wholeAgain)));
        QCOMPARE(cell(gap).data(Qt::ToolTipRole).toString(),
                 QStringLiteral("Monday 2024-03-18\n%1 pageviews\n23 of 24 hours loaded\nNeeds attention: 1 hour missing (05:00)\n"
                                "Click to see its hours.")
                     .arg(QLocale().toString(views(gap))));
        QVERIFY(views(gap) >= 1000); // digits grouped

        // Months: one row, a column per day of the month; the choice is remembered.
        auto *months = overview->findChild<QToolButton *>(QStringLiteral("zoomMonths"));
        QTest::mouseClick(months, Qt::LeftButton);
        QCOMPARE(overview->zoom(), OverviewScreen::Zoom::Months);
        QVERIFY(!weeks->isChecked());
        QCOMPARE(days->rowCount(), 1);
        QCOMPARE(days->columnCount(), 31);
        QCOMPARE(days->headerData(0, Qt::Vertical).toString(), QStringLiteral("March 2024"));
        QCOMPARE(cell(gap), days->index(0, 17));
        QCOMPARE(views(gap), hoursViews(gap));
        QCOMPARE(cell(gap).data(DayCalendarModel::StateRole).toInt(), int(LoadCalendarModel::State::Missing));
        QCOMPARE(QSettings().value(QStringLiteral("overview/zoom")).toString(), QStringLiteral("Months"));
        {
            MainWindow again(f.warehousePath());
            QVERIFY(waitUntilRead(again));
            QCOMPARE(again.overview()->zoom(), OverviewScreen::Zoom::Months);
            QVERIFY(again.overview()->findChild<QToolButton *>(QStringLiteral("zoomMonths"))->isChecked());
        }

        // A click on a day shows its hours, scrolled to it.
        QTest::mouseClick(dayView->viewport(), Qt::LeftButton, {}, dayView->visualRect(cell(0)).center());
        QCOMPARE(overview->zoom(), OverviewScreen::Zoom::Hours);
        QVERIFY(overview->findChild<QToolButton *>(QStringLiteral("zoomHours"))->isChecked());
        QVERIFY(hourView->isVisible() && !dayView->isVisible());
        QTRY_VERIFY(rowShown(hours->index(0, 1)));
        QCOMPARE(QSettings().value(QStringLiteral("overview/zoom")).toString(), QStringLiteral("Hours"));
        QLocale::setDefault(saved);
    }

    void overviewGridUsesTheWidth()
    {
        OperatorFixture f;
        ExtractGenerator gen = f.generate(100, 1, 2, 20);
        QCOMPARE(f.load(f.path(gen.usersFileName(0))).outcome, LoadOutcome::Loaded);
        for (int hour = 0; hour < 2; ++hour)
            QCOMPARE(f.load(f.path(gen.pageviewsFileName(0, hour))).outcome, LoadOutcome::Loaded);
        MainWindow window(f.warehousePath());
        window.resize(1024, 600);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(waitUntilRead(window));
        QTableView *view = window.overview()->calendarView();
        QTRY_COMPARE(window.size(), QSize(1024, 600));
        const int narrow = view->columnWidth(1);
        QVERIFY(narrow >= 26);

        // At 1600×1000 the hours widen to the view's edge: no empty band beside them.
        window.resize(1600, 1000);
        QTRY_VERIFY(view->columnWidth(1) > narrow);
        QVERIFY(view->columnWidth(1) > 34); // the width they had before they grew
        QCOMPARE(view->columnWidth(LoadCalendarModel::SnapshotColumn), 64);
        for (int column = 2; column <= LoadCalendarModel::HourColumns; ++column)
            QVERIFY(std::abs(view->columnWidth(column) - view->columnWidth(1)) <= 1);
        QVERIFY2(view->horizontalHeader()->length() >= view->viewport()->width() - LoadCalendarModel::HourColumns,
                 qPrintable(QStringLiteral("%1 of %2").arg(view->horizontalHeader()->length()).arg(view->viewport()->width())));
        QVERIFY(view->horizontalHeader()->length() <= view->viewport()->width());
    }

    void statusBarWarnsWhenStale()
    {
        OperatorFixture f;
        ExtractGenerator gen = f.generate(300, 2, 6, 100);
        QCOMPARE(f.load(f.path(gen.usersFileName(0))).outcome, LoadOutcome::Loaded);
        for (int hour = 0; hour < 6; ++hour)
            QCOMPARE(f.load(f.path(gen.pageviewsFileName(1, hour))).outcome, LoadOutcome::Loaded);
        // Snapshot at day 0 00:00, hours up to day 1 05:00: the snapshot is 29 hours behind.
        MainWindow window(f.warehousePath());
        QVERIFY(waitUntilRead(window));
        QVERIFY(window.statusText().contains(QStringLiteral("Stale")));
        QVERIFY(window.statusText().contains(QStringLiteral("users snapshot")));
        // On a narrow window the warning ends in "…" instead of being cut off or widening the window; its
        // tooltip has all of it.
        window.show();
        window.resize(1024, 600);
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto *stale = window.findChild<ElidedLabel *>(QStringLiteral("staleWarning"));
        QVERIFY(stale && stale->isVisible());
        QTRY_VERIFY2(stale->shownText().endsWith(QStringLiteral("…")) && stale->shownText().size() > 12,
                     qPrintable(stale->shownText()));
        QVERIFY(stale->toolTip().contains(stale->text().trimmed().mid(2))); // past the "⚠ "
        QVERIFY2(window.minimumSizeHint().width() <= 1024, qPrintable(QString::number(window.minimumSizeHint().width())));
        window.resize(1900, 800);
        QTRY_COMPARE(stale->shownText(), stale->text());
        // Day 1's snapshot arrives: fresh again.
        QCOMPARE(f.load(f.path(gen.usersFileName(1))).outcome, LoadOutcome::Loaded);
        emit window.warehouseChanged();
        QVERIFY(waitUntilRead(window));
        QVERIFY2(!window.statusText().contains(QStringLiteral("Stale")), qPrintable(window.statusText()));
    }

    void connectDialogBuildsTheUrl()
    {
        QSettings().remove(QStringLiteral("connect/lastLocation"));
        PostgresConnectDialog dialog;
        const auto type = [&dialog](const char *field, const QString &text) {
            auto *edit = dialog.findChild<QLineEdit *>(QLatin1String(field));
            QVERIFY(edit);
            edit->clear();
            QTest::keyClicks(edit, text);
        };
        type("host", QStringLiteral("db.example.org"));
        type("database", QStringLiteral("page views/2024?#%"));
        type("user", QStringLiteral("ops@team:1"));
        auto *port = dialog.findChild<QSpinBox *>(QStringLiteral("port"));
        QCOMPARE(port->value(), 5432);
        port->selectAll();
        QTest::keyClicks(port, QStringLiteral("6543"));
        auto *sslMode = dialog.findChild<QComboBox *>(QStringLiteral("sslMode"));
        QCOMPARE(sslMode->currentText(), QStringLiteral("prefer"));
        QCOMPARE(sslMode->count(), 6);
        sslMode->setCurrentIndex(sslMode->findText(QStringLiteral("verify-full")));

        const QString url = QStringLiteral("postgresql://ops%40team%3A1@db.example.org:6543/page%20views%2F2024%3F%23%25"
                                           "?sslmode=verify-full");
        QCOMPARE(dialog.location(), url);
        QVERIFY(dialog.findChild<QLabel *>(QStringLiteral("url"))->text().contains(url));
        // Each part reads back as typed, and the window would name it so.
        QVERIFY(Warehouse::isServerLocation(url));
        QCOMPARE(QUrl(url).userName(), QStringLiteral("ops@team:1"));
        QCOMPARE(QUrl(url).path(), QStringLiteral("/page views/2024?#%"));
        QCOMPARE(warehouseName(url), QStringLiteral("page views/2024?#% on db.example.org:6543 as ops@team:1 (PostgreSQL)"));

        // Empty parts are left out; no password anywhere, nor a field for one.
        // A socket folder is libpq's host and port query parameters, and is named as the folder.
        type("host", QStringLiteral("/run/pgsock"));
        port->setValue(55479);
        type("database", QStringLiteral("w"));
        type("user", QStringLiteral("alice"));
        QCOMPARE(dialog.location(), QStringLiteral("postgresql://alice@/w?host=%2Frun%2Fpgsock&port=55479&sslmode=verify-full"));
        QCOMPARE(warehouseName(dialog.location()), QStringLiteral("w on /run/pgsock:55479 as alice (PostgreSQL)"));
        PostgresConnectDialog again;
        again.setLocation(dialog.location());
        QCOMPARE(again.location(), dialog.location());

        type("host", QStringLiteral("db.example.org"));
        port->setValue(6543);
        type("user", QString());
        type("database", QString());
        QCOMPARE(dialog.location(), QStringLiteral("postgresql://db.example.org:6543?sslmode=verify-full"));
        QVERIFY(!dialog.location().contains(QStringLiteral("password")));
        for (const QLineEdit *edit : dialog.findChildren<QLineEdit *>())
            QVERIFY(edit->echoMode() == QLineEdit::Normal);
        bool explainsPassword = false;
        for (const QLabel *label : dialog.findChildren<QLabel *>())
            explainsPassword |= label->text().contains(QStringLiteral("~/.pgpass")) && label->text().contains(QStringLiteral("PGPASSWORD"));
        QVERIFY(explainsPassword);
    }

    void connectDialogTestsOffTheGuiThread()
    {
        OperatorFixture f;
        MainWindow window(f.warehousePath());
        QVERIFY(waitUntilRead(window));
        PostgresConnectDialog *dialog = window.connectToPostgres();
        QVERIFY(dialog->isVisible());
        SilentServer silent;
        dialog->findChild<QLineEdit *>(QStringLiteral("host"))->setText(QStringLiteral("127.0.0.1"));
        dialog->findChild<QSpinBox *>(QStringLiteral("port"))->setValue(silent.port());
        dialog->findChild<QLineEdit *>(QStringLiteral("database"))->setText(QStringLiteral("w1"));
        QElapsedTimer clock;
        clock.start();
        dialog->testButton()->click();
        // The click returns at once and the dialog says it is connecting, while the server keeps silent.
        QVERIFY(clock.elapsed() < 1000);
        QVERIFY2(dialog->outcome()->text().startsWith(QStringLiteral("Connecting to w1 on 127.0.0.1:%1 (PostgreSQL)").arg(silent.port())),
                 qPrintable(dialog->outcome()->text()));
        QTest::qWait(300);
        QVERIFY(!dialog->testButton()->isEnabled());
        QVERIFY(dialog->outcome()->text().startsWith(QStringLiteral("Connecting")));
        // The server hangs up: the error is shown.
        silent.hangUp();
        QTRY_VERIFY_WITH_TIMEOUT(dialog->testButton()->isEnabled(), 15000);
        QVERIFY2(dialog->outcome()->text().startsWith(QStringLiteral("Cannot connect")), qPrintable(dialog->outcome()->text()));
        QVERIFY(!dialog->outcome()->text().contains(QStringLiteral("connect_timeout")));

        // After a Test, Enter is Connect's (never Cancel's): it stays in the dialog when it cannot connect
        // (nothing listens there now) and leaves the open warehouse open.
        QVERIFY(dialog->connectButton()->isDefault());
        QTest::keyClick(dialog, Qt::Key_Return);
        QVERIFY(!dialog->connectButton()->isEnabled() || dialog->isVisible());
        QTRY_VERIFY_WITH_TIMEOUT(dialog->connectButton()->isEnabled(), 15000);
        QVERIFY(dialog->isVisible());
        QVERIFY(dialog->connectButton()->isDefault());
        QCOMPARE(window.warehousePath(), f.warehousePath());
        dialog->reject();
        // Opened again, it holds what was typed.
        PostgresConnectDialog *reopened = window.connectToPostgres();
        QCOMPARE(reopened->findChild<QLineEdit *>(QStringLiteral("host"))->text(), QStringLiteral("127.0.0.1"));
        QCOMPARE(reopened->findChild<QSpinBox *>(QStringLiteral("port"))->value(), int(silent.port()));
        QCOMPARE(reopened->findChild<QLineEdit *>(QStringLiteral("database"))->text(), QStringLiteral("w1"));
        reopened->reject();
    }

    void quitQuestionFollowsTheLoads()
    {
        // Asked to quit while a file loads, the window asks; when the load ends meanwhile, there is nothing
        // left to cancel: the question goes away and the window closes, the file loaded, not cancelled.
        OperatorFixture f;
        ExtractGenerator gen = f.generate(100000, 1, 1, 600000, 3);
        QCOMPARE(f.load(f.path(gen.usersFileName(0))).outcome, LoadOutcome::Loaded);
        MainWindow window(f.warehousePath());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QSignalSpy finished(window.loadQueue(), &LoadQueue::fileFinished);
        window.startLoads({{f.path(gen.pageviewsFileName(0, 0)), {}}});
        QVERIFY(window.loadQueue()->isBusy());
        QString asked;
        QTimer poll;
        QElapsedTimer waited;
        waited.start();
        connect(&poll, &QTimer::timeout, this, [&asked, &waited] {
            auto *question = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
            if (question && question->objectName() == QLatin1String("quitQuestion") && asked.isEmpty())
                asked = question->text();
            // A question left open after the load ended is the failure: answered No, so the test ends.
            if (question && waited.elapsed() > 60000)
                question->button(QMessageBox::No)->click();
        });
        poll.start(10);
        window.close(); // returns once the question is answered, or gone
        poll.stop();
        QVERIFY2(asked.startsWith(QStringLiteral("1 file is still loading")), qPrintable(asked));
        QCOMPARE(finished.size(), 1);
        QCOMPARE(finished.constFirst().at(1).value<LoadResult>().outcome, LoadOutcome::Loaded);
        QVERIFY(!window.isVisible());
        QVERIFY(waited.elapsed() < 60000);
    }

    void windowFitsASmallScreen()
    {
        // A 1024×600 screen (a small laptop, a projector), less a title bar: every screen fits, also with the
        // progress panel open.
        OperatorFixture f;
        ExtractGenerator gen = f.generate(300, 2, 3, 100);
        QCOMPARE(f.load(f.path(gen.usersFileName(0))).outcome, LoadOutcome::Loaded);
        QCOMPARE(f.load(f.path(gen.pageviewsFileName(0, 0))).outcome, LoadOutcome::Loaded);
        MainWindow window(f.warehousePath());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(waitUntilRead(window));
        auto *navigation = window.findChild<QListWidget *>();
        for (int screen = 0; screen < navigation->count(); ++screen) {
            navigation->setCurrentRow(screen);
            for (bool withProgress : {false, true}) {
                window.findChild<QDockWidget *>()->setVisible(withProgress);
                QApplication::processEvents();
                const QSize minimum = window.minimumSizeHint().expandedTo(window.minimumSize());
                QVERIFY2(minimum.width() <= 1024 && minimum.height() <= 570,
                         qPrintable(QStringLiteral("%1 (progress panel %2): %3×%4")
                                        .arg(navigation->item(screen)->text(), withProgress ? QStringLiteral("open") : QStringLiteral("closed"))
                                        .arg(minimum.width())
                                        .arg(minimum.height())));
            }
        }
    }

    void windowNamesItsWarehouse()
    {
        OperatorFixture f;
        MainWindow window(f.warehousePath());
        QVERIFY(waitUntilRead(window));
        const QFileInfo file(f.warehousePath());
        QCOMPARE(window.windowTitle(), QStringLiteral("w.sqlite (%1) — Pageview Warehouse Admin").arg(file.absolutePath()));
        QVERIFY2(window.statusText().contains(file.absoluteFilePath()), qPrintable(window.statusText()));
        QVERIFY(window.importAction()->isEnabled());

        // How a server's warehouse is named: from its URL, or libpq keywords as given.
        QCOMPARE(warehouseName(QStringLiteral("postgresql://loader@db.example.org:5433/pageviews?sslmode=require")),
                 QStringLiteral("pageviews on db.example.org:5433 as loader (PostgreSQL)"));
        QCOMPARE(warehouseName(QStringLiteral("postgres://db.example.org/pageviews")),
                 QStringLiteral("pageviews on db.example.org:5432 (PostgreSQL)"));
        QCOMPARE(warehouseName(QStringLiteral("host=db.example.org dbname=pageviews user=loader")),
                 QStringLiteral("pageviews on db.example.org:5432 as loader (PostgreSQL)"));
        QCOMPARE(warehouseName(QStringLiteral("postgresql://alice@/w?host=/run/pgsock&port=55479")),
                 QStringLiteral("w on /run/pgsock:55479 as alice (PostgreSQL)"));

        // A server that cannot be reached: no warehouse, said so in the title, and no name in the status bar.
        QVERIFY(!window.openWarehouse(QStringLiteral("postgresql://127.0.0.1:1/w1?connect_timeout=5")));
        QCOMPARE(window.windowTitle(), QStringLiteral("No warehouse — Pageview Warehouse Admin"));
        QVERIFY(!window.statusText().contains(file.absoluteFilePath()));
        QVERIFY(!window.importAction()->isEnabled());
    }

    void screensRefreshWhenAnotherConnectionLoads()
    {
        OperatorFixture f;
        ExtractGenerator gen = f.generate(300, 1, 3, 100);
        QCOMPARE(f.load(f.path(gen.usersFileName(0))).outcome, LoadOutcome::Loaded);
        MainWindow window(f.warehousePath());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(waitUntilRead(window));
        QCOMPARE(window.loads()->runs()->rowCount(), 1);
        QCOMPARE(window.overview()->calendar()->loadedHours(), 0);
        QVERIFY(window.statusText().contains(QStringLiteral("No pageviews hour loaded")));

        // Another connection (as another process or a CLI load would) commits two hours; nobody presses Refresh.
        QCOMPARE(f.load(f.path(gen.pageviewsFileName(0, 0))).outcome, LoadOutcome::Loaded);
        QCOMPARE(f.load(f.path(gen.pageviewsFileName(0, 1))).outcome, LoadOutcome::Loaded);
        QTRY_COMPARE_WITH_TIMEOUT(window.loads()->runs()->rowCount(), 3, 2000);
        QTRY_COMPARE_WITH_TIMEOUT(window.overview()->calendar()->loadedHours(), 2, 2000);
        QTRY_VERIFY_WITH_TIMEOUT(window.statusText().contains(QStringLiteral("Latest hour loaded: 2024-03-01 01:00 UTC")), 2000);

        // Another warehouse replaces the one followed.
        OperatorFixture other;
        QVERIFY(window.openWarehouse(other.warehousePath()));
        QVERIFY(waitUntilRead(window));
        QCOMPARE(window.loads()->runs()->rowCount(), 0);
        QCOMPARE(other.load(f.path(gen.usersFileName(0))).outcome, LoadOutcome::Loaded);
        QTRY_COMPARE_WITH_TIMEOUT(window.loads()->runs()->rowCount(), 1, 2000);
    }

    void refreshesOneAtATime()
    {
        OperatorFixture f;
        QObject screens;
        auto *queries = new QueryThread(f.warehousePath(), &screens);
        ScreenRefresh refresh(&screens);
        // A screen whose re-read takes a while.
        connect(&refresh, &ScreenRefresh::refresh, queries, [queries] {
            queries->request(QStringLiteral("slow"), [](Warehouse &) -> std::function<void()> {
                QThread::msleep(200);
                return [] {};
            });
        });
        QSignalSpy refreshes(&refresh, &ScreenRefresh::refresh);
        refresh.request();
        QCOMPARE(refreshes.size(), 1);
        QVERIFY(refresh.isRefreshing());
        // Three changes while it reads: one more refresh after it, not three.
        refresh.request();
        refresh.request();
        refresh.request();
        QCOMPARE(refreshes.size(), 1);
        QTRY_COMPARE(refreshes.size(), 2);
        QTRY_VERIFY(!refresh.isRefreshing());
        QTest::qWait(300);
        QCOMPARE(refreshes.size(), 2);

        // A screen rebuilt while it reads (another warehouse opened): the refresh ends when the new one has read.
        refresh.request();
        QVERIFY(refresh.isRefreshing());
        delete queries;
        auto *rebuilt = new QueryThread(f.warehousePath(), &screens);
        rebuilt->request(QStringLiteral("slow"), [](Warehouse &) -> std::function<void()> {
            QThread::msleep(200);
            return [] {};
        });
        QTRY_VERIFY(!refresh.isRefreshing());
        QVERIFY(!rebuilt->isBusy());
        refresh.request();
        QCOMPARE(refreshes.size(), 4);
    }

    void settingsPersist()
    {
        OperatorFixture f;
        const QString folder = QDir(f.path(QString())).filePath(QStringLiteral("new"));
        {
            MainWindow window(f.warehousePath());
            SettingsDialog dialog(window.warehousePath(), &window);
            dialog.rejectThreshold()->setValue(2.5);
            dialog.removalGuard()->setValue(10);
            dialog.folder()->setText(folder);
            dialog.accept();
        }
        Warehouse warehouse;
        QString error;
        QVERIFY(warehouse.open(f.warehousePath(), &error));
        QCOMPARE(warehouse.defaultMaxRejectPercent(), 2.5);
        QCOMPARE(warehouse.removalGuardPercent(), 10.0);
        QCOMPARE(SettingsDialog::newWarehouseFolder(), folder);
        QVERIFY(QSettings().value(QStringLiteral("recentWarehouses")).toStringList().contains(QFileInfo(f.warehousePath()).absoluteFilePath()));
    }
};

QTEST_MAIN(TestOperatorGui)
#include "tst_operatorgui.moc"
