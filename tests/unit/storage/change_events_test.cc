// Change events (storage/write_op.hh): every committed item write reaches the
// observers once, with its images, kind, time and origin; discarded and
// failed writes never do.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <vector>

#include <unistd.h>

#include "fn_op.hh"
#include "storage/encoded_item.hh"
#include "storage/engine.hh"

namespace ddbd::storage {
namespace {

// Records what it is told; optionally refuses events of one key in
// on_change.
class Recorder final : public ChangeObserver {
 public:
  Status on_change(WriteTxn&, const ChangeEvent& e) override {
    ++in_txn;
    return e.key.hash.str == refuse ? Status::aborted : Status::ok;
  }
  void on_commit(const std::vector<ChangeEvent>& events) override {
    ++commits;
    committed.insert(committed.end(), events.begin(), events.end());
  }
  std::vector<ChangeEvent> committed;
  int commits = 0;
  int in_txn = 0;
  std::string refuse;
};

Item item(const std::string& pk, const std::string& data) {
  Item it;
  map_set(it, "pk", AttributeValue::string(pk));
  map_set(it, "data", AttributeValue::string(data));
  return it;
}

std::string data_of(std::string_view image) {
  Item it;
  EXPECT_TRUE(decode_item(image, it));
  const AttributeValue* d = map_find(it, "data");
  return d ? d->str : "";
}

PrimaryKey key(const std::string& pk) { return PrimaryKey{AttributeValue::string(pk), std::nullopt}; }

class ChangeEventsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("ddbd-events-test-" + std::to_string(::getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    EngineOptions o;
    o.data_dir = dir_.string();
    o.map_size = std::size_t(1) << 30;
    o.clock = &clock_;
    o.defer = [this](std::function<void()> f) { deferred_.push_back(std::move(f)); };
    engine_ = Engine::open(o);
    engine_->add_observer(&rec_);
    TableDef def;
    def.ns = "ns";
    def.name = "T";
    def.key.hash = KeyAttr{"pk", AttrType::S};
    EXPECT_EQ(write([&](WriteTxn& t) { return t.create_table(def); }), Status::ok);
    table_ = engine_->find_table("ns", "T");
  }
  void TearDown() override {
    engine_.reset();
    std::filesystem::remove_all(dir_);
  }
  // Runs the leader (and whatever it defers) until the queue is empty.
  void run() {
    while (!deferred_.empty()) {
      auto f = std::move(deferred_.back());
      deferred_.pop_back();
      f();
    }
  }
  Status write(TxnFn fn, Origin origin = Origin::user) {
    Status result = Status::io_error;
    submit_fn(*engine_, std::move(fn), [&](Status s) { result = s; }, origin);
    run();
    return result;
  }

  ManualClock clock_{1000.5};
  std::vector<std::function<void()>> deferred_;
  std::filesystem::path dir_;
  std::unique_ptr<Engine> engine_;
  Recorder rec_;
  std::shared_ptr<const TableDef> table_;
};

TEST_F(ChangeEventsTest, InsertModifyRemoveCarryImagesTimeAndOrigin) {
  ASSERT_EQ(write([&](WriteTxn& t) { return t.put(*table_, item("a", "one")); }), Status::ok);
  clock_.set(2000.25);
  ASSERT_EQ(write([&](WriteTxn& t) { return t.put(*table_, item("a", "two")); }), Status::ok);
  ASSERT_EQ(write([&](WriteTxn& t) { return t.erase(*table_, key("a")); }, Origin::service), Status::ok);
  // Erasing a missing item changes nothing and tells nothing.
  EXPECT_EQ(write([&](WriteTxn& t) { return t.erase(*table_, key("a")); }), Status::not_found);

  ASSERT_EQ(rec_.committed.size(), 3u);
  const ChangeEvent& ins = rec_.committed[0];
  EXPECT_EQ(ins.kind, ChangeKind::insert);
  EXPECT_EQ(ins.table->name, "T");
  EXPECT_EQ(ins.key.hash.str, "a");
  EXPECT_FALSE(ins.has_old());
  EXPECT_EQ(data_of(ins.new_image()), "one");
  EXPECT_DOUBLE_EQ(ins.time, 1000.5);
  EXPECT_EQ(ins.origin, Origin::user);

  const ChangeEvent& mod = rec_.committed[1];
  EXPECT_EQ(mod.kind, ChangeKind::modify);
  EXPECT_EQ(data_of(mod.old_image()), "one");
  EXPECT_EQ(data_of(mod.new_image()), "two");
  EXPECT_DOUBLE_EQ(mod.time, 2000.25);

  const ChangeEvent& rem = rec_.committed[2];
  EXPECT_EQ(rem.kind, ChangeKind::remove);
  EXPECT_EQ(data_of(rem.old_image()), "two");
  EXPECT_FALSE(rem.has_new());
  EXPECT_EQ(rem.origin, Origin::service);
}

// One batch: an op failing after it wrote is rolled back alone; the ops
// before it run again, yet each committed change is told exactly once, and
// the failed op's and the op refused before writing are never told.
TEST_F(ChangeEventsTest, DiscardedWritesHaveNoEventsAndRerunsNoDuplicates) {
  std::vector<Status> st(4, Status::io_error);
  int runs_of_first = 0;
  submit_fn(*engine_, [&](WriteTxn& t) { ++runs_of_first; return t.put(*table_, item("a", "1")); },
            [&](Status s) { st[0] = s; });
  submit_fn(*engine_, [&](WriteTxn& t) { (void)t.put(*table_, item("b", "1")); return Status::aborted; },
            [&](Status s) { st[1] = s; });
  submit_fn(*engine_, [&](WriteTxn&) { return Status::aborted; }, [&](Status s) { st[2] = s; });
  submit_fn(*engine_, [&](WriteTxn& t) { return t.put(*table_, item("c", "1")); }, [&](Status s) { st[3] = s; });
  run();
  EXPECT_EQ(st, (std::vector<Status>{Status::ok, Status::aborted, Status::aborted, Status::ok}));
  EXPECT_EQ(runs_of_first, 2);
  std::vector<std::string> keys;
  for (const auto& e : rec_.committed) keys.push_back(e.key.hash.str);
  EXPECT_EQ(keys, (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(rec_.commits, 2);  // the batch was split in two transactions
}

// An observer refusing an event inside the transaction fails that op: its
// write is not committed and nobody hears of it; the other ops stand.
TEST_F(ChangeEventsTest, ObserverRefusalFailsTheOpAlone) {
  rec_.refuse = "bad";
  std::vector<Status> st(3, Status::io_error);
  submit_fn(*engine_, [&](WriteTxn& t) { return t.put(*table_, item("a", "1")); }, [&](Status s) { st[0] = s; });
  submit_fn(*engine_, [&](WriteTxn& t) { return t.put(*table_, item("bad", "1")); }, [&](Status s) { st[1] = s; });
  submit_fn(*engine_, [&](WriteTxn& t) { return t.put(*table_, item("c", "1")); }, [&](Status s) { st[2] = s; });
  run();
  EXPECT_EQ(st, (std::vector<Status>{Status::ok, Status::aborted, Status::ok}));
  std::vector<std::string> keys;
  for (const auto& e : rec_.committed) keys.push_back(e.key.hash.str);
  EXPECT_EQ(keys, (std::vector<std::string>{"a", "c"}));
  EXPECT_FALSE(engine_->begin_read().get(*table_, key("bad"), nullptr));
  EXPECT_TRUE(engine_->begin_read().get(*table_, key("c"), nullptr));
}

// A write refused for space (before it changed anything) has no event.
TEST_F(ChangeEventsTest, RefusedPutHasNoEvent) {
  engine_.reset();
  std::filesystem::remove_all(dir_);
  EngineOptions o;
  o.data_dir = dir_.string();
  o.map_size = std::size_t(2) << 20;
  engine_ = Engine::open(o);
  Recorder rec;
  engine_->add_observer(&rec);
  TableDef def;
  def.ns = "ns";
  def.name = "Full";
  def.key.hash = KeyAttr{"pk", AttrType::S};
  ASSERT_EQ(write([&](WriteTxn& t) { return t.create_table(def); }), Status::ok);
  auto t = engine_->find_table("ns", "Full");
  const std::string blob(900, 'b');
  int ok = 0;
  Status s = Status::ok;
  while (s == Status::ok && ok < 100000) {
    s = write([&](WriteTxn& w) { return w.put(*t, item("k" + std::to_string(ok), blob)); });
    if (s == Status::ok) ++ok;
  }
  EXPECT_EQ(s, Status::map_full);
  EXPECT_EQ(rec.committed.size(), static_cast<std::size_t>(ok));
}

}  // namespace
}  // namespace ddbd::storage
