// Router: one HTTP request in, one HTTP response out; no sockets.
//
//   GET / (and HEAD /)    health check: 200 "healthy: dynamodb.<region>.amazonaws.com"
//   OPTIONS (with Origin) CORS preflight
//   POST /                X-Amz-Target "DynamoDB_20120810.<Operation>" -> api::dispatch
//
// Order of checks for POST, as DynamoDB answers (dynalite index.js):
// method and content type (404 UnknownOperationException otherwise), target
// (UnknownOperationException), authentication (MissingAuthenticationToken,
// IncompleteSignature, InvalidSignature, UnrecognizedClient), then the
// operation itself (JSON syntax -> SerializationException, ...).
//
// Every response carries x-amzn-RequestId and x-amz-crc32 (CRC32 of the
// body, which botocore verifies).
//
// Thread-safety: a Router is shared by all sessions; route() is reentrant.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http.hpp>
#include <optional>
#include <string>

#include "api/context.hh"
#include "server/auth.hh"

namespace ddbd::server {

namespace http = boost::beast::http;
using HttpRequest = http::request<http::string_body>;
using HttpResponse = http::response<http::string_body>;

struct RouterConfig {
  std::optional<std::string> cors;  // allowed origins ("*" or list); unset = allow "*"
  bool shared_db = false;
};

class Router {
 public:
  Router(storage::Engine& engine, const api::ApiConfig& api_config, const storage::Clock& clock,
         const Authenticator& auth, RouterConfig config)
      : engine_(engine), api_config_(api_config), clock_(clock), auth_(auth), config_(std::move(config)) {}

  // Builds the response for `req`.  Never throws for a client's mistake.
  // `req`'s body must have SIMDJSON_PADDING bytes of capacity beyond its
  // size (the session reserves them).
  boost::asio::awaitable<HttpResponse> route(HttpRequest& req);

 private:
  storage::Engine& engine_;
  const api::ApiConfig& api_config_;
  const storage::Clock& clock_;
  const Authenticator& auth_;
  RouterConfig config_;
};

}  // namespace ddbd::server
