// Global tables (api/global_tables.hh): last writer wins on (time, region),
// local stamps that only grow, region names, the replica set's codec, and
// the replication observer and service on a real engine: a change reaches
// the other region through the durable queue, a replicated write is not
// sent back, an older change loses to a newer one, a removed replica gets
// nothing, and STRONG tables replicate inside the write.
#include "api/global_tables.hh"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>

#include <unistd.h>

#include "api/services.hh"
#include "storage/clock.hh"
#include "storage/engine.hh"

namespace ddbd::api::global {
namespace {

TEST(GlobalTablesTest, LastWriterWinsOnTimeThenRegion) {
  EXPECT_TRUE(wins(Stamp{2, "eu-west-1"}, Stamp{1, "us-east-1"}));
  EXPECT_FALSE(wins(Stamp{1, "us-east-1"}, Stamp{2, "eu-west-1"}));
  // Same time: the greater region name wins, whichever arrives first.
  EXPECT_TRUE(wins(Stamp{5, "us-east-1"}, Stamp{5, "eu-west-1"}));
  EXPECT_FALSE(wins(Stamp{5, "eu-west-1"}, Stamp{5, "us-east-1"}));
  // The same stamp again (a backfill or a redelivery) changes nothing.
  EXPECT_FALSE(wins(Stamp{5, "eu-west-1"}, Stamp{5, "eu-west-1"}));
}

TEST(GlobalTablesTest, LocalStampsOnlyGrow) {
  EXPECT_EQ(local_stamp(100, std::nullopt), 100u);
  EXPECT_EQ(local_stamp(100, Stamp{50, "x"}), 100u);
  // A replicated write stamped at or after the local clock: the next local
  // write is stamped after it, so it wins everywhere.
  EXPECT_EQ(local_stamp(100, Stamp{100, "x"}), 101u);
  EXPECT_EQ(local_stamp(100, Stamp{250, "x"}), 251u);
}

TEST(GlobalTablesTest, RegionNames) {
  for (const char* r : {"us-east-1", "eu-west-1", "ap-southeast-1", "us-gov-west-1", "cn-north-1", "me-central-1"})
    EXPECT_TRUE(valid_region(r)) << r;
  for (const char* r : {"", "us-east-9", "US-EAST-1", "mars-north-1", "us-east-1 ", "useast1", "local"})
    EXPECT_FALSE(valid_region(r)) << r;
}

TEST(GlobalTablesTest, NamespaceParts) {
  EXPECT_EQ(access_key_of("AKID/us-east-1"), "AKID");
  EXPECT_EQ(namespace_of("AKID", "eu-west-1"), "AKID/eu-west-1");
}

TEST(GlobalTablesTest, CodecRoundTrip) {
  GlobalInfo in;
  in.version = std::string(kVersion2019);
  in.creation_time = 1700000000.25;
  in.consistency = "STRONG";
  in.witness_region = "us-west-2";
  in.write_scaling.set = true;
  in.write_scaling.min_units = 5;
  in.write_scaling.max_units = 50;
  in.write_scaling.has_policy = true;
  in.write_scaling.target_value = 70.5;
  in.gsi_write_scaling.emplace_back("byX", in.write_scaling);
  Replica a{.region = "eu-west-1", .status = "CREATING", .ready_time = 12.5, .kms_key = "k"};
  a.read_capacity_override = 7;
  a.gsis.push_back(GsiOverride{"byX", 3, {}});
  a.table_class_override = "STANDARD_INFREQUENT_ACCESS";
  in.replicas = {a, Replica{.region = "us-east-1"}};
  GlobalInfo out;
  ASSERT_TRUE(decode(encode(in), out));
  EXPECT_EQ(out.version, in.version);
  EXPECT_EQ(out.creation_time, in.creation_time);
  EXPECT_EQ(out.consistency, "STRONG");
  EXPECT_EQ(out.witness_region, "us-west-2");
  EXPECT_EQ(out.write_scaling.max_units, 50);
  EXPECT_EQ(out.write_scaling.target_value, 70.5);
  ASSERT_EQ(out.gsi_write_scaling.size(), 1u);
  ASSERT_EQ(out.replicas.size(), 2u);
  EXPECT_EQ(out.replicas[0].region, "eu-west-1");
  EXPECT_EQ(out.replicas[0].status, "CREATING");
  EXPECT_EQ(out.replicas[0].read_capacity_override, 7);
  ASSERT_EQ(out.replicas[0].gsis.size(), 1u);
  EXPECT_EQ(out.replicas[0].gsis[0].read_capacity, 3);
  EXPECT_EQ(out.replicas[0].table_class_override, "STANDARD_INFREQUENT_ACCESS");
  EXPECT_EQ(out.replicas[1].region, "us-east-1");
  // A truncated encoding is refused, not misread.
  const std::string bytes = encode(in);
  EXPECT_FALSE(decode(std::string_view(bytes).substr(0, bytes.size() - 3), out));
  EXPECT_FALSE(decode("", out));
}

// ---- the observer and the service on an engine ----

class FnOp final : public storage::WriteOp {
 public:
  explicit FnOp(std::function<storage::Status(storage::WriteTxn&)> fn) : fn_(std::move(fn)) {}
  storage::Status apply(storage::WriteTxn& txn, storage::WriteResult&) const override { return fn_(txn); }

