// JSON decoding of the legacy condition and update maps (Expected,
// QueryFilter, ScanFilter, KeyConditions, AttributeUpdates) into the plain
// structs of expressions/legacy.hh.
//
// Thread-safety: pure functions.
#pragma once

#include <vector>

#include "api/json_reader.hh"
#include "expressions/legacy.hh"

namespace ddbd::api {

std::vector<expr::LegacyCondition> decode_legacy_conditions(json::object map);
std::vector<expr::LegacyUpdate> decode_legacy_updates(json::object map);

}  // namespace ddbd::api
