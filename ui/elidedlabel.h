#pragma once

#include <QLabel>

namespace pv {

/// A one-line label that gives up width gracefully: what does not fit ends in "…" (its owner puts the whole
/// text in the tooltip). For the status bar, whose texts must never set the window's least width or be cut
/// off mid-word.
class ElidedLabel : public QLabel
{
    Q_OBJECT
public:
    using QLabel::QLabel;

    /// The text as drawn at the label's present width.
    QString shownText() const;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;
};

} // namespace pv
