#include "server/router.hh"

#include <simdjson.h>
#include <spdlog/spdlog.h>

#include <boost/asio/async_result.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <algorithm>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <thread>

#include "api/dispatch.hh"
#include "api/errors.hh"
#include "api/lambda/rest_api.hh"
#include "api/meter.hh"
#include "server/crc32.hh"
#include "server/http_compression.hh"
#include "server/request_id.hh"
#include "storage/limits.hh"

namespace ddbd::server {

namespace asio = boost::asio;

namespace {

constexpr std::string_view kTargetPrefix = "DynamoDB_20120810.";
constexpr std::string_view kRunTtlPath = "/_ddbd/services/ttl/run";
constexpr std::string_view kMetricsPath = "/metrics";

// Calls the blocking `fn` on a thread of its own and resumes the caller on
// its executor with the result, so no I/O thread waits for a sweep.  The
// thread is detached: `fn` must stay callable until it returns (main's
// Services outlives the listener, and run_now returns once it stops).
template <class R>
asio::awaitable<R> run_on_own_thread(std::function<R()> fn) {
  auto init = [fn = std::move(fn)](auto handler) mutable {
    using H = decltype(handler);
    auto h = std::make_shared<H>(std::move(handler));
    auto ex = asio::get_associated_executor(*h);
    std::thread([fn = std::move(fn), h, ex]() mutable {
      R r = fn();
      asio::post(ex, [h, r = std::move(r)]() mutable { std::move(*h)(std::move(r)); });
    }).detach();
  };
  return asio::async_initiate<const asio::use_awaitable_t<>, void(R)>(init, asio::use_awaitable);
}

// CORS answers expose these to a browser's script (x-amz-crc32 is not
// among them, as with DynamoDB: browsers' SDKs skip that check).
constexpr std::string_view kExposedHeaders = "x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date";

// Sets the headers every answer carries and, when `coding` is not identity
// and the body is at least kCompressResponseBytes, compresses the body.
// x-amz-crc32 covers the body as sent, compressed or not, as DynamoDB's
// does (the SDKs check it before they inflate).
void finish(HttpResponse& res, std::string_view request_id, std::string_view content_type,
            BodyCoding coding = BodyCoding::identity) {
  res.set(http::field::content_type, content_type);
  res.set("x-amzn-RequestId", request_id);
  if (coding != BodyCoding::identity && res.body().size() >= kCompressResponseBytes) {
    res.body() = compress(res.body(), coding);
    res.set(http::field::content_encoding, coding_name(coding));
  }
  res.set("x-amz-crc32", std::to_string(crc32(res.body())));
  res.prepare_payload();
}

asio::awaitable<void> finish_on_pool(HttpResponse& res, std::string_view request_id, std::string_view content_type,
                                     BodyCoding coding) {
  finish(res, request_id, content_type, coding);
  co_return;
}

// The Accept-Encoding of `req`: the last such header counts, as DynamoDB
// reads it.
BodyCoding reply_coding(const HttpRequest& req) {
  std::string_view value;
  auto [first, last] = req.equal_range(http::field::accept_encoding);
  for (auto it = first; it != last; ++it) value = it->value();
  return value.empty() ? BodyCoding::identity : choose_response_coding(value);
}

void set_error(HttpResponse& res, const api::ApiError& e) {
  api::Response r = api::error_response(e);
  res.result(static_cast<http::status>(r.status));
  res.body() = std::move(r.body);
}

// The Access-Control-Allow-Origin answered to `origin`: "*" without --cors
// or with --cors '*' (DynamoDB Local's default), the origin itself when a
// --cors list names it, empty when the list does not.
std::string_view allowed_origin(const std::optional<std::string>& cors, std::string_view origin) {
  if (!cors || *cors == "*") return "*";
  std::string_view list = *cors;
  while (!list.empty()) {
    auto comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item == origin) return origin;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return {};
}

// The top-level TableName of a request body, for --log-requests ("-" when
// there is none, as in BatchGetItem, or the body is not JSON).  Reads only
// as far as the member; runs only when request logging is on.
std::string logged_table_name(const std::string& body) {
  thread_local simdjson::ondemand::parser parser;
  if (body.capacity() < body.size() + simdjson::SIMDJSON_PADDING) return "-";
  simdjson::ondemand::document doc;
  if (parser.iterate(body.data(), body.size(), body.capacity()).get(doc) != simdjson::SUCCESS) return "-";
  std::string_view name;
  if (doc.find_field_unordered("TableName").get_string().get(name) != simdjson::SUCCESS) return "-";
  return std::string(name);
}

}  // namespace

bool Router::route_now(HttpRequest& req, HttpResponse& res, Pending& p) {
  p.step = Pending::Step::none;
  p.id = new_request_id();
  const std::string_view request_id = p.id.view();
  res.version(req.version());
  res.keep_alive(req.keep_alive());

  std::string_view origin;
  if (auto it = req.find(http::field::origin); it != req.end()) origin = it->value();
  const std::string_view allow_origin = origin.empty() ? std::string_view() : allowed_origin(config_.cors, origin);
  const bool cors = !allow_origin.empty();
  if (cors) {
    res.set(http::field::access_control_allow_origin, allow_origin);
    res.set(http::field::access_control_expose_headers, kExposedHeaders);
  }

  // CORS preflight.
  if (req.method() == http::verb::options && !origin.empty()) {
    if (cors) {
      if (auto it = req.find(http::field::access_control_request_headers); it != req.end())
        res.set(http::field::access_control_allow_headers, it->value());
      if (auto it = req.find(http::field::access_control_request_method); it != req.end())
        res.set(http::field::access_control_allow_methods, it->value());
      res.set(http::field::access_control_max_age, "172800");
    }
    finish(res, request_id, "text/plain");
    return true;
  }

  // Health check: GET / answers as DynamoDB's endpoint does, naming the
  // host the client asked for.  HEAD gets the same answer (RFC 9110
  // §9.3.2); the listener drops its body.
  if ((req.method() == http::verb::get || req.method() == http::verb::head) && (req.target() == "/" || req.target().starts_with("/?"))) {
    const std::string_view host = req[http::field::host];
    res.body() = "healthy: ";
    res.body() += host.empty() ? std::string_view("dynamodb.us-east-1.amazonaws.com") : host;
    finish(res, request_id, "text/plain");
    return true;
  }

  // Prometheus scrape (api/meter.hh): unauthenticated, like the health check.
  if ((req.method() == http::verb::get || req.method() == http::verb::head) && api_config_.meter &&
      (req.target() == kMetricsPath || req.target().starts_with("/metrics?"))) {
    res.body() = api_config_.meter->prometheus(engine_);
    finish(res, request_id, "text/plain; version=0.0.4; charset=utf-8");
    return true;
  }

  if (req.method() == http::verb::post && req.target() == kRunTtlPath && config_.run_ttl_sweep) {
    p.step = Pending::Step::ttl_sweep;
    return false;
  }

  if (req.target().starts_with(api::lambda::kRestPrefix)) {
    p.step = Pending::Step::lambda;
    return false;
  }

  std::string_view content_type;
  if (auto it = req.find(http::field::content_type); it != req.end()) content_type = it->value();
  const bool json11 = content_type.starts_with("application/x-amz-json-1.1");
  const bool json_ok = content_type.starts_with("application/x-amz-json-1.0") || json11 ||
                       content_type.starts_with("application/json");
  p.reply_type = json11 ? "application/x-amz-json-1.1" : "application/x-amz-json-1.0";

  if (req.method() != http::verb::post || (!req.body().empty() && !json_ok)) {
    res.result(http::status::not_found);
    res.body() = "<UnknownOperationException/>\n";
    finish(res, request_id, "text/xml");
    return true;
  }

  p.codings.reply = reply_coding(req);
  std::string_view target;
  if (auto it = req.find("x-amz-target"); it != req.end()) target = it->value();
  p.op = nullptr;
  if (target.starts_with(kTargetPrefix)) p.op = api::find_operation(target.substr(kTargetPrefix.size()));
  constexpr std::string_view kStreamsPrefix = "DynamoDBStreams_20120810.";
  if (target.starts_with(kStreamsPrefix)) p.op = api::find_streams_operation(target.substr(kStreamsPrefix.size()));
  if (!p.op) {
    const api::ApiError e(api::ErrorCode::UnknownOperationException, "Unknown operation: " + std::string(target));
    if (api_config_.meter) api_config_.meter->count_error(e.code());
    set_error(res, e);
    finish(res, request_id, p.reply_type, p.codings.reply);
    if (config_.log_requests)
      spdlog::info("request {} {} table=- status={} latency_ms=0.000", request_id, target.empty() ? "-" : target,
                   res.result_int());
    return true;
  }

  // --log-requests: the table is read before the body is consumed.
  if (config_.log_requests) {
    p.started = std::chrono::steady_clock::now();
    p.table = logged_table_name(req.body());
  }
  p.codings.request = BodyCoding::identity;
  if (auto it = req.find(http::field::content_encoding); it != req.end())
    p.codings.request = parse_content_encoding(it->value());
  const std::size_t heavy_from = p.codings.request && *p.codings.request == BodyCoding::identity
                                     ? kHeavyRequestBytes
                                     : kHeavyCodedRequestBytes;
  if (config_.heavy && req.body().size() >= heavy_from) {
    p.step = Pending::Step::heavy;
    return false;
  }
  p.step = serve_now(req, res, p, false);
  if (p.step != Pending::Step::none) return false;
  log_request(p, res);
  return true;
}

asio::awaitable<void> Router::route_rest(HttpRequest& req, HttpResponse& res, Pending& p) {
  const std::string_view request_id = p.id.view();
  switch (p.step) {
    case Pending::Step::none:
      co_return;
    case Pending::Step::ttl_sweep:
      co_await run_ttl_sweep(res, request_id);
      co_return;
    case Pending::Step::lambda:
      co_await serve_lambda(req, res, request_id);
      co_return;
    case Pending::Step::heavy: {
      HeavyGate::Ticket slot = co_await heavy_gate_.enter();
      co_await asio::co_spawn(config_.heavy, serve_on_pool(req, res, p), asio::use_awaitable);
      break;
    }
    case Pending::Step::dispatch:
      co_await serve_dispatch(req, res, p, false);
      break;
    case Pending::Step::finish_on_pool:
      co_await asio::co_spawn(config_.heavy, finish_on_pool(res, request_id, p.reply_type, p.codings.reply),
                              asio::use_awaitable);
      break;
  }
  log_request(p, res);
}

boost::asio::awaitable<HttpResponse> Router::route(HttpRequest& req) {
  // The answer's fields come from the request's arena.
  HttpResponse res{std::piecewise_construct, std::make_tuple(), std::make_tuple(req.get_allocator())};
  Pending p;
  if (!route_now(req, res, p)) co_await route_rest(req, res, p);
  co_return std::move(res);
}

void Router::log_request(const Pending& p, const HttpResponse& res) const {
  if (!config_.log_requests) return;
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - p.started).count();
  spdlog::info("request {} {} table={} status={} latency_ms={:.3f}", p.id.view(), api::operation_name(*p.op),
               p.table, res.result_int(), ms);
}

