#include "extract/extractreader.h"

#include "extract/csvrecordreader.h"
#include "extract/extractvalidation.h"
#include "core/filename.h"

#include <QFileInfo>
#include <QStringList>

#include <array>

#include <sys/stat.h>
#include <optional>
#include <vector>

namespace pv {

namespace {

constexpr std::array<std::string_view, 2> UsersColumns = {"id", "postcode"};
constexpr std::array<std::string_view, 3> PageviewsColumns = {"user_id", "url", "pageview_datetime"};
constexpr qsizetype MaxQuotedHeader = 200;
/// Columns in which pipelines write a snapshot's date; compared with the as-of the load takes.
constexpr std::array<std::string_view, 4> DateColumns = {"extract_date", "load_date", "snapshot_date", "as_of"};

enum UsersColumn { IdColumn, PostcodeColumn };

std::vector<std::string_view> columnsOf(ExtractKind kind)
{
    if (kind == ExtractKind::UsersSnapshot)
        return {UsersColumns.begin(), UsersColumns.end()};
    return {PageviewsColumns.begin(), PageviewsColumns.end()};
}
enum PageviewsColumn { UserIdColumn, UrlColumn, DatetimeColumn };

std::string_view trimmed(std::string_view text)
{
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    return text;
}

QString fromView(std::string_view text)
{
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

QString describe(ExtractKind kind)
{
    return kind == ExtractKind::UsersSnapshot ? QStringLiteral("a users snapshot")
                                              : QStringLiteral("a pageviews extract");
}

QString headerOf(ExtractKind kind)
{
    return kind == ExtractKind::UsersSnapshot ? QStringLiteral("'id,postcode'")
                                              : QStringLiteral("'user_id,url,pageview_datetime'");
}

QString expectedHeaders(ExtractKind expected)
{
    if (expected == ExtractKind::Unknown) {
        return QStringLiteral("%1 (%2) or %3 (%4)")
                .arg(headerOf(ExtractKind::UsersSnapshot), describe(ExtractKind::UsersSnapshot),
                     headerOf(ExtractKind::Pageviews), describe(ExtractKind::Pageviews));
    }
    return QStringLiteral("%1 (%2)").arg(headerOf(expected), describe(expected));
}

/// The kind a file's name says, when it says one: "view" for pageviews, "user" for a snapshot. A name holding
/// both (pageviews_by_user.csv) says pageviews when the kind must come from it (a file without a header), and
/// nothing when it is only compared with the header's.
ExtractKind kindNamedBy(const QString &fileName, bool bothMeanPageviews)
{
    const QString name = fileName.toLower();
    const bool views = name.contains(QLatin1String("view"));
    const bool users = name.contains(QLatin1String("user"));
    if (views && (!users || bothMeanPageviews))
        return ExtractKind::Pageviews;
    return users && !views ? ExtractKind::UsersSnapshot : ExtractKind::Unknown;
}

QString quotedList(const QStringList &names)
{
    QStringList quoted;
    for (const QString &name : names)
        quoted << QLatin1Char('\'') + name + QLatin1Char('\'');
    if (quoted.size() == 1)
        return quoted.front();
    const QString last = quoted.takeLast();
    return quoted.join(QLatin1String(", ")) + QLatin1String(" and ") + last;
}

} // namespace

class ExtractReader::Private
{
public:
    bool fail(const QString &reason, qint64 line = 0);
    bool readHeader(ExtractKind expected);
    bool placeColumnsByName(ExtractKind expected, qint64 line);
    bool placeColumnsByNumber(ExtractKind expected, qint64 line);
    /// The 0-based position layout gives a column by number, if it does (size_t(-1) for a number below 1).
    std::optional<size_t> numberedColumn(const QString &column) const;
    /// The file's name for a column: the layout's, else the column's own.
    QString fileNameOf(const QString &column) const;
    void setLabels(ExtractKind detected);
    std::optional<Result> startRecord(ExtractKind wanted, RejectedLine &rejected);
    Result reject(RejectedLine &rejected, const QString &reason, quint64 userId = 0);
    Result rejectColumn(RejectedLine &rejected, int column, const QString &reason, quint64 userId = 0);
    quint64 userIdIfValid() const;

