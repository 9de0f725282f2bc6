// The Lambda Invoke API client: POST {endpoint}/2015-03-31/functions/{name}/invocations
// with the event as the body, as the Lambda Runtime Interface Emulator and
// `sam local start-lambda` accept (they ignore signatures, so none is sent).
//
// The function failed when the connection fails, the answer is not 2xx, or
// it carries X-Amz-Function-Error (Lambda Invoke API Reference: the function
// ran and threw; the body is the error object).
//
// Thread-safety: invoke() is reentrant; each call has its own io_context and
// connection (delivery is one batch at a time per poller).
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace ddbd::api::lambda {

// Where functions run: --lambda-endpoint and --lambda-function NAME=URL.
struct InvokeConfig {
  std::string endpoint;                          // empty: none
  std::map<std::string, std::string> functions;  // function name -> URL
  std::chrono::milliseconds timeout{30000};

  // The URL for function `name`, or empty when none is configured.
  std::string url_for(std::string_view name) const;
};

struct InvokeResult {
  bool ok = false;          // 2xx without X-Amz-Function-Error
  int status = 0;           // HTTP status, 0 when there was no answer
  std::string function_error;  // X-Amz-Function-Error
  std::string body;
  std::string error;        // why it failed, for the log line
};

struct Url {
  std::string host;
  std::string port;
  std::string base;  // path prefix without a trailing slash
};
// Parses "http://host[:port][/path]"; nullopt for anything else (https is
// not supported).
std::optional<Url> parse_url(std::string_view url);

InvokeResult invoke(std::string_view url, std::string_view function_name, const std::string& payload,
                    std::chrono::milliseconds timeout);

// Sends `req` to `u` on a connection of its own and reads the answer into
// `res`, blocking the calling thread for at most `timeout` in all (resolve,
// connect, write and read).  Returns the error that stopped it
// (asio::error::timed_out past the deadline), or none when `res` is whole.
// Used by invoke() and by `ddbd --health-check`.
boost::system::error_code exchange(const Url& u, boost::beast::http::request<boost::beast::http::string_body>& req,
                                   boost::beast::http::response<boost::beast::http::string_body>& res,
                                   std::chrono::milliseconds timeout);

}  // namespace ddbd::api::lambda
