// The Invoke API client against a tiny HTTP server on 127.0.0.1: the request
// it sends, and what counts as a function error.
#include "api/lambda/invoke.hh"

#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <thread>

namespace ddbd::api::lambda {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// Answers one request with `answer` (a full HTTP response) and keeps what it got.
class OneShotServer {
 public:
  explicit OneShotServer(std::string answer) : acceptor_(ioc_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    thread_ = std::thread([this, answer] {
      tcp::socket s(ioc_);
      acceptor_.accept(s);
      asio::streambuf buf;
      asio::read_until(s, buf, "\r\n\r\n");
      std::string head(asio::buffers_begin(buf.data()), asio::buffers_end(buf.data()));
      auto cl = head.find("Content-Length: ");
      std::size_t len = cl == std::string::npos ? 0 : std::stoul(head.substr(cl + 16));
      std::size_t header_end = head.find("\r\n\r\n") + 4;
      while (buf.size() < header_end + len) asio::read(s, buf, asio::transfer_at_least(1));
      request_ = std::string(asio::buffers_begin(buf.data()), asio::buffers_end(buf.data()));
      asio::write(s, asio::buffer(answer));
    });
  }
  ~OneShotServer() { thread_.join(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()); }
  const std::string& request() const { return request_; }

 private:
  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  std::thread thread_;
  std::string request_;
};

TEST(LambdaInvoke, PostsTheEventToTheInvocationsPath) {
  std::string req;
  InvokeResult r;
  {
    OneShotServer srv("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}");
    r = invoke(srv.url() + "/", "my-fn", R"({"Records":[]})", std::chrono::seconds(5));
    req = srv.request();
  }
  EXPECT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "{}");
  EXPECT_TRUE(req.starts_with("POST /2015-03-31/functions/my-fn/invocations HTTP/1.1\r\n")) << req;
  EXPECT_TRUE(req.ends_with(R"({"Records":[]})")) << req;
}

TEST(LambdaInvoke, FunctionErrorHeaderFails) {
  OneShotServer srv("HTTP/1.1 200 OK\r\nX-Amz-Function-Error: Unhandled\r\nContent-Length: 2\r\n\r\n{}");
  InvokeResult r = invoke(srv.url(), "f", "{}", std::chrono::seconds(5));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.function_error, "Unhandled");
}

TEST(LambdaInvoke, Non2xxFails) {
  OneShotServer srv("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
  InvokeResult r = invoke(srv.url(), "f", "{}", std::chrono::seconds(5));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.status, 502);
}

TEST(LambdaInvoke, ConnectionRefusedFails) {
  std::string url;
  {
    asio::io_context ioc;
    tcp::acceptor a(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    url = "http://127.0.0.1:" + std::to_string(a.local_endpoint().port());
  }
  InvokeResult r = invoke(url, "f", "{}", std::chrono::seconds(5));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.status, 0);
  EXPECT_FALSE(r.error.empty());
}

TEST(LambdaInvoke, ParsesEndpointUrls) {
  auto u = parse_url("http://localhost:3001/base/");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host, "localhost");
  EXPECT_EQ(u->port, "3001");
  EXPECT_EQ(u->base, "/base");
  EXPECT_EQ(parse_url("http://h")->port, "80");
  EXPECT_FALSE(parse_url("https://h:1"));
  EXPECT_FALSE(parse_url("http://:1"));
  EXPECT_FALSE(parse_url("http://h:x"));
  InvokeConfig c{"http://a:1", {{"special", "http://b:2"}}};
  EXPECT_EQ(c.url_for("special"), "http://b:2");
  EXPECT_EQ(c.url_for("other"), "http://a:1");
}

}  // namespace
}  // namespace ddbd::api::lambda
