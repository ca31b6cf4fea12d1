#pragma once

#include <QElapsedTimer>
#include <QList>
#include <QString>
#include <QStringList>

namespace pv {
class LoadFeedback;
}

namespace pv::cli {

/// Text from files, file names and the warehouse made safe to show: every control character but newline
/// and tab (an escape sequence in an extract could rewrite or hide what the operator's terminal shows) is
/// written as \xHH, like DEL and the C1 controls.
QString printable(const QString &text);
/// Print text through printable(): nothing printed can drive the terminal.
void printOut(const QString &text);
void printErr(const QString &text);
/// Prints "pvadmin: REASON (see pvadmin help COMMAND)" and returns ExitUsage.
int usageError(const QString &reason, const QString &command = {});
/// Prints "pvadmin: REASON" and returns ExitFailed.
int failure(const QString &reason);

/// Columns padded to their widest cell, two spaces apart; the last column is not padded.
QString formatTable(const QStringList &header, const QList<QStringList> &rows);

/// Ctrl-C and SIGTERM cancel the operation whose feedback is installed, and end the process otherwise.
void installInterruptHandlers();

/// While it lives, Ctrl-C and SIGTERM cancel this feedback's operation.
class CancelOnInterrupt
{
public:
    /// input: what is being read, named in the message when a read blocked on it is ended by the clock.
    explicit CancelOnInterrupt(LoadFeedback *feedback, const QString &input = QString());
    ~CancelOnInterrupt();
    CancelOnInterrupt(const CancelOnInterrupt &) = delete;
    CancelOnInterrupt &operator=(const CancelOnInterrupt &) = delete;

private:
    LoadFeedback *m_previous;
};

/// Shows a live progress line on a terminal; silent when stderr is not one. With PVADMIN_STAGE_TIMES set,
/// prints one line per stage with its wall time instead (for benchmarks and profiling).
class TerminalProgress
{
public:
    TerminalProgress(LoadFeedback *feedback, QString label);
    ~TerminalProgress();
    TerminalProgress(const TerminalProgress &) = delete;
    TerminalProgress &operator=(const TerminalProgress &) = delete;

private:
    void draw(qint64 done, qint64 total);

    QString m_label;
    QString m_stage;
    bool m_active = false;
    bool m_timesOnly = false;
    QElapsedTimer m_timer;
    QElapsedTimer m_stageTimer;
};

} // namespace pv::cli
