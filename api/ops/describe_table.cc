// DescribeTable
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DescribeTable.html
//
// Checks: TableName type and constraints (1..255, pattern), then the table
// must exist ("Requested resource not found: Table: X not found").
#include "api/ops/ops.hh"
#include "api/shapes.hh"

namespace ddbd::api::ops {

Result describe_table(RequestContext& ctx, json::object body) {
  static const std::vector<FieldSpec> specs = {table_name_spec(false)};
  ValidationErrors errors;
  check_request(body, specs, errors);
  auto table = require_table(ctx, *get_string(body, "TableName"), false);
  storage::TableStats stats;
  std::vector<storage::TableStats> index_stats;
  {
    storage::ReadTxn txn = ctx.engine.begin_read();
    stats = txn.stats(*table);
    for (const auto& ix : table->indexes) index_stats.push_back(txn.index_stats(*table, ix));
  }
  JsonWriter w;
  w.begin_object();
  w.key("Table");
  write_table_description(w, *table, stats, ctx.now(), {}, &index_stats);
  w.end_object();
  co_return w.take();
}

}  // namespace ddbd::api::ops