    QString path;
    QString displayName;
    /// The content when it is read from memory.
    std::optional<QByteArray> content;
    CsvRecordReader csv;
    ExtractLayout layout;
    ExtractKind kind = ExtractKind::Unknown;
    QStringList labels;
    ExtractError error;
    bool ready = false;
    qint64 rows = 0;
    qint64 size = 0;
    std::array<size_t, 3> columns{};
    std::optional<size_t> datedPosition;
    QString datedName;
    size_t headerFields = 0;
    /// The first pageview time with a zone and the first without: a file must not hold both.
    qint64 firstZonedLine = 0, firstNaiveLine = 0;
    QByteArray firstZoned, firstNaive;
    std::array<char, MaxPostcodeLength> postcode{};
};

bool ExtractReader::Private::fail(const QString &reason, qint64 line)
{
    ready = false;
    error = ExtractError{displayName, line, QString(), reason};
    return false;
}

bool ExtractReader::Private::readHeader(ExtractKind expected)
{
    if (layout.delimiter)
        csv.setDelimiter(layout.delimiter);
    switch (csv.next()) {
    case CsvRecordReader::Status::Failed:
        return fail(csv.errorString(), csv.errorLine());
    case CsvRecordReader::Status::End:
        return fail(QStringLiteral("the file is empty: expected a header line %1 and then one line per %2")
                            .arg(expected == ExtractKind::Unknown ? expectedHeaders(expected) : headerOf(expected),
                                 expected == ExtractKind::UsersSnapshot ? QStringLiteral("user")
                                 : expected == ExtractKind::Pageviews   ? QStringLiteral("pageview")
                                                                        : QStringLiteral("row")));
    case CsvRecordReader::Status::Record:
        break;
    }
    const qint64 line = csv.line();
    // A lone CR inside the first line: the whole file is one line to a reader of LF and CRLF.
    const std::string_view firstLine = csv.raw();
    if (const size_t cr = firstLine.find('\r'); cr != std::string_view::npos && cr + 1 < firstLine.size() && firstLine[cr + 1] != '\n')
        return fail(QStringLiteral("the lines end in a lone CR (classic Mac line ends): save the file with LF or CRLF "
                                   "line ends"),
                    line);
    if (!layout.delimiter && csv.fields().size() == 1) {
        // Not comma-separated: the separator is the one of tab, '|' and ';' that the first line holds, when it
        // holds only one of them; with two it is the operator's to say.
        std::vector<char> present;
        for (const char candidate : {'\t', '|', ';'})
            if (firstLine.find(candidate) != std::string_view::npos)
                present.push_back(candidate);
        if (present.size() > 1) {
            return fail(QStringLiteral("the first line holds both %1 and %2, and no comma: say which one separates the "
                                       "fields with --delimiter")
                            .arg(delimiterName(present[0]), delimiterName(present[1])),
                        line);
        }
        if (present.size() == 1) {
            csv.setDelimiter(present.front());
            csv.rewindRecord();
            if (csv.next() != CsvRecordReader::Status::Record)
                return fail(csv.errorString(), csv.errorLine());
        }
    }
    if (csv.isMalformed())
        return fail(QStringLiteral("the %1 line is malformed: %2").arg(layout.headerless ? QStringLiteral("first") : QStringLiteral("header"), csv.malformation()), line);
    headerFields = csv.fields().size();
    return layout.headerless ? placeColumnsByNumber(expected, line) : placeColumnsByName(expected, line);
}

std::optional<size_t> ExtractReader::Private::numberedColumn(const QString &column) const
{
    const auto mapped = layout.columns.find(column);
    if (mapped == layout.columns.end())
        return std::nullopt;
    bool isNumber = false;
    const int number = mapped->second.toInt(&isNumber);
    if (!isNumber)
        return std::nullopt;
    return number >= 1 ? size_t(number - 1) : size_t(-1);
}

QString ExtractReader::Private::fileNameOf(const QString &column) const
{
    const auto mapped = layout.columns.find(column);
    return mapped == layout.columns.end() ? column : mapped->second;
}

void ExtractReader::Private::setLabels(ExtractKind detected)
{
    labels.clear();
    for (const std::string_view name : columnsOf(detected)) {
        const QString column = fromView(name);
        const auto mapped = layout.columns.find(column);
        if (mapped == layout.columns.end())
            labels << column;
        else if (numberedColumn(column))
            labels << QStringLiteral("%1 (column %2)").arg(column, mapped->second);
        else
            labels << QStringLiteral("%1 (%2)").arg(column, mapped->second);
    }
}

bool ExtractReader::Private::placeColumnsByNumber(ExtractKind expected, qint64 line)
{
    // No header to tell the kind: the operator's word, else the file's name.
    ExtractKind detected = expected;
    if (detected == ExtractKind::Unknown) {
        detected = kindNamedBy(displayName, true);
        if (detected == ExtractKind::Unknown)
            return fail(QStringLiteral("a file without a header line does not say what it holds, nor does its name: give "
                                       "its kind (--kind users or pageviews)"),
                        line);
    }
    size_t index = 0;
    for (const std::string_view name : columnsOf(detected)) {
        const QString column = fromView(name);
        if (layout.columns.count(column) && !numberedColumn(column)) {
            return fail(QStringLiteral("a file without a header line has no column named '%1': give column %2 by its "
                                       "number, as in %2=%3")
                            .arg(fileNameOf(column), column)
                            .arg(index + 1),
                        line);
        }
        columns[index] = numberedColumn(column).value_or(index);
        if (columns[index] >= headerFields) {
            return fail(QStringLiteral("column %1 is number %2, but the first line has %3 field%4")
                            .arg(column)
                            .arg(qint64(columns[index]) + 1)
                            .arg(headerFields)
                            .arg(headerFields == 1 ? QString() : QStringLiteral("s")),
                        line);
        }
        ++index;
    }
    if (!layout.asOfColumn.isEmpty() && detected == ExtractKind::UsersSnapshot) {
        bool isNumber = false;
        const int number = layout.asOfColumn.toInt(&isNumber);
        if (!isNumber || number < 1 || size_t(number) > headerFields)
            return fail(QStringLiteral("a file without a header line has no column '%1': give the as-of column by its "
                                       "number, from 1 to %2")
                            .arg(layout.asOfColumn)
                            .arg(headerFields),
                        line);
        datedPosition = size_t(number - 1);
        datedName = QStringLiteral("column %1").arg(number);
    }
    setLabels(detected);
    // The first line is the first row.
    csv.rewindRecord();
    kind = detected;
    ready = true;
    return true;
}

bool ExtractReader::Private::placeColumnsByName(ExtractKind expected, qint64 line)
{
    const std::vector<std::string_view> &fields = csv.fields();
    QString found = fromView(csv.raw());
    if (found.size() > MaxQuotedHeader)
        found = found.left(MaxQuotedHeader - 3) + QLatin1String("...");

    // Where each column sits: at its number when given one, else where its name (or the file's name for it) is,
    // matched without regard to case and surrounding blanks.
    const auto positionsOf = [&](std::string_view name) {
        const QString column = fromView(name);
        if (const std::optional<size_t> number = numberedColumn(column))
            return *number < fields.size() ? std::vector<size_t>{*number} : std::vector<size_t>{};
        const QString wanted = fileNameOf(column);
        std::vector<size_t> positions;
        for (size_t i = 0; i < fields.size(); ++i)
            if (fromView(trimmed(fields[i])).compare(wanted, Qt::CaseInsensitive) == 0)
                positions.push_back(i);
        return positions;
    };
    const auto countPresent = [&](ExtractKind which) {
        size_t present = 0;
        for (const std::string_view name : columnsOf(which))
            present += positionsOf(name).empty() ? 0 : 1;
        return present;
    };
    const size_t usersPresent = countPresent(ExtractKind::UsersSnapshot);
    const size_t pageviewsPresent = countPresent(ExtractKind::Pageviews);

    const QString notRecognised = QStringLiteral("the header is not recognised: expected %1, found '%2'")
                                          .arg(expectedHeaders(expected), found);
    ExtractKind detected = expected;
    if (expected == ExtractKind::Unknown) {
        if (pageviewsPresent == PageviewsColumns.size())
            detected = ExtractKind::Pageviews;
        else if (usersPresent == UsersColumns.size())
            detected = ExtractKind::UsersSnapshot;
        else if (pageviewsPresent > 0)
            detected = ExtractKind::Pageviews;
        else if (usersPresent > 0)
            detected = ExtractKind::UsersSnapshot;
    } else {
        const bool own = (expected == ExtractKind::UsersSnapshot ? usersPresent : pageviewsPresent) > 0;
        const bool other = (expected == ExtractKind::UsersSnapshot ? pageviewsPresent : usersPresent) > 0;
        if (!own && other) {
            const ExtractKind otherKind = expected == ExtractKind::UsersSnapshot ? ExtractKind::Pageviews
                                                                                 : ExtractKind::UsersSnapshot;
            return fail(QStringLiteral("this is %1, not %2").arg(describe(otherKind), describe(expected)), line);
        }
        if (!own)
            detected = ExtractKind::Unknown;
    }
    if (detected == ExtractKind::Unknown) {
        QString hint;
        if (!fields.empty() && parseUserId(fields.front(), nullptr))
            hint = QStringLiteral(" (the first line must be the header; a file without one loads with --no-header)");
        else if (fields.size() > 1)
            hint = QStringLiteral(" (if the file names the columns otherwise, map them with --columns, as in "
                                  "id=customer_id,postcode=customer_postcode or url=page_url,pageview_datetime=timestamp)");
        return fail(notRecognised + hint, line);
    }
    // The header decides, but a name that says the other kind is a file sent under the wrong name (or the
    // wrong file): read as the header says, a snapshot named for an hour would take the hour for its as-of.
    if (const ExtractKind named = kindNamedBy(displayName, false);
        expected == ExtractKind::Unknown && named != ExtractKind::Unknown && named != detected) {
        return fail(QStringLiteral("its name says %1, but its header ('%2') is %3's: rename the file, or give its kind "
                                   "(--kind %4) if the header is right")
                        .arg(describe(named), found, describe(detected),
                             detected == ExtractKind::UsersSnapshot ? QStringLiteral("users") : QStringLiteral("pageviews")),
                    line);
    }

    QStringList missing;
    size_t index = 0;
    for (const std::string_view name : columnsOf(detected)) {
        const QString column = fromView(name);
        const std::vector<size_t> positions = positionsOf(name);
        if (positions.empty()) {
            missing << (fileNameOf(column) == column ? column : QStringLiteral("%1 (for %2)").arg(fileNameOf(column), column));
        } else if (positions.size() > 1) {
            return fail(QStringLiteral("column '%1' appears more than once in the header (columns %2 and %3)")
                                .arg(fileNameOf(column))
                                .arg(positions[0] + 1)
                                .arg(positions[1] + 1),
                        line);
        } else {
            columns[index] = positions.front();
        }
        ++index;
    }
    if (!missing.isEmpty()) {
        return fail(QStringLiteral("missing required column%1 %2: the header is '%3', expected %4; if the file names it "
                                   "otherwise, map it with --columns (as in url=page_url)")
                            .arg(missing.size() > 1 ? QStringLiteral("s") : QString(), quotedList(missing), found,
                                 expectedHeaders(detected)),
                    line);
    }
    if (detected == ExtractKind::UsersSnapshot) {
        // The as-of column when one is given (it must be there), else a date column a pipeline may have written.
        if (!layout.asOfColumn.isEmpty()) {
            bool isNumber = false;
            const int number = layout.asOfColumn.toInt(&isNumber);
            std::vector<size_t> positions;
            for (size_t i = 0; i < fields.size(); ++i)
                if (isNumber ? size_t(number) == i + 1
                             : fromView(trimmed(fields[i])).compare(layout.asOfColumn, Qt::CaseInsensitive) == 0)
                    positions.push_back(i);
            if (positions.size() != 1)
                return fail(QStringLiteral("%1 column '%2', given as the as-of column: the header is '%3'")
                                .arg(positions.empty() ? QStringLiteral("no") : QStringLiteral("more than one"),
                                     layout.asOfColumn, found),
                            line);
            datedPosition = positions.front();
        } else {
            for (const std::string_view name : DateColumns)
                if (const std::vector<size_t> positions = positionsOf(name); positions.size() == 1 && !datedPosition)
                    datedPosition = positions.front();
        }
        if (datedPosition)
            datedName = fromView(trimmed(fields[*datedPosition]));
    }
    setLabels(detected);
    kind = detected;
    ready = true;
    return true;
}

std::optional<ExtractReader::Result> ExtractReader::Private::startRecord(ExtractKind wanted, RejectedLine &rejected)
{
    if (!ready) {
        if (error.isNull())
            error = ExtractError{displayName, 0, QString(), QStringLiteral("the extract is not open")};
        return Result::Failed;
    }
    if (kind != wanted) {
        ready = false;
        error = ExtractError{displayName, 0, QString(),
                             QStringLiteral("internal error: this is %1, read as %2").arg(describe(kind), describe(wanted))};
        return Result::Failed;
    }
    switch (csv.next()) {
    case CsvRecordReader::Status::End:
        return Result::End;
    case CsvRecordReader::Status::Failed:
        fail(csv.errorString(), csv.errorLine());
        return Result::Failed;
    case CsvRecordReader::Status::Record:
        break;
    }
    ++rows;
    if (csv.isMalformed())
        return reject(rejected, csv.malformation(), userIdIfValid());
    // A ragged row, short or long, is malformed: a field too many most often means a comma inside an
    // unquoted value, and its fields cannot be trusted to be in their columns.
    if (csv.fields().size() != headerFields) {
        return reject(rejected, QStringLiteral("expected %1 fields as in the header, found %2").arg(headerFields).arg(csv.fields().size()),
                      userIdIfValid());
    }
    return std::nullopt;
}

// The id of a row rejected for its shape, when its id field is there and valid (columns[0] is the
// id column of either kind).
quint64 ExtractReader::Private::userIdIfValid() const
{
    const std::vector<std::string_view> &fields = csv.fields();
    if (columns[0] >= fields.size())
        return 0;
    return parseUserId(fields[columns[0]], nullptr).value_or(0);
}

ExtractReader::Result ExtractReader::Private::reject(RejectedLine &rejected, const QString &reason, quint64 userId)
{
    const std::string_view raw = csv.raw();
    rejected.line = csv.line();
    rejected.reason = reason;
    rejected.raw = QByteArray(raw.data(), static_cast<qsizetype>(raw.size()));
    rejected.userId = userId;
    return Result::Rejected;
}

ExtractReader::Result ExtractReader::Private::rejectColumn(RejectedLine &rejected, int column, const QString &reason,
                                                           quint64 userId)
{
    return reject(rejected, QStringLiteral("column '%1': %2").arg(labels.value(column), reason), userId);
}

ExtractReader::ExtractReader(const QString &path)
    : d(std::make_unique<Private>())
{
    d->path = path;
    d->displayName = path == QLatin1String("-") ? QStringLiteral("<stdin>") : shownFileName(QFileInfo(path).fileName());
}

ExtractReader::ExtractReader(const QByteArray &content, const QString &displayName)
    : d(std::make_unique<Private>())
{
    d->displayName = displayName;
    d->content = content;
}

ExtractReader::~ExtractReader() = default;

void ExtractReader::setContent(const QByteArray &content, const QString &displayName)
{
    d->path.clear();
    d->displayName = displayName;
    d->content = content;
}

bool ExtractReader::open(ExtractKind expected)
{
    d->ready = false;
    d->kind = ExtractKind::Unknown;
    d->labels.clear();
    d->error = ExtractError();
    d->rows = 0;
    d->size = 0;
    d->firstZonedLine = d->firstNaiveLine = 0;
    d->datedPosition.reset();
    d->datedName.clear();
    d->csv.setDelimiter(',');
    if (d->content) {
        d->size = d->content->size();
        if (!d->csv.openContent(*d->content, d->displayName))
            return d->fail(d->csv.errorString(), d->csv.errorLine());
        return d->readHeader(expected);
    }
    if (struct stat st; d->path != QLatin1String("-") && ::stat(encodeFileName(d->path).constData(), &st) == 0
                        && S_ISREG(st.st_mode))
        d->size = st.st_size;
    if (!d->csv.open(d->path))
        return d->fail(d->csv.errorString(), d->csv.errorLine());
    return d->readHeader(expected);
}

void ExtractReader::setLayout(const ExtractLayout &layout)
{
    d->layout = layout;
}

void ExtractReader::setChunkBytes(size_t bytes)
{
    d->csv.setChunkBytes(bytes);
}

char ExtractReader::delimiter() const
{
    return d->csv.delimiter();
}

QStringList ExtractReader::columnLabels() const
{
    return d->labels;
}

QString ExtractReader::datedColumn() const
{
    return d->datedName;
}

void ExtractReader::setCancelCheck(std::function<bool()> cancelled)
{
    d->csv.setCancelCheck(std::move(cancelled));
}

ExtractKind ExtractReader::kind() const
{
    return d->kind;
}

const ExtractError &ExtractReader::error() const
{
    return d->error;
}

ExtractReader::Result ExtractReader::nextUser(UserRecord &record, RejectedLine &rejected)
{
    if (const std::optional<Result> early = d->startRecord(ExtractKind::UsersSnapshot, rejected))
        return *early;
    const std::vector<std::string_view> &fields = d->csv.fields();
    QString reason;
    const std::optional<quint64> id = parseUserId(fields[d->columns[IdColumn]], &reason);
    if (!id)
        return d->rejectColumn(rejected, IdColumn, reason);
    const int length = normalisePostcodeInto(fields[d->columns[PostcodeColumn]], d->postcode.data(), &reason);
    if (length == 0)
        return d->rejectColumn(rejected, PostcodeColumn, reason, *id);
    record.userId = *id;
    record.postcode = std::string_view(d->postcode.data(), static_cast<size_t>(length));
    record.line = d->csv.line();
    record.dated = d->datedPosition ? trimmed(fields[*d->datedPosition]) : std::string_view();
    return Result::Record;
}

ExtractReader::Result ExtractReader::nextPageview(PageviewRecord &record, RejectedLine &rejected)
{
    if (const std::optional<Result> early = d->startRecord(ExtractKind::Pageviews, rejected))
        return *early;
    const std::vector<std::string_view> &fields = d->csv.fields();
    QString reason;
    const std::optional<quint64> id = parseUserId(fields[d->columns[UserIdColumn]], &reason);
    if (!id)
        return d->rejectColumn(rejected, UserIdColumn, reason);
    const std::string_view url = fields[d->columns[UrlColumn]];
    if (url.empty() || ((url.front() == ' ' || url.front() == '\t') && trimmed(url).empty()))
        return d->rejectColumn(rejected, UrlColumn, QStringLiteral("empty value: expected a URL"), *id);
    if (!isUtf8Text(url, &reason))
        return d->rejectColumn(rejected, UrlColumn, reason, *id);
    const std::string_view datetime = fields[d->columns[DatetimeColumn]];
    bool zoned = false;
    const std::optional<qint64> viewedAt = parseTimestamp(datetime, &reason, &zoned);
    if (!viewedAt)
        return d->rejectColumn(rejected, DatetimeColumn, reason, *id);
    // Times with a zone are converted to UTC and naive ones taken as UTC: a file holding both would mean two
    // clocks, one of them perhaps local, so it is refused rather than read on a guess.
    qint64 &first = zoned ? d->firstZonedLine : d->firstNaiveLine;
    if (first == 0) {
        first = d->csv.line();
        (zoned ? d->firstZoned : d->firstNaive) = QByteArray(datetime.data(), qsizetype(datetime.size()));
        if (d->firstZonedLine != 0 && d->firstNaiveLine != 0) {
            --d->rows; // the rows read are those handed back, and this one is not
            d->fail(QStringLiteral("line %1 has a pageview time with a zone (%2) and line %3 one without (%4): a "
                                   "file's times must all have a zone or all be naive UTC; nothing was loaded")
                        .arg(d->firstZonedLine)
                        .arg(quotedValue(std::string_view(d->firstZoned.constData(), size_t(d->firstZoned.size()))))
                        .arg(d->firstNaiveLine)
                        .arg(quotedValue(std::string_view(d->firstNaive.constData(), size_t(d->firstNaive.size())))),
                    d->csv.line());
            return Result::Failed;
        }
    }
    record.userId = *id;
    record.viewedAt = *viewedAt;
    record.line = d->csv.line();
    return Result::Record;
}

qint64 ExtractReader::rowsRead() const
{
    return d->rows;
}

qint64 ExtractReader::bytesRead() const
{
    return d->csv.fileBytesRead();
}

qint64 ExtractReader::sizeBytes() const
{
    return d->size;
}

QByteArray ExtractReader::contentHash() const
{
    return d->csv.contentHash();
}

QString ExtractReader::path() const
{
    return d->path;
}

QString ExtractReader::displayName() const
{
    return d->displayName;
}

} // namespace pv