 private:
  std::function<storage::Status(storage::WriteTxn&)> fn_;
};

Item item(const std::string& pk, const std::string& data) {
  Item it;
  map_set(it, "pk", AttributeValue::string(pk));
  map_set(it, "data", AttributeValue::string(data));
  return it;
}

class ReplicationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("ddbd-global-test-" + std::to_string(::getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    storage::EngineOptions o;
    o.data_dir = dir_.string();
    o.map_size = std::size_t(1) << 30;
    o.clock = &clock_;
    engine_ = storage::Engine::open(o);
    replication_ = std::make_shared<Replication>(std::chrono::milliseconds(0));
    engine_->add_observer(replication_.get());
    services_ = std::make_unique<Services>(ServiceContext{*engine_, clock_});
    services_->add(replication_);
    services_->start();
  }
  void TearDown() override {
    services_.reset();
    engine_.reset();
    std::filesystem::remove_all(dir_);
  }
  storage::Status write(std::function<storage::Status(storage::WriteTxn&)> fn) {
    return submit_and_wait(*engine_, std::make_shared<FnOp>(std::move(fn)), std::stop_token{});
  }
  // Creates "T" in each region with a replica set of `regions`.
  void create_group(const std::vector<std::string>& regions, std::string_view consistency = "") {
    GlobalInfo info;
    info.version = std::string(kVersion2019);
    info.consistency = std::string(consistency);
    for (const auto& r : regions) info.replicas.push_back(Replica{.region = r});
    const std::string blob = encode(info);
    for (const auto& r : regions) {
      storage::TableDef def;
      def.ns = namespace_of("AK", r);
      def.region = r;
      def.name = "T";
      def.key.hash = storage::KeyAttr{"pk", AttrType::S};
      def.global_table = blob;
      ASSERT_EQ(write([def](storage::WriteTxn& t) mutable { return t.create_table(def); }), storage::Status::ok);
    }
  }
  storage::Status put(const std::string& region, const std::string& pk, const std::string& data) {
    auto t = engine_->find_table(namespace_of("AK", region), "T");
    return write([t, pk, data](storage::WriteTxn& txn) { return txn.put(*t, item(pk, data)); });
  }
  // The item's data in `region`, "" when absent.
  std::string get(const std::string& region, const std::string& pk) {
    auto t = engine_->find_table(namespace_of("AK", region), "T");
    Item out;
    if (!engine_->begin_read().get(*t, storage::PrimaryKey{AttributeValue::string(pk), std::nullopt}, &out)) return "";
    const AttributeValue* d = map_find(out, "data");
    return d ? d->str : "?";
  }
  std::size_t queued() {
    auto txn = engine_->begin_read();
    auto cur = txn.aux_scan(kQueuePrefix);
    std::string_view k, v;
    std::size_t n = 0;
    while (cur->next(k, v)) ++n;
    return n;
  }

  storage::ManualClock clock_{1000.0};
  std::filesystem::path dir_;
  std::unique_ptr<storage::Engine> engine_;
  std::shared_ptr<Replication> replication_;
  std::unique_ptr<Services> services_;
};

TEST_F(ReplicationTest, ChangeReachesTheOtherRegionAndIsNotSentBack) {
  create_group({"eu-west-1", "us-east-1"});
  ASSERT_EQ(put("us-east-1", "a", "one"), storage::Status::ok);
  ASSERT_TRUE(services_->run_now("replication"));
  EXPECT_EQ(get("eu-west-1", "a"), "one");
  // The replicated write queued nothing (no loop back to us-east-1).
  EXPECT_EQ(queued(), 0u);
  // A later write in eu-west-1 comes back the other way.
  clock_.advance(1);
  ASSERT_EQ(put("eu-west-1", "a", "two"), storage::Status::ok);
  ASSERT_TRUE(services_->run_now("replication"));
  EXPECT_EQ(get("us-east-1", "a"), "two");
  EXPECT_EQ(queued(), 0u);
}

TEST_F(ReplicationTest, ConcurrentWritesSettleOnTheLastWriter) {
  create_group({"eu-west-1", "us-east-1"});
  // Both regions write the item before either change is forwarded; the
  // eu-west-1 write is later, so both replicas end with it.
  ASSERT_EQ(put("us-east-1", "k", "early"), storage::Status::ok);
  clock_.advance(0.5);
  ASSERT_EQ(put("eu-west-1", "k", "late"), storage::Status::ok);
  ASSERT_TRUE(services_->run_now("replication"));
  EXPECT_EQ(get("us-east-1", "k"), "late");
  EXPECT_EQ(get("eu-west-1", "k"), "late");
}

TEST_F(ReplicationTest, StrongConsistencyReplicatesInsideTheWrite) {
  create_group({"eu-west-1", "us-east-1", "us-west-2"}, "STRONG");
  ASSERT_EQ(put("us-east-1", "s", "now"), storage::Status::ok);
  // No service run: the replicas have it as soon as the write returned.
  EXPECT_EQ(get("eu-west-1", "s"), "now");
  EXPECT_EQ(get("us-west-2", "s"), "now");
  EXPECT_EQ(queued(), 0u);
}

TEST_F(ReplicationTest, RemovedReplicaGetsNothing) {
  create_group({"eu-west-1", "us-east-1"});
  // The write queues a change for eu-west-1, and eu-west-1 leaves the set
  // in the same transaction, so the change is still queued when it does
  // (a commit wakes the service: two transactions would race it).
  const std::string us = namespace_of("AK", "us-east-1"), eu = namespace_of("AK", "eu-west-1");
  ASSERT_EQ(write([us, eu](storage::WriteTxn& t) {
              auto source = t.find_table(us, "T");
              if (!source) return storage::Status::not_found;
              if (auto s = t.put(*source, item("r", "queued")); s != storage::Status::ok) return s;
              auto leaving = t.find_table(eu, "T");
              if (!leaving) return storage::Status::not_found;
              if (auto s = leave_group(t, *leaving); s != storage::Status::ok) return s;
              storage::TableDef plain = *t.find_table(eu, "T");
              plain.global_table.clear();
              return t.update_table(plain);
            }),
            storage::Status::ok);
  ASSERT_TRUE(services_->run_now("replication"));
  EXPECT_EQ(get("eu-west-1", "r"), "");
  EXPECT_EQ(queued(), 0u);
}

}  // namespace
}  // namespace ddbd::api::global
