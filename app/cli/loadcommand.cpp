#include "arguments.h"
#include "core/filename.h"
#include "command.h"
#include "load/extractload.h"
#include "core/loadfeedback.h"
#include "terminal.h"
#include "storage/warehouse.h"
#include "core/time.h"

#include <QFileInfo>

namespace pv::cli {

namespace {

/// The extracts as the user gave them, for a message: "<stdin>" for -, control characters escaped, the
/// first few of a long list.
QString extractNames(const QStringList &files)
{
    constexpr qsizetype named = 3;
    QStringList names;
    for (const QString &file : files.mid(0, named))
        names << (file == QLatin1String("-") ? QStringLiteral("<stdin>") : shownFileName(file));
    if (files.size() > named)
        return QStringLiteral("%1 and %2 more").arg(names.join(QStringLiteral(", "))).arg(files.size() - named);
    return names.join(QStringLiteral(", "));
}

int runLoad(const Invocation &invocation)
{
    const QStringList &files = invocation.positional;

    LoadOptions options;
    QString error;
    if (invocation.isSet(QStringLiteral("kind"))) {
        options.kind = extractKindFromName(invocation.value(QStringLiteral("kind")));
        if (options.kind == ExtractKind::Unknown)
            return invocation.usageError(QStringLiteral("--kind must be users or pageviews"));
    }
    if (!dateTimeOption(invocation, QStringLiteral("as-of"), &options.asOf, &error)
        || !dateTimeOption(invocation, QStringLiteral("hour"), &options.windowHour, &error))
        return invocation.usageError(error);
    if (options.windowHour && !isOnTheHour(*options.windowHour))
        return invocation.usageError(QStringLiteral("--hour must be on the hour (HH:00:00)"));
    if (invocation.isSet(QStringLiteral("max-rejects"))) {
        bool ok = false;
        const double value = invocation.value(QStringLiteral("max-rejects")).toDouble(&ok);
        if (!ok || value < 0 || value > 100)
            return invocation.usageError(QStringLiteral("--max-rejects must be a percentage between 0 and 100"));
        options.maxRejectPercent = value;
    }
    if (!layoutOptions(invocation, &options.layout, &error))
        return invocation.usageError(error);
    if (invocation.isSet(QStringLiteral("as-of-column"))) {
        if (options.asOf)
            return invocation.usageError(QStringLiteral("give --as-of or --as-of-column, not both"));
        options.layout.asOfColumn = invocation.value(QStringLiteral("as-of-column")).trimmed();
        if (options.layout.asOfColumn.isEmpty())
            return invocation.usageError(QStringLiteral("--as-of-column needs a column's name or number"));
    }
    options.force = invocation.isSet(QStringLiteral("force"));
    options.replace = invocation.isSet(QStringLiteral("replace"));

    Warehouse warehouse;
    if (!invocation.openWarehouse(warehouse, QStringLiteral("nothing loaded from %1").arg(extractNames(files))))
        return ExitFailed;

    int exitCode = ExitOk;
    for (const QString &file : files) {
        LoadFeedback feedback;
        const QString shown = file == QLatin1String("-") ? QStringLiteral("<stdin>") : shownFileName(QFileInfo(file).fileName());
        const TerminalProgress progress(&feedback, shown);
        const CancelOnInterrupt cancel(&feedback, shown);
        const LoadResult result = loadExtract(warehouse, file, options, &feedback);
        switch (result.outcome) {
        case LoadOutcome::Loaded:
        case LoadOutcome::AlreadyLoaded:
            printOut(result.message + QLatin1Char('\n'));
            break;
        case LoadOutcome::Failed:
        case LoadOutcome::Refused:
        case LoadOutcome::Cancelled:
            printErr(QStringLiteral("pvadmin: %1%2\n")
                         .arg(result.message,
                              result.run.id ? QStringLiteral(" [run %1 %2]").arg(result.run.id).arg(runStatusName(result.run.status))
                                            : QString()));
            exitCode = ExitFailed;
            break;
        }
        if (result.outcome == LoadOutcome::Cancelled)
            break;
    }
    return exitCode;
}

} // namespace

CommandSpec loadCommand()
{
    return {QStringLiteral("load"), QStringLiteral("FILE..."), QStringLiteral("load extracts (FILE may be - for standard input)"),
            QStringLiteral("Loads users snapshots and pageviews extracts (.csv or .csv.gz; - reads standard input). "
                           "Each FILE is its own all-or-nothing run: it commits entirely or changes nothing. The kind "
                           "comes from the header; a snapshot's as-of from the file name; a pageviews file's hour from "
                           "the hour in its name, else from its rows. A file identical to one already loaded changes "
                           "nothing and says so. A different file for an hour already loaded replaces that load only "
                           "when it has the same name or --replace is given; otherwise it is refused. Ctrl-C cancels "
                           "the running file and rolls it back."),
            QList<OptionSpec>{{QStringLiteral("kind"), QStringLiteral("users|pageviews"),
              QStringLiteral("the extract's kind, when the header should not decide")},
             {QStringLiteral("as-of"), QStringLiteral("DATETIME"),
              QStringLiteral("a users snapshot's as-of, on the hour (default: from the file name)")},
             {QStringLiteral("as-of-column"), QStringLiteral("NAME"),
              QStringLiteral("a users snapshot's column that holds its as-of, the same on every row (a name, or a number "
                             "from 1)")},
             {QStringLiteral("hour"), QStringLiteral("DATETIME"),
              QStringLiteral("a pageviews file's hour window (default: the hour in its name, else the hour most of its "
                             "rows fall in)")},
             {QStringLiteral("replace"), QString(),
              QStringLiteral("let a pageviews file replace the earlier load of its hour from a file of another name "
                             "(a correction)")},
             {QStringLiteral("max-rejects"), QStringLiteral("PERCENT"),
              QStringLiteral("the share of rejected rows above which nothing loads (default: the warehouse's setting, "
                             "1% unless changed)")},
             {QStringLiteral("force"), QString(),
              QStringLiteral("load a users snapshot even when it lacks more than the guard's share of the previous "
                             "snapshot's users")}}
                + layoutOptionSpecs(),
            Arity::OneOrMore, WarehouseUse::CreateIfMissing, &runLoad};
}

} // namespace pv::cli
