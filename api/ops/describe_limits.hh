// DescribeLimits as plain structs: decode, execute, to_json (see api/ops/ops.hh).
//
// Thread-safety: the structs belong to one request.
#pragma once

#include <string>
#include <cstdint>

#include "api/context.hh"
#include "api/shapes.hh"

namespace ddbd::api::ops {

struct DescribeLimitsRequest {};

struct DescribeLimitsResponse {
  int64_t account_max_read_capacity_units = 0;
  int64_t account_max_write_capacity_units = 0;
  int64_t table_max_read_capacity_units = 0;
  int64_t table_max_write_capacity_units = 0;
};

// The request has no members to check.
DescribeLimitsRequest decode_describe_limits(json::object body);
// DynamoDB's default quotas; needs no storage.
asio::awaitable<DescribeLimitsResponse> execute(RequestContext& ctx, const DescribeLimitsRequest& req);
std::string to_json(const DescribeLimitsRequest& req, const DescribeLimitsResponse& resp);

}  // namespace ddbd::api::ops
