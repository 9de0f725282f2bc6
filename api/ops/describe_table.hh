// DescribeTable as plain structs: decode, execute, to_json (see api/ops/ops.hh).
//
// Thread-safety: the structs belong to one request.
#pragma once

#include <string>

#include "api/context.hh"
#include "api/shapes.hh"

namespace ddbd::api::ops {

struct DescribeTableRequest {
  std::string table_name;
};

struct DescribeTableResponse {
  DescribedTable table;
};

// Checks TableName's type and constraints.
DescribeTableRequest decode_describe_table(json::object body);
// The table must exist (ResourceNotFoundException); reads its statistics and its indexes'.
asio::awaitable<DescribeTableResponse> execute(RequestContext& ctx, const DescribeTableRequest& req);
std::string to_json(const DescribeTableRequest& req, const DescribeTableResponse& resp);

}  // namespace ddbd::api::ops
