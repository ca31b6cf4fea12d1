#pragma once

#include <QString>
#include <QStringList>

#include <map>
#include <optional>

namespace pv {

/// How an extract from another team's pipeline is laid out, where it differs from the contract's own shape
/// (comma-separated, a header naming id,postcode or user_id,url,pageview_datetime): its separator, its own
/// names for the columns the warehouse reads, or no header at all.
struct ExtractLayout
{
    /// The field separator; 0: told from the header line (a comma, else the one of tab, '|' and ';' it holds).
    char delimiter = 0;
    /// For a column the warehouse reads ("url"), the file's own name for it ("page_url"), matched without
    /// regard to case, or its number counted from 1 ("2").
    std::map<QString, QString> columns;
    /// The first line is data, not a header: the columns are in the contract's order unless numbered in columns.
    bool headerless = false;
    /// A users snapshot's column that holds its as-of (a name, or a number from 1); empty: none is read as
    /// the as-of, though an extract_date, load_date, snapshot_date or as_of column is still read to be compared.
    QString asOfColumn;

    bool isContractShape() const { return delimiter == 0 && columns.empty() && !headerless && asOfColumn.isEmpty(); }
    bool operator==(const ExtractLayout &) const = default;
};

/// The columns the warehouse reads, of both kinds: id, postcode, user_id, url, pageview_datetime.
const QStringList &warehouseColumnNames();

/// "url=page_url,pageview_datetime=timestamp" (spaces around the names allowed) into ExtractLayout::columns;
/// nullopt and *error for a name the warehouse does not read, a pair without '=', or a column given twice.
std::optional<std::map<QString, QString>> parseColumnMapping(const QString &text, QString *error);
/// The mapping written back as parseColumnMapping() reads it.
QString columnMappingText(const std::map<QString, QString> &columns);

/// A separator given by an operator: one character, or comma, tab (also "\t"), pipe, semicolon.
std::optional<char> parseDelimiter(const QString &text, QString *error);
/// How a message names a separator: "comma", "tab", "'|'".
QString delimiterName(char delimiter);

} // namespace pv
