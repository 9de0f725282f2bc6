// ListTables
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_ListTables.html
//
// Names of the caller's tables in bytewise order, at most Limit (1..100,
// default 100) per page, starting after ExclusiveStartTableName;
// LastEvaluatedTableName is present when more names may follow.
// Checks: Limit 1..100, ExclusiveStartTableName 3..255 and pattern
// (aggregated; dynalite validations/listTables.js).
#include <algorithm>

#include "api/ops/ops.hh"
#include "api/shapes.hh"

namespace ddbd::api::ops {

Result list_tables(RequestContext& ctx, json::object body) {
  static const std::vector<FieldSpec> specs = {
      FieldSpec{.name = "ExclusiveStartTableName", .min_length = limits::kMinTableNameLength, .max_length = limits::kMaxTableNameLength, .name_pattern = true},
      FieldSpec{.name = "Limit", .type = FieldType::Integer, .min_value = 1, .max_value = limits::kMaxListTablesLimit},
  };
  ValidationErrors errors;
  check_request(body, specs, errors);
  int64_t limit = get_int(body, "Limit").value_or(limits::kMaxListTablesLimit);
  auto start = get_string(body, "ExclusiveStartTableName");

  std::vector<std::string> names = ctx.engine.list_tables(ctx.ns);
  auto it = names.begin();
  if (start) it = std::upper_bound(names.begin(), names.end(), *start, [](std::string_view a, const std::string& b) { return a < b; });
  JsonWriter w;
  w.begin_object();
  w.key("TableNames");
  w.begin_array();
  int64_t n = 0;
  std::string last;
  for (; it != names.end() && n < limit; ++it, ++n) {
    w.string(*it);
    last = *it;
  }
  w.end_array();
  if (it != names.end()) {
    w.key("LastEvaluatedTableName");
    w.string(last);
  }
  w.end_object();
  co_return w.take();
}

}  // namespace ddbd::api::ops
