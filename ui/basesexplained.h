#pragma once

#include <QString>

class QLabel;
class QWidget;

namespace pv {

/// "What do current and at-time mean?" in one paragraph, for wherever a basis is chosen or drawn.
QString basesExplanation();

/// A link with that question; clicking it shows the paragraph.
QLabel *basesExplainedLink(QWidget *parent);

} // namespace pv
