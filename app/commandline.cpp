#include "commandline.h"

#include "extractgenerator.h"
#include "extractload.h"
#include "extractvalidation.h"
#include "loadfeedback.h"
#include "loadrun.h"
#include "pageviewquery.h"
#include "userhistory.h"
#include "warehouse.h"
#include "warehousecheck.h"

#include <QCommandLineParser>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QSqlQuery>
#include <QThread>
#include <QVariant>

#include <csignal>
#include <cstdio>
#include <unistd.h>

namespace {

constexpr int exitOk = 0;
constexpr int exitFailed = 1;
constexpr int exitUsage = 2;

const char *const usage =
    "Usage: pvadmin [--db PATH] COMMAND [OPTIONS]\n"
    "\n"
    "Without a command, opens the desktop app on the warehouse.\n"
    "\n"
    "Commands:\n"
    "  init                        create or upgrade the warehouse\n"
    "  load [--kind users|pageviews] [--as-of DATETIME] [--hour DATETIME]\n"
    "       [--max-rejects PERCENT] [--force] FILE...\n"
    "                              load extracts (FILE may be - for standard input)\n"
    "  report --basis current|at-time [--grain hour|day|week|month]\n"
    "         [--from DATETIME] [--to DATETIME] [--postcode PC]... [--output FILE]\n"
    "                              pageviews per period and postcode as CSV\n"
    "  runs                        every load run\n"
    "  rejects RUN_ID              the lines a run rejected\n"
    "  history USER_ID             a user's postcode history\n"
    "  check                       recompute everything from facts and history and compare\n"
    "  watch DIR [--interval SECONDS] [--once]\n"
    "                              load extracts as they arrive in DIR\n"
    "  generate --out DIR [--users N] [--days D] [--hours-per-day H] [--pageviews-per-hour N]\n"
    "           [--move-rate F] [--seed S]\n"
    "                              write synthetic extracts\n"
    "  gui                         open the desktop app\n"
    "\n"
    "The warehouse is --db PATH, else $PVADMIN_DB, else the per-user data location.\n"
    "DATETIME is YYYY-MM-DD HH:MM:SS (or YYYY-MM-DD for midnight), naive UTC.\n";

std::atomic<pv::LoadFeedback *> activeFeedback{nullptr};

void onInterrupt(int)
{
    if (pv::LoadFeedback *feedback = activeFeedback.load())
        feedback->cancel();
    else
        std::_Exit(130);
}

void printOut(const QString &text)
{
    const QByteArray utf8 = text.toUtf8();
    std::fwrite(utf8.constData(), 1, size_t(utf8.size()), stdout);
}

void printErr(const QString &text)
{
    const QByteArray utf8 = text.toUtf8();
    std::fwrite(utf8.constData(), 1, size_t(utf8.size()), stderr);
}

int usageError(const QString &reason)
{
    printErr(QStringLiteral("pvadmin: %1 (see pvadmin --help)\n").arg(reason));
    return exitUsage;
}

int failure(const QString &reason)
{
    printErr(QStringLiteral("pvadmin: %1\n").arg(reason));
    return exitFailed;
}

/// Shows a live progress line on a terminal; silent when stderr is not one.
class TerminalProgress
{
public:
    explicit TerminalProgress(pv::LoadFeedback *feedback, QString label)
        : m_label(std::move(label))
    {
        if (qEnvironmentVariableIsSet("PVADMIN_STAGE_TIMES")) {
            // For benchmarks and profiling: one line per stage with its wall time.
            m_stageTimer.start();
            QObject::connect(feedback, &pv::LoadFeedback::stageChanged, feedback, [this](const QString &stage, qint64) {
                if (!m_stage.isEmpty())
                    printErr(QStringLiteral("stage %1: %2 ms\n").arg(m_stage).arg(m_stageTimer.elapsed()));
                m_stage = stage;
                m_stageTimer.start();
            });
            m_timesOnly = true;
            return;
        }
        if (!::isatty(STDERR_FILENO))
            return;
        m_active = true;
        m_timer.start();
        QObject::connect(feedback, &pv::LoadFeedback::stageChanged, feedback, [this](const QString &stage, qint64) {
            m_stage = stage;
            m_stageTimer.start();
            draw(0, 0);
        });
        QObject::connect(feedback, &pv::LoadFeedback::progressChanged, feedback,
                         [this](qint64 done, qint64 total) { draw(done, total); });
    }
    ~TerminalProgress()
    {
        if (m_timesOnly && !m_stage.isEmpty())
            printErr(QStringLiteral("stage %1: %2 ms\n").arg(m_stage).arg(m_stageTimer.elapsed()));
        if (m_active)
            printErr(QStringLiteral("\r\033[K"));
    }

private:
    void draw(qint64 done, qint64 total)
    {
        QString line = QStringLiteral("%1: %2").arg(m_label, m_stage);
        if (total > 0) {
            const double share = double(done) / double(total);
            line += QStringLiteral(" %1%").arg(int(share * 100));
            const qint64 ms = m_stageTimer.isValid() ? m_stageTimer.elapsed() : 0;
            if (share > 0.02 && ms > 500)
                line += QStringLiteral(", about %1 s left").arg(qint64(double(ms) * (1 - share) / share / 1000) + 1);
        }
        line += QStringLiteral(" (%1 s)").arg(m_timer.elapsed() / 1000);
        printErr(QStringLiteral("\r\033[K") + line.left(150));
    }

