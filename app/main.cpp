#include "commandline.h"
#include "itemmodels/reporttablemodels.h"
#include "mainwindow.h"

#include <QApplication>
#include <QCoreApplication>

int main(int argc, char *argv[])
{
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);
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
