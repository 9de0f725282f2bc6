#include "server/listener.hh"

#include <simdjson.h>
#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "api/json_reader.hh"

namespace ddbd::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

HttpResponse too_large(unsigned version) {
  // Bodies over the limit are refused before they are read (413), as
  // DynamoDB and dynalite do.
  HttpResponse res{http::status::payload_too_large, version};
  res.set(http::field::content_type, "application/x-amz-json-1.0");
  res.body() = R"({"__type":"com.amazon.coral.service#SerializationException","Message":"Request payload too large"})";
  res.keep_alive(false);
  res.prepare_payload();
  return res;
}

asio::awaitable<void> session(beast::tcp_stream stream, Router& router, ListenerConfig config) {
  beast::flat_buffer buffer;
  // Beast reads as much as the buffer has room for, and at least 512 bytes:
  // without room, a 25 KB BatchWriteItem takes some 50 recv calls.
  buffer.reserve(64 * 1024);
  beast::error_code ec;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(config.header_limit));
    parser.body_limit(api::kMaxRequestBytes);
    stream.expires_after(config.read_timeout);
    auto [e1, n1] = co_await http::async_read_header(stream, buffer, parser, kTuple);
    if (e1) {
      ec = e1;
      break;
    }
    // Room for simdjson's padding, so the body is parsed in place.
    if (auto len = parser.content_length()) {
      if (*len > api::kMaxRequestBytes) {
        auto res = too_large(parser.get().version());
        co_await http::async_write(stream, res, kTuple);
        break;
      }
      parser.get().body().reserve(static_cast<std::size_t>(*len) + simdjson::SIMDJSON_PADDING);
    }
    auto [e2, n2] = co_await http::async_read(stream, buffer, parser, kTuple);
    if (e2) {
      if (e2 == http::error::body_limit) {
        auto res = too_large(parser.get().version());
        co_await http::async_write(stream, res, kTuple);
      }
      ec = e2;
      break;
    }
    HttpRequest req = parser.release();
    auto& body = req.body();
    if (body.capacity() < body.size() + simdjson::SIMDJSON_PADDING) body.reserve(body.size() + simdjson::SIMDJSON_PADDING);
    stream.expires_never();
    HttpResponse res = co_await router.route(req);
    bool keep = res.keep_alive();
    auto [e3, n3] = co_await http::async_write(stream, res, kTuple);
    if (e3) {
      ec = e3;
      break;
    }
    if (!keep) break;
  }
  if (ec && ec != http::error::end_of_stream && ec != beast::error::timeout && ec != asio::error::eof &&
      ec != asio::error::connection_reset)
    spdlog::get("server")->debug("connection closed: {}", ec.message());
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

asio::awaitable<void> accept_loop(tcp::acceptor& acceptor, Router& router, ListenerConfig config) {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(acceptor.get_executor()), kTuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
      spdlog::get("server")->warn("accept failed: {}", ec.message());
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    auto ex = socket.get_executor();
    asio::co_spawn(ex, session(beast::tcp_stream(std::move(socket)), router, config), asio::detached);
  }
}

}  // namespace

Listener::Listener(asio::io_context& ioc, const std::string& host, unsigned short port, Router& router,
                   ListenerConfig config)
    : ioc_(ioc), acceptor_(ioc), router_(router), config_(config) {
  tcp::endpoint ep(asio::ip::make_address(host), port);
  acceptor_.open(ep.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.bind(ep);
  acceptor_.listen(asio::socket_base::max_listen_connections);
}

void Listener::start() { asio::co_spawn(ioc_, accept_loop(acceptor_, router_, config_), asio::detached); }

void Listener::stop() {
  beast::error_code ec;
  acceptor_.close(ec);
}

}  // namespace ddbd::server
