#include "server/health_check.hh"

#include <boost/asio/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "api/lambda/invoke.hh"

namespace ddbd::server {

namespace asio = boost::asio;
namespace http = boost::beast::http;

HealthCheckResult health_check(const std::string& url, std::chrono::milliseconds deadline) {
  HealthCheckResult out;
  auto u = api::lambda::parse_url(url);
  if (!u) {
    out.problem = "invalid URL " + url + " (expected http://host[:port][/path])";
    return out;
  }
  // The target is the URL's path as written ("/" when it has none).
  const auto slash = url.find('/', sizeof "http://" - 1);
  http::request<http::string_body> req{http::verb::get, slash == std::string::npos ? "/" : url.substr(slash), 11};
  req.set(http::field::host, u->host + ":" + u->port);
  req.set(http::field::connection, "close");
  http::response<http::string_body> res;
  if (const boost::system::error_code ec = api::lambda::exchange(*u, req, res, deadline)) {
    out.problem = ec == asio::error::timed_out
                      ? "no answer from " + url + " within " + std::to_string(deadline.count()) + " ms"
                      : url + ": " + ec.message();
    return out;
  }
  if (res.result_int() != 200) {
    out.problem = url + " answered HTTP " + std::to_string(res.result_int());
    return out;
  }
  out.healthy = true;
  return out;
}

}  // namespace ddbd::server
