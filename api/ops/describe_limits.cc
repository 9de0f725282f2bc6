// DescribeLimits
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DescribeLimits.html
//
// DynamoDB's default per-account and per-table quotas for provisioned
// capacity (40,000 RCU/WCU per table, 80,000 per account).
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html
#include "api/ops/ops.hh"
#include "api/shapes.hh"

namespace ddbd::api::ops {

Result describe_limits(RequestContext&, json::object) {
  JsonWriter w;
  w.begin_object();
  w.key("AccountMaxReadCapacityUnits");
  w.number(80000);
  w.key("AccountMaxWriteCapacityUnits");
  w.number(80000);
  w.key("TableMaxReadCapacityUnits");
  w.number(40000);
  w.key("TableMaxWriteCapacityUnits");
  w.number(40000);
  w.end_object();
  co_return w.take();
}

}  // namespace ddbd::api::ops
