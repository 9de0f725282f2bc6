// Router: one HTTP request in, one HTTP response out; no sockets.
//
//   GET / (and HEAD /)    health check: 200 "healthy: <the request's Host>"
//   OPTIONS (with Origin) CORS preflight (a request with an Origin is
//                         answered Access-Control-Allow-Origin "*" unless
//                         --cors lists origins)
//   POST /                X-Amz-Target "DynamoDB_20120810.<Operation>" -> api::dispatch
//   GET /metrics          Prometheus text format 0.0.4 (api/meter.hh);
//                         unauthenticated, like the health check
//   POST /_ddbd/services/ttl/run
//                         runs a TTL sweep now and answers 200 {"deleted": N}
//                         once a sweep that began after the request has
//                         finished (503 when the sweeper is not running).
//                         Outside DynamoDB's target space; unauthenticated,
//                         since it does only what the periodic sweeper does.
//   /2015-03-31/...       the Lambda REST API's event source mapping calls
//                         (SigV4 service "lambda") -> api::lambda::dispatch_rest
//
// Order of checks for POST, as DynamoDB answers (dynalite index.js):
// method and content type (404 UnknownOperationException otherwise), target
// (UnknownOperationException), authentication (MissingAuthenticationToken,
// IncompleteSignature, InvalidSignature, UnrecognizedClient), then the
// operation itself (JSON syntax -> SerializationException, ...).
//
// Every response carries x-amzn-RequestId and x-amz-crc32 (CRC32 of the
// body as sent, which botocore verifies); the listener adds Server and Date
// when it writes the head (server/http_headers.hh).
//
// Compression (server/http_compression.hh): a DynamoDB request body with
// Content-Encoding gzip or deflate is inflated after authentication (the
// signature covers the compressed bytes), bounded by the request size
// limit (413 past it); an unknown coding or a body that does not inflate is
// a 500 InternalServerError, as DynamoDB answers.  Answers of at least
// kCompressResponseBytes are compressed when Accept-Encoding allows gzip
// or deflate.
//
// Thread-safety: a Router is shared by all sessions; route() is reentrant.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "api/context.hh"
#include "api/dispatch.hh"
#include "server/auth.hh"
#include "server/heavy_gate.hh"
#include "server/http_arena.hh"
#include "server/http_compression.hh"
#include "server/request_id.hh"

namespace ddbd::server {

namespace http = boost::beast::http;
// Fields from the connection's arena (server/http_arena.hh); the response
// shares its request's.
using HttpRequest = http::request<http::string_body, HttpFields>;
using HttpResponse = http::response<http::string_body, HttpFields>;

// Requests with a body of at least this many bytes are authenticated,
// parsed and run on the heavy-work pool (RouterConfig::heavy), so a few big
// requests cannot occupy every I/O thread and keep small ones waiting
// (issue 10, item 5); so is the checksum of an answer of this size.  Decoding costs ~20 ms per MB for items of many small
// attributes; below this size the hop to the pool is not worth it.
constexpr std::size_t kHeavyRequestBytes = 256 * 1024;
// A compressed body of this size may inflate past kHeavyRequestBytes (JSON
// compresses 5-20x), so it is inflated and served on the pool too.
constexpr std::size_t kHeavyCodedRequestBytes = 16 * 1024;
// Answers from this size on are compressed when the client accepts it
// (DynamoDB's threshold, 4 KB) ...
constexpr std::size_t kCompressResponseBytes = 4096;
// ... and compressed on the heavy pool from this size on (zlib level 1 takes
// ~0.2-0.5 ms for 32 KB of JSON).
constexpr std::size_t kHeavyCompressBytes = 32 * 1024;

// The answer to a request body over the size limit, compressed or not
// (DynamoDB's 413, as dynalite answers it).
inline constexpr std::string_view kPayloadTooLargeBody =
    R"({"__type":"com.amazon.coral.service#SerializationException","Message":"Request payload too large"})";

struct RouterConfig {
  std::optional<std::string> cors;  // allowed origins ("*" or list); unset = allow "*"
  bool shared_db = false;
  // The pool for heavy work (a thread or two, fewer than the I/O threads);
  // empty: everything runs on the I/O thread of the connection.
  boost::asio::any_io_executor heavy;
  // How many big requests are served at once (the others wait their turn).
  std::size_t heavy_slots = 1;
  // Runs a TTL sweep and waits for it (blocking; called on a thread of its
  // own); the items deleted, or nullopt when the sweeper is not running.
  // Empty: the admin path answers 404.
  std::function<std::optional<std::size_t>()> run_ttl_sweep;
  // --log-requests: one info line per DynamoDB request on the "server"
  // logger (time, request id, operation, table, HTTP status, latency in ms).
  // Off: no formatting and no extra parsing on the request path.
  bool log_requests = false;
};

class Router {
 public:
  Router(storage::Engine& engine, const api::ApiConfig& api_config, const storage::Clock& clock,
         const Authenticator& auth, RouterConfig config)
      : engine_(engine),
        api_config_(api_config),
        clock_(clock),
        auth_(auth),
        config_(std::move(config)),
        heavy_gate_(config_.heavy_slots) {}

