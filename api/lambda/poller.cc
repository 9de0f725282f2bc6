#include "api/lambda/poller.hh"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <mutex>
#include <vector>

#include "api/lambda/event_json.hh"
#include "api/lambda/filter.hh"
#include "storage/clock.hh"
#include "streams/stream_store.hh"

namespace ddbd::api::lambda {

namespace {

// Lambda's synchronous invocation payload limit (6 MB).
constexpr std::size_t kMaxPayloadBytes = 6 * 1000 * 1000;
// Batches one mapping may deliver in one pass before the next mapping's turn.
constexpr int kMaxBatchesPerPass = 100;

std::string transition_of(std::string_view state) {
  if (state == "Creating" || state == "Updating" || state == "Enabling") return "Enabled";
  if (state == "Disabling") return "Disabled";
  return {};
}

}  // namespace

struct Poller::Batch {
  std::string shard_id;
  std::vector<streams::StreamRecord> records;
  bool ended = false;     // the shard is closed and these are its last records
  bool no_stream = false;
  bool no_shard = false;  // every shard is done
};

namespace {

std::map<std::string, std::string> load_checkpoints(const storage::ReadTxn& txn, std::string_view uuid) {
  std::map<std::string, std::string> out;
  const std::string prefix = checkpoint_prefix(uuid);
  auto cur = txn.aux_scan(prefix);
  std::string_view k, v;
  while (cur->next(k, v)) out.emplace(std::string(k.substr(prefix.size())), std::string(v));
  return out;
}

}  // namespace

Poller::Poller(InvokeConfig config, std::chrono::milliseconds interval, streams::StoreOptions stream_options)
    : config_(std::move(config)), stream_options_(stream_options), interval_(interval) {
  log_ = spdlog::get("lambda");
  if (!log_) log_ = spdlog::default_logger();
}

namespace {

// The started pollers, for mappings_changed() (one in a server; tests may
// start several).
std::mutex started_mu;
std::vector<Poller*> started_pollers;

}  // namespace

void Poller::on_start(const ServiceContext&) {
  std::lock_guard lock(started_mu);
  started_pollers.push_back(this);
}

void Poller::on_stop(const ServiceContext&) {
  std::lock_guard lock(started_mu);
  std::erase(started_pollers, this);
}

void Poller::mappings_changed() {
  std::lock_guard lock(started_mu);
  for (Poller* p : started_pollers) {
    p->has_work_ = true;
    p->wake();
  }
}

std::chrono::milliseconds Poller::interval() const {
  return has_work_ ? interval_ : std::chrono::milliseconds(std::chrono::hours(24 * 365));
}

void Poller::run(const ServiceContext& ctx, std::stop_token stop) {
  std::vector<Mapping> mappings = load_mappings(ctx.engine.begin_read());
  // A mapping stored after this load wakes the service again (a wake during
  // a run brings another run), so this verdict is never stale for long.
  has_work_ = std::any_of(mappings.begin(), mappings.end(),
                          [](const Mapping& m) { return m.enabled() || !transition_of(m.state).empty(); });
  std::map<std::string, ShardState> kept;
  for (const Mapping& m : mappings)
    if (auto it = state_.find(m.uuid); it != state_.end() && m.enabled()) kept.insert(*it);
  state_.swap(kept);
  for (const Mapping& m : mappings) {
    if (stop.stop_requested()) return;
    if (std::string to = transition_of(m.state); !to.empty())
      submit_and_wait(ctx.engine, std::make_shared<SetStateOp>(m.uuid, m.state, to), stop);
    if (!m.enabled()) continue;
    for (int i = 0; i < kMaxBatchesPerPass && !stop.stop_requested() && deliver_one(ctx, m, stop); ++i) {
    }
  }
}

namespace {

// Reads the next records of mapping `m` from its first shard not yet done.
Poller::Batch read_batch(const ServiceContext& ctx, const Mapping& m, std::size_t limit, double now, spdlog::logger& log,
                         const streams::StoreOptions& options) {
  Poller::Batch b;
  storage::ReadTxn txn = ctx.engine.begin_read();
  auto desc = streams::describe_stream(txn, m.ns, m.event_source_arn);
  if (!desc) {
    b.no_stream = true;
    return b;
  }
  auto cps = load_checkpoints(txn, m.uuid);
  const streams::Shard* shard = nullptr;
  for (const streams::Shard& s : desc->shards) {
    auto it = cps.find(s.shard_id);
    if (it != cps.end() && it->second == kShardDone) continue;
    shard = &s;  // oldest first: a child waits until its parent is done
    break;
  }
  if (!shard) {
    b.no_shard = true;
    return b;
  }
  b.shard_id = shard->shard_id;
  streams::ShardPosition from;
  if (auto it = cps.find(shard->shard_id); it != cps.end() && !it->second.empty()) {
    from.kind = streams::ShardPosition::Kind::after;
    from.sequence_number = it->second;
  }
  streams::ShardRead read = streams::read_shard(txn, desc->stream_id, shard->shard_id, from, limit, kMaxPayloadBytes, now, options);
  if (read.trimmed) {
    log.warn("lambda: mapping {}: records after {} in {} were trimmed (older than the stream's retention); "
             "continuing from the oldest record kept", m.uuid, from.sequence_number, shard->shard_id);
    read = streams::read_shard(txn, desc->stream_id, shard->shard_id, streams::ShardPosition{}, limit, kMaxPayloadBytes, now, options);
  }
  b.records = std::move(read.records);
  b.ended = read.ended;
  return b;
}

}  // namespace

std::chrono::milliseconds Poller::retry_backoff(int64_t failures) const {
  // Lambda retries a failing batch "with exponential backoff" (Developer
  // Guide, "Error handling for event source mappings"): the poll interval,
  // doubled after each further failure, at most kMaxRetryBackoff.
  auto wait = interval_;
  for (int64_t i = 1; i < failures && wait < kMaxRetryBackoff; ++i) wait *= 2;
  return std::min(wait, kMaxRetryBackoff);
}

bool Poller::deliver_one(const ServiceContext& ctx, const Mapping& m, std::stop_token stop) {
  const double now = ctx.clock.now_seconds();
  ShardState& st = state_[m.uuid];
  const std::size_t limit = st.retry.limit ? st.retry.limit : static_cast<std::size_t>(m.batch_size);
  Batch b = read_batch(ctx, m, limit, now, *log_, stream_options_);
  if (b.no_stream) {
    const std::string problem = "PROBLEM: Stream not found";
    if (m.last_result != problem) submit_and_wait(ctx.engine, std::make_shared<CheckpointOp>(m.uuid, "", "", problem), stop);
    return false;
  }
  if (b.no_shard) return false;
  if (st.shard_id != b.shard_id) st = ShardState{b.shard_id, {}, std::nullopt, std::nullopt};
  if (st.retry_after && std::chrono::steady_clock::now() < *st.retry_after) return false;
  st.retry_after.reset();
  if (b.records.empty()) {
    if (!b.ended) return false;
    return submit_and_wait(ctx.engine, std::make_shared<CheckpointOp>(m.uuid, b.shard_id, std::string(kShardDone), ""),
                           stop) == storage::Status::ok;
  }
  // MaximumBatchingWindowInSeconds: a short fresh batch waits for more records.
  if (m.batching_window > 0 && b.records.size() < static_cast<std::size_t>(m.batch_size) && st.retry.failures == 0 &&
      !b.ended) {
    auto t = std::chrono::steady_clock::now();
    if (!st.window_start) st.window_start = t;
    if (t - *st.window_start < std::chrono::seconds(m.batching_window)) return false;
  }
  st.window_start.reset();
  return invoke_batch(ctx, m, b, now, stop);
}

bool Poller::invoke_batch(const ServiceContext& ctx, const Mapping& m, const Batch& b, double now, std::stop_token stop) {
  ShardState& st = state_[m.uuid];
  const std::string region = arn_region(m.event_source_arn);
  FilterSet filters;
  try {
    filters = FilterSet::compile(m.filters);
  } catch (const InvalidPattern& e) {
    log_->error("lambda: mapping {}: stored filter is invalid ({}); delivering unfiltered", m.uuid, e.what());
  }
  simdjson::dom::parser parser;
  std::vector<std::size_t> sent_index;
  std::vector<std::string> sent_json, sent_seqs;
  std::size_t expired = 0;
  for (std::size_t i = 0; i < b.records.size(); ++i) {
    const streams::StreamRecord& r = b.records[i];
    if (m.max_record_age >= 0 && now - r.created > static_cast<double>(m.max_record_age)) {
      ++expired;
      continue;
    }
    std::string json = record_json(r, m.event_source_arn, region);
    simdjson::dom::element doc;
    if (!filters.empty() && (parser.parse(json).get(doc) != simdjson::SUCCESS || !filters.matches(doc))) continue;
    sent_index.push_back(i);
    sent_json.push_back(std::move(json));
    sent_seqs.push_back(r.sequence_number);
  }
  if (expired)
    log_->warn("lambda: mapping {}: {} record(s) of {} older than MaximumRecordAgeInSeconds {} skipped", m.uuid, expired,
               b.shard_id, m.max_record_age);
  const std::string all_done = b.ended ? std::string(kShardDone) : b.records.back().sequence_number;
  if (sent_json.empty())
    return submit_and_wait(ctx.engine, std::make_shared<CheckpointOp>(m.uuid, b.shard_id, all_done, ""), stop) ==
           storage::Status::ok;

  const std::string url = config_.url_for(m.function_name);
  InvokeResult res;
  if (url.empty())
    res.error = "no Lambda endpoint configured for function " + m.function_name +
                " (start ddbd with --lambda-endpoint URL or --lambda-function NAME=URL)";
  else
    res = invoke(url, m.function_name, event_json(sent_json), config_.timeout);

  const RetryPolicy policy{m.max_retries, m.bisect, m.report_item_failures};
  const Decision d = decide(policy, st.retry, sent_seqs, res.ok, res.body);
  if (!res.ok)
    log_->warn("lambda: mapping {}: invoking {} with {} record(s) of {} ({}..{}) failed: {} (failure {})", m.uuid,
               m.function_name, sent_seqs.size(), b.shard_id, sent_seqs.front(), sent_seqs.back(), res.error,
               st.retry.failures + 1);
  else if (d.action != Decision::Action::commit)
    log_->warn("lambda: mapping {}: {} reported batch item failures from {} in {}", m.uuid, m.function_name,
               d.commit_count < sent_seqs.size() ? sent_seqs[d.commit_count] : sent_seqs.front(), b.shard_id);
  if (d.action == Decision::Action::give_up)
    log_->error("lambda: mapping {}: retries exhausted (MaximumRetryAttempts {}); OnFailure destination {}: "
                "{} record(s) of {} with sequence numbers {}..{} of stream {} not delivered",
                m.uuid, m.max_retries, m.on_failure.empty() ? "(none configured)" : m.on_failure, sent_seqs.size(),
                b.shard_id, sent_seqs.front(), sent_seqs.back(), m.event_source_arn);

  std::string value;
  if (d.action != Decision::Action::retry) {
    value = all_done;
  } else if (d.commit_count > 0) {
    value = b.records[sent_index[d.commit_count] - 1].sequence_number;
  }
  std::string result = res.ok && d.action == Decision::Action::commit ? "OK" : "PROBLEM: Function call failed";
  if (url.empty()) result += ": " + res.error;
  st.retry = d.next;
  if (d.action == Decision::Action::retry) st.retry_after = std::chrono::steady_clock::now() + retry_backoff(st.retry.failures);
  submit_and_wait(ctx.engine,
                  std::make_shared<CheckpointOp>(m.uuid, value.empty() ? "" : b.shard_id, value, result), stop);
  return d.action != Decision::Action::retry;
}

}  // namespace ddbd::api::lambda
