// The second half of an operation's JSON entry point: given its decoded
// request, execute() and then to_json() (api/ops/ops.hh describes the
// three steps).  A handler reads
//   Result x(RequestContext& ctx, json::object body) {
//     return execute_to_json(ctx, decode_x(body));
//   }
// so decode runs, and throws, before the first suspension, while `body`
// is alive; the request struct then lives in the coroutine frame.
//
// Thread-safety: as the operation's execute().
#pragma once

#include <boost/asio/awaitable.hpp>
#include <string>

#include "api/context.hh"

namespace ddbd::api::ops {

template <class Request>
asio::awaitable<std::string> execute_to_json(RequestContext& ctx, Request req) {
  const auto resp = co_await execute(ctx, req);
  co_return to_json(req, resp);
}

}  // namespace ddbd::api::ops
