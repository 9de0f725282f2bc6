// JSON decoding of the legacy condition and update maps (Expected,
// QueryFilter, ScanFilter, KeyConditions, AttributeUpdates) into the plain
// structs of expressions/legacy.hh, and the error reply for the constraint
// violations found while translating them.
//
// Thread-safety: pure functions.
#pragma once

#include <vector>

#include "api/errors.hh"
#include "api/json_reader.hh"
#include "expressions/error.hh"
#include "expressions/legacy.hh"

namespace ddbd::api {

std::vector<expr::LegacyCondition> decode_legacy_conditions(json::object map);
std::vector<expr::LegacyUpdate> decode_legacy_updates(json::object map);

// The ValidationException for a constraint violation found by
// expr::legacy_condition / expr::legacy_update, in the one constraint-message
// format of ValidationErrors ("1 validation error detected: Value '...' at
// '...' failed to satisfy constraint: ...").
ApiError constraint_error(const expr::ConstraintError& e);

}  // namespace ddbd::api
