#include "api/stream_trim.hh"

#include <spdlog/spdlog.h>

#include <future>
#include <memory>

#include "storage/clock.hh"
#include "storage/engine.hh"

namespace ddbd::api {

namespace {

struct TrimOp final : storage::WriteOpOf<std::size_t> {
  TrimOp(double now, const streams::StoreOptions& options)
      : WriteOpOf(storage::Origin::service), now_(now), options_(options) {}
  storage::Status run(storage::WriteTxn& txn, std::size_t& deleted) const override {
    deleted = streams::trim(txn, now_, options_);
    return storage::Status::ok;
  }
  double now_;
  streams::StoreOptions options_;
};

// The op, its result and its outcome live on the heap, held by the done
// callback too: if the server stops while the write is queued (its drain
// posted to an io_context that no longer runs), run() returns without
// waiting and nothing dangles.
struct Pending {
  Pending(double now, const streams::StoreOptions& options) : op(now, options) {}
  TrimOp op;
  TrimOp::Result result;
  std::promise<storage::Status> done;
};

}  // namespace

void StreamTrimService::run(const ServiceContext& ctx, std::stop_token stop) {
  auto p = std::make_shared<Pending>(ctx.clock.now_seconds(), options_);
  auto outcome = p->done.get_future();
  ctx.engine.submit(p->op, p->result, [p](storage::Status s) { p->done.set_value(s); });
  while (outcome.wait_for(std::chrono::milliseconds(100)) != std::future_status::ready)
    if (stop.stop_requested()) return;
  const storage::Status s = outcome.get();
  auto log = spdlog::get("api");
  if (!log) return;
  if (s != storage::Status::ok)
    log->warn("stream-trim: {}", storage::status_name(s));
  else if (p->result.out > 0)
    log->debug("stream-trim: {} records deleted", p->result.out);
}

}  // namespace ddbd::api
