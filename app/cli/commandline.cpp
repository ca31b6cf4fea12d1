#include "commandline.h"

#include "buildinfo.h"
#include "command.h"
#include "terminal.h"
#include "storage/storageerror.h"
#include "storage/warehouse.h"

#include <QFileInfo>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace pv::cli {

namespace {

CommandSpec guiCommand()
{
    return {QStringLiteral("gui"), QString(), QStringLiteral("open the desktop app (the same as no command)"),
            QStringLiteral("Opens the operator's and analyst's desktop on the warehouse."), {}, Arity::None,
            WarehouseUse::CreateIfMissing, nullptr};
}

CommandSpec helpCommand()
{
    return {QStringLiteral("help"), QStringLiteral("[COMMAND]"), QStringLiteral("this text, or a command's usage and options"),
            QStringLiteral("Prints the list of commands, or COMMAND's usage with every option it accepts "
                           "(the same as pvadmin COMMAND --help)."),
            {}, Arity::None, WarehouseUse::None, nullptr};
}

/// Words of text folded into lines of at most width characters, each indented by indent spaces.
QString wrapped(const QString &text, int indent, int width = 100)
{
    QString out;
    QString line;
    for (const QString &word : text.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        if (!line.isEmpty() && indent + line.size() + 1 + word.size() > width) {
            out += QString(indent, QLatin1Char(' ')) + line + QLatin1Char('\n');
            line.clear();
        }
        line += (line.isEmpty() ? QString() : QStringLiteral(" ")) + word;
    }
    if (!line.isEmpty())
        out += QString(indent, QLatin1Char(' ')) + line + QLatin1Char('\n');
    return out;
}

/// Rows of "  left   right", the right column aligned and folded.
QString twoColumns(const QList<std::pair<QString, QString>> &rows)
{
    qsizetype width = 0;
    for (const auto &row : rows)
        width = std::max(width, row.first.size());
    const int indent = int(width) + 4;
    QString out;
    for (const auto &[left, right] : rows) {
        const QString text = wrapped(right, indent);
        out += QStringLiteral("  ") + left.leftJustified(width) + QStringLiteral("  ") + text.mid(indent);
    }
    return out;
}

QStringList withoutHelp(const QStringList &arguments, bool *askedForHelp)
{
    QStringList rest;
    for (const QString &a : arguments) {
        if (a == QLatin1String("--help") || a == QLatin1String("-h"))
            *askedForHelp = true;
        else
            rest << a;
    }
    return rest;
}

/// Why the positional arguments do not fit the command, or empty.
QString arityError(const CommandSpec &command, const QStringList &positional)
{
    QString argument = command.arguments;
    argument.remove(QStringLiteral("..."));
    switch (command.arity) {
    case Arity::None:
        return positional.isEmpty() ? QString()
                                    : QStringLiteral("%1 takes no arguments: %2").arg(command.name, positional.join(QLatin1Char(' ')));
    case Arity::One:
        return positional.size() == 1 ? QString() : QStringLiteral("%1 needs exactly one %2").arg(command.name, argument);
    case Arity::OneOrMore:
        return !positional.isEmpty() ? QString() : QStringLiteral("%1 needs at least one %2").arg(command.name, argument);
    }
    return {};
}

int runCommand(const CommandSpec &command, const QString &warehousePath, const QStringList &arguments)
{
    QCommandLineParser parser;
    for (const OptionSpec &option : command.options)
        parser.addOption(QCommandLineOption(option.name, option.description, option.valueName, option.defaultValue));
    if (!parser.parse(QStringList{command.name} + arguments))
        return usageError(parser.errorText(), command.name);
    if (const QString wrong = arityError(command, parser.positionalArguments()); !wrong.isEmpty())
        return usageError(wrong, command.name);
    try {
        return command.run(Invocation{command, warehousePath, parser, parser.positionalArguments()});
    } catch (const StorageError &e) {
        // A read the command relied on failed (a damaged or locked warehouse): never printed as an empty answer.
        return failure(QStringLiteral("%1: %2").arg(warehousePath, e.message));
    }
}

} // namespace

bool Invocation::openWarehouse(Warehouse &warehouse, const QString &unopened) const
{
    QString error;
    const auto creation = command.warehouse == WarehouseUse::Read ? Warehouse::Creation::ExistingOnly
                                                                  : Warehouse::Creation::CreateIfMissing;
    if (!warehouse.open(warehousePath, &error, Warehouse::Role::Main, creation)) {
        failure(unopened.isEmpty() ? error : QStringLiteral("%1; %2").arg(error, unopened));
        return false;
    }
    return true;
}

int Invocation::usageError(const QString &reason) const
{
    return cli::usageError(reason, command.name);
}

QString CommandSpec::synopsis() const
{
    QString text = name;
    if (!options.isEmpty())
        text += QStringLiteral(" [OPTIONS]");
    if (!arguments.isEmpty())
        text += QLatin1Char(' ') + arguments;
    return text;
}

QString CommandSpec::help() const
{
    QString text = QStringLiteral("Usage: pvadmin [--db PATH] %1\n\n").arg(synopsis()) + wrapped(description, 0);
    if (!options.isEmpty()) {
        QList<std::pair<QString, QString>> rows;
        for (const OptionSpec &option : options) {
            QString left = QStringLiteral("--") + option.name;
            if (!option.valueName.isEmpty())
                left += QLatin1Char(' ') + option.valueName;
            QString right = option.description;
            if (!option.defaultValue.isEmpty())
                right += QStringLiteral(" (default %1)").arg(option.defaultValue);
            rows.append({left, right});
        }
        text += QStringLiteral("\nOptions:\n") + twoColumns(rows);
    }
    return text;
}

