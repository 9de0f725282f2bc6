// The second half of an operation's JSON entry point: given its decoded
// request, execute() and then to_json() (api/ops/ops.hh describes the
// three steps).  A handler reads
//   Result x(RequestContext& ctx, json::object body) {
//     return execute_to_json(ctx, decode_x(body));
//   }
// so decode runs, and throws, before the first suspension, while `body`
// is alive; the request struct then lives in the coroutine frame.
//
// Between the two, meter_response() hands the response's ConsumedCapacity
// to the meter (api/meter.hh): the one place where every operation's
// consumption is counted (handlers that do not use execute_to_json call it
// themselves).
//
// Thread-safety: as the operation's execute().
#pragma once

#include <boost/asio/awaitable.hpp>
#include <string>
#include <vector>

#include "api/context.hh"
#include "api/meter.hh"
#include "api/shapes.hh"

namespace ddbd::api::ops {

namespace detail {
inline void meter_units(Meter& m, const RequestContext& ctx, const ConsumedCapacity& c) { m.consumed(ctx, c); }
inline void meter_units(Meter& m, const RequestContext& ctx, const std::vector<ConsumedCapacity>& c) { m.consumed(ctx, c); }
}  // namespace detail

// Counts `resp`'s consumed capacity: its member `consumed_capacity` or
// `capacity`, one ConsumedCapacity or one per table.  A response with
// neither consumed nothing.
template <class Response>
void meter_response(const RequestContext& ctx, const Response& resp) {
  Meter* m = ctx.config.meter;
  if (!m) return;
  if constexpr (requires { detail::meter_units(*m, ctx, resp.consumed_capacity); })
    detail::meter_units(*m, ctx, resp.consumed_capacity);
  else if constexpr (requires { detail::meter_units(*m, ctx, resp.capacity); })
    detail::meter_units(*m, ctx, resp.capacity);
}

// The direct form (api/ops/ops.hh DDBD_DIRECT_OPERATIONS) of an operation
// whose execute never suspends: execute_now(), without coroutine frames.
template <class Request>
std::string execute_now_to_json(RequestContext& ctx, const Request& req) {
  const auto resp = execute_now(ctx, req);
  meter_response(ctx, resp);
  return to_json(req, resp);
}

template <class Request>
asio::awaitable<std::string> execute_to_json(RequestContext& ctx, Request req) {
  const auto resp = co_await execute(ctx, req);
  meter_response(ctx, resp);
  co_return to_json(req, resp);
}

}  // namespace ddbd::api::ops
