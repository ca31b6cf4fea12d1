// Shows each screen of the desktop app at 1280×800 on a demo warehouse and saves it as a PNG; the
// Overview also at 1600×1000, and zoomed out to weeks and months on a warehouse of a few months.
// Usage: pvadmin_screenshots --db WAREHOUSE --history WAREHOUSE --import FILE... --big FILE --out DIR
// Run by scripts/screenshots.sh under xvfb-run.
#include "importdialog.h"
#include "loadprogresspanel.h"
#include "mainwindow.h"
#include "rundetailsdialog.h"
#include "settingsdialog.h"

#include "../rawsqlite.h"
#include "../settle.h"

#include "itemmodels/reporttablemodels.h"

#include <QApplication>
#include <QStandardPaths>
#include <QSettings>
#include <QDir>
#include <QTreeWidget>
#include <QProgressBar>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

#include <cstdio>

namespace {
bool save(QWidget *widget, const QString &path)
{
    waitUntilRead(*widget);
    QTest::qWait(300); // let layouts settle and the window paint
    const bool ok = widget->grab().save(path);
    std::fprintf(stderr, "%s %s\n", ok ? "wrote" : "FAILED to write", qPrintable(path));
    return ok;
}

/// Clicks the Overview's zoom button of that name ("zoomHours", "zoomWeeks", "zoomMonths").
void zoom(pv::MainWindow &window, const char *button)
{
    window.showScreen(QObject::tr("Overview"));
    window.findChild<QToolButton *>(QLatin1String(button))->click();
}
} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    pv::groupCountDigits();
    // The screens remember the last choices: the pictures start from none, in a settings file of their own.
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("pvadmin-screenshots"));
    QSettings().clear();
    QString db, history, big, out;
    QStringList imports;
    const QStringList args = app.arguments();
    for (qsizetype i = 1; i + 1 < args.size(); ++i) {
        if (args[i] == QLatin1String("--db"))
            db = args[++i];
        else if (args[i] == QLatin1String("--history"))
            history = args[++i];
        else if (args[i] == QLatin1String("--big"))
            big = args[++i];
        else if (args[i] == QLatin1String("--out"))
            out = args[++i];
        else if (args[i] == QLatin1String("--import"))
            imports << args[++i];
    }
    if (db.isEmpty() || history.isEmpty() || out.isEmpty() || big.isEmpty()) {
        std::fprintf(stderr, "usage: pvadmin_screenshots --db WAREHOUSE --history WAREHOUSE --import FILE... --big FILE --out DIR\n");
        return 2;
    }
    QDir().mkpath(out);
    bool ok = true;

    // The first run: an empty warehouse invites an import.
    {
        QTemporaryDir empty;
        pv::MainWindow first(empty.filePath(QStringLiteral("warehouse.sqlite")));
        first.resize(1280, 800);
        first.show();
        if (!QTest::qWaitForWindowExposed(&first))
            return 1;
        ok &= save(&first, out + QStringLiteral("/first-run.png"));
    }

    pv::MainWindow window(db);
    window.resize(1280, 800);
    window.show();
    if (!QTest::qWaitForWindowExposed(&window))
        return 1;

    zoom(window, "zoomHours");
    ok &= save(&window, out + QStringLiteral("/overview.png"));
    window.resize(1600, 1000);
    ok &= save(&window, out + QStringLiteral("/overview-wide.png"));
    window.resize(1280, 800);

    // A few months, zoomed out: a row per week, then per month.
    {
        pv::MainWindow months(history);
        months.resize(1280, 800);
        months.show();
        if (!QTest::qWaitForWindowExposed(&months))
            return 1;
        zoom(months, "zoomWeeks");
        ok &= save(&months, out + QStringLiteral("/overview-weeks.png"));
        zoom(months, "zoomMonths");
        ok &= save(&months, out + QStringLiteral("/overview-months.png"));
        zoom(months, "zoomHours");
    }
    window.showScreen(QObject::tr("Loads"));
    ok &= save(&window, out + QStringLiteral("/loads.png"));

    // The run that failed on bad rows, with its rejected lines.
    qint64 failedRun = 0;
    {
        pv::Warehouse warehouse;
        QString error;
        if (!warehouse.open(window.warehousePath(), &error))
            return 1;
        const RawSqlite raw(warehouse);
        QSqlQuery q(raw.database());
        if (q.exec(QStringLiteral("SELECT id FROM load_runs WHERE status = 'failed' AND rows_rejected > 0 "
                                  "ORDER BY id DESC LIMIT 1"))
            && q.next())
            failedRun = q.value(0).toLongLong();
    }
    pv::RunDetailsDialog *details = window.showRun(failedRun);
    details->resize(1100, 700);
    ok &= save(details, out + QStringLiteral("/run-details.png"));
    details->close();

    pv::ImportDialog *import = window.importFiles(imports);
    import->resize(1240, 760);
    import->setCurrentFile(import->fileCount() - 1);
    ok &= save(import, out + QStringLiteral("/import.png"));
    import->reject();

    auto *settings = new pv::SettingsDialog(window.warehousePath(), &window);
    settings->show();
    ok &= save(settings, out + QStringLiteral("/settings.png"));
    settings->reject();

    // A load in progress: an already-loaded file first, then a large one, caught midway and cancelled.
    window.showScreen(QObject::tr("Overview"));
    QSignalSpy idle(window.loadQueue(), &pv::LoadQueue::idle);
    QList<pv::LoadRequest> requests{{imports.first(), {}}, {big, {}}};
    window.startLoads(requests);
    QProgressBar *bar = window.progressPanel()->progressBar();
    const bool midway = QTest::qWaitFor([&] {
        return window.progressPanel()->results()->topLevelItemCount() == 1 && bar->maximum() > 0 && bar->value() > 350
            && bar->value() < 900 && bar->format().startsWith(QStringLiteral("reading"));
    }, 120000);
    ok &= midway && save(&window, out + QStringLiteral("/progress.png"));
    window.loadQueue()->cancel();
    idle.wait(120000);

    // The same window on a 1024×600 screen, the progress panel still open after the cancel.
    window.resize(1024, 600);
    QTest::qWait(300);
    ok &= save(&window, out + QStringLiteral("/small-screen.png"));
    return ok ? 0 : 1;
}
