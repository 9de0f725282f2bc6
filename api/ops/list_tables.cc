// ListTables
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_ListTables.html
//
// Names of the caller's tables in bytewise order, at most Limit (1..100,
// default 100) per page, starting after ExclusiveStartTableName;
// LastEvaluatedTableName is present when more names may follow.
// Checks: Limit 1..100, ExclusiveStartTableName 3..255 and pattern
// (aggregated; dynalite validations/listTables.js).
#include "api/ops/list_tables.hh"

#include <algorithm>

#include "api/ops/ops.hh"
#include "api/ops/run.hh"

namespace ddbd::api::ops {

ListTablesRequest decode_list_tables(json::object body) {
  static const std::vector<FieldSpec> specs = {
      FieldSpec{.name = "ExclusiveStartTableName", .min_length = limits::kMinTableNameLength, .max_length = limits::kMaxTableNameLength, .name_pattern = true},
      FieldSpec{.name = "Limit", .type = FieldType::Integer, .min_value = 1, .max_value = limits::kMaxListTablesLimit},
  };
  ValidationErrors errors;
  check_request(body, specs, errors);
  ListTablesRequest req;
  req.limit = get_int(body, "Limit").value_or(limits::kMaxListTablesLimit);
  if (auto start = get_string(body, "ExclusiveStartTableName")) req.exclusive_start_table_name = std::string(*start);
  return req;
}

asio::awaitable<ListTablesResponse> execute(RequestContext& ctx, const ListTablesRequest& req) {
  std::vector<std::string> names = ctx.engine.list_tables(ctx.ns);
  auto it = names.begin();
  if (req.exclusive_start_table_name)
    it = std::upper_bound(names.begin(), names.end(), *req.exclusive_start_table_name);
  ListTablesResponse resp;
  for (; it != names.end() && static_cast<int64_t>(resp.table_names.size()) < req.limit; ++it)
    resp.table_names.push_back(std::move(*it));
  if (it != names.end()) resp.last_evaluated_table_name = resp.table_names.back();
  co_return resp;
}

std::string to_json(const ListTablesRequest&, const ListTablesResponse& resp) {
  JsonWriter w;
  w.begin_object();
  w.key("TableNames");
  w.begin_array();
  for (const auto& name : resp.table_names) w.string(name);
  w.end_array();
  if (resp.last_evaluated_table_name) {
    w.key("LastEvaluatedTableName");
    w.string(*resp.last_evaluated_table_name);
  }
  w.end_object();
  return w.take();
}

Result list_tables(RequestContext& ctx, json::object body) { return execute_to_json(ctx, decode_list_tables(body)); }

}  // namespace ddbd::api::ops
