#include "export/csvwriter.h"

#include <cerrno>
#include <cstring>

#include <QFileDevice>

namespace pv {

namespace {
constexpr qsizetype bufferLimit = 1 << 16;

bool startsLikeAFormula(const QByteArray &utf8)
{
    return !utf8.isEmpty()
        && (utf8[0] == '=' || utf8[0] == '+' || utf8[0] == '-' || utf8[0] == '@' || utf8[0] == '\t' || utf8[0] == '\r');
}
} // namespace

CsvWriter::CsvWriter(QIODevice *out, Formulas formulas)
    : m_out(out)
    , m_formulas(formulas)
{
}

QByteArray CsvWriter::field(QByteArray utf8, Formulas formulas)
{
    if (formulas == Formulas::Neutralise && startsLikeAFormula(utf8))
        utf8.prepend('\'');
    if (utf8.contains(',') || utf8.contains('"') || utf8.contains('\n') || utf8.contains('\r'))
        utf8 = '"' + utf8.replace("\"", "\"\"") + '"';
    return utf8;
}

void CsvWriter::addUtf8Bom()
{
    m_buffer += "\xEF\xBB\xBF";
}

CsvWriter &CsvWriter::addText(const QString &text)
{
    return addBytes(text.toUtf8());
}

CsvWriter &CsvWriter::addBytes(const QByteArray &bytes)
{
    separate();
    m_buffer += field(bytes, m_formulas);
    return *this;
}

CsvWriter &CsvWriter::addNumber(qint64 value)
{
    separate();
    m_buffer += QByteArray::number(value);
    return *this;
}

bool CsvWriter::endRow()
{
    m_buffer += '\n';
    m_rowStarted = false;
    if (m_buffer.size() >= bufferLimit)
        writeBuffer();
    return !m_failed;
}

bool CsvWriter::finish()
{
    writeBuffer();
    // A file device keeps a buffer of its own (and stdout one more); its errors show when it is flushed.
    if (auto *file = qobject_cast<QFileDevice *>(m_out); file && !m_failed) {
        errno = 0;
        if (!file->flush())
            fail();
    }
    return !m_failed;
}

void CsvWriter::fail()
{
    // Qt says "Unknown error" when a file took part of a write and then refused the rest (a file size
    // limit); the system's reason is still in errno, read straight after the call that failed.
    const int systemError = errno;
    m_failed = true;
    m_error = systemError != 0 ? QString::fromLocal8Bit(std::strerror(systemError)) : m_out->errorString();
}

void CsvWriter::separate()
{
    if (m_rowStarted)
        m_buffer += ',';
    m_rowStarted = true;
}

void CsvWriter::writeBuffer()
{
    // A short write is not an error by itself (a file on a full disk takes what fits), so the rest is
    // written again until the device takes it all or says why it cannot.
    for (qsizetype done = 0; !m_failed && done < m_buffer.size();) {
        errno = 0;
        const qint64 written = m_out->write(m_buffer.constData() + done, m_buffer.size() - done);
        if (written <= 0) {
            fail();
        } else {
            done += written;
        }
    }
    m_buffer.clear();
}

} // namespace pv