    QString m_label;
    QString m_stage;
    bool m_active = false;
    bool m_timesOnly = false;
    QElapsedTimer m_timer;
    QElapsedTimer m_stageTimer;
};

/// "YYYY-MM-DD HH:MM:SS" and its variants, or a bare date for midnight.
std::optional<qint64> parseDateTimeArgument(const QString &text, QString *reason)
{
    QString value = text.trimmed();
    if (value.size() == 10)
        value += QStringLiteral(" 00:00:00");
    const QByteArray utf8 = value.toUtf8();
    return pv::parseTimestamp(std::string_view(utf8.constData(), size_t(utf8.size())), reason);
}

bool dateTimeOption(const QCommandLineParser &parser, const QString &name, std::optional<qint64> *out, QString *error)
{
    if (!parser.isSet(name))
        return true;
    QString reason;
    *out = parseDateTimeArgument(parser.value(name), &reason);
    if (!*out) {
        *error = QStringLiteral("--%1 '%2': %3").arg(name, parser.value(name), reason);
        return false;
    }
    return true;
}

QString formatTable(const QStringList &header, const QList<QStringList> &rows)
{
    QList<qsizetype> widths;
    for (const QString &h : header)
        widths << h.size();
    for (const QStringList &row : rows)
        for (qsizetype i = 0; i < row.size() && i < widths.size(); ++i)
            widths[i] = std::max(widths[i], row[i].size());
    auto line = [&](const QStringList &cells) {
        QString text;
        for (qsizetype i = 0; i < cells.size(); ++i) {
            const bool last = i + 1 == cells.size();
            text += last ? cells[i] : cells[i].leftJustified(widths[i]) + QStringLiteral("  ");
        }
        return text.trimmed() + QLatin1Char('\n');
    };
    QString text = line(header);
    for (const QStringList &row : rows)
        text += line(row);
    return text;
}

QString durationText(qint64 ms)
{
    if (ms <= 0)
        return QStringLiteral("-");
    if (ms < 60000)
        return QString::number(double(ms) / 1000.0, 'f', 1) + QStringLiteral(" s");
    return QStringLiteral("%1m%2s").arg(ms / 60000).arg((ms / 1000) % 60, 2, 10, QLatin1Char('0'));
}

enum class Create { IfMissing, No };

/// Opens the warehouse; commands that only read refuse a path with no warehouse rather than create one.
bool openWarehouse(pv::Warehouse &warehouse, const QString &path, QString *error, Create create = Create::No)
{
    if (create == Create::No && !QFileInfo::exists(path)) {
        *error = QStringLiteral("%1: no warehouse there (create one with pvadmin --db %1 init, or check --db / PVADMIN_DB)")
                     .arg(path);
        return false;
    }
    return warehouse.open(path, error);
}

int commandInit(const QString &dbPath, const QStringList &args)
{
    if (!args.isEmpty())
        return usageError(QStringLiteral("init takes no arguments"));
    pv::Warehouse warehouse;
    QString error;
    if (!openWarehouse(warehouse, dbPath, &error, Create::IfMissing))
        return failure(error);
    printOut(QStringLiteral("warehouse %1 ready (schema version %2)\n").arg(dbPath).arg(warehouse.schemaVersion()));
    return exitOk;
}

int commandLoad(const QString &dbPath, const QStringList &args)
{
    QCommandLineParser parser;
    parser.addOptions({{QStringLiteral("kind"), QString(), QStringLiteral("kind")},
                       {QStringLiteral("as-of"), QString(), QStringLiteral("datetime")},
                       {QStringLiteral("hour"), QString(), QStringLiteral("datetime")},
                       {QStringLiteral("max-rejects"), QString(), QStringLiteral("percent")},
                       {QStringLiteral("force"), QString()}});
    parser.addPositionalArgument(QStringLiteral("file"), QString());
    if (!parser.parse(QStringList{QStringLiteral("load")} + args))
        return usageError(parser.errorText());
    const QStringList files = parser.positionalArguments();
    if (files.isEmpty())
        return usageError(QStringLiteral("load needs at least one FILE"));

    pv::LoadOptions options;
    QString error;
    if (parser.isSet(QStringLiteral("kind"))) {
        options.kind = pv::extractKindFromName(parser.value(QStringLiteral("kind")));
        if (options.kind == pv::ExtractKind::Unknown)
            return usageError(QStringLiteral("--kind must be users or pageviews"));
    }
    if (!dateTimeOption(parser, QStringLiteral("as-of"), &options.asOf, &error)
        || !dateTimeOption(parser, QStringLiteral("hour"), &options.windowHour, &error))
        return usageError(error);
    if (options.windowHour && *options.windowHour % 3600 != 0)
        return usageError(QStringLiteral("--hour must be on the hour (HH:00:00)"));
    if (parser.isSet(QStringLiteral("max-rejects"))) {
        bool ok = false;
        const double value = parser.value(QStringLiteral("max-rejects")).toDouble(&ok);
        if (!ok || value < 0 || value > 100)
            return usageError(QStringLiteral("--max-rejects must be a percentage between 0 and 100"));
        options.maxRejectPercent = value;
    }
    options.force = parser.isSet(QStringLiteral("force"));

    pv::Warehouse warehouse;
    if (!openWarehouse(warehouse, dbPath, &error, Create::IfMissing))
        return failure(error);

    int exitCode = exitOk;
    for (const QString &file : files) {
        pv::LoadFeedback feedback;
        const TerminalProgress progress(&feedback, file == QLatin1String("-") ? QStringLiteral("<stdin>")
                                                                                : QFileInfo(file).fileName());
        activeFeedback = &feedback;
        const pv::LoadResult result = pv::loadExtract(warehouse, file, options, &feedback);
        activeFeedback = nullptr;
        switch (result.outcome) {
        case pv::LoadOutcome::Loaded:
            printOut(result.message + QLatin1Char('\n'));
            break;
        case pv::LoadOutcome::AlreadyLoaded:
            printOut(result.message + QLatin1Char('\n'));
            break;
        case pv::LoadOutcome::Failed:
        case pv::LoadOutcome::Refused:
        case pv::LoadOutcome::Cancelled:
            printErr(QStringLiteral("pvadmin: %1%2\n")
                         .arg(result.message,
                              result.run.id ? QStringLiteral(" [run %1 %2]").arg(result.run.id).arg(result.run.status)
                                            : QString()));
            exitCode = exitFailed;
            break;
        }
        if (result.outcome == pv::LoadOutcome::Cancelled)
            break;
    }
    return exitCode;
}

int commandReport(const QString &dbPath, const QStringList &args)
{
    QCommandLineParser parser;
    parser.addOptions({{QStringLiteral("basis"), QString(), QStringLiteral("basis")},
                       {QStringLiteral("grain"), QString(), QStringLiteral("grain"), QStringLiteral("hour")},
                       {QStringLiteral("from"), QString(), QStringLiteral("datetime")},
                       {QStringLiteral("to"), QString(), QStringLiteral("datetime")},
                       {QStringLiteral("postcode"), QString(), QStringLiteral("postcode")},
                       {QStringLiteral("output"), QString(), QStringLiteral("file")}});
    if (!parser.parse(QStringList{QStringLiteral("report")} + args))
        return usageError(parser.errorText());
    if (!parser.positionalArguments().isEmpty())
        return usageError(QStringLiteral("report takes no positional arguments: %1")
                              .arg(parser.positionalArguments().join(QLatin1Char(' '))));
    pv::ReportQuery query;
    if (!parser.isSet(QStringLiteral("basis")))
        return usageError(QStringLiteral("report needs --basis current or --basis at-time"));
    const auto basis = pv::basisFromName(parser.value(QStringLiteral("basis")));
    if (!basis)
        return usageError(QStringLiteral("--basis must be current or at-time"));
    query.basis = *basis;
    const auto grain = pv::grainFromName(parser.value(QStringLiteral("grain")));
    if (!grain)
        return usageError(QStringLiteral("--grain must be hour, day, week or month"));
    query.grain = *grain;
    QString error;
    if (!dateTimeOption(parser, QStringLiteral("from"), &query.from, &error)
        || !dateTimeOption(parser, QStringLiteral("to"), &query.to, &error))
        return usageError(error);
    if (query.from && query.to && *query.from > *query.to)
        return usageError(QStringLiteral("--from is after --to"));
    // Pageviews are counted per hour, so a bound inside an hour could not be honoured exactly.
    for (const auto &[name, bound] : {std::pair{"from", query.from}, std::pair{"to", query.to}})
        if (bound && *bound % 3600 != 0)
            return usageError(QStringLiteral("--%1 must be on the hour (HH:00:00): pageviews are counted per hour")
                                  .arg(QLatin1String(name)));
    query.postcodes = parser.values(QStringLiteral("postcode"));

    pv::Warehouse warehouse;
    if (!openWarehouse(warehouse, dbPath, &error))
        return failure(error);
    const auto rows = pv::PageviewQuery(warehouse.database()).report(query, &error);
    if (!rows)
        return usageError(error);
    if (parser.isSet(QStringLiteral("output"))) {
        QSaveFile out(parser.value(QStringLiteral("output")));
        if (!out.open(QIODevice::WriteOnly))
            return failure(QStringLiteral("%1: cannot write: %2").arg(out.fileName(), out.errorString()));
        pv::PageviewQuery::writeCsv(*rows, &out);
        if (!out.commit())
            return failure(QStringLiteral("%1: cannot write: %2").arg(out.fileName(), out.errorString()));
        return exitOk;
    }
    QFile out;
    if (!out.open(stdout, QIODevice::WriteOnly))
        return failure(QStringLiteral("cannot write to standard output"));
    pv::PageviewQuery::writeCsv(*rows, &out);
    return exitOk;
}

int commandRuns(const QString &dbPath, const QStringList &args)
{
    if (!args.isEmpty())
        return usageError(QStringLiteral("runs takes no arguments"));
    pv::Warehouse warehouse;
    QString error;
    if (!openWarehouse(warehouse, dbPath, &error))
        return failure(error);
    QList<QStringList> rows;
    for (const pv::LoadRun &run : pv::LoadRunLog(warehouse.database()).runs()) {
        QString when = QStringLiteral("-");
        if (run.windowHour)
            when = QStringLiteral("hour ") + pv::formatTimestamp(*run.windowHour);
        else if (run.asOf)
            when = QStringLiteral("as of ") + pv::formatTimestamp(*run.asOf);
        QString note = run.error;
        if (run.replacedBy)
            note = QStringLiteral("replaced by run %1").arg(run.replacedBy);
        else if (run.replacedRun)
            note = QStringLiteral("replaced run %1").arg(run.replacedRun);
        if (run.lateRows > 0 && run.status == QLatin1String("succeeded"))
            note += (note.isEmpty() ? QString() : QStringLiteral("; ")) + QStringLiteral("%1 late rows").arg(run.lateRows);
        rows << QStringList{QString::number(run.id),
                            pv::extractKindName(run.kind),
                            run.status,
                            when,
                            QDateTime::fromMSecsSinceEpoch(run.startedAtMs, Qt::UTC).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")),
                            durationText(run.durationMs()),
                            QString::number(run.rowsRead),
                            QString::number(run.rowsLoaded),
                            QString::number(run.rowsRejected),
                            QFileInfo(run.file).fileName(),
                            note};
    }
    printOut(formatTable({QStringLiteral("RUN"), QStringLiteral("KIND"), QStringLiteral("STATUS"),
                          QStringLiteral("WINDOW/AS-OF"), QStringLiteral("STARTED (UTC)"), QStringLiteral("DURATION"),
                          QStringLiteral("READ"), QStringLiteral("LOADED"), QStringLiteral("REJECTED"),
                          QStringLiteral("FILE"), QStringLiteral("NOTE")},
                         rows));
    return exitOk;
}

std::optional<qint64> positiveInteger(const QString &text)
{
    bool ok = false;
    const qint64 value = text.toLongLong(&ok);
    if (!ok || value <= 0)
        return std::nullopt;
    return value;
}

int commandRejects(const QString &dbPath, const QStringList &args)
{
    if (args.size() != 1)
        return usageError(QStringLiteral("rejects needs exactly one RUN_ID"));
    const auto runId = positiveInteger(args.first());
    if (!runId)
        return usageError(QStringLiteral("RUN_ID '%1' is not a run number").arg(args.first()));
    pv::Warehouse warehouse;
    QString error;
    if (!openWarehouse(warehouse, dbPath, &error))
        return failure(error);
    const pv::LoadRunLog log(warehouse.database());
    const auto run = log.run(*runId);
    if (!run)
        return failure(QStringLiteral("there is no run %1 (see pvadmin runs)").arg(*runId));
    QList<QStringList> rows;
    for (const pv::RejectedLine &r : log.rejects(*runId))
        rows << QStringList{QString::number(r.line), r.reason,
                            QString::fromUtf8(r.raw).replace(QLatin1Char('\r'), QStringLiteral("\\r")).replace(QLatin1Char('\n'), QStringLiteral("\\n"))};
    printOut(QStringLiteral("run %1 (%2, %3): %4 rejected of %5 rows read\n")
                 .arg(run->id)
                 .arg(QFileInfo(run->file).fileName(), run->status)
                 .arg(run->rowsRejected)
                 .arg(run->rowsRead));
    if (!rows.isEmpty())
        printOut(formatTable({QStringLiteral("LINE"), QStringLiteral("REASON"), QStringLiteral("RAW")}, rows));
    if (run->rowsRejected > rows.size())
        printOut(QStringLiteral("(only the first %1 rejected lines were kept)\n").arg(rows.size()));
    return exitOk;
}

int commandHistory(const QString &dbPath, const QStringList &args)
{
    if (args.size() != 1)
        return usageError(QStringLiteral("history needs exactly one USER_ID"));
    const auto userId = positiveInteger(args.first());
    if (!userId)
        return usageError(QStringLiteral("USER_ID '%1' is not a positive integer").arg(args.first()));
    pv::Warehouse warehouse;
    QString error;
    if (!openWarehouse(warehouse, dbPath, &error))
        return failure(error);
    QList<QStringList> rows;
    for (const pv::UserPostcodePeriod &period : pv::UserHistory(warehouse.database()).periods(*userId))
        rows << QStringList{period.postcode, pv::formatTimestamp(period.validFrom),
                            period.validTo ? pv::formatTimestamp(*period.validTo) : QStringLiteral("-"), QString()};
    if (rows.isEmpty()) {
        printOut(QStringLiteral("user %1 is in no loaded snapshot: their pageviews count under UNKNOWN\n").arg(*userId));
        return exitOk;
    }
    rows.last()[3] = rows.last()[2] == QLatin1String("-") ? QStringLiteral("current")
                                                          : QStringLiteral("current (not in the latest snapshot)");
    printOut(QStringLiteral("user %1\n").arg(*userId));
    printOut(formatTable({QStringLiteral("POSTCODE"), QStringLiteral("VALID_FROM"), QStringLiteral("VALID_TO"),
                          QStringLiteral("")},
                         rows));
    return exitOk;
}

int commandCheck(const QString &dbPath, const QStringList &args)
{
    if (!args.isEmpty())
        return usageError(QStringLiteral("check takes no arguments"));
    pv::Warehouse warehouse;
    QString error;
    if (!openWarehouse(warehouse, dbPath, &error))
        return failure(error);
    pv::LoadFeedback feedback;
    const TerminalProgress progress(&feedback, QStringLiteral("check"));
    activeFeedback = &feedback;
    const pv::CheckReport report = pv::checkWarehouse(warehouse, &feedback);
    activeFeedback = nullptr;
    if (report.cancelled)
        return failure(QStringLiteral("check cancelled"));
    if (!report.ok()) {
        for (const QString &d : report.differences)
            printOut(d + QLatin1Char('\n'));
        return failure(QStringLiteral("check failed: %1 difference(s) between the stored answers and a recomputation "
                                      "from facts and history")
                           .arg(report.differences.size()));
    }
    printOut(QStringLiteral("check passed: %1 facts, %2 hours, %3 users agree with a recomputation from scratch\n")
                 .arg(report.factsChecked)
                 .arg(report.hoursChecked)
                 .arg(report.usersChecked));
    return exitOk;
}

int commandWatch(const QString &dbPath, const QStringList &args)
{
    QCommandLineParser parser;
    parser.addOptions({{QStringLiteral("interval"), QString(), QStringLiteral("seconds"), QStringLiteral("10")},
                       {QStringLiteral("once"), QString()}});
    if (!parser.parse(QStringList{QStringLiteral("watch")} + args))
        return usageError(parser.errorText());
    if (parser.positionalArguments().size() != 1)
        return usageError(QStringLiteral("watch needs exactly one DIR"));
    const QDir dir(parser.positionalArguments().first());
    if (!dir.exists())
        return failure(QStringLiteral("%1: no such folder").arg(dir.path()));
    bool ok = false;
    const int interval = parser.value(QStringLiteral("interval")).toInt(&ok);
    if (!ok || interval < 1)
        return usageError(QStringLiteral("--interval must be a whole number of seconds, at least 1"));
    const bool once = parser.isSet(QStringLiteral("once"));

    pv::Warehouse warehouse;
    QString error;
    if (!openWarehouse(warehouse, dbPath, &error, Create::IfMissing))
        return failure(error);
    // A file is loaded once its size and time have stayed the same for one interval (or at once with --once).
    QHash<QString, QPair<qint64, QDateTime>> seen;
    QSet<QString> done;
    int exitCode = exitOk;
    pv::LoadFeedback stop;
    activeFeedback = &stop;
    for (;;) {
        const QFileInfoList files = dir.entryInfoList({QStringLiteral("*.csv"), QStringLiteral("*.csv.gz")},
                                                      QDir::Files, QDir::Name);
        for (const QFileInfo &file : files) {
            if (stop.isCancelled())
                break;
            const QString path = file.absoluteFilePath();
            if (done.contains(path))
                continue;
            const QPair<qint64, QDateTime> state{file.size(), file.lastModified()};
            if (!once && seen.value(path) != state) {
                seen[path] = state;
                continue;
            }
            done.insert(path);
            pv::LoadFeedback feedback;
            activeFeedback = &feedback;
            const pv::LoadResult result = pv::loadExtract(warehouse, path, {}, &feedback);
            activeFeedback = &stop;
            if (feedback.isCancelled())
                stop.cancel();
            if (result.outcome == pv::LoadOutcome::Loaded || result.outcome == pv::LoadOutcome::AlreadyLoaded) {
                printOut(result.message + QLatin1Char('\n'));
            } else {
                printErr(QStringLiteral("pvadmin: %1\n").arg(result.message));
                exitCode = exitFailed;
            }
            std::fflush(stdout);
        }
        if (once || stop.isCancelled())
            break;
        for (int i = 0; i < interval * 10 && !stop.isCancelled(); ++i)
            QThread::msleep(100);
    }
    activeFeedback = nullptr;
    return stop.isCancelled() && !once ? exitOk : exitCode;
}

int commandGenerate(const QStringList &args);

} // namespace

