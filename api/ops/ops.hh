// The operations' JSON entry points, one per operation, registered in
// dispatch.cc's table (one line each).
//
// Each operation X is three steps, in api/ops/x.cc, with its structs and
// execute() declared in api/ops/x.hh (PutItem, UpdateItem and DeleteItem
// share theirs: api/write_ops.hh) so that other callers (PartiQL, the TTL
// sweeper, restores, tests) can run it without JSON:
//   XRequest decode_x(json::object body);
//       JSON -> a plain struct: every check that needs no table, in
//       DynamoDB's order (SerializationException, then the aggregated
//       constraint violations, then the semantic rules).  The struct owns
//       its data: no json views survive decode.
//   asio::awaitable<XResponse> execute(RequestContext&, const XRequest&);
//       the table checks and the work (storage, writes through const
//       WriteOps); the response struct knows nothing of JSON.
//   std::string to_json(const XRequest&, const XResponse&);
//       serialisation only.
// and the handler below chains them.  Client errors are thrown as ApiError
// from any step.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <string>

#include "api/context.hh"
#include "api/json_reader.hh"

namespace ddbd::api::ops {

using Result = asio::awaitable<std::string>;

Result batch_get_item(RequestContext& ctx, json::object body);
Result batch_write_item(RequestContext& ctx, json::object body);
Result create_table(RequestContext& ctx, json::object body);
Result delete_item(RequestContext& ctx, json::object body);
Result delete_table(RequestContext& ctx, json::object body);
Result describe_endpoints(RequestContext& ctx, json::object body);
Result describe_limits(RequestContext& ctx, json::object body);
Result describe_table(RequestContext& ctx, json::object body);
Result get_item(RequestContext& ctx, json::object body);
Result list_tables(RequestContext& ctx, json::object body);
Result put_item(RequestContext& ctx, json::object body);
Result query(RequestContext& ctx, json::object body);
Result scan(RequestContext& ctx, json::object body);
Result transact_get_items(RequestContext& ctx, json::object body);
Result transact_write_items(RequestContext& ctx, json::object body);
Result update_item(RequestContext& ctx, json::object body);
Result update_table(RequestContext& ctx, json::object body);

}  // namespace ddbd::api::ops
