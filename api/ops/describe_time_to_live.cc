// DescribeTimeToLive
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DescribeTimeToLive.html
//
// Answers for every table, TTL enabled or not; a table that never had TTL
// and one where it was disabled both read {"TimeToLiveStatus": "DISABLED"}
// with no AttributeName, as DynamoDB's do.
#include "api/ops/describe_time_to_live.hh"

#include "api/ops/ops.hh"
#include "api/ops/run.hh"

namespace ddbd::api::ops {

std::string_view time_to_live_status(const storage::TableDef& table, double now, double delay) {
  const bool settling = delay > 0 && table.ttl_updated_time > 0 && now < table.ttl_updated_time + delay;
  if (table.ttl_enabled) return settling ? "ENABLING" : "ENABLED";
  return settling ? "DISABLING" : "DISABLED";
}

DescribeTimeToLiveRequest decode_describe_time_to_live(json::object body) { return {decode_table_name_request(body)}; }

asio::awaitable<DescribeTimeToLiveResponse> execute(RequestContext& ctx, const DescribeTimeToLiveRequest& req) {
  auto table = require_table(ctx, req.table_name, false);
  const double now = ctx.now();
  const std::string_view table_status = effective_status(*table, now);
  if (table_status == "CREATING" || table_status == "DELETING")
    throw ApiError::validation("Cannot describe time to live while table is in " + std::string(table_status) + " state");
  DescribeTimeToLiveResponse resp;
  resp.status = std::string(time_to_live_status(*table, now, ctx.config.transient_status_seconds));
  if (resp.status != "DISABLED") resp.attribute_name = table->ttl_attribute;
  co_return resp;
}

std::string to_json(const DescribeTimeToLiveRequest&, const DescribeTimeToLiveResponse& resp) {
  JsonWriter w;
  w.begin_object();
  w.key("TimeToLiveDescription");
  w.begin_object();
  w.key("TimeToLiveStatus");
  w.string(resp.status);
  if (!resp.attribute_name.empty()) {
    w.key("AttributeName");
    w.string(resp.attribute_name);
  }
  w.end_object();
  w.end_object();
  return w.take();
}

Result describe_time_to_live(RequestContext& ctx, json::object body) {
  return execute_to_json(ctx, decode_describe_time_to_live(body));
}

}  // namespace ddbd::api::ops
