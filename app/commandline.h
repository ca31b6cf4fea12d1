#pragma once

#include <QStringList>

/// The headless command line (DESIGN.md §6). Returns the process exit code: 0 success, 1 the operation
/// failed (a load failed, was refused or cancelled; check found differences), 2 the command was wrong.
int runCommandLine(const QStringList &arguments);

/// True when the arguments ask for the desktop app: no command at all, or the command "gui".
bool wantsDesktop(const QStringList &arguments);

/// The warehouse path the arguments name with --db, else the default.
QString warehousePathFromArguments(const QStringList &arguments);
