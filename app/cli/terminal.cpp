#include "terminal.h"

#include "command.h"
#include "core/loadfeedback.h"

#include <QObject>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <cstdlib>
#include <unistd.h>

namespace pv::cli {

namespace {

std::atomic<LoadFeedback *> activeFeedback{nullptr};
/// True until the operation starts a stage past reading: until then it has written nothing, and a read
/// blocked on its input may be ended by the clock.
std::atomic<bool> stillReading{true};

/// The progress line's own control: back to the line's start and clear it. Only TerminalProgress writes it.
void clearProgressLine()
{
    std::fputs("\r\033[K", stderr);
}

/// How long a cancelled operation may take to stop before the process ends anyway.
constexpr unsigned stopSeconds = 3;

/// What onStopOverdue() says, made before any signal (a handler may not format): the input's name in it.
char overdueMessage[512] = "pvadmin: cancelled while reading (its input gave nothing for 3 s); nothing was loaded\n";

void onStopOverdue(int)
{
    // A read blocked on its input (a pipe nobody writes, a FIFO nobody opens) never sees the cancel. Nothing
    // is written while reading, so ending the process loses nothing.
    const ssize_t ignored = ::write(STDERR_FILENO, overdueMessage, std::strlen(overdueMessage));
    (void)ignored;
    std::_Exit(ExitFailed);
}

void onInterrupt(int)
{
    if (LoadFeedback *feedback = activeFeedback.load()) {
        feedback->cancel();
        if (stillReading.load()) {
            std::signal(SIGALRM, onStopOverdue);
            ::alarm(stopSeconds);
        }
    } else {
        std::_Exit(130);
    }
}

} // namespace

QString printable(const QString &text)
{
    QString shown;
    shown.reserve(text.size());
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        if ((u < 0x20 && u != u'\n' && u != u'\t') || (u >= 0x7f && u < 0xa0))
            shown += QStringLiteral("\\x%1").arg(int(u), 2, 16, QLatin1Char('0'));
        else
            shown += c;
    }
    return shown;
}

void printOut(const QString &text)
{
    const QByteArray utf8 = printable(text).toUtf8();
    std::fwrite(utf8.constData(), 1, size_t(utf8.size()), stdout);
}

void printErr(const QString &text)
{
    const QByteArray utf8 = printable(text).toUtf8();
    std::fwrite(utf8.constData(), 1, size_t(utf8.size()), stderr);
}

int usageError(const QString &reason, const QString &command)
{
    const QString help = command.isEmpty() ? QStringLiteral("pvadmin --help") : QStringLiteral("pvadmin help ") + command;
    printErr(QStringLiteral("pvadmin: %1 (see %2)\n").arg(reason, help));
    return ExitUsage;
}

int failure(const QString &reason)
{
    printErr(QStringLiteral("pvadmin: %1\n").arg(reason));
    return ExitFailed;
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

void installInterruptHandlers()
{
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
}

CancelOnInterrupt::CancelOnInterrupt(LoadFeedback *feedback, const QString &input)
    : m_previous(activeFeedback.exchange(feedback))
{
    stillReading = true;
    const QByteArray message = printable(QStringLiteral("pvadmin: %1cancelled while reading (its input gave nothing for "
                                                        "%2 s); nothing was loaded\n")
                                             .arg(input.isEmpty() ? QString() : input + QStringLiteral(": "))
                                             .arg(stopSeconds))
                                   .toUtf8()
                                   .left(sizeof overdueMessage - 2);
    std::memcpy(overdueMessage, message.constData(), size_t(message.size()));
    overdueMessage[message.size()] = '\0';
    QObject::connect(feedback, &LoadFeedback::stageChanged, feedback,
                     [](const QString &stage, qint64) { stillReading = stage == QLatin1String("reading"); });
}

CancelOnInterrupt::~CancelOnInterrupt()
{
    activeFeedback = m_previous;
}

TerminalProgress::TerminalProgress(LoadFeedback *feedback, QString label)
    : m_label(std::move(label))
{
    // A notice is a line of its own, with or without a progress line (which the next draw puts back).
    QObject::connect(feedback, &LoadFeedback::notice, feedback, [this](const QString &text) {
        if (m_active)
            clearProgressLine();
        printErr(text + QLatin1Char('\n'));
    });
    if (qEnvironmentVariableIsSet("PVADMIN_STAGE_TIMES")) {
        m_stageTimer.start();
        QObject::connect(feedback, &LoadFeedback::stageChanged, feedback, [this](const QString &stage, qint64) {
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
    QObject::connect(feedback, &LoadFeedback::stageChanged, feedback, [this](const QString &stage, qint64) {
        m_stage = stage;
        m_stageTimer.start();
        draw(0, 0);
    });
    QObject::connect(feedback, &LoadFeedback::progressChanged, feedback,
                     [this](qint64 done, qint64 total) { draw(done, total); });
}

TerminalProgress::~TerminalProgress()
{
    if (m_timesOnly && !m_stage.isEmpty())
        printErr(QStringLiteral("stage %1: %2 ms\n").arg(m_stage).arg(m_stageTimer.elapsed()));
    if (m_active)
        clearProgressLine();
}

void TerminalProgress::draw(qint64 done, qint64 total)
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
    clearProgressLine();
    printErr(line.left(150));
}

} // namespace pv::cli
