// DescribeTimeToLive as plain structs: decode, execute, to_json (see
// api/ops/ops.hh).
//
// Thread-safety: the structs belong to one request.
#pragma once

#include <string>

#include "api/context.hh"
#include "api/shapes.hh"

namespace ddbd::api::ops {

struct DescribeTimeToLiveRequest {
  std::string table_name;
};

struct DescribeTimeToLiveResponse {
  std::string status;          // ENABLING, DISABLING, ENABLED, DISABLED
  std::string attribute_name;  // empty when DISABLED
};

// TTL status of a table at `now`: ENABLING / DISABLING for `delay` seconds
// after the last change (the transient-status delay), then ENABLED /
// DISABLED.
std::string_view time_to_live_status(const storage::TableDef& table, double now, double delay);

// Checks TableName's type and constraints.
DescribeTimeToLiveRequest decode_describe_time_to_live(json::object body);
// The table must exist (ResourceNotFoundException) and be neither CREATING
// nor DELETING (ValidationException "Cannot describe time to live while
// table is in CREATING state", as DynamoDB answers).
asio::awaitable<DescribeTimeToLiveResponse> execute(RequestContext& ctx, const DescribeTimeToLiveRequest& req);
// {"TimeToLiveDescription": {"TimeToLiveStatus", "AttributeName" (absent when DISABLED)}}.
std::string to_json(const DescribeTimeToLiveRequest& req, const DescribeTimeToLiveResponse& resp);

}  // namespace ddbd::api::ops
