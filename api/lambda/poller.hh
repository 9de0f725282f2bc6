// Delivery of stream records to Lambda handlers: one background Service
// (api/services.hh) that polls every enabled event source mapping.
//
// Each pass loads the mappings (lambda/m/...), moves transitional states on
// (Creating/Updating/Enabling -> Enabled, Disabling -> Disabled), and for
// each enabled mapping delivers batches from its stream:
//   - shards in order, oldest first: a child shard only once its parent is
//     done (checkpoint kShardDone), so records never reorder;
//   - up to BatchSize records (fewer while retrying a bisected batch) from
//     the checkpoint; with MaximumBatchingWindowInSeconds a short batch waits
//     until the window since its first sighting has passed;
//   - records older than MaximumRecordAgeInSeconds, and records no filter
//     matches, are not sent; their positions are committed with the batch;
//   - invoke (invoke.hh), then batch.hh's decision: commit, retry on the
//     next pass, or give up (logging the OnFailure destination and the
//     shard's sequence range).  A failed invocation logs one warning line.
// The checkpoint and LastProcessingResult are written through the engine
// (CheckpointOp), so delivery resumes where it stopped after a restart.
//
// With no mapping that is enabled or changing state, the poller sleeps
// (interval() is then a year) until mappings_changed() wakes it: the Lambda
// REST API calls it after every mapping it stores.  The first pass comes one
// poll interval after start, so mappings stored before a restart are found.
//
// Thread-safety: run() only on one thread at a time (Services); interval()
// and mappings_changed() from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "api/lambda/batch.hh"
#include "api/lambda/invoke.hh"
#include "api/lambda/mapping.hh"
#include "api/services.hh"
#include "streams/stream_store.hh"

namespace ddbd::api::lambda {

class Poller final : public Service {
 public:
  // `stream_options`: the streams' retention (records past it read as trimmed).
  Poller(InvokeConfig config, std::chrono::milliseconds interval, streams::StoreOptions stream_options = {});

  std::string_view name() const override { return "lambda"; }
  // The poll interval while some mapping has work, else a year.
  std::chrono::milliseconds interval() const override;
  void run(const ServiceContext& ctx, std::stop_token stop) override;
  void on_start(const ServiceContext& ctx) override;
  void on_stop(const ServiceContext& ctx) override;

  // Wakes every started Poller: a mapping was created, changed or deleted.
  static void mappings_changed();

  // What one read of a mapping's current shard found (poller.cc).
  struct Batch;

 private:
  struct ShardState {
    std::string shard_id;
    RetryState retry;
    std::optional<std::chrono::steady_clock::time_point> window_start;
    // After a failed invocation, no retry before this time (exponential
    // backoff from the poll interval up to kMaxRetryBackoff).
    std::optional<std::chrono::steady_clock::time_point> retry_after;
  };
  // One batch of mapping `m`; true when it made progress and another
  // batch may follow at once.
  bool deliver_one(const ServiceContext& ctx, const Mapping& m, std::stop_token stop);
  // How long to wait before retrying a batch that failed `failures` times.
  std::chrono::milliseconds retry_backoff(int64_t failures) const;
  static constexpr std::chrono::milliseconds kMaxRetryBackoff{10000};
  // Filters, invokes and applies the decision; true as deliver_one.
  bool invoke_batch(const ServiceContext& ctx, const Mapping& m, const Batch& b, double now, std::stop_token stop);

  InvokeConfig config_;
  streams::StoreOptions stream_options_;
  std::chrono::milliseconds interval_;
  std::shared_ptr<spdlog::logger> log_;
  std::map<std::string, ShardState> state_;  // by mapping UUID
  // Whether the last pass found a mapping that is enabled or changing state
  // (true until the first pass).
  std::atomic<bool> has_work_{true};
};

}  // namespace ddbd::api::lambda
