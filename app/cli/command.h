#pragma once

#include <QCommandLineParser>
#include <QList>
#include <QString>
#include <QStringList>

namespace pv {
class Warehouse;
}

namespace pv::cli {

/// Exit codes of every command (documented in the man page and docs/contract.md).
enum ExitCode : int {
    ExitOk = 0,      ///< the command did what was asked
    ExitFailed = 1,  ///< the operation failed: a load failed, was refused or cancelled; check found differences
    ExitUsage = 2,   ///< the command line itself was wrong
};

/// One option a command accepts, as `--name VALUE`, or a switch when valueName is empty.
struct OptionSpec
{
    OptionSpec(QString optionName, QString optionValueName, QString optionDescription, QString optionDefault = {})
        : name(std::move(optionName))
        , valueName(std::move(optionValueName))
        , description(std::move(optionDescription))
        , defaultValue(std::move(optionDefault))
    {
    }

    QString name;
    QString valueName;
    QString description;
    QString defaultValue;
};

/// How many positional arguments a command takes.
enum class Arity { None, One, OneOrMore };

/// Whether a command opens the warehouse, and whether it may create it.
enum class WarehouseUse { None, Read, CreateIfMissing };

struct CommandSpec;

/// What a command is run with: the warehouse it names and its parsed arguments.
struct Invocation
{
    const CommandSpec &command;
    QString warehousePath;
    const QCommandLineParser &parser;
    QStringList positional;

    QString value(const QString &option) const { return parser.value(option); }
    bool isSet(const QString &option) const { return parser.isSet(option); }
    /// Opens the warehouse as the command's WarehouseUse allows; false after printing why not.
    /// unopened, when given, says what the command then did not do (appended to the reason it prints).
    bool openWarehouse(Warehouse &warehouse, const QString &unopened = {}) const;
    /// Prints the reason as a usage error of this command and returns ExitUsage.
    int usageError(const QString &reason) const;
};

/// One command of the command line: its name, usage, options and what runs it.
struct CommandSpec
{
    QString name;
    QString arguments;   ///< positional arguments as shown in the usage, e.g. "FILE..."
    QString summary;     ///< one line, for the list of commands
    QString description; ///< a paragraph, for the command's own help
    QList<OptionSpec> options;
    Arity arity = Arity::None;
    WarehouseUse warehouse = WarehouseUse::None;
    int (*run)(const Invocation &) = nullptr; ///< null for `gui` and `help`, which the command line handles itself

    /// "load [OPTIONS] FILE..." as in a usage line.
    QString synopsis() const;
    /// Every option with its value name, description and default, one per line.
    QString help() const;
};

/// Every command, in the order the general help lists them.
const QList<CommandSpec> &commandTable();
/// The command called name, or null.
const CommandSpec *findCommand(const QString &name);

CommandSpec initCommand();
CommandSpec loadCommand();
CommandSpec reportCommand();
CommandSpec runsCommand();
CommandSpec rejectsCommand();
CommandSpec historyCommand();
CommandSpec checkCommand();
CommandSpec statsCommand();
CommandSpec statusCommand();
CommandSpec copyCommand();
CommandSpec watchCommand();
CommandSpec generateCommand();

} // namespace pv::cli
