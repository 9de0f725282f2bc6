// Router tests: one HTTP request in, one response out, no sockets. The
// health check, routing by X-Amz-Target (a known operation reaches its
// handler; an unknown one is UnknownOperationException), the 404 for other
// methods, authentication before the operation, and the headers every
// response carries (x-amzn-RequestId, x-amz-crc32).
#include "server/router.hh"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <simdjson.h>
#include <spdlog/spdlog.h>
#include <filesystem>
#include <string>

#include "api/context.hh"
#include "api/meter.hh"
#include "server/auth.hh"
#include "server/crc32.hh"
#include "server/sigv4.hh"
#include "storage/clock.hh"
#include "storage/engine.hh"

namespace ddbd::server {
namespace {

constexpr std::string_view kJson = "application/x-amz-json-1.0";

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The loggers main() registers, without sinks.
    for (const char* name : {"server", "api", "storage", "streams"})
      if (!spdlog::get(name)) spdlog::register_logger(std::make_shared<spdlog::logger>(name));
    dir_ = std::filesystem::temp_directory_path() / ("ddbd-router-test-" + std::to_string(::getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    storage::EngineOptions o;
    o.data_dir = dir_.string();
    o.map_size = std::size_t(1) << 28;
    engine_ = storage::Engine::open(o);
    router_ = std::make_unique<Router>(*engine_, api_config_, clock_, auth_, RouterConfig{});
  }
  void TearDown() override {
    router_.reset();
    engine_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Routes `req` to completion on a private io_context.
  HttpResponse route(HttpRequest req) {
    req.body().reserve(req.body().size() + simdjson::SIMDJSON_PADDING);
    boost::asio::io_context io;
    auto done = boost::asio::co_spawn(io, router_->route(req), boost::asio::use_future);
    io.run();
    return done.get();
  }

  // A signed POST of `body` to operation `target`, dated now (the request
  // time must be within 15 minutes of the router's clock).
  HttpRequest post(std::string_view target, std::string body, bool sign = true) const {
    HttpRequest req{http::verb::post, "/", 11};
    const std::string date = format_amz_date(static_cast<long long>(clock_.now_seconds()));
    req.set(http::field::host, "localhost");
    req.set(http::field::content_type, kJson);
    req.set("X-Amz-Date", date);
    req.set("X-Amz-Target", target);
    sigv4::Headers h = {{"host", "localhost"}, {"x-amz-date", date}, {"x-amz-target", std::string(target)}};
    sigv4::SigningParams p{"AKID", "secret", "us-east-1", "dynamodb", date};
    if (sign) req.set(http::field::authorization, sigv4::sign_request("POST", "/", "", h, body, p));
    req.body() = std::move(body);
    return req;
  }

  static bool has(const HttpResponse& res, const std::string& part) {
    return res.body().find(part) != std::string::npos;
  }

  std::filesystem::path dir_;
  std::unique_ptr<storage::Engine> engine_;
  api::ApiConfig api_config_;
  storage::SystemClock clock_;
  Authenticator auth_{std::nullopt};
  std::unique_ptr<Router> router_;
};

TEST_F(RouterTest, HealthCheck) {
  HttpResponse res = route(HttpRequest{http::verb::get, "/", 11});
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(res.body(), "healthy: dynamodb.us-east-1.amazonaws.com");
  EXPECT_EQ(res[http::field::content_type], "text/plain");
  EXPECT_EQ(res["x-amzn-RequestId"].size(), 52u);
  EXPECT_EQ(res["x-amz-crc32"], std::to_string(crc32(res.body())));
}

TEST_F(RouterTest, MetricsCountRequestsAndErrors) {
  EXPECT_EQ(route(HttpRequest{http::verb::get, "/metrics", 11}).result(), http::status::not_found)
      << "no meter, no endpoint";
  api::Meter meter(api::MeterOptions{}, clock_);
  api_config_.meter = &meter;
  EXPECT_EQ(route(post("DynamoDB_20120810.ListTables", "{}")).result(), http::status::ok);
  EXPECT_EQ(route(post("DynamoDB_20120810.ListTables", "{")).result(), http::status::bad_request);
  EXPECT_EQ(route(post("DynamoDB_20120810.Nope", "{}")).result(), http::status::bad_request);
  HttpResponse res = route(HttpRequest{http::verb::get, "/metrics", 11});
  api_config_.meter = nullptr;
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(res[http::field::content_type], "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_TRUE(has(res, "ddbd_requests_total{namespace=\"\",table=\"\",operation=\"ListTables\"} 2\n")) << res.body();
  EXPECT_TRUE(has(res, "ddbd_errors_total{type=\"SerializationException\"} 1\n")) << res.body();
  EXPECT_TRUE(has(res, "ddbd_errors_total{type=\"UnknownOperationException\"} 1\n")) << res.body();
  EXPECT_TRUE(has(res, "ddbd_request_duration_seconds_count{operation=\"ListTables\"} 2\n")) << res.body();
}

TEST_F(RouterTest, KnownTargetReachesItsOperation) {
  HttpResponse res = route(post("DynamoDB_20120810.ListTables", "{}"));
  EXPECT_EQ(res.result(), http::status::ok) << res.body();
  EXPECT_EQ(res.body(), R"({"TableNames":[]})");
  EXPECT_EQ(res[http::field::content_type], kJson);
  EXPECT_EQ(res["x-amz-crc32"], std::to_string(crc32(res.body())));
}

TEST_F(RouterTest, OperationErrorsAreJson) {
  HttpResponse res = route(post("DynamoDB_20120810.DescribeTable", R"({"TableName":"Nope"})"));
  EXPECT_EQ(res.result(), http::status::bad_request);
  EXPECT_TRUE(has(res, "ResourceNotFoundException")) << res.body();
}

TEST_F(RouterTest, UnknownTargetIsUnknownOperation) {
  for (std::string_view target : {"DynamoDB_20120810.NoSuchOp", "SomethingElse.ListTables", ""}) {
    HttpResponse res = route(post(target, "{}"));
    EXPECT_EQ(res.result(), http::status::bad_request) << target;
    EXPECT_TRUE(has(res, "UnknownOperationException")) << target << ": " << res.body();
    EXPECT_EQ(res["x-amzn-RequestId"].size(), 52u);
  }
}

TEST_F(RouterTest, OtherMethodsAndContentTypesAre404) {
  HttpRequest put = post("DynamoDB_20120810.ListTables", "{}");
  put.method(http::verb::put);
  HttpResponse res = route(put);
  EXPECT_EQ(res.result(), http::status::not_found);
  EXPECT_EQ(res.body(), "<UnknownOperationException/>\n");

  HttpRequest text = post("DynamoDB_20120810.ListTables", "{}");
  text.set(http::field::content_type, "text/plain");
  EXPECT_EQ(route(text).result(), http::status::not_found);
}

TEST_F(RouterTest, AuthenticationComesBeforeTheOperation) {
  HttpResponse res = route(post("DynamoDB_20120810.ListTables", "{}", false));
  EXPECT_EQ(res.result(), http::status::bad_request);
  EXPECT_TRUE(has(res, "MissingAuthenticationTokenException")) << res.body();
}

TEST_F(RouterTest, HealthCheckNamesTheHost) {
  HttpRequest req{http::verb::get, "/", 11};
  req.set(http::field::host, "localhost:8000");
  HttpResponse res = route(std::move(req));
  EXPECT_EQ(res.body(), "healthy: localhost:8000");
  EXPECT_FALSE(res["x-amzn-RequestId"].empty());
  EXPECT_FALSE(res["x-amz-crc32"].empty());
}

TEST_F(RouterTest, CompressedBodiesAreInflatedAfterAuthentication) {
  HttpRequest req = post("DynamoDB_20120810.ListTables", compress("{}", BodyCoding::gzip));
  req.set(http::field::content_encoding, "gzip");
  HttpResponse res = route(std::move(req));
  EXPECT_EQ(res.result(), http::status::ok) << res.body();
  EXPECT_EQ(res.body(), R"({"TableNames":[]})");

  HttpRequest broken = post("DynamoDB_20120810.ListTables", "{}");
  broken.set(http::field::content_encoding, "gzip");
  res = route(std::move(broken));
  EXPECT_EQ(res.result(), http::status::internal_server_error);
  EXPECT_TRUE(has(res, "InternalServerError")) << res.body();

  HttpRequest unknown = post("DynamoDB_20120810.ListTables", "{}");
  unknown.set(http::field::content_encoding, "br");
  EXPECT_EQ(route(std::move(unknown)).result(), http::status::internal_server_error);

  HttpRequest unsigned_req = post("DynamoDB_20120810.ListTables", "{}", false);
  unsigned_req.set(http::field::content_encoding, "br");
  res = route(std::move(unsigned_req));
  EXPECT_TRUE(has(res, "MissingAuthenticationTokenException")) << res.body();
}

TEST_F(RouterTest, BigAnswersAreCompressedWhenAccepted) {
  // An error answer naming a 5000-character table name is over 4 KB.
  const std::string body = R"({"TableName":")" + std::string(5000, 'n') + R"("})";
  HttpRequest plain = post("DynamoDB_20120810.DescribeTable", body);
  HttpResponse res = route(std::move(plain));
  ASSERT_GE(res.body().size(), kCompressResponseBytes);
  const std::string uncompressed = res.body();
  EXPECT_EQ(res.find(http::field::content_encoding), res.end());

  HttpRequest req = post("DynamoDB_20120810.DescribeTable", body);
  req.set(http::field::accept_encoding, "gzip");
  res = route(std::move(req));
  EXPECT_EQ(res[http::field::content_encoding], "gzip");
  EXPECT_EQ(res["x-amz-crc32"], std::to_string(crc32(res.body())));
  std::string out;
  ASSERT_EQ(inflate_body(res.body(), BodyCoding::gzip, 1 << 20, 0, out), InflateStatus::ok);
  EXPECT_EQ(out.substr(0, 40), uncompressed.substr(0, 40));
}

}  // namespace
}  // namespace ddbd::server
