#include "core/extracterror.h"

namespace pv {

QString ExtractError::message() const
{
    QString text = file.isEmpty() ? QStringLiteral("<input>") : file;
    if (line > 0)
        text += QStringLiteral(":%1").arg(line);
    text += QStringLiteral(": ");
    if (!column.isEmpty())
        text += QStringLiteral("column '%1': ").arg(column);
    return text + reason;
}

} // namespace pv