bool wantsDesktop(const QStringList &arguments)
{
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        const QString &a = arguments[i];
        if (a == QLatin1String("--db")) {
            if (++i >= arguments.size())
                return false; // the command line reports the missing PATH
            continue;
        }
        if (a.startsWith(QLatin1String("--db=")))
            continue;
        return a == QLatin1String("gui");
    }
    return true;
}

QString warehousePathFromArguments(const QStringList &arguments)
{
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        if (arguments[i] == QLatin1String("--db") && i + 1 < arguments.size())
            return arguments[i + 1];
        if (arguments[i].startsWith(QLatin1String("--db=")))
            return arguments[i].mid(5);
        if (!arguments[i].startsWith(QLatin1String("--")))
            break;
    }
    return pv::Warehouse::defaultPath();
}

int runCommandLine(const QStringList &arguments)
{
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
    QString dbPath;
    qsizetype i = 1;
    for (; i < arguments.size(); ++i) {
        const QString &a = arguments[i];
        if (a == QLatin1String("--help") || a == QLatin1String("-h")) {
            printOut(QString::fromLatin1(usage));
            return exitOk;
        }
        if (a == QLatin1String("--version")) {
            printOut(QStringLiteral("pvadmin %1\n").arg(QCoreApplication::applicationVersion()));
            return exitOk;
        }
        if (a == QLatin1String("--db")) {
            if (i + 1 >= arguments.size())
                return usageError(QStringLiteral("--db needs a PATH"));
            dbPath = arguments[++i];
        } else if (a.startsWith(QLatin1String("--db="))) {
            dbPath = a.mid(5);
        } else if (a.startsWith(QLatin1Char('-'))) {
            return usageError(QStringLiteral("unknown option %1 before the command").arg(a));
        } else {
            break;
        }
    }
    if (i >= arguments.size())
        return usageError(QStringLiteral("no command given"));
    const QString command = arguments[i];
    const QStringList rest = arguments.mid(i + 1);
    if (dbPath.isEmpty())
        dbPath = pv::Warehouse::defaultPath();
    if (rest.contains(QLatin1String("--help"))) {
        printOut(QString::fromLatin1(usage));
        return exitOk;
    }
    std::setvbuf(stdout, nullptr, _IOFBF, 1 << 16);
    if (command == QLatin1String("init"))
        return commandInit(dbPath, rest);
    if (command == QLatin1String("load"))
        return commandLoad(dbPath, rest);
    if (command == QLatin1String("report"))
        return commandReport(dbPath, rest);
    if (command == QLatin1String("runs"))
        return commandRuns(dbPath, rest);
    if (command == QLatin1String("rejects"))
        return commandRejects(dbPath, rest);
    if (command == QLatin1String("history"))
        return commandHistory(dbPath, rest);
    if (command == QLatin1String("check"))
        return commandCheck(dbPath, rest);
    if (command == QLatin1String("watch"))
        return commandWatch(dbPath, rest);
    if (command == QLatin1String("generate"))
        return commandGenerate(rest);
    return usageError(QStringLiteral("unknown command '%1'").arg(command));
}

