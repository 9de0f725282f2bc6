#include "storage/engine.hh"
#include "fn_op.hh"

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <filesystem>
#include <set>
#include <thread>

#include <sys/stat.h>
#include <unistd.h>

namespace ddbd::storage {
namespace {

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("ddbd-engine-test-" + std::to_string(::getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    open();
  }
  void TearDown() override {
    engine_.reset();
    std::filesystem::remove_all(dir_);
  }
  void open() {
    EngineOptions o;
    o.data_dir = dir_.string();
    o.map_size = std::size_t(1) << 30;
    engine_ = Engine::open(o);
  }
  // Runs a write synchronously (no defer function: submit drains inline).
  Status write(TxnFn fn) {
    Status result = Status::io_error;
    submit_fn(*engine_, std::move(fn), [&](Status s) { result = s; });
    return result;
  }
  std::shared_ptr<const TableDef> create(const std::string& name, bool composite, AttrType range_type = AttrType::S) {
    TableDef def;
    def.ns = "ns";
    def.name = name;
    def.key.hash = KeyAttr{"pk", AttrType::S};
    if (composite) def.key.range = KeyAttr{"sk", range_type};
    EXPECT_EQ(write([&](WriteTxn& t) { return t.create_table(def); }), Status::ok);
    return engine_->find_table("ns", name);
  }
  static Item make(const std::string& pk, std::optional<AttributeValue> sk = {}, const std::string& data = "x") {
    Item it;
    map_set(it, "pk", AttributeValue::string(pk));
    if (sk) map_set(it, "sk", *sk);
    map_set(it, "data", AttributeValue::string(data));
    return it;
  }

  std::filesystem::path dir_;
  std::unique_ptr<Engine> engine_;
};

TEST_F(EngineTest, CreatePutGetDelete) {
  auto t = create("T1", false);
  ASSERT_TRUE(t);
  EXPECT_EQ(write([&](WriteTxn& w) { return w.put(*t, make("a")); }), Status::ok);
  PrimaryKey k{AttributeValue::string("a"), std::nullopt};
  Item out;
  EXPECT_TRUE(engine_->begin_read().get(*t, k, &out));
  EXPECT_EQ(map_find(out, "data")->str, "x");
  auto stats = engine_->begin_read().stats(*t);
  EXPECT_EQ(stats.item_count, 1u);
  EXPECT_EQ(stats.size_bytes, item_size(make("a")));
  EXPECT_EQ(write([&](WriteTxn& w) { return w.erase(*t, k); }), Status::ok);
  EXPECT_FALSE(engine_->begin_read().get(*t, k, &out));
  EXPECT_EQ(engine_->begin_read().stats(*t).item_count, 0u);
}

TEST_F(EngineTest, DuplicateTableIsRejectedAndNamespacesAreSeparate) {
  create("T1", false);
  TableDef again;
  again.ns = "ns";
  again.name = "T1";
  again.key.hash = KeyAttr{"pk", AttrType::S};
  Status created = Status::ok;
  write([&](WriteTxn& w) { created = w.create_table(again); return Status::aborted; });
  EXPECT_EQ(created, Status::already_exists);
  again.ns = "other";
  EXPECT_EQ(write([&](WriteTxn& w) { return w.create_table(again); }), Status::ok);
  EXPECT_EQ(engine_->list_tables("ns").size(), 1u);
  EXPECT_EQ(engine_->list_tables("other").size(), 1u);
}

TEST_F(EngineTest, AbortedWriteLeavesNoTrace) {
  auto t = create("T1", false);
  EXPECT_EQ(write([&](WriteTxn& w) {
              w.put(*t, make("a"));
              return Status::aborted;
            }),
            Status::aborted);
  EXPECT_FALSE(engine_->begin_read().get(*t, PrimaryKey{AttributeValue::string("a"), std::nullopt}, nullptr));
  EXPECT_EQ(engine_->begin_read().stats(*t).item_count, 0u);
}

TEST_F(EngineTest, DataSurvivesReopen) {
  auto t = create("T1", false);
  write([&](WriteTxn& w) { return w.put(*t, make("a")); });
  engine_.reset();
  open();
  auto t2 = engine_->find_table("ns", "T1");
  ASSERT_TRUE(t2);
  EXPECT_EQ(t2->table_id, t->table_id);
  EXPECT_TRUE(engine_->begin_read().get(*t2, PrimaryKey{AttributeValue::string("a"), std::nullopt}, nullptr));
}

TEST_F(EngineTest, DeleteTableRemovesItemsAndIdIsNotReused) {
  auto t = create("T1", false);
  for (int i = 0; i < 100; ++i) write([&](WriteTxn& w) { return w.put(*t, make("k" + std::to_string(i))); });
  EXPECT_EQ(write([&](WriteTxn& w) { return w.delete_table(*t); }), Status::ok);
  EXPECT_FALSE(engine_->find_table("ns", "T1"));
  // Writes against the dropped table fail.
  EXPECT_EQ(write([&](WriteTxn& w) { return w.put(*t, make("z")); }), Status::not_found);
  auto t2 = create("T1", false);
  EXPECT_NE(t2->table_id, t->table_id);
  ScanSpec all;
  auto c = engine_->begin_read().scan(*t2, all);
  Item it;
  EXPECT_FALSE(c->next(it));
}

TEST_F(EngineTest, QueryOrdersBySortKeyBothWays) {
  auto t = create("T1", true, AttrType::N);
  for (int i : {5, -3, 10, 0, 7, 100, -50})
    write([&](WriteTxn& w) { return w.put(*t, make("p", AttributeValue::number(std::to_string(i)))); });
  write([&](WriteTxn& w) { return w.put(*t, make("q", AttributeValue::number("1"))); });
  auto collect = [&](ScanSpec spec) {
    std::vector<std::string> out;
    auto txn = engine_->begin_read();
    auto c = txn.scan(*t, spec);
    Item it;
    while (c->next(it)) out.push_back(map_find(it, "sk")->str);
    return out;
  };
  ScanSpec q;
  q.hash = AttributeValue::string("p");
  EXPECT_EQ(collect(q), (std::vector<std::string>{"-50", "-3", "0", "5", "7", "10", "100"}));
  q.forward = false;
  EXPECT_EQ(collect(q), (std::vector<std::string>{"100", "10", "7", "5", "0", "-3", "-50"}));
  q.forward = true;
  q.lower = AttributeValue::number("0");
  q.lower_inclusive = false;
  q.upper = AttributeValue::number("10");
  EXPECT_EQ(collect(q), (std::vector<std::string>{"5", "7", "10"}));
  q.forward = false;
  EXPECT_EQ(collect(q), (std::vector<std::string>{"10", "7", "5"}));
  q.start_after = PrimaryKey{AttributeValue::string("p"), AttributeValue::number("7")};
  EXPECT_EQ(collect(q), (std::vector<std::string>{"5"}));
}

TEST_F(EngineTest, ParallelScanSegmentsAreDisjointAndComplete) {
  auto t = create("T1", false);
  for (int i = 0; i < 500; ++i) write([&](WriteTxn& w) { return w.put(*t, make("k" + std::to_string(i))); });
  std::set<std::string> seen;
  std::size_t total = 0;
  for (uint32_t s = 0; s < 7; ++s) {
    ScanSpec spec;
    spec.segment = s;
    spec.total_segments = 7;
    auto txn = engine_->begin_read();
    auto c = txn.scan(*t, spec);
    Item it;
    while (c->next(it)) {
      seen.insert(map_find(it, "pk")->str);
      ++total;
    }
  }
  EXPECT_EQ(total, 500u);
  EXPECT_EQ(seen.size(), 500u);
}

TEST_F(EngineTest, ConcurrentSubmittersAreAllCommitted) {
  auto t = create("T1", false);
  std::atomic<int> done{0};
  std::vector<std::thread> threads;
  for (int th = 0; th < 4; ++th)
    threads.emplace_back([&, th] {
      for (int i = 0; i < 200; ++i) {
        std::string pk = "t" + std::to_string(th) + "-" + std::to_string(i);
        submit_fn(*engine_, [&, pk](WriteTxn& w) { return w.put(*t, make(pk)); },
                        [&](Status s) {
                          EXPECT_EQ(s, Status::ok);
                          done++;
                        });
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(done.load(), 800);
  EXPECT_EQ(engine_->begin_read().stats(*t).item_count, 800u);
}

TEST_F(EngineTest, IndexesAreMaintainedSparseAndQueryable) {
  TableDef def;
  def.ns = "ns";
  def.name = "Idx";
  def.key.hash = KeyAttr{"pk", AttrType::S};
  IndexDef gsi;
  gsi.name = "byColour";
  gsi.key.hash = KeyAttr{"colour", AttrType::S};
  gsi.key.range = KeyAttr{"size", AttrType::N};
  gsi.projection = ProjectionType::KEYS_ONLY;
  gsi.index_id = 1;
  def.indexes.push_back(gsi);
  ASSERT_EQ(write([&](WriteTxn& w) { return w.create_table(def); }), Status::ok);
  auto t = engine_->find_table("ns", "Idx");
  auto item = [](const std::string& pk, const char* colour, const char* size) {
    Item it;
    map_set(it, "pk", AttributeValue::string(pk));
    if (colour) map_set(it, "colour", AttributeValue::string(colour));
    if (size) map_set(it, "size", AttributeValue::number(size));
    map_set(it, "other", AttributeValue::string("payload"));
    return it;
  };
  write([&](WriteTxn& w) { return w.put(*t, item("a", "red", "3")); });
  write([&](WriteTxn& w) { return w.put(*t, item("b", "red", "1")); });
  write([&](WriteTxn& w) { return w.put(*t, item("c", "blue", "2")); });
  write([&](WriteTxn& w) { return w.put(*t, item("d", nullptr, "2")); });  // sparse: not indexed
  write([&](WriteTxn& w) { return w.put(*t, item("e", "red", "2")); });
  write([&](WriteTxn& w) { return w.put(*t, item("e", "blue", "9")); });  // moves to blue
  const IndexDef& ix = t->indexes[0];
  auto query = [&](const std::string& colour, bool forward) {
    ScanSpec q;
    q.index = &ix;
    q.hash = AttributeValue::string(colour);
    q.forward = forward;
    std::vector<std::string> out;
    auto txn = engine_->begin_read();
    auto c = txn.scan(*t, q);
    Item it;
    while (c->next(it)) {
      EXPECT_EQ(map_find(it, "other"), nullptr);  // KEYS_ONLY
      out.push_back(map_find(it, "pk")->str);
    }
    return out;
  };
  EXPECT_EQ(query("red", true), (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(query("red", false), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(query("blue", true), (std::vector<std::string>{"c", "e"}));
  EXPECT_EQ(engine_->begin_read().index_stats(*t, ix).item_count, 4u);
  write([&](WriteTxn& w) { return w.erase(*t, PrimaryKey{AttributeValue::string("a"), std::nullopt}); });
  EXPECT_EQ(query("red", true), (std::vector<std::string>{"b"}));
  EXPECT_EQ(engine_->begin_read().index_stats(*t, ix).item_count, 3u);
  // Bounds on the index sort key.
  ScanSpec q;
  q.index = &ix;
  q.hash = AttributeValue::string("blue");
  q.lower = AttributeValue::number("2");
  q.lower_inclusive = false;
  auto txn = engine_->begin_read();
  auto c = txn.scan(*t, q);
  Item it;
  ASSERT_TRUE(c->next(it));
  EXPECT_EQ(map_find(it, "pk")->str, "e");
  EXPECT_FALSE(c->next(it));
}

// Issue 10: at the --map-size cap, writes that add data are refused with
// map_full before they write, while erase and delete_table still succeed
// (they run in the map reserve), and the room they free is used again.
TEST_F(EngineTest, FullStoreRefusesPutsButDeletesAndDropsWork) {
  engine_.reset();
  EngineOptions o;
  o.data_dir = dir_.string();
  o.map_size = std::size_t(2) << 20;
  engine_ = Engine::open(o);
  auto t = create("Full", false);
  ASSERT_TRUE(t);
  const std::string blob(900, 'b');
  int written = 0;
  Status s = Status::ok;
  for (; written < 100000; ++written) {
    s = write([&](WriteTxn& w) { return w.put(*t, make("k" + std::to_string(written), {}, blob)); });
    if (s != Status::ok) break;
  }
  EXPECT_EQ(s, Status::map_full);
  EXPECT_GT(written, 500);
  EXPECT_LT(written, 100000);
  // One transaction of many deletes on the full store.
  s = write([&](WriteTxn& w) {
    for (int i = 0; i < 200; ++i)
      if (Status e = w.erase(*t, PrimaryKey{AttributeValue::string("k" + std::to_string(i)), std::nullopt});
          e != Status::ok)
        return e;
    return Status::ok;
  });
  EXPECT_EQ(s, Status::ok);
  EXPECT_EQ(write([&](WriteTxn& w) { return w.delete_table(*t); }), Status::ok);
  auto again = create("Again", false);
  ASSERT_TRUE(again);
  for (int i = 0; i < written / 2; ++i)
    ASSERT_EQ(write([&](WriteTxn& w) { return w.put(*again, make("k" + std::to_string(i), {}, blob)); }), Status::ok)
        << "after " << i << " puts";
}

// The disk reserve stays ahead of the data file: after every commit at
// least half of it (16 MiB) is allocated past the file's end, whether the
// renewal thread or the commit renewed it.  (ext4/tmpfs report blocks
// allocated past the end with FALLOC_FL_KEEP_SIZE in st_blocks.)
TEST_F(EngineTest, DiskReserveStaysAheadOfTheDataFile) {
  auto t = create("Grow", false);
  ASSERT_TRUE(t);
  const std::string blob(200 * 1024, 'g');
  const auto file = dir_ / "data.mdb";
  constexpr std::uint64_t kHalfReserve = std::uint64_t(16) << 20;
  for (int i = 0; i < 300; ++i) {  // about 60 MB: the reserve is renewed several times
    ASSERT_EQ(write([&](WriteTxn& w) { return w.put(*t, make("k" + std::to_string(i), {}, blob)); }), Status::ok);
    struct stat st {};
    ASSERT_EQ(::stat(file.c_str(), &st), 0);
    const auto allocated = static_cast<std::uint64_t>(st.st_blocks) * 512;
    ASSERT_GE(allocated, static_cast<std::uint64_t>(st.st_size) + kHalfReserve - (std::uint64_t(1) << 20))
        << "after " << i + 1 << " puts, file size " << st.st_size;
  }
}

}  // namespace
}  // namespace ddbd::storage

namespace ddbd::storage {
namespace {

// A batch shares one transaction: an op that fails after writing is rolled
// back alone, the ops before and after it are committed, and each op gets
// its own status.
TEST(EngineBatchTest, OpFailingAfterWritingIsRolledBackAlone) {
  for (bool in_memory : {false, true}) {
    auto dir = std::filesystem::temp_directory_path() / ("ddbd-engine-batch-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::vector<std::function<void()>> deferred;
    EngineOptions o;
    o.data_dir = dir.string();
    o.in_memory = in_memory;
    o.map_size = std::size_t(1) << 30;
    o.defer = [&](std::function<void()> f) { deferred.push_back(std::move(f)); };
    auto engine = Engine::open(o);
    TableDef def;
    def.ns = "ns";
    def.name = "batch";
    def.key.hash = KeyAttr{"pk", AttrType::S};
    Status created = Status::io_error;
    submit_fn(*engine, [&](WriteTxn& t) { return t.create_table(def); }, [&](Status s) { created = s; });
    while (!deferred.empty()) {
      auto f = std::move(deferred.back());
      deferred.pop_back();
      f();
    }
    ASSERT_EQ(created, Status::ok);
    auto table = engine->find_table("ns", "batch");
    auto item = [](const std::string& pk) {
      Item it;
      map_set(it, "pk", AttributeValue::string(pk));
      return it;
    };
    // Five ops queued before the leader runs: one batch.
    std::vector<Status> st(5, Status::io_error);
    int runs_of_first = 0;
    submit_fn(*engine, [&](WriteTxn& t) { ++runs_of_first; return t.put(*table, item("a")); }, [&](Status s) { st[0] = s; });
    submit_fn(*engine, [&](WriteTxn& t) { (void)t.put(*table, item("b")); return Status::aborted; }, [&](Status s) { st[1] = s; });
    submit_fn(*engine, [&](WriteTxn&) { return Status::aborted; }, [&](Status s) { st[2] = s; });
    submit_fn(*engine, [&](WriteTxn& t) { return t.put(*table, item("c")); }, [&](Status s) { st[3] = s; });
    submit_fn(*engine, [&](WriteTxn& t) { return t.put(*table, item("d")); }, [&](Status s) { st[4] = s; });
    ASSERT_EQ(deferred.size(), 1u);
    auto leader = std::move(deferred.back());
    deferred.clear();
    leader();
    EXPECT_EQ(st, (std::vector<Status>{Status::ok, Status::aborted, Status::aborted, Status::ok, Status::ok}));
    EXPECT_EQ(runs_of_first, 2);  // run again after the rollback
    {
      ReadTxn r = engine->begin_read();
      for (const char* pk : {"a", "c", "d"}) {
        PrimaryKey k{AttributeValue::string(pk), std::nullopt};
        EXPECT_TRUE(r.get(*table, k, nullptr)) << pk;
      }
      PrimaryKey b{AttributeValue::string("b"), std::nullopt};
      EXPECT_FALSE(r.get(*table, b, nullptr));
      EXPECT_EQ(r.stats(*table).item_count, 3u);
    }
    engine.reset();
    std::filesystem::remove_all(dir);
  }
}

}  // namespace
}  // namespace ddbd::storage

namespace ddbd::storage {
namespace {

// Item collections of a table with an LSI: their size (items plus LSI
// entries) is kept with the stats, counts ops earlier in the same commit,
// and a put that takes it over the limit fails alone with collection_full.
TEST(EngineCollectionTest, SizeIsTrackedAndLimitEnforcedWithinABatch) {
  auto dir = std::filesystem::temp_directory_path() / ("ddbd-engine-coll-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::vector<std::function<void()>> deferred;
  EngineOptions o;
  o.data_dir = dir.string();
  o.map_size = std::size_t(1) << 30;
  o.max_item_collection_bytes = 1000;
  o.defer = [&](std::function<void()> f) { deferred.push_back(std::move(f)); };
  auto engine = Engine::open(o);
  auto run = [&] {
    while (!deferred.empty()) {
      auto f = std::move(deferred.back());
      deferred.pop_back();
      f();
    }
  };
  TableDef def;
  def.ns = "ns";
  def.name = "coll";
  def.key.hash = KeyAttr{"pk", AttrType::S};
  def.key.range = KeyAttr{"sk", AttrType::S};
  IndexDef lsi;
  lsi.name = "byN";
  lsi.global = false;
  lsi.key.hash = KeyAttr{"pk", AttrType::S};
  lsi.key.range = KeyAttr{"n", AttrType::N};
  lsi.projection = ProjectionType::KEYS_ONLY;
  lsi.index_id = 1;
  def.indexes.push_back(lsi);
  Status created = Status::io_error;
  submit_fn(*engine, [&](WriteTxn& t) { return t.create_table(def); }, [&](Status s) { created = s; });
  run();
  ASSERT_EQ(created, Status::ok);
  auto table = engine->find_table("ns", "coll");
  auto item = [](const std::string& pk, const std::string& sk, std::size_t pad) {
    Item it;
    map_set(it, "pk", AttributeValue::string(pk));
    map_set(it, "sk", AttributeValue::string(sk));
    map_set(it, "n", AttributeValue::number("1"));
    map_set(it, "d", AttributeValue::string(std::string(pad, 'x')));
    return it;
  };
  // One item plus its KEYS_ONLY LSI entry (pk, sk, n).
  Item entry = item("p", "a", 0);
  map_erase(entry, "d");
  ASSERT_EQ(entry.size(), 3u);
  const std::size_t one = item_size(item("p", "a", 300)) + item_size(entry);
  ASSERT_LT(3 * one, 1000u);
  ASSERT_GT(4 * one, 1000u);
  std::vector<Status> st(4, Status::io_error);
  submit_fn(*engine, [&](WriteTxn& t) { return t.put(*table, item("p", "a", 300)); }, [&](Status s) { st[0] = s; });
  submit_fn(*engine, [&](WriteTxn& t) { return t.put(*table, item("p", "b", 300)); }, [&](Status s) { st[1] = s; });
  submit_fn(*engine, [&](WriteTxn& t) { return t.put(*table, item("p", "c", 300)); }, [&](Status s) { st[2] = s; });
  submit_fn(*engine, [&](WriteTxn& t) { return t.put(*table, item("p", "d", 300)); }, [&](Status s) { st[3] = s; });
  ASSERT_EQ(deferred.size(), 1u);  // one batch
  run();
  EXPECT_EQ(st, (std::vector<Status>{Status::ok, Status::ok, Status::ok, Status::collection_full}));
  const AttributeValue p = AttributeValue::string("p");
  EXPECT_EQ(engine->begin_read().item_collection_size(*table, p), 3 * one);
  // Replacing an item with a bigger one counts the difference only.
  Status s = Status::io_error;
  submit_fn(*engine, [&](WriteTxn& t) { return t.put(*table, item("p", "a", 320)); }, [&](Status r) { s = r; });
  run();
  EXPECT_EQ(s, Status::ok);
  EXPECT_EQ(engine->begin_read().item_collection_size(*table, p), 3 * one + 20);
  // Erasing everything empties the record.
  for (const char* sk : {"a", "b", "c"}) {
    submit_fn(*engine, [&](WriteTxn& t) { return t.erase(*table, PrimaryKey{p, AttributeValue::string(sk)}); },
                   [&](Status r) { s = r; });
    run();
    EXPECT_EQ(s, Status::ok);
  }
  EXPECT_EQ(engine->begin_read().item_collection_size(*table, p), 0u);
  engine.reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ddbd::storage
