// ListTables as plain structs: decode, execute, to_json (see api/ops/ops.hh).
//
// Thread-safety: the structs belong to one request.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api/context.hh"
#include "api/shapes.hh"

namespace ddbd::api::ops {

struct ListTablesRequest {
  std::optional<std::string> exclusive_start_table_name;
  int64_t limit = limits::kMaxListTablesLimit;
};

struct ListTablesResponse {
  std::vector<std::string> table_names;
  std::optional<std::string> last_evaluated_table_name;  // set when more names may follow
};

// Checks Limit (1..100) and ExclusiveStartTableName (aggregated).
ListTablesRequest decode_list_tables(json::object body);
// Lists the caller's tables after ExclusiveStartTableName, at most Limit.
asio::awaitable<ListTablesResponse> execute(RequestContext& ctx, const ListTablesRequest& req);
std::string to_json(const ListTablesRequest& req, const ListTablesResponse& resp);

}  // namespace ddbd::api::ops
