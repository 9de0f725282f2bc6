// RequestContext: everything a handler may use besides its request body.
//
// Built by the server for each request after authentication.  The engine and
// config outlive every request.  The strings are views (into the HTTP
// request and the server's per-request storage), valid until the request is
// answered: copy what must outlive it.  The namespace (ns) scopes table names: by
// default "<access key id>/<region>", as DynamoDB Local does without
// -sharedDb; "shared" with --shared-db.
//
// Thread-safety: a context belongs to one request (one coroutine).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>

#include "storage/clock.hh"
#include "storage/engine.hh"
#include "streams/stream_store.hh"

namespace ddbd::api {

namespace asio = boost::asio;

class ClientTokenCache;
class BackupService;
class PitrService;
class Meter;
struct TableMeter;

// Which of a table's token buckets require_table() admits a request
// against (api/meter.hh): none for control operations and for the batch
// operations, which admit item by item.
enum class Access : unsigned char { none, read, write };

// What the meter knows of a request while it runs: set by dispatch (the
// operation and its access) and by require_table (the first table).
struct RequestMetering {
  unsigned short op = 0;  // dispatch's operation index
  Access access = Access::none;
  std::shared_ptr<TableMeter> table;  // the first table the request resolved; null: none
  // The index a Query or Scan reads, set around its require_table() call
  // only: a GSI's read bucket admits it.
  std::string_view index;
};

struct ApiConfig {
  bool shared_db = false;
  // How long CREATING/UPDATING/DELETING last (DynamoDB Local's
  // -delayTransientStatuses); 0 = instant.
  double transient_status_seconds = 0;
  // UpdateTimeToLive's "once per interval" rule: a change within this many
  // seconds of the last one is refused.  DynamoDB: about an hour; default 0
  // (off, as DynamoDB Local), --ttl-cooldown to test it.
  double ttl_cooldown_seconds = 0;
  // The account id shown in ARNs (DynamoDB Local uses 000000000000).
  std::string account_id = "000000000000";
  // TransactWriteItems' ClientRequestToken memory (api/client_tokens.hh): a
  // service owned by main beside the other services, outliving every
  // request.  Null: a request with a token is an InternalServerError.
  ClientTokenCache* client_tokens = nullptr;
  // On-demand backups and restores (api/backups.hh), a service owned by
  // main.  Null: the backup operations answer InternalServerError.
  BackupService* backups = nullptr;
  // Point-in-time restores and log retention (api/pitr.hh), a service owned
  // by main.  Null: RestoreTableToPointInTime answers InternalServerError.
  PitrService* pitr = nullptr;
  // LatestRestorableDateTime = now - this (DynamoDB: about 5 minutes,
  // api/pitr.hh kPitrLatestLagSeconds); --pitr-latest-lag-seconds.
  double pitr_lag_seconds = 300;
  // Per-table counters, GET /metrics and --enforce-throughput
  // (api/meter.hh), owned by main.  Null: nothing is counted or throttled.
  Meter* meter = nullptr;
  // DynamoDB Streams: shard rollover and retention (the recorder and the
  // trim service use the same values), and how long a shard iterator stays
  // valid (DynamoDB: 15 minutes).  Tests shorten them with hidden flags.
  streams::StoreOptions stream_options;
  double stream_iterator_seconds = 15 * 60;
};

struct RequestContext {
  storage::Engine& engine;
  const ApiConfig& config;
  const storage::Clock& clock;
  std::string_view access_key;
  std::string_view region;
  std::string_view ns;
  std::string_view request_id;
  std::string_view host;  // the Host header, for DescribeEndpoints
  // The small pool that runs heavy work (big requests and responses) so it
  // does not occupy an I/O thread; null: run it inline (the server has no
  // pool, or this request already runs on it).
  const asio::any_io_executor* heavy = nullptr;
  // The meter's view of this request (require_table takes a const context).
  mutable RequestMetering metering{};

  double now() const { return clock.now_seconds(); }

  // Runs `fn()` (no suspension inside) on the heavy-work pool and resumes
  // this coroutine on its own executor with the result (or the exception);
  // inline when `heavy` is null.
  template <class F>
  asio::awaitable<std::invoke_result_t<F&>> run_heavy(F fn) {
    if (!heavy) co_return fn();
    co_return co_await asio::co_spawn(*heavy, call(std::move(fn)), asio::use_awaitable);
  }

  // Submits `op` to the engine's group commit (storage/engine.hh: it runs
  // on whichever thread leads the commit, possibly another request's) and
  // resumes this coroutine on its own executor with the outcome, `result`
  // filled in by the op's last run.  `op` and `result` live in this
  // coroutine's frame, which outlives the write.
  asio::awaitable<storage::Status> write(const storage::WriteOp& op, storage::WriteResult& result) {
    auto init = [this, &op, &result](auto handler) {
      using H = decltype(handler);
      auto h = std::make_shared<H>(std::move(handler));
      auto ex = asio::get_associated_executor(*h);
      engine.submit(op, result, [h, ex](storage::Status s) {
        asio::post(ex, [h, s]() mutable { std::move (*h)(s); });
      });
    };
    return asio::async_initiate<const asio::use_awaitable_t<>, void(storage::Status)>(init, asio::use_awaitable);
  }

 private:
  template <class F>
  static asio::awaitable<std::invoke_result_t<F&>> call(F fn) {
    co_return fn();
  }
};

}  // namespace ddbd::api
