#include "core/filename.h"

#include "core/utf8.h"

#include <QDir>

namespace pv {

namespace {

constexpr char16_t EscapedByteBase = 0xdc00;

/// Whether name[i] holds a byte that is not UTF-8: a low surrogate in U+DC80..U+DCFF that is not the second
/// half of a pair (a code point past U+FFFF, which decodes to one).
bool isEscapedByte(QStringView name, qsizetype i)
{
    const char16_t c = name[i].unicode();
    return c >= EscapedByteBase + 0x80 && c <= EscapedByteBase + 0xff && (i == 0 || !name[i - 1].isHighSurrogate());
}

enum class Escape { UndecodableBytes, ControlCharactersToo };

/// The name with each byte that is not UTF-8 (and, when asked, each control character) written \xHH.
QString escaped(const QString &name, Escape what)
{
    QString text;
    text.reserve(name.size());
    for (qsizetype i = 0; i < name.size(); ++i) {
        const char16_t u = name[i].unicode();
        if (what == Escape::ControlCharactersToo && (u < 0x20 || (u >= 0x7f && u < 0xa0)))
            text += QStringLiteral("\\x%1").arg(int(u), 2, 16, QLatin1Char('0'));
        else if (isEscapedByte(name, i))
            text += QStringLiteral("\\x%1").arg(int(u - EscapedByteBase), 2, 16, QLatin1Char('0'));
        else
            text += name[i];
    }
    return text;
}

} // namespace

QString decodeFileName(const QByteArray &bytes)
{
    QString name;
    name.reserve(bytes.size());
    qsizetype valid = 0; // start of the run of valid UTF-8 not yet decoded
    qsizetype i = 0;
    while (i < bytes.size()) {
        const size_t length = utf8SequenceLength(std::string_view(bytes.constData() + i, size_t(bytes.size() - i)));
        if (length > 0 && i + qsizetype(length) <= bytes.size()) {
            i += qsizetype(length);
            continue;
        }
        name += QString::fromUtf8(bytes.constData() + valid, i - valid);
        name += QChar(char16_t(EscapedByteBase + static_cast<unsigned char>(bytes[i])));
        valid = ++i;
    }
    name += QString::fromUtf8(bytes.constData() + valid, bytes.size() - valid);
    return name;
}

QByteArray encodeFileName(const QString &name)
{
    if (!hasUndecodableBytes(name))
        return name.toUtf8();
    QByteArray bytes;
    qsizetype valid = 0;
    for (qsizetype i = 0; i < name.size(); ++i) {
        if (!isEscapedByte(name, i))
            continue;
        bytes += QStringView(name).mid(valid, i - valid).toUtf8();
        bytes += static_cast<char>(name[i].unicode() - EscapedByteBase);
        valid = i + 1;
    }
    bytes += QStringView(name).mid(valid).toUtf8();
    return bytes;
}

bool hasUndecodableBytes(const QString &name)
{
    for (qsizetype i = 0; i < name.size(); ++i) {
        if (isEscapedByte(name, i))
            return true;
    }
    return false;
}

QString absoluteFileName(const QString &name)
{
    return QDir::cleanPath(name.startsWith(QLatin1Char('/')) ? name : QDir::currentPath() + QLatin1Char('/') + name);
}

QString recordedFilePath(const QString &path)
{
    if (path == QLatin1String("-"))
        return QStringLiteral("<stdin>");
    return escaped(absoluteFileName(path), Escape::UndecodableBytes);
}

QString shownFileName(const QString &name)
{
    return escaped(name, Escape::ControlCharactersToo);
}

} // namespace pv
