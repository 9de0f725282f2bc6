// Auxiliary records (engine.hh, WriteTxn::aux_put): put/get/erase in a write
// transaction, visible to readers after the commit, gone with an aborted op,
// and prefix scans in both directions that never leave their prefix.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

#include "fn_op.hh"
#include "storage/engine.hh"

namespace ddbd::storage {
namespace {

class AuxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("ddbd-aux-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    EngineOptions o;
    o.data_dir = dir_.string();
    o.map_size = std::size_t(1) << 30;
    engine_ = Engine::open(o);
  }
  void TearDown() override {
    engine_.reset();
    std::filesystem::remove_all(dir_);
  }
  Status write(TxnFn fn) {
    Status result = Status::io_error;
    submit_fn(*engine_, std::move(fn), [&](Status s) { result = s; });
    return result;
  }
  std::vector<std::string> keys(std::string_view prefix, std::string_view from = {}, bool forward = true) {
    ReadTxn r = engine_->begin_read();
    auto cur = r.aux_scan(prefix, from, forward);
    std::vector<std::string> out;
    std::string_view k, v;
    while (cur->next(k, v)) out.emplace_back(k);
    return out;
  }
  std::filesystem::path dir_;
  std::unique_ptr<Engine> engine_;
};

TEST_F(AuxTest, PutGetEraseAcrossCommits) {
  EXPECT_EQ(write([](WriteTxn& t) {
              EXPECT_EQ(t.aux_put("a/1", "one"), Status::ok);
              std::string v;
              EXPECT_TRUE(t.aux_get("a/1", v));  // the transaction sees its own write
              EXPECT_EQ(v, "one");
              return Status::ok;
            }),
            Status::ok);
  {
    ReadTxn r = engine_->begin_read();
    std::string_view v;
    ASSERT_TRUE(r.aux_get("a/1", v));
    EXPECT_EQ(v, "one");
    EXPECT_FALSE(r.aux_get("a/2", v));
  }
  EXPECT_EQ(write([](WriteTxn& t) { return t.aux_erase("a/1"); }), Status::ok);
  EXPECT_EQ(write([](WriteTxn& t) { return t.aux_erase("a/1"); }), Status::not_found);
  ReadTxn r = engine_->begin_read();
  std::string_view v;
  EXPECT_FALSE(r.aux_get("a/1", v));
}

TEST_F(AuxTest, FailedOpLeavesNothing) {
  EXPECT_EQ(write([](WriteTxn& t) {
              EXPECT_EQ(t.aux_put("x", "1"), Status::ok);
              return Status::aborted;
            }),
            Status::aborted);
  ReadTxn r = engine_->begin_read();
  std::string_view v;
  EXPECT_FALSE(r.aux_get("x", v));
}

TEST_F(AuxTest, ScansStayInsideTheirPrefix) {
  ASSERT_EQ(write([](WriteTxn& t) {
              for (const char* k : {"a", "b/1", "b/2", "b/3", "b/\xff\xff", "c", "b0"})
                if (t.aux_put(k, "v") != Status::ok) return Status::io_error;
              return Status::ok;
            }),
            Status::ok);
  EXPECT_EQ(keys("b/"), (std::vector<std::string>{"b/1", "b/2", "b/3", "b/\xff\xff"}));
  EXPECT_EQ(keys("b/", "b/2"), (std::vector<std::string>{"b/2", "b/3", "b/\xff\xff"}));
  EXPECT_EQ(keys("b/", {}, false), (std::vector<std::string>{"b/\xff\xff", "b/3", "b/2", "b/1"}));
  EXPECT_EQ(keys("b/", "b/2", false), (std::vector<std::string>{"b/2", "b/1"}));
  EXPECT_EQ(keys("b/", "b/25", false), (std::vector<std::string>{"b/2", "b/1"}));
  EXPECT_EQ(keys("c"), (std::vector<std::string>{"c"}));
  EXPECT_EQ(keys("c", {}, false), (std::vector<std::string>{"c"}));
  EXPECT_TRUE(keys("d").empty());
  EXPECT_TRUE(keys("d", {}, false).empty());
  EXPECT_EQ(keys("", {}, false).front(), "c");
  EXPECT_EQ(keys("").size(), 7u);
}

}  // namespace
}  // namespace ddbd::storage
