// The meter (api/meter.hh) on a ManualClock: token bucket arithmetic (refill,
// the burst cap, debt, resizing), admission of reads and writes against a
// PROVISIONED table and its GSIs, batch headroom, on-demand tables and the
// unenforced mode, and the Prometheus text of the request counters.
#include "api/meter.hh"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>

#include "api/dispatch.hh"
#include "storage/clock.hh"
#include "storage/engine.hh"

namespace ddbd::api {
namespace {

TEST(TokenBucket, StartsEmptyAndRefillsAtItsRateUpToTheBurst) {
  TokenBucket b;
  b.configure(5, 300, 1000);
  EXPECT_TRUE(b.limited());
  EXPECT_DOUBLE_EQ(b.capacity(), 1500);
  EXPECT_DOUBLE_EQ(b.balance(1000), 0) << "a new bucket has banked nothing";
  EXPECT_DOUBLE_EQ(b.balance(1002), 10);
  EXPECT_DOUBLE_EQ(b.balance(2000), 1500) << "capped at 300 s of capacity";
  EXPECT_DOUBLE_EQ(b.balance(1500), 1500) << "an earlier time refills nothing";
}

TEST(TokenBucket, AdmitsUntilInDebtThenWaitsForTheDebtToRefill) {
  TokenBucket b;
  b.configure(5, 1, 0);
  EXPECT_TRUE(b.admits(0)) << "a zero balance is not debt";
  b.debit(3, 0);
  EXPECT_DOUBLE_EQ(b.balance(0), -3);
  EXPECT_FALSE(b.admits(0));
  EXPECT_FALSE(b.admits(0.5)) << "-3 + 2.5 is still debt";
  EXPECT_TRUE(b.admits(0.7));
  EXPECT_DOUBLE_EQ(b.balance(10), 5) << "the burst window is 1 s of 5 units";
}

TEST(TokenBucket, ResizingKeepsTheBalanceCappedAtTheNewCapacity) {
  TokenBucket b;
  b.configure(10, 300, 0);
  EXPECT_DOUBLE_EQ(b.balance(100), 1000);
  b.configure(1, 300, 100);  // UpdateTable lowers the throughput
  EXPECT_DOUBLE_EQ(b.capacity(), 300);
  EXPECT_DOUBLE_EQ(b.balance(100), 300);
  b.debit(400, 100);
  b.configure(100, 300, 100);  // and raises it: the debt stays
  EXPECT_DOUBLE_EQ(b.balance(100), -100);
  EXPECT_DOUBLE_EQ(b.balance(101), 0);
}

TEST(TokenBucket, ZeroRateIsUnlimited) {
  TokenBucket b;
  b.configure(0, 300, 0);
  EXPECT_FALSE(b.limited());
  b.debit(1e9, 0);
  EXPECT_TRUE(b.admits(0));
  EXPECT_TRUE(std::isinf(b.balance(0)));
}

class MeterTest : public ::testing::Test {
 protected:
  MeterTest() {
    storage::EngineOptions eo;
    eo.in_memory = true;
    engine_ = storage::Engine::open(eo);
    config_.meter = &meter_;
    def_.ns = "ns";
    def_.name = "t";
    def_.table_id = 7;
    def_.billing_mode = "PROVISIONED";
    def_.read_capacity = 10;
    def_.write_capacity = 5;
  }

  RequestContext ctx(Access access) {
    RequestContext c{*engine_, config_, clock_, "ak", "us-east-1", "ns", "req", "host", nullptr};
    c.metering.access = access;
    return c;
  }

  // The request's consumption, as an operation reports it.
  void consume(const RequestContext& c, double read, double write, std::string gsi = "", double gsi_write = 0) {
    ConsumedCapacity cc{.table_name = "t", .table = CapacityUnits{read, write}};
    if (!gsi.empty()) cc.global_indexes.push_back(IndexCapacity{gsi, CapacityUnits::writing(gsi_write)});
    meter_.consumed(c, cc);
  }

  // True when require_table would admit a request of `access` now.
  bool admitted(Access access) {
    RequestContext c = ctx(access);
    try {
      meter_.on_table(c, def_, true);
      return true;
    } catch (const ApiError& e) {
      EXPECT_EQ(e.code(), ErrorCode::ProvisionedThroughputExceededException);
      last_message_ = e.message();
      return false;
    }
  }

