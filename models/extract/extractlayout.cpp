#include "extract/extractlayout.h"

#include <QStringList>

namespace pv {

const QStringList &warehouseColumnNames()
{
    static const QStringList names = {QStringLiteral("id"), QStringLiteral("postcode"), QStringLiteral("user_id"),
                                      QStringLiteral("url"), QStringLiteral("pageview_datetime")};
    return names;
}

std::optional<std::map<QString, QString>> parseColumnMapping(const QString &text, QString *error)
{
    std::map<QString, QString> columns;
    for (const QString &pair : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const qsizetype equals = pair.indexOf(QLatin1Char('='));
        const QString column = pair.left(equals).trimmed().toLower();
        const QString fileName = equals < 0 ? QString() : pair.mid(equals + 1).trimmed();
        if (equals < 0 || column.isEmpty() || fileName.isEmpty()) {
            *error = QStringLiteral("'%1' is not COLUMN=NAME: give each column the warehouse reads with the file's name "
                                    "for it (or its number), as in url=page_url,pageview_datetime=timestamp")
                         .arg(pair.trimmed());
            return std::nullopt;
        }
        if (!warehouseColumnNames().contains(column)) {
            *error = QStringLiteral("'%1' is not a column the warehouse reads: they are %2")
                         .arg(column, warehouseColumnNames().join(QLatin1String(", ")));
            return std::nullopt;
        }
        if (columns.count(column)) {
            *error = QStringLiteral("column '%1' is mapped twice").arg(column);
            return std::nullopt;
        }
        columns[column] = fileName;
    }
    return columns;
}

QString columnMappingText(const std::map<QString, QString> &columns)
{
    QStringList pairs;
    for (const auto &[column, fileName] : columns)
        pairs << column + QLatin1Char('=') + fileName;
    return pairs.join(QLatin1Char(','));
}

std::optional<char> parseDelimiter(const QString &text, QString *error)
{
    const QString name = text.trimmed().toLower();
    if (name == QLatin1String("comma"))
        return ',';
    if (name == QLatin1String("tab") || text == QLatin1String("\\t") || text == QLatin1String("\t"))
        return '\t';
    if (name == QLatin1String("pipe"))
        return '|';
    if (name == QLatin1String("semicolon"))
        return ';';
    if (text.size() == 1 && text.front().unicode() > ' ' && text.front().unicode() < 127 && text.front() != QLatin1Char('"'))
        return char(text.front().unicode());
    *error = QStringLiteral("'%1' is not a separator: give one character, or comma, tab, pipe or semicolon").arg(text);
    return std::nullopt;
}

QString delimiterName(char delimiter)
{
    switch (delimiter) {
    case ',':
        return QStringLiteral("comma");
    case '\t':
        return QStringLiteral("tab");
    case ';':
        return QStringLiteral("semicolon");
    default:
        return QStringLiteral("'%1'").arg(QLatin1Char(delimiter));
    }
}

} // namespace pv
