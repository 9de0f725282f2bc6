// Lambda's retry decisions for stream batches: success, partial batch
// responses, retries, bisection and giving up.
#include "api/lambda/batch.hh"

#include <gtest/gtest.h>

namespace ddbd::api::lambda {
namespace {

using Action = Decision::Action;
const std::vector<std::string> kSeqs = {"100", "200", "300", "400"};

TEST(LambdaBatch, SuccessCommitsEverything) {
  Decision d = decide({}, {}, kSeqs, true, "");
  EXPECT_EQ(d.action, Action::commit);
  EXPECT_EQ(d.commit_count, 4u);
}

TEST(LambdaBatch, FailureRetriesTheSameRecords) {
  Decision d = decide({-1, false, false}, {}, kSeqs, false, "");
  EXPECT_EQ(d.action, Action::retry);
  EXPECT_EQ(d.commit_count, 0u);
  EXPECT_EQ(d.next.failures, 1);
  EXPECT_EQ(d.next.limit, 4u);
}

TEST(LambdaBatch, GivesUpAfterMaximumRetryAttempts) {
  RetryPolicy p{2, false, false};
  RetryState s;
  Decision d = decide(p, s, kSeqs, false, "");
  ASSERT_EQ(d.action, Action::retry);
  d = decide(p, d.next, kSeqs, false, "");
  ASSERT_EQ(d.action, Action::retry);
  d = decide(p, d.next, kSeqs, false, "");
  EXPECT_EQ(d.action, Action::give_up) << "the first invocation and 2 retries failed";
  EXPECT_EQ(d.commit_count, 4u);
  EXPECT_EQ(decide({0, false, false}, {}, kSeqs, false, "").action, Action::give_up);
}

TEST(LambdaBatch, BisectHalvesTheNextBatch) {
  Decision d = decide({-1, true, false}, {}, kSeqs, false, "");
  EXPECT_EQ(d.next.limit, 2u);
  d = decide({-1, true, false}, d.next, {"100", "200"}, false, "");
  EXPECT_EQ(d.next.limit, 1u);
  d = decide({-1, true, false}, d.next, {"100"}, false, "");
  EXPECT_EQ(d.next.limit, 1u);
}

TEST(LambdaBatch, ReportBatchItemFailuresCommitsBeforeTheFirstFailure) {
  RetryPolicy p{-1, false, true};
  Decision d = decide(p, {}, kSeqs, true, R"({"batchItemFailures":[{"itemIdentifier":"400"},{"itemIdentifier":"300"}]})");
  EXPECT_EQ(d.action, Action::retry);
  EXPECT_EQ(d.commit_count, 2u);
  EXPECT_EQ(d.next.limit, 2u);
  EXPECT_EQ(decide(p, {}, kSeqs, true, R"({"batchItemFailures":[]})").action, Action::commit);
  EXPECT_EQ(decide(p, {}, kSeqs, true, R"({"batchItemFailures":null})").action, Action::commit);
  EXPECT_EQ(decide(p, {}, kSeqs, true, "null").action, Action::commit);
  // Whole-batch failures: an unknown, empty or missing identifier.
  for (const char* body : {R"({"batchItemFailures":[{"itemIdentifier":"999"}]})",
                           R"({"batchItemFailures":[{"itemIdentifier":""}]})",
                           R"({"batchItemFailures":[{"id":"100"}]})"}) {
    Decision w = decide(p, {}, kSeqs, true, body);
    EXPECT_EQ(w.action, Action::retry) << body;
    EXPECT_EQ(w.commit_count, 0u) << body;
  }
  // Without ReportBatchItemFailures the answer is ignored.
  EXPECT_EQ(decide({}, {}, kSeqs, true, R"({"batchItemFailures":[{"itemIdentifier":"100"}]})").action, Action::commit);
}

}  // namespace
}  // namespace ddbd::api::lambda
