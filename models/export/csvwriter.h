#pragma once

#include <QByteArray>
#include <QString>

class QIODevice;

namespace pv {

/// The one CSV writer of the project: RFC 4180 fields, LF line ends, UTF-8, buffered onto a device.
/// Every write failure counts: after the first one nothing more is written, and finish() returns false
/// with the device's reason in errorString().
class CsvWriter
{
public:
    /// Whether a text cell starting with = + - @ TAB or CR gets a leading apostrophe, so a spreadsheet
    /// shows it instead of running it as a formula (OWASP, CSV injection). Numbers are never changed.
    enum class Formulas { Keep, Neutralise };

    explicit CsvWriter(QIODevice *out, Formulas formulas = Formulas::Keep);

    /// One text cell as written: neutralised when asked, quoted when it holds a comma, a quote, CR or LF
    /// (quotes doubled).
    static QByteArray field(QByteArray utf8, Formulas formulas);

    /// A UTF-8 byte order mark, before anything else, so spreadsheets read the file as UTF-8.
    void addUtf8Bom();
    /// A text cell.
    CsvWriter &addText(const QString &text);
    /// A text cell from bytes kept as they are (e.g. a rejected line that is not valid UTF-8).
    CsvWriter &addBytes(const QByteArray &bytes);
    /// A number cell, written as it is.
    CsvWriter &addNumber(qint64 value);
    /// Ends the row; what is buffered goes to the device once there is enough of it. False once a write failed.
    bool endRow();

    /// Writes out what is buffered and flushes the device when it is a file. False when any write failed.
    bool finish();
    bool hasFailed() const { return m_failed; }
    /// The reason of the first failed write, e.g. "No space left on device".
    QString errorString() const { return m_error; }

private:
    void separate();
    /// Records why the device refused a write or a flush.
    void fail();
    void writeBuffer();

    QIODevice *m_out;
    Formulas m_formulas;
    QByteArray m_buffer;
    bool m_rowStarted = false;
    bool m_failed = false;
    QString m_error;
};

} // namespace pv
