#pragma once

#include "check/checksource.h"
#include "core/checkreport.h"

#include <optional>

namespace pv {

class LoadFeedback;

/// The warehouse's proof that the incremental path is right (DESIGN §4), at scan speed. From what source
/// reads, exactly as stored, and by code of its own:
/// - replays the history changes (their links, their as-ofs) and compares current(u) with the user
///   directory and the per-postcode user counts;
/// - walks every fact of the hours checked once, in a few hours at a time: each fact's stored postcode
///   against postcode_at, both hourly aggregates and the day rollups against counts recomputed from the
///   facts, each run's facts per hour against what its load recorded;
/// - reconciles every hour: pageviews loaded = in facts = sum at-time = sum current.
/// hours limits the facts, aggregates and reconciliation to a range (day rollups of days wholly in it);
/// nullopt checks every hour. Time is linear in the facts of the hours checked plus the users; memory
/// holds the history and a few hours' facts. Cancel through feedback.
CheckReport checkWarehouse(CheckSource &source, std::optional<HourSpan> hours, LoadFeedback *feedback);

} // namespace pv