namespace {
int commandGenerate(const QStringList &args)
{
    QCommandLineParser parser;
    parser.addOptions({{QStringLiteral("out"), QString(), QStringLiteral("dir")},
                       {QStringLiteral("users"), QString(), QStringLiteral("n"), QStringLiteral("1000")},
                       {QStringLiteral("days"), QString(), QStringLiteral("d"), QStringLiteral("2")},
                       {QStringLiteral("hours-per-day"), QString(), QStringLiteral("h"), QStringLiteral("24")},
                       {QStringLiteral("pageviews-per-hour"), QString(), QStringLiteral("n"), QStringLiteral("1000")},
                       {QStringLiteral("move-rate"), QString(), QStringLiteral("f"), QStringLiteral("0.01")},
                       {QStringLiteral("new-rate"), QString(), QStringLiteral("f"), QStringLiteral("0.005")},
                       {QStringLiteral("remove-rate"), QString(), QStringLiteral("f"), QStringLiteral("0.001")},
                       {QStringLiteral("late-rate"), QString(), QStringLiteral("f"), QStringLiteral("0.01")},
                       {QStringLiteral("unknown-rate"), QString(), QStringLiteral("f"), QStringLiteral("0.001")},
                       {QStringLiteral("seed"), QString(), QStringLiteral("s"), QStringLiteral("1")},
                       {QStringLiteral("start"), QString(), QStringLiteral("date")},
                       {QStringLiteral("stdout"), QString(), QStringLiteral("users|pageviews")},
                       {QStringLiteral("day"), QString(), QStringLiteral("d"), QStringLiteral("0")},
                       {QStringLiteral("hour"), QString(), QStringLiteral("h"), QStringLiteral("0")}});
    if (!parser.parse(QStringList{QStringLiteral("generate")} + args))
        return usageError(parser.errorText());
    if (!parser.positionalArguments().isEmpty())
        return usageError(QStringLiteral("generate takes no positional arguments"));

    pv::GeneratorOptions options;
    bool ok = true;
    auto integer = [&](const char *name, qint64 *out) {
        bool valid = false;
        *out = parser.value(QString::fromLatin1(name)).toLongLong(&valid);
        if (!valid && ok) {
            ok = false;
            usageError(QStringLiteral("--%1 must be a whole number").arg(QString::fromLatin1(name)));
        }
    };
    auto rate = [&](const char *name, double *out) {
        bool valid = false;
        *out = parser.value(QString::fromLatin1(name)).toDouble(&valid);
        if ((!valid || *out < 0 || *out > 1) && ok) {
            ok = false;
            usageError(QStringLiteral("--%1 must be a fraction between 0 and 1").arg(QString::fromLatin1(name)));
        }
    };
    qint64 days = 0, hoursPerDay = 0, seed = 0, day = 0, hour = 0;
    integer("users", &options.users);
    integer("days", &days);
    integer("hours-per-day", &hoursPerDay);
    integer("pageviews-per-hour", &options.pageviewsPerHour);
    integer("seed", &seed);
    integer("day", &day);
    integer("hour", &hour);
    rate("move-rate", &options.moveRate);
    rate("new-rate", &options.newRate);
    rate("remove-rate", &options.removeRate);
    rate("late-rate", &options.lateRate);
    rate("unknown-rate", &options.unknownRate);
    if (!ok)
        return exitUsage;
    options.days = int(days);
    options.hoursPerDay = int(hoursPerDay);
    options.seed = quint64(seed);
    if (parser.isSet(QStringLiteral("start"))) {
        QString reason;
        const auto start = parseDateTimeArgument(parser.value(QStringLiteral("start")), &reason);
        if (!start || *start % 86400 != 0)
            return usageError(QStringLiteral("--start must be a date (YYYY-MM-DD)"));
        options.startEpoch = *start;
    }

    if (parser.isSet(QStringLiteral("stdout"))) {
        // One extract to standard output, for `pvadmin generate --stdout ... | pvadmin load -`.
        const QString kind = parser.value(QStringLiteral("stdout"));
        if (kind != QLatin1String("users") && kind != QLatin1String("pageviews"))
            return usageError(QStringLiteral("--stdout must be users or pageviews"));
        options.days = std::max<int>(options.days, int(day) + 1);
        pv::ExtractGenerator generator(options);
        if (const QString invalid = generator.validate(); !invalid.isEmpty())
            return usageError(invalid);
        if (day < 0 || hour < 0 || hour > 23)
            return usageError(QStringLiteral("--day must be 0 or more and --hour 0 to 23"));
        QString error;
        const bool written = kind == QLatin1String("users")
            ? generator.writeUsersSnapshot(int(day), stdout, nullptr, &error)
            : generator.writePageviewsHour(int(day), int(hour), stdout, nullptr, &error);
        std::fflush(stdout);
        return written ? exitOk : failure(error);
    }

    if (!parser.isSet(QStringLiteral("out")))
        return usageError(QStringLiteral("generate needs --out DIR (or --stdout users|pageviews)"));
    options.outDir = parser.value(QStringLiteral("out"));
    if (const QString invalid = pv::ExtractGenerator(options).validate(); !invalid.isEmpty())
        return usageError(invalid);
    pv::LoadFeedback feedback;
    const TerminalProgress progress(&feedback, QStringLiteral("generate"));
    activeFeedback = &feedback;
    QString error;
    const bool done = pv::generate(options, &feedback, &error);
    activeFeedback = nullptr;
    if (!done)
        return failure(error);
    printOut(QStringLiteral("wrote %1 users snapshots and %2 pageviews extracts to %3\n")
                 .arg(options.days)
                 .arg(options.days * options.hoursPerDay)
                 .arg(QDir(options.outDir).absolutePath()));
    return exitOk;
}
} // namespace
