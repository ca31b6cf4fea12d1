#include "command.h"
#include "core/time.h"
#include "storage/warehouse.h"
#include "terminal.h"

#include <QLocale>

namespace pv::cli {

namespace {

QString sizeText(qint64 bytes)
{
    return QLocale::c().formattedDataSize(bytes, 1, QLocale::DataSizeIecFormat);
}

int runStats(const Invocation &invocation)
{
    Warehouse warehouse;
    if (!invocation.openWarehouse(warehouse))
        return ExitFailed;
    const WarehouseStats stats = warehouse.stats();
    const QLocale numbers = QLocale::c();
    QString text = QStringLiteral("warehouse: %1 (%2), %3 (%4 of it free pages)\n")
                       .arg(warehouse.path(), stats.engine, sizeText(stats.fileBytes), sizeText(stats.freeBytes));
    text += QStringLiteral("facts: %1 in %2 segments, %3 packed (%4 bytes a fact)\n")
                .arg(numbers.toString(stats.facts), numbers.toString(stats.segments), sizeText(stats.factBytes),
                     QString::number(stats.bytesPerFact(), 'f', 2));
    text += QStringLiteral("loaded: %1 hours%2, %3 users snapshots, %4 users, %5 runs\n")
                .arg(numbers.toString(stats.loadedHours),
                     stats.firstHour ? QStringLiteral(" (%1 to %2 UTC)")
                                           .arg(formatTimestamp(*stats.firstHour).left(16), formatTimestamp(*stats.lastHour).left(16))
                                     : QString(),
                     numbers.toString(stats.snapshots), numbers.toString(stats.users), numbers.toString(stats.runs));
    QList<QStringList> rows;
    for (const WarehouseStats::Family &family : stats.families) {
        const auto year = stats.projectedYearBytes(family);
        rows << QStringList{family.name, sizeText(family.bytes), growthName(family.growth),
                            year ? sizeText(*year) : QStringLiteral("-"), family.tables};
    }
    text += QLatin1Char('\n')
        + formatTable({QStringLiteral("FAMILY"), QStringLiteral("SIZE"), QStringLiteral("GROWS WITH"),
                       QStringLiteral("A YEAR"), QStringLiteral("TABLES")},
                      rows);
    if (const auto year = stats.projectedYearBytes())
        text += QStringLiteral("\na year of hourly and nightly loads at this rate (8,760 hours, 365 snapshots): about %1\n")
                    .arg(sizeText(*year));
    else
        text += QStringLiteral("\nno projection of a year until an hour and two users snapshots are loaded\n");
    printOut(text);
    return ExitOk;
}

} // namespace

CommandSpec statsCommand()
{
    return {QStringLiteral("stats"), QString(), QStringLiteral("what the warehouse holds and its size"),
            QStringLiteral("Prints the facts held (count, segments, packed bytes a fact), the hours, snapshots, users and "
                           "runs loaded, and the size on disk of each family of tables with what makes it grow, then the "
                           "size a year of hourly and nightly loads would take at this rate: families that grow with hours "
                           "scaled to 8,760 hours, the history's later snapshots to 364 (the first snapshot's rows, every user's first "
                           "postcode, as they are), the user directory as it is. Read-only."),
            {}, Arity::None, WarehouseUse::Read, &runStats};
}

} // namespace pv::cli
