// The meter: per-table counters, the data behind GET /metrics, and the token
// buckets of --enforce-throughput.
//
// One Meter, owned by main, is reached through ApiConfig::meter.  The
// request path touches it in three places, none of them in an operation's
// own code:
//   - require_table() (api/shapes.cc) names the request's table
//     (on_table) and, with --enforce-throughput, admits the request against
//     the table's token buckets or throws ProvisionedThroughputExceeded;
//   - execute_to_json() (api/ops/run.hh) hands the response's
//     ConsumedCapacity to consumed(): counters, and the buckets' debit;
//   - dispatch() calls finish(): requests per operation and table, errors
//     per __type, the duration histogram per operation.
// BatchWriteItem and BatchGetItem admit item by item (headroom()) and return
// what they refuse as UnprocessedItems / UnprocessedKeys.
//
// Throttling follows DynamoDB's provisioned mode: a PROVISIONED table has a
// read and a write bucket, and each of its GSIs its own pair, refilled at the
// provisioned units per second and holding up to `burst_seconds` (300: the
// Developer Guide's burst capacity) of unused capacity.  A bucket starts
// empty: a new table has left no capacity unused yet.  A request is admitted
// while its bucket is not in debt (balance >= 0); what it consumed is debited
// after it ran, so the balance may go negative and must refill before the
// next admission.  A write is refused too while one of the table's GSI write
// buckets is in debt (GSI back-pressure).  LSIs share the table's capacity.
// PAY_PER_REQUEST tables are never throttled; without enforcement nothing
// is, and consumption is still counted.
//
// Series are kept per (namespace, table).  A table dropped (or dropped and
// created again) loses its series at the next scrape.  At most
// `max_tables` tables are tracked; requests on further ones are counted
// under table "_other" (namespace "") and are not throttled.
//
// Thread-safety: every member function may be called from any thread.  The
// request path takes no global lock: a table's counters are found through a
// per-thread cache (the global map's mutex is taken only on a cache miss and
// at a scrape), counters are relaxed atomics, and the per-table mutex guards
// only index counters and buckets.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "api/context.hh"
#include "api/errors.hh"
#include "api/shapes.hh"
#include "storage/clock.hh"
#include "storage/engine.hh"

namespace ddbd::api {

// The most operations dispatch() knows (DynamoDB's and Streams').
inline constexpr std::size_t kMaxOperations = 64;

// A bucket of capacity units (see the file comment).  configure(0, ...)
// makes it unlimited.  Not thread-safe: TableMeter's mutex guards it.
class TokenBucket {
 public:
  // Sets the refill rate (units per second) and the capacity, rate *
  // burst_seconds.  The first call starts the bucket empty; a later one
  // with a new rate (UpdateTable) keeps the balance, capped at the new
  // capacity.
  void configure(double rate, double burst_seconds, double now);
  bool limited() const { return rate_ > 0; }
  double rate() const { return rate_; }
  double capacity() const { return capacity_; }
  // The balance at `now`, after refilling (time never runs backwards here:
  // an earlier `now` refills nothing).  Unlimited buckets: +infinity.
  double balance(double now);
  // Admitted while not in debt.
  bool admits(double now) { return balance(now) >= 0; }
  // Takes `units` (after the fact: the balance may go negative).
  void debit(double units, double now);

 private:
  double rate_ = 0;
  double capacity_ = 0;
  double tokens_ = 0;
  double last_ = 0;
  bool configured_ = false;
};

// One table's counters and buckets.
struct TableMeter {
  TableMeter(std::string ns_, std::string name_) : ns(std::move(ns_)), name(std::move(name_)) {}
  const std::string ns;
  const std::string name;
  // storage's table id once a request resolved the table; 0: not yet.
  std::atomic<uint64_t> table_id{0};
  std::array<std::atomic<uint64_t>, kMaxOperations> requests{};
  std::array<std::atomic<uint64_t>, kMaxOperations> throttled{};
  // Consumed units of the base table, in thousandths.
  std::atomic<uint64_t> read_milli{0};
  std::atomic<uint64_t> write_milli{0};