asio::awaitable<void> Router::run_ttl_sweep(HttpResponse& res, std::string_view request_id) {
  const std::optional<std::size_t> deleted =
      co_await run_on_own_thread<std::optional<std::size_t>>(config_.run_ttl_sweep);
  if (deleted) {
    res.body() = "{\"deleted\":" + std::to_string(*deleted) + "}";
  } else {
    res.result(http::status::service_unavailable);
    res.body() = "{\"message\":\"the ttl service is not running\"}";
  }
  finish(res, request_id, "application/json");
}

std::string_view Router::NamespaceBuffer::of(const Principal& who, bool shared_db) {
  if (shared_db) return "shared";
  const std::size_t size = who.access_key_id.size() + 1 + who.region.size();
  char* out = inline_;
  if (size > sizeof inline_) {
    spill_.resize(size);
    out = spill_.data();
  }
  std::copy(who.access_key_id.begin(), who.access_key_id.end(), out);
  out[who.access_key_id.size()] = '/';
  std::copy(who.region.begin(), who.region.end(), out + who.access_key_id.size() + 1);
  return {out, size};
}

api::RequestContext Router::context_for(const Principal& who, std::string_view request_id, const HttpRequest& req,
                                        const asio::any_io_executor* heavy, NamespaceBuffer& ns) const {
  const auto host = req[http::field::host];
  return api::RequestContext{engine_,
                             api_config_,
                             clock_,
                             who.access_key_id,
                             who.region,
                             ns.of(who, config_.shared_db),
                             request_id,
                             std::string_view(host.data(), host.size()),
                             heavy};
}

