// DescribeEndpoints as plain structs: decode, execute, to_json (see api/ops/ops.hh).
//
// Thread-safety: the structs belong to one request.
#pragma once

#include <string>
#include <cstdint>

#include "api/context.hh"
#include "api/shapes.hh"

namespace ddbd::api::ops {

struct DescribeEndpointsRequest {};

struct DescribeEndpointsResponse {
  std::string address;
  int64_t cache_period_in_minutes = 0;
};

// The request has no members to check.
DescribeEndpointsRequest decode_describe_endpoints(json::object body);
// The endpoint the client is using (its Host header), else the region's.
asio::awaitable<DescribeEndpointsResponse> execute(RequestContext& ctx, const DescribeEndpointsRequest& req);
std::string to_json(const DescribeEndpointsRequest& req, const DescribeEndpointsResponse& resp);

}  // namespace ddbd::api::ops
