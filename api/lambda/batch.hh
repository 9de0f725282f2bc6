// What to do after invoking a batch: Lambda's retry rules for stream event
// sources, as pure decisions the poller applies (unit-tested alone).
//
//   - success: commit the whole batch;
//   - ReportBatchItemFailures (FunctionResponseTypes): a successful answer
//     {"batchItemFailures":[{"itemIdentifier":"<SequenceNumber>"},...]}
//     commits the records before the first failed one and retries from it;
//     an empty or null list is a success; an itemIdentifier that is empty,
//     null, missing or not in the batch fails the whole batch (Lambda
//     Developer Guide, "Configuring partial batch response");
//   - failure: retry the same records; MaximumRetryAttempts -1 retries until
//     the records expire, N gives up after N retries, logging the OnFailure
//     destination and committing the batch; BisectBatchOnFunctionError
//     halves the next attempt's batch.
//
// Thread-safety: free functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ddbd::api::lambda {

struct RetryPolicy {
  int64_t max_retries = -1;
  bool bisect = false;
  bool report_item_failures = false;
};

// Per-shard retry state, kept by the poller between attempts.
struct RetryState {
  int64_t failures = 0;  // failed invocations of the records at the checkpoint
  std::size_t limit = 0;  // records to send next time (0: the mapping's BatchSize)
};

struct Decision {
  enum class Action { commit, retry, give_up } action = Action::commit;
  std::size_t commit_count = 0;  // records of the batch to commit (from its start)
  RetryState next;               // the state for the next attempt
};

// The index of the first failed record per a ReportBatchItemFailures answer:
// `sequence_numbers.size()` when everything succeeded, 0 when the whole
// batch failed.
std::size_t first_failed_item(std::string_view body, const std::vector<std::string>& sequence_numbers);

// Decides after one invocation of a batch of `sequence_numbers` (the
// records sent) that ended `ok` with answer `body`.
Decision decide(const RetryPolicy& policy, const RetryState& state, const std::vector<std::string>& sequence_numbers,
                bool ok, std::string_view body);

}  // namespace ddbd::api::lambda
