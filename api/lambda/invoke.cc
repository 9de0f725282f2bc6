#include "api/lambda/invoke.hh"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

namespace ddbd::api::lambda {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

std::string InvokeConfig::url_for(std::string_view name) const {
  if (auto it = functions.find(std::string(name)); it != functions.end()) return it->second;
  return endpoint;
}

std::optional<Url> parse_url(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (!url.starts_with(kScheme)) return std::nullopt;
  url.remove_prefix(kScheme.size());
  auto slash = url.find('/');
  std::string_view authority = url.substr(0, slash);
  Url out;
  if (slash != std::string_view::npos) out.base = std::string(url.substr(slash));
  while (!out.base.empty() && out.base.back() == '/') out.base.pop_back();
  if (authority.empty()) return std::nullopt;
  std::size_t colon = authority.rfind(':');
  if (authority.front() == '[') {  // [v6]:port
    auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    out.host = std::string(authority.substr(1, close - 1));
    colon = close + 1 < authority.size() && authority[close + 1] == ':' ? close + 1 : std::string_view::npos;
  } else {
    out.host = std::string(authority.substr(0, colon));
  }
  out.port = colon == std::string_view::npos ? "80" : std::string(authority.substr(colon + 1));
  if (out.host.empty() || out.port.empty()) return std::nullopt;
  for (char c : out.port)
    if (c < '0' || c > '9') return std::nullopt;
  return out;
}

boost::system::error_code exchange(const Url& u, http::request<http::string_body>& req,
                                   http::response<http::string_body>& res, std::chrono::milliseconds timeout) {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  beast::flat_buffer buf;
  boost::system::error_code result = asio::error::timed_out;
  asio::ip::tcp::resolver resolver(ioc);
  // One deadline for everything: the stream's timer covers connect, write
  // and read; run_for() bounds the resolve too.
  stream.expires_after(timeout);
  resolver.async_resolve(u.host, u.port, [&](boost::system::error_code ec, asio::ip::tcp::resolver::results_type r) {
    if (ec) { result = ec; return; }
    stream.async_connect(r, [&](boost::system::error_code ec2, const asio::ip::tcp::endpoint&) {
      if (ec2) { result = ec2; return; }
      http::async_write(stream, req, [&](boost::system::error_code ec3, std::size_t) {
        if (ec3) { result = ec3; return; }
        http::async_read(stream, buf, res, [&](boost::system::error_code ec4, std::size_t) { result = ec4; });
      });
    });
  });
  ioc.run_for(timeout);
  if (!ioc.stopped() || result == beast::error::timeout) return asio::error::timed_out;
  if (!result) {
    boost::system::error_code ignored;
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  }
  return result;
}

namespace {

// The Invoke API's answer to `req`, as an InvokeResult.
InvokeResult invoke_exchange(const Url& u, http::request<http::string_body>& req, std::chrono::milliseconds timeout) {
  InvokeResult out;
  http::response<http::string_body> res;
  if (const boost::system::error_code ec = exchange(u, req, res, timeout)) {
    out.error = ec.message();
    return out;
  }
  out.status = static_cast<int>(res.result_int());
  out.body = std::move(res.body());
  if (auto it = res.find("X-Amz-Function-Error"); it != res.end()) out.function_error = std::string(it->value());
  out.ok = out.status / 100 == 2 && out.function_error.empty();
  if (!out.ok)
    out.error = !out.function_error.empty() ? "function error " + out.function_error : "HTTP status " + std::to_string(out.status);
  return out;
}

}  // namespace

InvokeResult invoke(std::string_view url, std::string_view function_name, const std::string& payload,
                    std::chrono::milliseconds timeout) {
  auto u = parse_url(url);
  if (!u) {
    InvokeResult r;
    r.error = "invalid endpoint URL " + std::string(url) + " (expected http://host:port)";
    return r;
  }
  http::request<http::string_body> req{http::verb::post,
                                       u->base + "/2015-03-31/functions/" + std::string(function_name) + "/invocations",
                                       11};
  req.set(http::field::host, u->host + ":" + u->port);
  req.set(http::field::content_type, "application/json");
  req.set("X-Amz-Invocation-Type", "RequestResponse");
  req.body() = payload;
  req.prepare_payload();
  try {
    return invoke_exchange(*u, req, timeout);
  } catch (const std::exception& e) {
    InvokeResult r;
    r.error = e.what();
    return r;
  }
}

}  // namespace ddbd::api::lambda
