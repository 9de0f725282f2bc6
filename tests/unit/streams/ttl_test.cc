// Time to Live (streams/ttl.hh): the expiry rule, and the sweep that deletes
// expired items through the engine with Origin::service.
#include "streams/ttl.hh"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include <unistd.h>

#include "../storage/fn_op.hh"
#include "storage/clock.hh"

namespace ddbd::streams {
namespace {

AttributeValue num(const std::string& canonical) { return AttributeValue::number(canonical); }

constexpr double kNow = 1'800'000'000;

TEST(TtlExpired, NumberAtOrBeforeNowExpires) {
  auto at = num("1800000000");
  auto before = num("1799999999.5");
  auto after = num("1800000000.001");
  EXPECT_TRUE(ttl_expired(&at, kNow));
  EXPECT_TRUE(ttl_expired(&before, kNow));
  EXPECT_FALSE(ttl_expired(&after, kNow));
}

TEST(TtlExpired, MoreThanFiveYearsInThePastIsIgnored) {
  auto five_years = num(std::to_string(static_cast<long long>(kNow - kTtlMaxAgeSeconds)));
  auto older = num(std::to_string(static_cast<long long>(kNow - kTtlMaxAgeSeconds) - 1));
  auto zero = num("0");
  auto negative = num("-5");
  EXPECT_TRUE(ttl_expired(&five_years, kNow));
  EXPECT_FALSE(ttl_expired(&older, kNow));
  EXPECT_FALSE(ttl_expired(&zero, kNow));
  EXPECT_FALSE(ttl_expired(&negative, kNow));
  // Milliseconds by mistake are far in the future: never expire.
  auto millis = num("1799999999000");
  EXPECT_FALSE(ttl_expired(&millis, kNow));
}

TEST(TtlExpired, OnlyNumbersCount) {
  auto s = AttributeValue::string("1000");
  auto ns = AttributeValue{};
  ns.type = AttrType::NS;
  ns.set = {"1000"};
  auto b = AttributeValue::boolean_value(true);
  EXPECT_FALSE(ttl_expired(nullptr, kNow));
  EXPECT_FALSE(ttl_expired(&s, kNow));
  EXPECT_FALSE(ttl_expired(&ns, kNow));
  EXPECT_FALSE(ttl_expired(&b, kNow));
  Item item;
  map_set(item, "exp", num("1000000000"));
  map_set(item, "other", num("1700000000"));
  EXPECT_FALSE(item_expired(item, "exp", kNow));  // older than five years
  EXPECT_TRUE(item_expired(item, "other", kNow));
  EXPECT_FALSE(item_expired(item, "missing", kNow));
}

class Recorder final : public storage::ChangeObserver {
 public:
  void on_commit(const std::vector<storage::ChangeEvent>& events) override {
    for (const auto& e : events) removed.push_back({e.key.hash.str, e.origin});
  }
  std::vector<std::pair<std::string, storage::Origin>> removed;
};

class TtlSweepTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("ddbd-ttl-test-" + std::to_string(::getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    storage::EngineOptions o;
    o.data_dir = dir_.string();
    o.map_size = std::size_t(1) << 30;
    o.clock = &clock_;
    engine_ = storage::Engine::open(o);  // no defer: submit drains inline
    storage::TableDef def;
    def.ns = "ns";
    def.name = "T";
    def.key.hash = storage::KeyAttr{"pk", AttrType::S};
    def.ttl_enabled = true;
    def.ttl_attribute = "exp";
    EXPECT_EQ(write([&](storage::WriteTxn& t) { return t.create_table(def); }), storage::Status::ok);
    table_ = engine_->find_table("ns", "T");
    engine_->add_observer(&rec_);
  }
  void TearDown() override {
    engine_.reset();
    std::filesystem::remove_all(dir_);
  }
  storage::Status write(storage::TxnFn fn) {
    storage::Status result = storage::Status::io_error;
    storage::submit_fn(*engine_, std::move(fn), [&](storage::Status s) { result = s; });
    return result;
  }
  void put(const std::string& pk, std::optional<AttributeValue> exp) {
    Item it;
    map_set(it, "pk", AttributeValue::string(pk));
    if (exp) map_set(it, "exp", *exp);
    ASSERT_EQ(write([&](storage::WriteTxn& t) { return t.put(*table_, it); }), storage::Status::ok);
  }
  std::set<std::string> keys() {
    std::set<std::string> out;
    auto txn = engine_->begin_read();
    auto c = txn.scan(*table_, {});
    for (Item it; c->next(it);) out.insert(map_find(it, "pk")->str);
    return out;
  }

  storage::ManualClock clock_{kNow};
  std::filesystem::path dir_;
  std::unique_ptr<storage::Engine> engine_;
  std::shared_ptr<const storage::TableDef> table_;
  Recorder rec_;
};

// Every kind of item, swept in chunks smaller than the table: only the
// expired Numbers go, each as a service REMOVE.
TEST_F(TtlSweepTest, DeletesOnlyExpiredNumbersInChunks) {
  for (int i = 0; i < 7; ++i) put("old" + std::to_string(i), num("1799999000"));
  put("future", num("1800000100"));
  put("ancient", num("1000000000"));
  put("text", AttributeValue::string("1799999000"));
  put("none", std::nullopt);
  rec_.removed.clear();
  const std::size_t n = sweep_table(*engine_, table_, kNow, {}, SweepLimits{.keys_per_delete = 2, .items_per_snapshot = 3});
  EXPECT_EQ(n, 7u);
  EXPECT_EQ(keys(), (std::set<std::string>{"ancient", "future", "none", "text"}));
  ASSERT_EQ(rec_.removed.size(), 7u);
  for (const auto& [k, origin] : rec_.removed) {
    EXPECT_TRUE(k.starts_with("old")) << k;
    EXPECT_EQ(origin, storage::Origin::service);
  }
  // Nothing left to do.
  EXPECT_EQ(sweep_all(*engine_, kNow, {}), 0u);
}

// The delete re-reads each item in its transaction: one refreshed since it
// was found expired is kept; one already gone is not counted.
TEST_F(TtlSweepTest, DeleteOpKeepsItemsRefreshedMeanwhile) {
  put("a", num("1799999000"));
  put("b", num("1799999000"));
  put("c", num("1799999000"));
  put("b", num("1800000500"));  // refreshed
  ASSERT_EQ(write([&](storage::WriteTxn& t) {
              return t.erase(*table_, storage::PrimaryKey{AttributeValue::string("c"), std::nullopt});
            }),
            storage::Status::ok);
  std::vector<storage::PrimaryKey> ks;
  for (const char* k : {"a", "b", "c"}) ks.push_back(storage::PrimaryKey{AttributeValue::string(k), std::nullopt});
  TtlDeleteOp op(table_, ks, kNow);
  TtlDeleteOp::Result r;
  storage::Status st = storage::Status::io_error;
  engine_->submit(op, r, [&](storage::Status s) { st = s; });
  EXPECT_EQ(st, storage::Status::ok);
  EXPECT_EQ(r.out.deleted, 1u);
  EXPECT_EQ(keys(), (std::set<std::string>{"b"}));
}

// TTL disabled in the meantime (the definition in the transaction says
// so): the delete does nothing, and sweep_all skips the table.
TEST_F(TtlSweepTest, NothingDeletedOnceTtlIsDisabled) {
  put("a", num("1799999000"));
  storage::TableDef off = *table_;
  off.ttl_enabled = false;
  ASSERT_EQ(write([&](storage::WriteTxn& t) { return t.update_table(off); }), storage::Status::ok);
  TtlDeleteOp op(table_, {storage::PrimaryKey{AttributeValue::string("a"), std::nullopt}}, kNow);
  TtlDeleteOp::Result r;
  engine_->submit(op, r, [](storage::Status) {});
  EXPECT_EQ(r.out.deleted, 0u);
  EXPECT_EQ(sweep_all(*engine_, kNow, {}), 0u);
  EXPECT_EQ(keys(), (std::set<std::string>{"a"}));
}

// A stop requested before the sweep: nothing is deleted.
TEST_F(TtlSweepTest, StopsWhenAsked) {
  put("a", num("1799999000"));
  std::stop_source stop;
  stop.request_stop();
  EXPECT_EQ(sweep_all(*engine_, kNow, stop.get_token()), 0u);
  EXPECT_EQ(keys(), (std::set<std::string>{"a"}));
}

}  // namespace
}  // namespace ddbd::streams
