#pragma once

#include "storage/storageerror.h"

#include <QSqlQuery>
#include <QVariant>
#include <QVariantList>

class QSqlDatabase;

namespace pv {

/// A forward-only Qt SQL query for the read paths of either engine, prepared, bound and run at construction. A failure to
/// prepare, run or step throws StorageError with the driver's message, so a failed read is never taken for
/// an empty answer.
class SqlQuery
{
public:
    SqlQuery(const QSqlDatabase &db, const QString &sql, const QVariantList &binds = {});

    /// The next row: true while there is one, false at the end; throws if stepping failed.
    bool next();
    QVariant value(int column) const { return m_query.value(column); }
    const QSqlQuery &query() const { return m_query; }

private:
    QSqlQuery m_query;
};

} // namespace pv
