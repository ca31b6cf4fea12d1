#include "commandline.h"
#include "core/filename.h"
#include "itemmodels/reporttablemodels.h"
#include "mainwindow.h"

#include <QApplication>
#include <QCoreApplication>

#include <csignal>

int main(int argc, char *argv[])
{
    // A file grown past the process's size limit (ulimit -f) is a failed write to report, with the rest
    // of the load rolled back, not a signal that ends the process on the spot.
    std::signal(SIGXFSZ, SIG_IGN);
    // Taken as the bytes they are: a file name that is not UTF-8 still names its file.
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments << pv::decodeFileName(QByteArray(argv[i]));
    QCoreApplication::setOrganizationName(QStringLiteral("pvadmin"));
    QCoreApplication::setApplicationName(QStringLiteral("pvadmin"));
    QCoreApplication::setApplicationVersion(pv::cli::versionText().section(QLatin1Char(' '), 1));

    const pv::cli::GlobalArguments global = pv::cli::parseGlobalArguments(arguments);
    if (global.wantsDesktop()) {
        QApplication app(argc, argv);
        pv::groupCountDigits();
        pv::MainWindow window(global.warehousePath);
        window.show();
        return app.exec();
    }
    QCoreApplication app(argc, argv);
    return pv::cli::runCommandLine(arguments);
}
