// Query as plain structs: decode, execute, to_json (see api/ops/ops.hh).
//
// Thread-safety: the structs belong to one request.
#pragma once

#include <string>

#include "api/context.hh"
#include "api/read_pages.hh"

namespace ddbd::api::ops {

struct QueryRequest {
  ReadPageParams page;  // the key condition is page.exprs->key_condition
  bool scan_index_forward = true;
};

struct QueryResponse {
  ReadPage page;
};

// Types and constraints, then the expressions (see query.cc for the order).
// Throws ApiError / expr::ExpressionError.
QueryRequest decode_query(json::object body);
// The table, index, Select and key-condition checks, then one page.
// execute_now() is execute() without a coroutine (it never suspends).
QueryResponse execute_now(RequestContext& ctx, const QueryRequest& req);
asio::awaitable<QueryResponse> execute(RequestContext& ctx, const QueryRequest& req);
std::string to_json(const QueryRequest& req, const QueryResponse& resp);

}  // namespace ddbd::api::ops
