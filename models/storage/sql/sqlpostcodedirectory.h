#pragma once

#include "query/postcodedirectory.h"

#include <QSqlDatabase>

namespace pv {

/// PostcodeDirectory through Qt's SQL driver, in SQL both engines speak: postcodes, postcode_current_users and user_postcode_changes.
class SqlPostcodeDirectory final : public PostcodeDirectory
{
public:
    explicit SqlPostcodeDirectory(QSqlDatabase db);

    QStringList search(const QString &prefix, int limit = 50) const override;
    std::optional<qint64> currentUsers(const QString &postcode) const override;
    QList<PostcodeMove> moves(const QString &postcode, qint64 from, qint64 to) const override;

private:
    std::optional<qint64> postcodeId(const QString &postcode) const;

    QSqlDatabase m_db;
};

} // namespace pv
