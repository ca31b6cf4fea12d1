#pragma once

#include <QString>
#include <QStringList>

namespace pv::cli {

/// What comes before the command: `pvadmin [--db PATH] [--help] [--version] COMMAND ARGS...`.
struct GlobalArguments
{
    QString warehousePath;   ///< --db PATH, else $PVADMIN_DB, else the per-user default
    QString command;         ///< empty when none was given
    QStringList commandArguments;
    bool help = false;       ///< --help or -h before any command
    bool version = false;    ///< --version before any command
    QString error;           ///< why the global options are wrong, or empty

    /// True when the arguments ask for the desktop app: no command at all, or `gui` (without --help).
    bool wantsDesktop() const;
};

GlobalArguments parseGlobalArguments(const QStringList &arguments);

/// The headless command line. Returns the process exit code (see ExitCode in command.h).
int runCommandLine(const QStringList &arguments);

/// The general help: every command with its one-line summary.
QString generalUsage();
/// "pvadmin VERSION (commit COMMIT)".
QString versionText();

} // namespace pv::cli
