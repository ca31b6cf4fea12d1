#include "importlayouts.h"

#include "extract/extractpreview.h"

#include <QFileInfo>
#include <QSettings>
#include <QUrl>

namespace pv {

namespace {
/// Where the layout of a folder's files is remembered (a folder's path is not a settings key as it stands).
QString layoutKey(const QString &path, const char *field)
{
    const QString folder = QFileInfo(path).absolutePath();
    return QStringLiteral("importLayouts/%1/%2")
        .arg(QString::fromLatin1(QUrl::toPercentEncoding(folder)), QLatin1String(field));
}

} // namespace

ExtractLayout rememberedLayout(const QString &path)
{
    const QSettings settings;
    ExtractLayout layout;
    layout.delimiter = char(settings.value(layoutKey(path, "delimiter"), 0).toInt());
    QString ignored;
    layout.columns = parseColumnMapping(settings.value(layoutKey(path, "columns")).toString(), &ignored)
                         .value_or(std::map<QString, QString>{});
    layout.headerless = settings.value(layoutKey(path, "headerless"), false).toBool();
    return layout;
}

ExtractLayout layoutFor(const QString &path)
{
    const ExtractLayout remembered = rememberedLayout(path);
    if (remembered.isContractShape() || previewExtract(path, 0, 1, remembered).isValid())
        return remembered;
    return previewExtract(path, 0, 1).isValid() ? ExtractLayout{} : remembered;
}

void rememberLayout(const QString &path, const ExtractLayout &layout)
{
    QSettings settings;
    settings.setValue(layoutKey(path, "delimiter"), int(layout.delimiter));
    settings.setValue(layoutKey(path, "columns"), columnMappingText(layout.columns));
    settings.setValue(layoutKey(path, "headerless"), layout.headerless);
}

} // namespace pv
