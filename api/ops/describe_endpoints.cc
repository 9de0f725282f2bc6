// DescribeEndpoints
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DescribeEndpoints.html
//
// Answers with the endpoint the client is already using, so SDKs with
// endpoint discovery keep talking to ddbd.  CachePeriodInMinutes is 1440 as
// DynamoDB returns.
#include "api/ops/ops.hh"
#include "api/shapes.hh"

namespace ddbd::api::ops {

Result describe_endpoints(RequestContext& ctx, json::object) {
  JsonWriter w;
  w.begin_object();
  w.key("Endpoints");
  w.begin_array();
  w.begin_object();
  w.key("Address");
  w.string(ctx.host.empty() ? "dynamodb." + ctx.region + ".amazonaws.com" : ctx.host);
  w.key("CachePeriodInMinutes");
  w.number(1440);
  w.end_object();
  w.end_array();
  w.end_object();
  co_return w.take();
}

}  // namespace ddbd::api::ops
