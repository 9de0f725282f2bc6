// DescribeTable
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DescribeTable.html
//
// Checks: TableName type and constraints (1..255, pattern), then the table
// must exist ("Requested resource not found: Table: X not found").
#include "api/ops/describe_table.hh"

#include "api/ops/ops.hh"
#include "api/ops/run.hh"

namespace ddbd::api::ops {

DescribeTableRequest decode_describe_table(json::object body) { return {decode_table_name_request(body)}; }

asio::awaitable<DescribeTableResponse> execute(RequestContext& ctx, const DescribeTableRequest& req) {
  DescribeTableResponse resp;
  DescribedTable& d = resp.table;
  d.table = require_table(ctx, req.table_name, false);
  d.index_stats.emplace();
  {
    storage::ReadTxn txn = ctx.engine.begin_read();
    d.stats = txn.stats(*d.table);
    for (const auto& ix : d.table->indexes) d.index_stats->push_back(txn.index_stats(*d.table, ix));
  }
  d.now = ctx.now();
  co_return resp;
}

std::string to_json(const DescribeTableRequest&, const DescribeTableResponse& resp) {
  return table_description_response("Table", resp.table);
}

Result describe_table(RequestContext& ctx, json::object body) { return execute_to_json(ctx, decode_describe_table(body)); }

}  // namespace ddbd::api::ops
