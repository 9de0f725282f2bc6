// UpdateTimeToLive as plain structs: decode, execute, to_json (see
// api/ops/ops.hh).
//
// Thread-safety: the structs belong to one request.
#pragma once

#include <string>

#include "api/context.hh"
#include "api/shapes.hh"

namespace ddbd::api::ops {

struct UpdateTimeToLiveRequest {
  std::string table_name;
  bool enabled = false;
  std::string attribute_name;
};

struct UpdateTimeToLiveResponse {};

// Types and constraints: TableName; TimeToLiveSpecification with its
// AttributeName (1..255) and Enabled, all required.
UpdateTimeToLiveRequest decode_update_time_to_live(json::object body);
// The table exists and is not CREATING; DynamoDB's TTL rules
// (api/table_ops.hh time_to_live_error); then the change.
asio::awaitable<UpdateTimeToLiveResponse> execute(RequestContext& ctx, const UpdateTimeToLiveRequest& req);
// Echoes the specification: {"TimeToLiveSpecification": {"Enabled", "AttributeName"}}.
std::string to_json(const UpdateTimeToLiveRequest& req, const UpdateTimeToLiveResponse& resp);

}  // namespace ddbd::api::ops
