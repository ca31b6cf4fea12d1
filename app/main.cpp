#include "commandline.h"
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
    QCoreApplication::setApplicationVersion(QStringLiteral(PVADMIN_VERSION));

    if (wantsDesktop(arguments)) {
        QApplication app(argc, argv);
        pv::MainWindow window(warehousePathFromArguments(arguments));
        window.show();
        return app.exec();
    }
    QCoreApplication app(argc, argv);
    return runCommandLine(arguments);
}
