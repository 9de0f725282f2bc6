// Scan as plain structs: decode, execute, to_json (see api/ops/ops.hh).
//
// Thread-safety: the structs belong to one request.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "api/context.hh"
#include "api/read_pages.hh"

namespace ddbd::api::ops {

struct ScanRequest {
  ReadPageParams page;
  // Parallel scan: Segment and TotalSegments, both or neither.
  std::optional<uint32_t> segment;
  uint32_t total_segments = 1;
};

struct ScanResponse {
  ReadPage page;
};

// Types and constraints, Segment / TotalSegments, then the expressions.
// Throws ApiError / expr::ExpressionError.
ScanRequest decode_scan(json::object body);
// The table, index and Select checks, then one page.
asio::awaitable<ScanResponse> execute(RequestContext& ctx, const ScanRequest& req);
std::string to_json(const ScanRequest& req, const ScanResponse& resp);

}  // namespace ddbd::api::ops
