// How responsive the desktop stays during a seed-scale load: loads one generated pageviews hour
// (4.2M rows by default) through the GUI's own path (MainWindow::startLoads → LoadQueue → progress panel)
// on a shown main window, and measures the longest gap between the ticks of a 5 ms timer on the GUI thread.
// Usage: bench_guistall [--rows N] [--users N] [--workdir DIR]   (target: longest gap ≤ 50 ms)
#include "generate/extractgenerator.h"
#include "load/extractload.h"
#include "load/loadworker.h"
#include "mainwindow.h"
#include "storage/warehouse.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <vector>

int main(int argc, char *argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") && qEnvironmentVariableIsEmpty("DISPLAY"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("pvadmin-bench"));
    qint64 rows = 4200000;
    qint64 users = 1000000;
    QString workdir = QDir::tempPath() + QStringLiteral("/pvadmin-guistall");
    const QStringList args = app.arguments();
    for (qsizetype i = 1; i + 1 < args.size(); i += 2) {
        if (args[i] == QLatin1String("--rows"))
            rows = args[i + 1].toLongLong();
        else if (args[i] == QLatin1String("--users"))
            users = args[i + 1].toLongLong();
        else if (args[i] == QLatin1String("--workdir"))
            workdir = args[i + 1];
    }
    QDir(workdir).removeRecursively();
    QDir().mkpath(workdir);

    pv::GeneratorOptions options;
    options.outDir = workdir + QStringLiteral("/extracts");
    options.users = users;
    options.days = 1;
    options.hoursPerDay = 1;
    options.pageviewsPerHour = rows;
    options.seed = 42;
    QString error;
    std::fprintf(stderr, "generating a users snapshot of %lld users and a pageviews hour of %lld rows in %s\n",
                 users, rows, qPrintable(workdir));
    if (pv::generate(options, nullptr, &error) != pv::WriteOutcome::Written) {
        std::fprintf(stderr, "cannot generate: %s\n", qPrintable(error));
        return 1;
    }
    pv::ExtractGenerator generator(options);
    const QString warehousePath = workdir + QStringLiteral("/warehouse.sqlite");
    {
        // The snapshot goes in first (not measured), so the hour's load attributes against real history.
        pv::Warehouse warehouse;
        if (!warehouse.open(warehousePath, &error)
            || pv::loadExtract(warehouse, options.outDir + QLatin1Char('/') + generator.usersFileName(0), {}).outcome
                != pv::LoadOutcome::Loaded) {
            std::fprintf(stderr, "cannot load the users snapshot: %s\n", qPrintable(error));
            return 1;
        }
    }
    const QString hourFile = options.outDir + QLatin1Char('/') + generator.pageviewsFileName(0, 0);

    pv::MainWindow window(warehousePath);
    window.resize(1280, 800);
    window.show();
    QEventLoop settle;
    QTimer::singleShot(500, &settle, &QEventLoop::quit);
    settle.exec();

    std::vector<qint64> gaps;
    QElapsedTimer clock;
    qint64 lastTick = 0;
    QTimer ticker;
    ticker.setTimerType(Qt::PreciseTimer);
    ticker.setInterval(5);
    QObject::connect(&ticker, &QTimer::timeout, [&] {
        const qint64 now = clock.nsecsElapsed();
        gaps.push_back(now - lastTick);
        lastTick = now;
    });
    pv::LoadResult result;
    QEventLoop done;
    QObject::connect(window.loadQueue(), &pv::LoadQueue::fileFinished, [&](const QString &, const pv::LoadResult &r) {
        result = r;
    });
    // Keep measuring a little after the end: the screens reload when a load ends.
    QObject::connect(window.loadQueue(), &pv::LoadQueue::idle, [&] { QTimer::singleShot(500, &done, &QEventLoop::quit); });

    clock.start();
    ticker.start();
    window.startLoads({pv::LoadRequest{hourFile, {}}});
    done.exec();
    ticker.stop();
    const double seconds = double(clock.elapsed()) / 1000.0;

    std::sort(gaps.begin(), gaps.end(), std::greater<>());
    const auto ms = [](qint64 ns) { return double(ns) / 1e6; };
    std::printf("load: %s (%lld rows loaded, %s)\n", result.outcome == pv::LoadOutcome::Loaded ? "loaded" : "NOT loaded",
                result.run.rowsLoaded, qPrintable(result.message.left(120)));
    std::printf("load time through the GUI: %.1f s, %.0f rows/s\n", seconds, double(result.run.rowsRead) / seconds);
    std::printf("timer ticks: %zu (5 ms timer)\n", gaps.size());
    std::printf("longest GUI event-loop stall: %.1f ms (target <= 50 ms)\n", gaps.empty() ? 0.0 : ms(gaps[0]));
    std::printf("next longest: %.1f, %.1f, %.1f, %.1f ms\n", gaps.size() > 1 ? ms(gaps[1]) : 0.0,
                gaps.size() > 2 ? ms(gaps[2]) : 0.0, gaps.size() > 3 ? ms(gaps[3]) : 0.0, gaps.size() > 4 ? ms(gaps[4]) : 0.0);
    QDir(workdir).removeRecursively();
    return result.outcome == pv::LoadOutcome::Loaded && !gaps.empty() && ms(gaps[0]) <= 50.0 ? 0 : 1;
}
