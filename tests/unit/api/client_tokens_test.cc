// ClientTokenCache: DynamoDB's 10-minute idempotency window on a ManualClock,
// claims of requests in progress, releases, and the expiry sweep that runs as
// a service.
#include "api/client_tokens.hh"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "storage/clock.hh"
#include "storage/engine.hh"

namespace ddbd::api {
namespace {

using Claim = ClientTokenCache::Claim;

class ClientTokenCacheTest : public ::testing::Test {
 protected:
  // Claims key for digest; the replayed answer (if any) lands in answer_.
  Claim claim(const std::string& key, const std::string& digest) {
    answer_.clear();
    return cache_.claim(key, digest, &answer_);
  }

  storage::ManualClock clock_{1'000'000};
  ClientTokenCache cache_{clock_};
  std::string answer_;
};

TEST_F(ClientTokenCacheTest, ReplaysTheFirstAnswerWithinTheWindow) {
  const std::string k = ClientTokenCache::key("ns", "token-1");
  ASSERT_EQ(claim(k, "d1"), Claim::claimed);
  cache_.complete(k, R"({"first":1})");
  clock_.advance(599.9);
  EXPECT_EQ(claim(k, "d1"), Claim::replay);
  EXPECT_EQ(answer_, R"({"first":1})");
  EXPECT_EQ(claim(k, "d2"), Claim::mismatch) << "other parameters within the window";
}

// "A client request token is valid for 10 minutes after the first request
// that uses it is completed.  After 10 minutes, any request with the same
// client token is treated as a new request."  (API_TransactWriteItems)
TEST_F(ClientTokenCacheTest, AfterTenMinutesTheTokenIsNew) {
  const std::string k = ClientTokenCache::key("ns", "token-1");
  ASSERT_EQ(claim(k, "d1"), Claim::claimed);
  clock_.advance(30);  // the window starts when the request completes
  cache_.complete(k, "a1");
  clock_.advance(599);
  EXPECT_EQ(claim(k, "d2"), Claim::mismatch);
  clock_.advance(1);
  EXPECT_EQ(claim(k, "d2"), Claim::claimed) << "expired entries count as absent before any sweep";
  cache_.complete(k, "a2");
  EXPECT_EQ(claim(k, "d2"), Claim::replay);
  EXPECT_EQ(answer_, "a2");
  EXPECT_EQ(cache_.size(), 1u);
}

TEST_F(ClientTokenCacheTest, AClaimInProgressBlocksRetriesUntilReleased) {
  const std::string k = ClientTokenCache::key("ns", "t");
  ASSERT_EQ(claim(k, "d"), Claim::claimed);
  EXPECT_EQ(claim(k, "d"), Claim::in_progress);
  EXPECT_EQ(claim(k, "other"), Claim::mismatch);
  clock_.advance(3600);
  EXPECT_EQ(claim(k, "d"), Claim::in_progress) << "a claim in progress never expires";
  cache_.release(k);
  EXPECT_EQ(claim(k, "d"), Claim::claimed) << "a failed request may be retried with its token";
  cache_.complete(k, "done");
  cache_.release(k);  // no effect on a completed entry
  EXPECT_EQ(claim(k, "d"), Claim::replay);
}

TEST_F(ClientTokenCacheTest, TokensArePerNamespace) {
  ASSERT_EQ(claim(ClientTokenCache::key("key1/us-east-1", "t"), "d"), Claim::claimed);
  cache_.complete(ClientTokenCache::key("key1/us-east-1", "t"), "a");
  EXPECT_EQ(claim(ClientTokenCache::key("key2/us-east-1", "t"), "other"), Claim::claimed);
  EXPECT_NE(ClientTokenCache::key("a", "b\nc"), ClientTokenCache::key("a\nb", "c"));
}

TEST_F(ClientTokenCacheTest, SweepForgetsOnlyExpiredCompletedEntries) {
  const std::string old_done = ClientTokenCache::key("ns", "old"), running = ClientTokenCache::key("ns", "running"),
                    fresh = ClientTokenCache::key("ns", "fresh");
  claim(old_done, "d");
  cache_.complete(old_done, "a");
  claim(running, "d");
  clock_.advance(300);
  claim(fresh, "d");
  cache_.complete(fresh, "a");
  EXPECT_EQ(cache_.sweep(), 0u);
  clock_.advance(300);
  EXPECT_EQ(cache_.sweep(), 1u);
  EXPECT_EQ(cache_.size(), 2u);
  EXPECT_EQ(claim(fresh, "d"), Claim::replay);
  EXPECT_EQ(claim(running, "d"), Claim::in_progress);
}

TEST_F(ClientTokenCacheTest, SweepCrossesChunksAndStopsWhenAsked) {
  for (int i = 0; i < 2000; ++i) {
    const std::string k = ClientTokenCache::key("ns", "t" + std::to_string(i));
    claim(k, "d");
    if (i % 2 == 0) cache_.complete(k, "a");
  }
  clock_.advance(600);
  std::stop_source stopped;
  stopped.request_stop();
  EXPECT_EQ(cache_.sweep(stopped.get_token()), 0u);
  EXPECT_EQ(cache_.size(), 2000u);
  EXPECT_EQ(cache_.sweep(), 1000u);
  EXPECT_EQ(cache_.size(), 1000u);
}

// The sweep is the service's periodic job: run through Services.
TEST_F(ClientTokenCacheTest, TheServiceRunSweeps) {
  storage::EngineOptions o;
  o.in_memory = true;
  o.map_size = std::size_t(64) << 20;
  auto engine = storage::Engine::open(o);
  auto cache = std::make_shared<ClientTokenCache>(clock_);
  EXPECT_EQ(cache->name(), "client-request-tokens");
  EXPECT_EQ(cache->interval(), ClientTokenCache::kSweepInterval);
  const std::string k = ClientTokenCache::key("ns", "t");
  std::string ignored;
  cache->claim(k, "d", &ignored);
  cache->complete(k, "a");
  Services services(ServiceContext{*engine, clock_});
  services.add(cache);
  services.start();
  ASSERT_TRUE(services.run_now("client-request-tokens"));
  EXPECT_EQ(cache->size(), 1u) << "not expired yet";
  clock_.advance(ClientTokenCache::kLifetimeSeconds);
  ASSERT_TRUE(services.run_now("client-request-tokens"));
  EXPECT_EQ(cache->size(), 0u);
}

}  // namespace
}  // namespace ddbd::api
