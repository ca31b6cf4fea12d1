#pragma once

class QWidget;

namespace pv {

struct LoadRequest;

/// Asks before a users snapshot the removal guard refused is loaded anyway, saying how many users it will mark
/// removed; Cancel is the default (Enter or Escape keeps the warehouse as it is). True: load it.
bool askToLoadAnyway(QWidget *parent, const LoadRequest &request);

} // namespace pv
