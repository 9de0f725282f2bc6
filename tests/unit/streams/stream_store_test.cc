// streams/stream_store.hh over a real engine: which changes get a record,
// sequence order, shard rollover, close, trim and the trim horizon.
#include <gtest/gtest.h>

#include "../storage/fn_op.hh"
#include "storage/engine.hh"
#include "streams/stream_store.hh"

namespace ddbd::streams {
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

class StreamStoreTest : public ::testing::Test {
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
  // Creates table T (hash key pk) with a stream of `view` (none when empty).
  void create(const std::string& view) {
    storage::TableDef def;
    def.ns = "ns";
    def.name = "T";
    def.region = "us-east-1";
    def.account_id = "000000000000";
    def.key.hash = storage::KeyAttr{"pk", AttrType::S};
    ASSERT_EQ(write([&](WriteTxn& t) {
                if (!view.empty())
                  if (Status s = open_stream(t, def, view, clock_.now_seconds()); s != Status::ok) return s;
                return t.create_table(def);
              }),
              Status::ok);
  }
  std::shared_ptr<const storage::TableDef> table() { return engine_->find_table("ns", "T"); }
  void put(const Item& it) {
    auto t = table();
    ASSERT_EQ(write([&](WriteTxn& w) { return w.put(*t, it); }), Status::ok);
  }
  void erase(const std::string& pk) {
    auto t = table();
    write([&](WriteTxn& w) { return w.erase(*t, key(pk)); });
  }
  StreamDescription desc() {
    auto d = describe_stream(engine_->begin_read(), "ns", stream_arn(*table()));
    EXPECT_TRUE(d.has_value());
    return d ? *d : StreamDescription{};
  }
  ShardRead read(const Shard& s, ShardPosition from = {}) {
    return read_shard(engine_->begin_read(), table()->stream_id, s.shard_id, from, 100, 1 << 20, clock_.now_seconds(),
                      options_);
  }

  storage::ManualClock clock_{1'700'000'000.0};
  StoreOptions options_{100, 1000};
  StreamRecorder recorder_{options_};
  std::unique_ptr<storage::Engine> engine_;
};

TEST_F(StreamStoreTest, OneRecordPerChangeInOrderAndNoneForNoOps) {
  create(std::string(kNewAndOldImages));
  put(item("a", "1"));
  put(item("a", "1"));  // changes nothing
  put(item("a", "2"));
  erase("a");
  erase("missing");  // nothing to remove
  StreamDescription d = desc();
  ASSERT_EQ(d.shards.size(), 1u);
  ShardRead r = read(d.shards[0]);
  ASSERT_EQ(r.records.size(), 3u);
  EXPECT_EQ(r.records[0].kind, storage::ChangeKind::insert);
  EXPECT_EQ(r.records[1].kind, storage::ChangeKind::modify);
  EXPECT_EQ(r.records[2].kind, storage::ChangeKind::remove);
  EXPECT_FALSE(r.records[0].old_image.has_value());
  EXPECT_EQ(*r.records[1].old_image, item("a", "1"));
  EXPECT_EQ(*r.records[1].new_image, item("a", "2"));
  EXPECT_FALSE(r.records[2].new_image.has_value());
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(r.records[i].sequence_number.size(), 21u);
    if (i) {
      EXPECT_LT(r.records[i - 1].sequence_number, r.records[i].sequence_number);
    }
  }
  EXPECT_FALSE(r.ended);
}

TEST_F(StreamStoreTest, KeysOnlyKeepsNoImages) {
  create(std::string(kKeysOnly));
  put(item("a", "1"));
  ShardRead r = read(desc().shards[0]);
  ASSERT_EQ(r.records.size(), 1u);
  EXPECT_FALSE(r.records[0].new_image || r.records[0].old_image);
  ASSERT_EQ(r.records[0].keys.size(), 1u);
  EXPECT_EQ(r.records[0].keys[0].first, "pk");
  EXPECT_EQ(r.records[0].keys[0].second.str, "a");
}

TEST_F(StreamStoreTest, TableWithoutStreamWritesNoStreamRecord) {
  create("");
  put(item("a", "1"));
  auto txn = engine_->begin_read();
  std::string_view k, v;
  EXPECT_FALSE(txn.aux_scan("streams/")->next(k, v));
}

TEST_F(StreamStoreTest, ShardRollsOverWithParent) {
  create(std::string(kNewImage));
  put(item("a", "1"));
  clock_.advance(150);
  put(item("b", "1"));
  StreamDescription d = desc();
  ASSERT_EQ(d.shards.size(), 2u);
  EXPECT_FALSE(d.shards[0].open());
  EXPECT_TRUE(d.shards[1].open());
  EXPECT_EQ(d.shards[1].parent_shard_id, d.shards[0].shard_id);
  EXPECT_LT(d.shards[0].ending_sequence_number, d.shards[1].starting_sequence_number);
  ShardRead first = read(d.shards[0]);
  ASSERT_EQ(first.records.size(), 1u);
  EXPECT_TRUE(first.ended);
  ASSERT_EQ(read(d.shards[1]).records.size(), 1u);
}

TEST_F(StreamStoreTest, CloseStreamDisablesAndStopsRecording) {
  create(std::string(kNewImage));
  put(item("a", "1"));
  auto def = *table();
  ASSERT_EQ(write([&](WriteTxn& t) {
              if (Status s = close_stream(t, def, clock_.now_seconds()); s != Status::ok) return s;
              return t.update_table(def);
            }),
            Status::ok);
  put(item("b", "1"));
  StreamDescription d = desc();
  EXPECT_EQ(d.status, "DISABLED");
  ASSERT_EQ(d.shards.size(), 1u);
  EXPECT_FALSE(d.shards[0].open());
  ShardRead r = read(d.shards[0]);
  EXPECT_EQ(r.records.size(), 1u);
  EXPECT_TRUE(r.ended);
}

TEST_F(StreamStoreTest, TrimDeletesOldRecordsAndMarksPositionsTrimmed) {
  create(std::string(kNewImage));
  put(item("a", "1"));
  const std::string old_seq = read(desc().shards[0]).records.at(0).sequence_number;
  clock_.advance(50);
  put(item("b", "1"));
  clock_.advance(980);  // "a" is 1030 s old, "b" 980 s
  const ShardPosition at_old{ShardPosition::Kind::at, old_seq};
  EXPECT_TRUE(resolve_position(engine_->begin_read(), table()->stream_id, desc().shards[0].shard_id, at_old,
                               clock_.now_seconds(), options_)
                  .trimmed);
  std::size_t deleted = 0;
  write([&](WriteTxn& t) {
    deleted = trim(t, clock_.now_seconds(), options_);
    return Status::ok;
  });
  EXPECT_EQ(deleted, 1u);
  StreamDescription d = desc();
  ASSERT_FALSE(d.shards.empty());
  ShardRead r = read(d.shards.back());
  ASSERT_EQ(r.records.size(), 1u);
  EXPECT_TRUE(read(d.shards[0], at_old).trimmed);
  EXPECT_FALSE(read(d.shards[0]).trimmed);  // TRIM_HORIZON never is
}

}  // namespace
}  // namespace ddbd::streams
