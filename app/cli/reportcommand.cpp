#include "arguments.h"
#include "command.h"
#include "export/reportcsv.h"
#include "query/pageviewquery.h"
#include "query/reporttable.h"
#include "terminal.h"
#include "storage/warehouse.h"

#include <QFile>

namespace pv::cli {

namespace {

int runReport(const Invocation &invocation)
{
    ReportQuery query;
    if (!invocation.isSet(QStringLiteral("basis")))
        return invocation.usageError(QStringLiteral("report needs --basis current or --basis at-time"));
    const auto basis = basisFromName(invocation.value(QStringLiteral("basis")));
    if (!basis)
        return invocation.usageError(QStringLiteral("--basis must be current or at-time"));
    query.basis = *basis;
    const auto grain = grainFromName(invocation.value(QStringLiteral("grain")));
    if (!grain)
        return invocation.usageError(QStringLiteral("--grain must be hour, day, week, month or year"));
    query.grain = *grain;
    QString error;
    if (!hourRangeOptions(invocation, &query.from, &query.to, &error))
        return invocation.usageError(error);
    query.postcodes = invocation.parser.values(QStringLiteral("postcode"));
    if (!normalisedPostcodeFilter(query.postcodes, &error))
        return invocation.usageError(error);

    Warehouse warehouse;
    if (!invocation.openWarehouse(warehouse))
        return ExitFailed;
    // The rows and their hours loaded from one moment, whatever a cron load commits meanwhile.
    const auto table = [&] {
        const Warehouse::ReadSnapshot snapshot(warehouse);
        return pv::runReport(warehouse, query, false, &error);
    }();
    if (!table) // the command line was read; the warehouse could not answer it
        return failure(QStringLiteral("%1: %2").arg(warehouse.path(), error));
    // Not an error (the CSV is true: no rows), but most often a typo: said on stderr.
    if (!table->unknownPostcodes.isEmpty())
        printErr(QStringLiteral("pvadmin report: %1\n").arg(describeUnknownPostcodes(table->unknownPostcodes)));
    ReportCsvOptions options;
    options.hoursLoaded = invocation.isSet(QStringLiteral("hours-loaded"));
    // The Reports screen's writer: its export with the same options (hours loaded, no header lines, no BOM)
    // is these bytes.
    ReportDescription description;
    description.query = query;
    if (invocation.isSet(QStringLiteral("output")))
        return exportReportCsv(invocation.value(QStringLiteral("output")), *table, description, options,
                               nullptr, &error) == WriteOutcome::Written
            ? ExitOk
            : failure(error);
    QFile out;
    if (!out.open(stdout, QIODevice::WriteOnly))
        return failure(QStringLiteral("standard output: cannot write: %1").arg(out.errorString()));
    if (ReportCsvWriter(options).write(*table, description, &out, nullptr, &error) != WriteOutcome::Written)
        return failure(QStringLiteral("standard output: %1").arg(error));
    return ExitOk;
}

} // namespace

CommandSpec reportCommand()
{
    return {QStringLiteral("report"), QString(), QStringLiteral("pageviews per period and postcode as CSV"),
            QStringLiteral("Writes pageviews per period and postcode as CSV (header period_start,postcode,pageviews; "
                           "period_start as YYYY-MM-DD HH:MM:SS), counting each pageview in [--from, --to) by its "
                           "time, on one basis: current (the user's latest postcode) or at-time (the postcode the user "
                           "had when the pageview happened). Rows with a count only, ordered by period_start then "
                           "postcode. Days, ISO weeks (Monday first) and calendar months roll up from hours. A postcode no user has "
                           "ever had is said on standard error."),
            {{QStringLiteral("basis"), QStringLiteral("current|at-time"), QStringLiteral("which postcode a pageview counts under (required)")},
             {QStringLiteral("grain"), QStringLiteral("hour|day|week|month|year"), QStringLiteral("the period of each row"), QStringLiteral("hour")},
             {QStringLiteral("from"), QStringLiteral("DATETIME"), QStringLiteral("the first hour counted, on the hour (default: the first loaded)")},
             {QStringLiteral("to"), QStringLiteral("DATETIME"), QStringLiteral("the hour after the last counted, on the hour (default: after the last loaded)")},
             {QStringLiteral("postcode"), QStringLiteral("PC"), QStringLiteral("only this postcode; repeat for several (default: every postcode)")},
             {QStringLiteral("hours-loaded"), QString(),
              QStringLiteral("add columns hours_loaded,period_hours: the hours of each row's period (inside the range) whose "
                             "pageviews file is loaded, and the hours the period has; fewer loaded marks a partial period")},
             {QStringLiteral("output"), QStringLiteral("FILE"), QStringLiteral("write the CSV to FILE, whole or not at all (default: standard output)")}},
            Arity::None, WarehouseUse::Read, &runReport};
}

} // namespace pv::cli
