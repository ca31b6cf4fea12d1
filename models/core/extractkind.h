#pragma once

#include <QByteArray>
#include <QString>

namespace pv {

enum class ExtractKind { Unknown, UsersSnapshot, Pageviews };

/// "users" / "pageviews" / "unknown": the names the command line and the run records use.
QString extractKindName(ExtractKind kind);
ExtractKind extractKindFromName(const QString &name);

/// One quarantined line: where, why, and the raw text as it stood in the file.
struct RejectedLine
{
    qint64 line = 0;
    QString reason;
    QByteArray raw;
    /// The row's id / user_id when that field itself was valid (0 otherwise): a users snapshot
    /// treats a rejected row of a known user as "this user is unchanged".
    quint64 userId = 0;
};

} // namespace pv
