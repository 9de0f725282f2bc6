// One declaration per operation handler.  Each handler decodes its request
// from `body` completely before its first co_await (the JSON views die at the
// thread's next parse), validates in DynamoDB's order, executes, and returns
// the response JSON.  Client errors are thrown as ApiError.
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