asio::awaitable<void> Router::serve_lambda(HttpRequest& req, HttpResponse& res, std::string_view request_id) {
  AuthRequest areq{req, req.body()};
  auto auth = auth_.authenticate(areq, clock_.now_seconds(), "lambda");
  api::lambda::RestResponse r;
  if (auto* err = std::get_if<AuthError>(&auth)) {
    const api::ErrorInfo& info = api::error_info(err->code);
    r = api::lambda::rest_error(info.http_status, info.name, err->message);
  } else {
    NamespaceBuffer ns;
    api::RequestContext ctx = context_for(std::get<Principal>(auth), request_id, req, nullptr, ns);
    std::string_view method(req.method_string().data(), req.method_string().size());
    std::string_view target(req.target().data(), req.target().size());
    r = co_await api::lambda::dispatch_rest(ctx, method, target, std::move(req.body()));
  }
  res.result(static_cast<http::status>(r.status));
  if (!r.error_type.empty()) res.set("x-amzn-ErrorType", r.error_type);
  res.body() = std::move(r.body);
  finish(res, request_id, "application/json");
}

Router::Pending::Step Router::serve_now(HttpRequest& req, HttpResponse& res, Pending& p, bool on_heavy) {
  const std::string_view request_id = p.id.view();
  // The signature covers the body as sent (compressed).
  AuthRequest areq{req, req.body()};
  auto auth = auth_.authenticate(areq, clock_.now_seconds());
  if (auto* err = std::get_if<AuthError>(&auth)) {
    if (api_config_.meter) api_config_.meter->count_error(err->code);
    set_error(res, api::ApiError(err->code, err->message));
    finish(res, request_id, p.reply_type, p.codings.reply);
    return Pending::Step::none;
  }
  p.who = std::get<Principal>(auth);
  if (!p.codings.request || *p.codings.request != BodyCoding::identity) {
    // DynamoDB answers an unknown coding, and a body that does not inflate,
    // with a 500; an inflated body over the request limit gets the 413 of
    // an uncompressed one.
    std::string plain;
    const InflateStatus st = p.codings.request ? inflate_body(req.body(), *p.codings.request, limits::kMaxRequestBytes,
                                                              simdjson::SIMDJSON_PADDING, plain)
                                               : InflateStatus::corrupt;
    if (st != InflateStatus::ok) {
      if (st == InflateStatus::too_large) {
        res.result(http::status::payload_too_large);
        res.body() = kPayloadTooLargeBody;
      } else {
        set_error(res, api::ApiError::internal());
      }
      finish(res, request_id, p.reply_type, p.codings.reply);
      return Pending::Step::none;
    }
    req.body().swap(plain);
  }
  NamespaceBuffer ns;
  api::RequestContext ctx = context_for(p.who, request_id, req, on_heavy || !config_.heavy ? nullptr : &config_.heavy, ns);
  std::optional<api::Response> direct = api::dispatch_direct(ctx, *p.op, req.body());
  if (!direct) return Pending::Step::dispatch;
  return answer(res, *direct, p, on_heavy);
}

