// DescribeLimits
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DescribeLimits.html
//
// DynamoDB's default per-account and per-table quotas for provisioned
// capacity (40,000 RCU/WCU per table, 80,000 per account).
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html
#include "api/ops/describe_limits.hh"

#include "api/ops/ops.hh"
#include "api/ops/run.hh"

namespace ddbd::api::ops {

DescribeLimitsRequest decode_describe_limits(json::object) { return {}; }

asio::awaitable<DescribeLimitsResponse> execute(RequestContext&, const DescribeLimitsRequest&) {
  co_return DescribeLimitsResponse{.account_max_read_capacity_units = 80000,
                                   .account_max_write_capacity_units = 80000,
                                   .table_max_read_capacity_units = 40000,
                                   .table_max_write_capacity_units = 40000};
}

std::string to_json(const DescribeLimitsRequest&, const DescribeLimitsResponse& resp) {
  JsonWriter w;
  w.begin_object();
  w.key("AccountMaxReadCapacityUnits");
  w.number(resp.account_max_read_capacity_units);
  w.key("AccountMaxWriteCapacityUnits");
  w.number(resp.account_max_write_capacity_units);
  w.key("TableMaxReadCapacityUnits");
  w.number(resp.table_max_read_capacity_units);
  w.key("TableMaxWriteCapacityUnits");
  w.number(resp.table_max_write_capacity_units);
  w.end_object();
  return w.take();
}

Result describe_limits(RequestContext& ctx, json::object body) { return execute_to_json(ctx, decode_describe_limits(body)); }

}  // namespace ddbd::api::ops
