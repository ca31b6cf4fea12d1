#include "arguments.h"
#include "command.h"
#include "core/time.h"
#include "terminal.h"
#include "query/userhistory.h"
#include "storage/warehouse.h"

namespace pv::cli {

namespace {

int runHistory(const Invocation &invocation)
{
    const auto userId = positiveInteger(invocation.positional.first());
    if (!userId)
        return invocation.usageError(QStringLiteral("USER_ID '%1' is not a positive integer").arg(invocation.positional.first()));
    Warehouse warehouse;
    if (!invocation.openWarehouse(warehouse))
        return ExitFailed;
    QList<QStringList> rows;
    for (const UserPostcodePeriod &period : warehouse.userHistory().periods(*userId))
        rows << QStringList{period.postcode, formatTimestamp(period.validFrom),
                            period.validTo ? formatTimestamp(*period.validTo) : QStringLiteral("-"), QString()};
    if (rows.isEmpty()) {
        printOut(QStringLiteral("user %1 is in no loaded snapshot: their pageviews count under UNKNOWN\n").arg(*userId));
        return ExitOk;
    }
    rows.last()[3] = rows.last()[2] == QLatin1String("-") ? QStringLiteral("current")
                                                          : QStringLiteral("current (not in the latest snapshot)");
    printOut(QStringLiteral("user %1\n").arg(*userId));
    printOut(formatTable({QStringLiteral("POSTCODE"), QStringLiteral("VALID_FROM"), QStringLiteral("VALID_TO"),
                          QStringLiteral("")},
                         rows));
    return ExitOk;
}

} // namespace

CommandSpec historyCommand()
{
    return {QStringLiteral("history"), QStringLiteral("USER_ID"), QStringLiteral("a user's postcode history"),
            QStringLiteral("Prints the postcodes user USER_ID had, one row per period with one postcode (valid from, "
                           "valid to), and which is current."),
            {}, Arity::One, WarehouseUse::Read, &runHistory};
}

} // namespace pv::cli