  storage::ManualClock clock_{1'000'000};
  std::unique_ptr<storage::Engine> engine_;
  Meter meter_{MeterOptions{.enforce_throughput = true, .burst_seconds = 2}, clock_};
  ApiConfig config_;
  storage::TableDef def_;
  std::string last_message_;
};

TEST_F(MeterTest, WriteIsRefusedWhileTheTableIsInDebtWithDynamoDBsMessage) {
  EXPECT_TRUE(admitted(Access::write));
  consume(ctx(Access::write), 0, 3);
  EXPECT_FALSE(admitted(Access::write));
  EXPECT_EQ(last_message_,
            "The level of configured provisioned throughput for the table was exceeded. Consider increasing your "
            "provisioning level with the UpdateTable API.");
  EXPECT_TRUE(admitted(Access::read)) << "reads have their own bucket";
  clock_.advance(0.61);  // 5 WCU: 3 units of debt take 0.6 s
  EXPECT_TRUE(admitted(Access::write));
}

TEST_F(MeterTest, ReadBucketRefillsAtTheReadCapacity) {
  clock_.advance(10);
  EXPECT_DOUBLE_EQ(meter_.headroom(ctx(Access::read), def_, Access::read), 0) << "created now, nothing banked";
  consume(ctx(Access::read), 25, 0);
  clock_.advance(2);
  EXPECT_DOUBLE_EQ(meter_.headroom(ctx(Access::read), def_, Access::read), -5);
  EXPECT_FALSE(admitted(Access::read));
  clock_.advance(10);
  EXPECT_DOUBLE_EQ(meter_.headroom(ctx(Access::read), def_, Access::read), 20) << "2 s burst of 10 RCU";
}

TEST_F(MeterTest, GsiInDebtThrottlesTableWrites) {
  storage::IndexDef gsi;
  gsi.name = "g";
  gsi.global = true;
  gsi.read_capacity = 1;
  gsi.write_capacity = 1;
  def_.indexes.push_back(gsi);
  EXPECT_TRUE(admitted(Access::write));
  clock_.advance(2);  // table: 10 banked; GSI: 2
  consume(ctx(Access::write), 0, 1, "g", 3);
  EXPECT_FALSE(admitted(Access::write));
  EXPECT_EQ(last_message_,
            "The level of configured provisioned throughput for one or more global secondary indexes of the table "
            "was exceeded. Consider increasing your provisioning level for the under-provisioned global secondary "
            "indexes with the UpdateTable API.");
  EXPECT_DOUBLE_EQ(meter_.headroom(ctx(Access::write), def_, Access::write), -1) << "the smallest balance";
  EXPECT_TRUE(admitted(Access::read));
  clock_.advance(1);
  EXPECT_TRUE(admitted(Access::write));
}

TEST_F(MeterTest, ReadsOfAGsiDrawOnTheGsiReadBucket) {
  storage::IndexDef gsi;
  gsi.name = "g";
  gsi.read_capacity = 1;
  gsi.write_capacity = 1;
  def_.indexes.push_back(gsi);
  EXPECT_TRUE(admitted(Access::read));
  ConsumedCapacity cc{.table_name = "t"};
  cc.global_indexes.push_back(IndexCapacity{"g", CapacityUnits::reading(2)});
  meter_.consumed(ctx(Access::read), cc);
  EXPECT_TRUE(admitted(Access::read)) << "the table's own read bucket is not in debt";
  RequestContext c = ctx(Access::read);
  c.metering.index = "g";
  EXPECT_THROW(meter_.on_table(c, def_, true), ApiError);
  clock_.advance(2);
  EXPECT_NO_THROW(meter_.on_table(c, def_, true));
}

TEST_F(MeterTest, UpdateTableResizesTheBuckets) {
  clock_.advance(5);
  EXPECT_TRUE(admitted(Access::write));
  clock_.advance(5);
  EXPECT_DOUBLE_EQ(meter_.headroom(ctx(Access::write), def_, Access::write), 10);
  def_.write_capacity = 1;
  EXPECT_DOUBLE_EQ(meter_.headroom(ctx(Access::write), def_, Access::write), 2) << "capped at 2 s of 1 WCU";
  clock_.advance(1);
  def_.write_capacity = 100;
  EXPECT_DOUBLE_EQ(meter_.headroom(ctx(Access::write), def_, Access::write), 2)
      << "the second before the change refilled at the old rate and capacity";
  clock_.advance(1);
  EXPECT_DOUBLE_EQ(meter_.headroom(ctx(Access::write), def_, Access::write), 102);
}

TEST_F(MeterTest, OnDemandTablesAreNeverThrottled) {
  def_.billing_mode = "PAY_PER_REQUEST";
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(admitted(Access::write));
    consume(ctx(Access::write), 0, 1000);
  }
  EXPECT_TRUE(std::isinf(meter_.headroom(ctx(Access::write), def_, Access::write)));
}

TEST_F(MeterTest, ControlOperationsAreNotAdmitted) {
  EXPECT_TRUE(admitted(Access::write));
  consume(ctx(Access::write), 0, 100);
  EXPECT_TRUE(admitted(Access::none));
  RequestContext c = ctx(Access::write);
  EXPECT_NO_THROW(meter_.on_table(c, def_, false)) << "DescribeTable and friends";
}

TEST(MeterUnenforced, CountsButNeverThrottles) {
  storage::ManualClock clock{0};
  storage::EngineOptions eo;
  eo.in_memory = true;
  auto engine = storage::Engine::open(eo);
  Meter meter(MeterOptions{}, clock);
  ApiConfig config;
  config.meter = &meter;
  storage::TableDef def;
  def.ns = "ns";
  def.name = "t";
  def.billing_mode = "PROVISIONED";
  def.read_capacity = 1;
  def.write_capacity = 1;
  RequestContext c{*engine, config, clock, "ak", "r", "ns", "req", "host", nullptr};
  c.metering.access = Access::write;
  for (int i = 0; i < 10; ++i) {
    EXPECT_NO_THROW(meter.on_table(c, def, true));
    meter.consumed(c, ConsumedCapacity{.table_name = "t", .table = CapacityUnits::writing(5)});
  }
  EXPECT_TRUE(std::isinf(meter.headroom(c, def, Access::write)));
  EXPECT_EQ(meter.table("ns", "t")->write_milli.load(), 50'000u);
}

TEST(MeterExposition, RequestsErrorsAndHistogramInPrometheusText) {
  storage::ManualClock clock{0};
  storage::EngineOptions eo;
  eo.in_memory = true;
  auto engine = storage::Engine::open(eo);
  Meter meter(MeterOptions{}, clock);
  ApiConfig config;
  config.meter = &meter;
  RequestContext c{*engine, config, clock, "ak", "r", "ns", "req", "host", nullptr};
  c.metering.op = 3;
  meter.finish(c, 0.0007, nullptr);
  const ErrorCode err = ErrorCode::ValidationException;
  meter.finish(c, 3, &err);
  meter.count_error(ErrorCode::UnknownOperationException);
  const std::string text = meter.prometheus(*engine);
  const std::string op(operation_name_at(3));
  EXPECT_NE(text.find("# TYPE ddbd_requests_total counter\n"), std::string::npos) << text;
  EXPECT_NE(text.find("ddbd_requests_total{namespace=\"\",table=\"\",operation=\"" + op + "\"} 2\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("ddbd_errors_total{type=\"ValidationException\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("ddbd_errors_total{type=\"UnknownOperationException\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("ddbd_request_duration_seconds_bucket{operation=\"" + op + "\",le=\"0.0005\"} 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("ddbd_request_duration_seconds_bucket{operation=\"" + op + "\",le=\"0.001\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("ddbd_request_duration_seconds_bucket{operation=\"" + op + "\",le=\"2.5\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("ddbd_request_duration_seconds_bucket{operation=\"" + op + "\",le=\"5\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("ddbd_request_duration_seconds_bucket{operation=\"" + op + "\",le=\"+Inf\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("ddbd_request_duration_seconds_count{operation=\"" + op + "\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("ddbd_request_duration_seconds_sum{operation=\"" + op + "\"} 3.0007\n"), std::string::npos) << text;
}

TEST(MeterExposition, ForgetsTablesThatDoNotExist) {
  storage::ManualClock clock{0};
  storage::EngineOptions eo;
  eo.in_memory = true;
  auto engine = storage::Engine::open(eo);
  Meter meter(MeterOptions{}, clock);
  ApiConfig config;
  config.meter = &meter;
  RequestContext c{*engine, config, clock, "ak", "r", "ns", "req", "host", nullptr};
  meter.consumed(c, ConsumedCapacity{.table_name = "gone\"x", .table = CapacityUnits::reading(1)});
  EXPECT_EQ(meter.table("ns", "gone\"x")->read_milli.load(), 1000u);
  const std::string text = meter.prometheus(*engine);
  EXPECT_EQ(text.find("gone"), std::string::npos) << text;
  EXPECT_EQ(meter.table("ns", "gone\"x")->read_milli.load(), 0u) << "a fresh entry after the table was forgotten";
}

}  // namespace
}  // namespace ddbd::api
