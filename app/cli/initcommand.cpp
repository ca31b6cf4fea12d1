#include "arguments.h"
#include "command.h"
#include "terminal.h"
#include "storage/warehouse.h"

namespace pv::cli {

namespace {

int runInit(const Invocation &invocation)
{
    Warehouse warehouse;
    if (!invocation.openWarehouse(warehouse))
        return ExitFailed;
    printOut(QStringLiteral("warehouse %1 ready (schema version %2)\n")
                 .arg(invocation.warehousePath)
                 .arg(warehouse.schemaVersion()));
    return ExitOk;
}

} // namespace

CommandSpec initCommand()
{
    return {QStringLiteral("init"), QString(), QStringLiteral("create or upgrade the warehouse"),
            QStringLiteral("Creates the warehouse when it does not exist, and otherwise upgrades it to this version's "
                           "schema by its numbered migrations. Loads and watch create a missing warehouse too; the "
                           "reading commands never do."),
            {}, Arity::None, WarehouseUse::CreateIfMissing, &runInit};
}

} // namespace pv::cli
