#pragma once

class QString;
class QWidget;

namespace pv {

/// Fills screen with content in a frameless scroll area: a window shorter or narrower than the content's
/// least size (a 1024×600 screen, the progress panel open) scrolls the screen as a whole instead of
/// squeezing its parts.
void showScrolled(QWidget *screen, QWidget *content, const QString &objectName);

} // namespace pv