Router::Pending::Step Router::answer(HttpResponse& res, api::Response& r, const Pending& p, bool on_heavy) {
  res.result(static_cast<http::status>(r.status));
  res.body() = std::move(r.body);
  // A big answer (BatchGetItem builds those on the heavy pool) has its
  // checksum computed there too, and so is its compression.
  const bool compressing = p.codings.reply != BodyCoding::identity && res.body().size() >= kCompressResponseBytes;
  const std::size_t pool_from = compressing ? kHeavyCompressBytes : kHeavyRequestBytes;
  if (!on_heavy && config_.heavy && res.body().size() >= pool_from) return Pending::Step::finish_on_pool;
  finish(res, p.id.view(), p.reply_type, p.codings.reply);
  return Pending::Step::none;
}

asio::awaitable<void> Router::serve_dispatch(HttpRequest& req, HttpResponse& res, Pending& p, bool on_heavy) {
  NamespaceBuffer ns;
  api::RequestContext ctx =
      context_for(p.who, p.id.view(), req, on_heavy || !config_.heavy ? nullptr : &config_.heavy, ns);
  api::Response r = co_await api::dispatch(ctx, *p.op, std::move(req.body()));
  if (answer(res, r, p, on_heavy) == Pending::Step::finish_on_pool)
    co_await asio::co_spawn(config_.heavy, finish_on_pool(res, p.id.view(), p.reply_type, p.codings.reply),
                            asio::use_awaitable);
}

asio::awaitable<void> Router::serve_on_pool(HttpRequest& req, HttpResponse& res, Pending& p) {
  if (serve_now(req, res, p, true) == Pending::Step::dispatch) co_await serve_dispatch(req, res, p, true);
}

}  // namespace ddbd::server
