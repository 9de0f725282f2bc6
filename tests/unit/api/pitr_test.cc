// api/pitr.hh: the change log record codec, the recorder (only tables with
// PITR on are logged), the table "as it was at T" over a real engine, and
// retention.
#include "api/pitr.hh"

#include <gtest/gtest.h>

#include <map>

#include "../storage/fn_op.hh"
#include "storage/encoded_item.hh"

namespace ddbd::api {
namespace {

using storage::Status;
using storage::WriteTxn;

Item item(const std::string& pk, const std::string& v) {
  Item it;
  map_set(it, "pk", AttributeValue::string(pk));
  map_set(it, "v", AttributeValue::string(v));
  return it;
}
storage::PrimaryKey key(const std::string& pk) { return {AttributeValue::string(pk), std::nullopt}; }

TEST(PitrCodec, KeysOrderByTableThenTimeThenSeq) {
  EXPECT_LT(pitr_log_key(1, 5, 9), pitr_log_key(1, 6, 0));
  EXPECT_LT(pitr_log_key(1, 6, 0), pitr_log_key(1, 6, 1));
  EXPECT_LT(pitr_log_key(1, 1'700'000'000'000'000, 0), pitr_log_key(2, 0, 0));
  EXPECT_LT(pitr_log_key(1, 255, 0), pitr_log_key(1, 256, 0));
  EXPECT_TRUE(pitr_log_key(7, 1, 2).starts_with(pitr_log_prefix(7)));
  EXPECT_FALSE(pitr_log_key(7, 1, 2).starts_with(pitr_log_prefix(8)));
  EXPECT_EQ(pitr_micros(1.5), 1'500'000);
  EXPECT_EQ(pitr_micros(1700000000.25), 1'700'000'000'250'000);
}

TEST(PitrCodec, MalformedRecordsAreRefused) {
  PitrChange c;
  const std::string k = pitr_log_key(1, 2, 3);
  EXPECT_TRUE(decode_pitr_change(k, std::string("\x00", 1), c));
  EXPECT_FALSE(decode_pitr_change(k, "", c));
  EXPECT_FALSE(decode_pitr_change(k, "\x02", c));
  EXPECT_FALSE(decode_pitr_change(k.substr(0, k.size() - 1), "\x01", c));
  EXPECT_FALSE(decode_pitr_change("streams/x" + k.substr(9), "\x01", c));
}

TEST(PitrWindowTest, EarliestIsTheEnableTimeOrTheRecoveryPeriod) {
  storage::TableDef d;
  d.pitr_enabled = true;
  d.pitr_recovery_days = 1;
  d.pitr_enabled_time = 1000;
  auto w = restorable_window(d, 1000 + 60, 300);
  EXPECT_EQ(w.earliest, 1000);
  EXPECT_EQ(w.latest, 1000);  // never before the earliest
  w = restorable_window(d, 1000 + 3 * 86400, 300);
  EXPECT_EQ(w.earliest, 1000 + 2 * 86400);
  EXPECT_EQ(w.latest, 1000 + 3 * 86400 - 300);
}

class PitrTest : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::EngineOptions o;
    o.in_memory = true;
    o.map_size = std::size_t(1) << 28;
    o.clock = &clock_;
    engine_ = storage::Engine::open(o);
    engine_->add_observer(&recorder_);
  }
  Status write(storage::TxnFn fn) {
    Status out = Status::io_error;
    storage::submit_fn(*engine_, std::move(fn), [&](Status s) { out = s; });
    return out;
  }
  void create(const std::string& name, bool pitr) {
    storage::TableDef def;
    def.ns = "ns";
    def.name = name;
    def.key.hash = storage::KeyAttr{"pk", AttrType::S};
    def.pitr_enabled = pitr;
    def.pitr_recovery_days = 1;
    def.pitr_enabled_time = clock_.now_seconds();
    ASSERT_EQ(write([&](WriteTxn& t) { return t.create_table(def); }), Status::ok);
  }
  std::shared_ptr<const storage::TableDef> table(const std::string& name = "T") { return engine_->find_table("ns", name); }
  void put(const std::string& pk, const std::string& v, const std::string& name = "T") {
    auto t = table(name);
    ASSERT_EQ(write([&](WriteTxn& w) { return w.put(*t, item(pk, v)); }), Status::ok);
  }
  void erase(const std::string& pk, const std::string& name = "T") {
    auto t = table(name);
    write([&](WriteTxn& w) { return w.erase(*t, key(pk)); });
  }
  // pk -> v of the table at `t`.
  std::map<std::string, std::string> at(double t, const std::string& name = "T") {
    std::map<std::string, std::string> out;
    auto txn = engine_->begin_read();
    items_at(txn, *table(name), t, [&](std::string_view enc) {
      Item it;
      EXPECT_TRUE(storage::decode_item(enc, it));
      const AttributeValue* pk = map_find(it, "pk");
      const AttributeValue* v = map_find(it, "v");
      EXPECT_TRUE(pk && v);
      if (pk && v) {
        EXPECT_TRUE(out.emplace(pk->str, v->str).second) << "twice: " << pk->str;
      }
      return true;
    });
    return out;
  }
  std::size_t log_size(const std::string& name = "T") {
    auto txn = engine_->begin_read();
    auto cur = txn.aux_scan(pitr_log_prefix(table(name)->table_id));
    std::string_view k, v;
    std::size_t n = 0;
    while (cur->next(k, v)) ++n;
    return n;
  }
  std::size_t trim(double now, std::size_t budget) {
    std::size_t n = 0;
    EXPECT_EQ(write([&](WriteTxn& w) {
                n = trim_pitr_log(w, engine_->all_tables(), now, budget);
                return Status::ok;
              }),
              Status::ok);
    return n;
  }

  storage::ManualClock clock_{1'700'000'000.0};
  PitrRecorder recorder_;
  std::unique_ptr<storage::Engine> engine_;
};

TEST_F(PitrTest, TheTableAtEachMomentIsAsItWas) {
  create("T", true);
  put("a", "1");  // t0
  put("b", "1");
  const double t0 = clock_.now_seconds();
  clock_.set(t0 + 1);
  put("a", "2");  // overwrite
  erase("b");     // delete
  put("c", "1");  // create
  const double t1 = clock_.now_seconds();
  clock_.set(t0 + 2);
  put("c", "2");
  put("b", "3");  // deleted, then back
  erase("a");
  put("d", "1");
  const double t2 = clock_.now_seconds();
  clock_.set(t0 + 3);

  using M = std::map<std::string, std::string>;
  EXPECT_EQ(at(t0), (M{{"a", "1"}, {"b", "1"}}));
  EXPECT_EQ(at(t0 + 0.5), (M{{"a", "1"}, {"b", "1"}}));
  EXPECT_EQ(at(t1), (M{{"a", "2"}, {"c", "1"}}));
  EXPECT_EQ(at(t2), (M{{"b", "3"}, {"c", "2"}, {"d", "1"}}));
  EXPECT_EQ(at(t0 + 3), at(t2));
  // Before the first write (PITR on since creation): empty.
  EXPECT_EQ(at(t0 - 1), M{});
  EXPECT_EQ(log_size(), 9u);
}

TEST_F(PitrTest, TablesWithoutPitrWriteNoLog) {
  create("T", true);
  create("U", false);
  const uint64_t before = recorder_.records_written();
  put("a", "1", "U");
  put("a", "2", "U");
  erase("a", "U");
  EXPECT_EQ(recorder_.records_written(), before);
  EXPECT_EQ(log_size("U"), 0u);
  auto txn = engine_->begin_read();
  auto cur = txn.aux_scan("pitr/");
  std::string_view k, v;
  EXPECT_FALSE(cur->next(k, v));
  put("a", "1");
  EXPECT_EQ(recorder_.records_written(), before + 1);
}

TEST_F(PitrTest, RetentionTrimsOldRecordsAndDropsLogsOfTablesWithoutPitr) {
  create("T", true);
  const double start = clock_.now_seconds();
  for (int i = 0; i < 10; ++i) put("k" + std::to_string(i), "1");
  clock_.set(start + 86400 - 10);
  put("late", "1");
  EXPECT_EQ(log_size(), 11u);
  // Nothing is older than the window (and the margin) yet.
  const double m = kPitrTrimMarginSeconds;
  EXPECT_EQ(trim(start + 86400 + m - 5, 100), 0u);
  // Later the ten early records are out of the window; in budgets.
  EXPECT_EQ(trim(start + 86400 + m + 1, 4), 4u);
  EXPECT_EQ(trim(start + 86400 + m + 1, 100), 6u);
  EXPECT_EQ(log_size(), 1u);
  // The restorable past is still right.
  EXPECT_EQ(at(start + 86400 + 1).size(), 11u);
  // PITR off: the whole log goes.
  auto def = *table();
  def.pitr_enabled = false;
  ASSERT_EQ(write([&](WriteTxn& w) { return w.update_table(def); }), Status::ok);
  EXPECT_EQ(trim(start + 86400 + m + 2, 100), 1u);
  EXPECT_EQ(log_size(), 0u);
}

TEST_F(PitrTest, ADeletedTablesLogIsDropped) {
  create("T", true);
  put("a", "1");
  put("a", "2");
  const uint64_t id = table()->table_id;
  auto def = *table();
  ASSERT_EQ(write([&](WriteTxn& w) { return w.delete_table(def); }), Status::ok);
  EXPECT_EQ(trim(clock_.now_seconds(), 100), 2u);
  auto txn = engine_->begin_read();
  auto cur = txn.aux_scan(pitr_log_prefix(id));
  std::string_view k, v;
  EXPECT_FALSE(cur->next(k, v));
}

}  // namespace
}  // namespace ddbd::api