  // The request's coding (nullopt: one ddbd does not know) and the
  // answer's.
  struct Codings {
    std::optional<BodyCoding> request;
    BodyCoding reply = BodyCoding::identity;
  };
  // What route_now() leaves to route_rest(), and what both need: the
  // request id, the operation, the caller.  Valid while the request is.
  struct Pending {
    enum class Step {
      none,            // the answer is complete
      ttl_sweep,       // POST /_ddbd/services/ttl/run
      lambda,          // the Lambda REST API
      heavy,           // a big request, served on the heavy pool
      dispatch,        // an operation that suspends (api::dispatch)
      finish_on_pool,  // a big answer's checksum and compression
    };
    Step step = Step::none;
    RequestId id;
    const api::OpInfo* op = nullptr;
    std::string_view reply_type;
    Codings codings;
    Principal who;
    std::chrono::steady_clock::time_point started;  // --log-requests
    std::string table;                               // --log-requests
  };

  // Builds the response for `req` into `res` (made with the request's
  // allocator) as far as it can without suspending: true when `res` is
  // complete (GetItem, Query, the health check, errors: no coroutine
  // frame); false when `co_await route_rest(req, res, pending)` must
  // finish it.  Never throws for a client's mistake.  `req`'s body must
  // have SIMDJSON_PADDING bytes of capacity beyond its size (the session
  // reserves them).  The body stays in `req` (its buffer may be reused)
  // unless an operation that suspends takes it.
  bool route_now(HttpRequest& req, HttpResponse& res, Pending& pending);
  // The rest: big bodies run on the heavy-work pool; the response is
  // resumed on the caller's executor.
  boost::asio::awaitable<void> route_rest(HttpRequest& req, HttpResponse& res, Pending& pending);
  // Both, for callers that do not mind a coroutine frame (tests).
  boost::asio::awaitable<HttpResponse> route(HttpRequest& req);

 private:
  // POST /_ddbd/services/ttl/run.
  boost::asio::awaitable<void> run_ttl_sweep(HttpResponse& res, std::string_view request_id);

  // Room for a request's namespace ("<access key id>/<region>"), inline
  // unless it is unusually long.
  class NamespaceBuffer {
   public:
    // The namespace of `who` (--shared-db: "shared"), valid while this
    // buffer is and until the next call.
    std::string_view of(const Principal& who, bool shared_db);

   private:
    char inline_[96];
    std::string spill_;
  };
  // The context of a request authenticated as `who` (namespace per
  // --shared-db, written into `ns`); `heavy` as RequestContext::heavy.  The
  // context views `req`, `request_id` and `ns`.
  api::RequestContext context_for(const Principal& who, std::string_view request_id, const HttpRequest& req,
                                  const boost::asio::any_io_executor* heavy, NamespaceBuffer& ns) const;
  // The Lambda REST API (api/lambda/rest_api.hh): authentication, then the call.
  boost::asio::awaitable<void> serve_lambda(HttpRequest& req, HttpResponse& res, std::string_view request_id);
  // Authentication, inflating the body (into req.body()), and the operation
  // when it runs without suspending, filling `res` (body, status, headers).
  // What is left: none, dispatch or finish_on_pool (not on the pool).
  Pending::Step serve_now(HttpRequest& req, HttpResponse& res, Pending& p, bool on_heavy);
  // `r` into `res`, and its checksum and compression unless those belong
  // on the pool (then finish_on_pool is returned).
  Pending::Step answer(HttpResponse& res, api::Response& r, const Pending& p, bool on_heavy);
  // An operation that suspends, after serve_now().
  boost::asio::awaitable<void> serve_dispatch(HttpRequest& req, HttpResponse& res, Pending& p, bool on_heavy);
  // A big request, all on the heavy pool.
  boost::asio::awaitable<void> serve_on_pool(HttpRequest& req, HttpResponse& res, Pending& p);
  void log_request(const Pending& p, const HttpResponse& res) const;

  storage::Engine& engine_;
  const api::ApiConfig& api_config_;
  const storage::Clock& clock_;
  const Authenticator& auth_;
  RouterConfig config_;
  HeavyGate heavy_gate_;
};

}  // namespace ddbd::server