  struct Index {
    std::string name;
    bool global = true;
    bool current = true;  // still one of the table's GSIs (buckets in force)
    uint64_t read_milli = 0;
    uint64_t write_milli = 0;
    TokenBucket read, write;
  };
  std::mutex mu;  // guards what follows
  std::vector<Index> indexes;
  TokenBucket read, write;
  // Index `name` of this table, added when new.  Call with mu held.
  Index& index(std::string_view name, bool global);
};

struct MeterOptions {
  bool enforce_throughput = false;  // --enforce-throughput
  double burst_seconds = 300;       // DynamoDB's burst window; shorter in tests
  std::size_t max_tables = 10000;
};

class Meter {
 public:
  Meter(MeterOptions options, const storage::Clock& clock);
  ~Meter();
  Meter(const Meter&) = delete;
  Meter& operator=(const Meter&) = delete;

  const MeterOptions& options() const { return options_; }

  // The counters of table `name` of namespace `ns` (created when new).
  std::shared_ptr<TableMeter> table(std::string_view ns, std::string_view name);

  // require_table() found `def`: the request's table (the first one it
  // names), and with --enforce-throughput, for an item operation whose
  // ctx.metering.access is not none, the admission: throws
  // ProvisionedThroughputExceededException (and counts it) when a bucket
  // the request draws on is in debt.
  void on_table(const RequestContext& ctx, const storage::TableDef& def, bool for_item_op);

  // Batch operations: how many units of `access` table `def` can take now
  // before going into debt (the smallest balance of the buckets a request
  // would draw on); +infinity when the table is not throttled.  An item is
  // admitted while the units admitted before it in the request do not
  // exceed this.
  double headroom(const RequestContext& ctx, const storage::TableDef& def, Access access);
  // Counts one throttled request on `def` (a batch refused some items).
  void count_throttled(const RequestContext& ctx, const storage::TableDef& def);
  // DynamoDB's error for a table's bucket (or, `gsi`, one of its GSIs').
  static ApiError throughput_exceeded(bool gsi = false);

  // An operation's consumed capacity, after it ran: counters, and the
  // buckets' debit.
  void consumed(const RequestContext& ctx, const ConsumedCapacity& c);
  void consumed(const RequestContext& ctx, const std::vector<ConsumedCapacity>& per_table);

  // The request is answered after `seconds`, with `error` (nullptr: 200).
  void finish(const RequestContext& ctx, double seconds, const ErrorCode* error);
  // An error answered before dispatch (authentication, unknown target).
  void count_error(ErrorCode code);

  // The Prometheus text exposition (format 0.0.4) of every counter, with
  // the item count and size of every table.  Forgets the tables that no
  // longer exist first.
  std::string prometheus(const storage::Engine& engine);

  // Request duration histogram bounds, in seconds (exposed for tests).
  static constexpr std::array<double, 14> kDurationBounds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                              0.1,    0.25,  0.5,    1,     2.5,  5,     10};

 private:
  struct Key;
  struct KeyView;
  struct KeyHash;
  struct KeyEq;
  using Map = std::unordered_map<Key, std::shared_ptr<TableMeter>, KeyHash, KeyEq>;
  struct Histogram {
    std::array<std::atomic<uint64_t>, kDurationBounds.size() + 1> buckets{};  // last: +Inf
    std::atomic<uint64_t> count{0};
    std::atomic<uint64_t> sum_ns{0};
  };
  friend struct MeterCache;

  std::shared_ptr<TableMeter> lookup_slow(std::string_view ns, std::string_view name);
  // Forgets table (ns, name) so the next lookup starts afresh.
  void forget(std::string_view ns, std::string_view name);
  // Brings m's buckets in line with `def`'s throughput.  mu held.
  void sync_buckets(TableMeter& m, const storage::TableDef& def, double now) const;
  // Debits `c` from m's buckets and adds it to m's counters.
  void add(TableMeter& m, const ConsumedCapacity& c, double now);

  const MeterOptions options_;
  const storage::Clock& clock_;
  const uint64_t serial_;  // tells per-thread caches of different meters apart
  std::atomic<uint64_t> generation_{0};  // bumped when a table is forgotten
  std::mutex mu_;  // guards tables_
  std::unique_ptr<Map> tables_;
  const std::shared_ptr<TableMeter> no_table_;  // requests that named no table
  const std::shared_ptr<TableMeter> other_;     // tables beyond max_tables
  std::array<Histogram, kMaxOperations> durations_;
  std::array<std::atomic<uint64_t>, 64> errors_{};
};

}  // namespace ddbd::api