const QList<CommandSpec> &commandTable()
{
    static const QList<CommandSpec> table{initCommand(),  loadCommand(),  reportCommand(),   runsCommand(),
                                          rejectsCommand(), historyCommand(), checkCommand(), statsCommand(), statusCommand(), copyCommand(), watchCommand(),
                                          generateCommand(), guiCommand(),    helpCommand()};
    return table;
}

const CommandSpec *findCommand(const QString &name)
{
    for (const CommandSpec &command : commandTable())
        if (command.name == name)
            return &command;
    return nullptr;
}

QString generalUsage()
{
    QList<std::pair<QString, QString>> commands;
    for (const CommandSpec &command : commandTable())
        commands.append({command.name + (command.arguments.isEmpty() ? QString() : QLatin1Char(' ') + command.arguments),
                         command.summary});
    return QStringLiteral("Usage: pvadmin [--db PATH] COMMAND [OPTIONS]\n"
                          "\n"
                          "Without a command, opens the desktop app on the warehouse.\n"
                          "\n"
                          "Commands:\n")
        + twoColumns(commands)
        + QStringLiteral("\nGlobal options (before the command):\n")
        + twoColumns({{QStringLiteral("--db PATH"), QStringLiteral("the warehouse: a SQLite file, or a PostgreSQL database as a URL (postgresql://user@host:port/dbname) or libpq keywords (host=... dbname=...)")},
                      {QStringLiteral("--help, -h"), QStringLiteral("this text")},
                      {QStringLiteral("--version"), QStringLiteral("the version and the commit it was built from")}})
        + QStringLiteral("\nThe warehouse is --db PATH, else $PVADMIN_DB, else %1.\n"
                         "DATETIME is YYYY-MM-DD HH:MM:SS (or YYYY-MM-DD for midnight), naive UTC.\n"
                         "Exit status: 0 success, 1 the operation failed, 2 the command line was wrong.\n"
                         "Run 'pvadmin help COMMAND' for a command's usage and every option it accepts.\n")
              .arg(Warehouse::defaultPath());
}

QString versionText()
{
    return QStringLiteral("pvadmin %1 (commit %2)").arg(QStringLiteral(PVADMIN_VERSION), QStringLiteral(PVADMIN_COMMIT));
}

bool GlobalArguments::wantsDesktop() const
{
    if (!error.isEmpty() || help || version)
        return false;
    if (command.isEmpty())
        return true;
    return command == QLatin1String("gui") && !commandArguments.contains(QLatin1String("--help"))
        && !commandArguments.contains(QLatin1String("-h"));
}

GlobalArguments parseGlobalArguments(const QStringList &arguments)
{
    GlobalArguments global;
    qsizetype i = 1;
    for (; i < arguments.size(); ++i) {
        const QString &a = arguments[i];
        if (a == QLatin1String("--help") || a == QLatin1String("-h")) {
            global.help = true;
        } else if (a == QLatin1String("--version")) {
            global.version = true;
        } else if (a == QLatin1String("--db")) {
            if (i + 1 >= arguments.size()) {
                global.error = QStringLiteral("--db needs a PATH");
                return global;
            }
            global.warehousePath = arguments[++i];
        } else if (a.startsWith(QLatin1String("--db="))) {
            global.warehousePath = a.mid(5);
        } else if (a.startsWith(QLatin1Char('-'))) {
            global.error = QStringLiteral("unknown option %1 before the command").arg(a);
            return global;
        } else {
            break;
        }
    }
    if (global.warehousePath.isEmpty())
        global.warehousePath = Warehouse::defaultPath();
    if (i < arguments.size()) {
        global.command = arguments[i];
        global.commandArguments = arguments.mid(i + 1);
    }
    return global;
}

namespace {

int dispatch(const GlobalArguments &global)
{
    if (!global.error.isEmpty())
        return usageError(global.error);
    if (global.help) {
        printOut(generalUsage());
        return ExitOk;
    }
    if (global.version) {
        printOut(versionText() + QLatin1Char('\n'));
        return ExitOk;
    }
    if (global.command.isEmpty())
        return usageError(QStringLiteral("no command given"));
    bool askedForHelp = false;
    const QStringList rest = withoutHelp(global.commandArguments, &askedForHelp);
    QString name = global.command;
    if (name == QLatin1String("help") && !askedForHelp) {
        if (rest.isEmpty()) {
            printOut(generalUsage());
            return ExitOk;
        }
        if (rest.size() > 1)
            return usageError(QStringLiteral("help takes at most one COMMAND"), name);
        name = rest.first();
        askedForHelp = true;
    }
    const CommandSpec *command = findCommand(name);
    if (!command)
        return usageError(QStringLiteral("unknown command '%1'").arg(name));
    if (askedForHelp) {
        printOut(command->help());
        return ExitOk;
    }
    if (!command->run) // `gui` reaches here only from a caller that did not open the desktop
        return usageError(QStringLiteral("%1 cannot run headless").arg(name));
    return runCommand(*command, global.warehousePath, rest);
}

} // namespace

int runCommandLine(const QStringList &arguments)
{
    installInterruptHandlers();
    std::setvbuf(stdout, nullptr, _IOFBF, 1 << 16);
    const int exitCode = dispatch(parseGlobalArguments(arguments));
    // What a command printed is part of its result: output that could not be written (a full disk, a closed
    // pipe) is a failure, never a silent success.
    errno = 0;
    if ((std::fflush(stdout) != 0 || std::ferror(stdout)) && exitCode == ExitOk)
        return failure(QStringLiteral("standard output: cannot write: %1")
                           .arg(QString::fromLocal8Bit(std::strerror(errno ? errno : EIO))));
    return exitCode;
}

} // namespace pv::cli
