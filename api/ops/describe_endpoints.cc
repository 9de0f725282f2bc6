// DescribeEndpoints
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DescribeEndpoints.html
//
// Answers with the endpoint the client is already using, so SDKs with
// endpoint discovery keep talking to ddbd.  CachePeriodInMinutes is 1440 as
// DynamoDB returns.
#include "api/ops/describe_endpoints.hh"

#include "api/ops/ops.hh"
#include "api/ops/run.hh"

namespace ddbd::api::ops {

DescribeEndpointsRequest decode_describe_endpoints(json::object) { return {}; }

asio::awaitable<DescribeEndpointsResponse> execute(RequestContext& ctx, const DescribeEndpointsRequest&) {
  co_return DescribeEndpointsResponse{
      .address = ctx.host.empty() ? "dynamodb." + std::string(ctx.region) + ".amazonaws.com" : std::string(ctx.host),
      .cache_period_in_minutes = 1440};
}

std::string to_json(const DescribeEndpointsRequest&, const DescribeEndpointsResponse& resp) {
  JsonWriter w;
  w.begin_object();
  w.key("Endpoints");
  w.begin_array();
  w.begin_object();
  w.key("Address");
  w.string(resp.address);
  w.key("CachePeriodInMinutes");
  w.number(resp.cache_period_in_minutes);
  w.end_object();
  w.end_array();
  w.end_object();
  return w.take();
}

Result describe_endpoints(RequestContext& ctx, json::object body) { return execute_to_json(ctx, decode_describe_endpoints(body)); }

}  // namespace ddbd::api::ops
