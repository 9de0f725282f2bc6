#include "server/health_check.hh"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include "api/lambda/invoke.hh"

namespace ddbd::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

HealthCheckResult health_check(const std::string& url, std::chrono::milliseconds deadline) {
  HealthCheckResult out;
  auto u = api::lambda::parse_url(url);
  if (!u) {
    out.problem = "invalid URL " + url + " (expected http://host[:port][/path])";
    return out;
  }
  // The target is the URL's path as written ("/" when it has none).
  const auto slash = url.find('/', sizeof "http://" - 1);
  http::request<http::empty_body> req{http::verb::get, slash == std::string::npos ? "/" : url.substr(slash), 11};
  req.set(http::field::host, u->host + ":" + u->port);
  req.set(http::field::connection, "close");

  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  asio::ip::tcp::resolver resolver(ioc);
  beast::flat_buffer buf;
  http::response<http::string_body> res;
  boost::system::error_code result = asio::error::timed_out;
  // One deadline for everything: the stream's timer covers connect, write
  // and read; run_for() bounds the resolve too.
  stream.expires_after(deadline);
  resolver.async_resolve(u->host, u->port, [&](boost::system::error_code ec, asio::ip::tcp::resolver::results_type r) {
    if (ec) { result = ec; return; }
    stream.async_connect(r, [&](boost::system::error_code ec2, const asio::ip::tcp::endpoint&) {
      if (ec2) { result = ec2; return; }
      http::async_write(stream, req, [&](boost::system::error_code ec3, std::size_t) {
        if (ec3) { result = ec3; return; }
        http::async_read(stream, buf, res, [&](boost::system::error_code ec4, std::size_t) { result = ec4; });
      });
    });
  });
  ioc.run_for(deadline);
  if (!ioc.stopped() || result == beast::error::timeout) {
    out.problem = "no answer from " + url + " within " + std::to_string(deadline.count()) + " ms";
    return out;
  }
  if (result) {
    out.problem = url + ": " + result.message();
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
