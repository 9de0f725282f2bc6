#include "api/stream_trim.hh"

#include <spdlog/spdlog.h>

#include <future>

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
  const streams::StoreOptions& options_;
};

}  // namespace

void StreamTrimService::run(const ServiceContext& ctx, std::stop_token) {
  TrimOp op(ctx.clock.now_seconds(), options_);
  TrimOp::Result result;
  std::promise<storage::Status> done;
  auto status = done.get_future();
  ctx.engine.submit(op, result, [&done](storage::Status s) { done.set_value(s); });
  const storage::Status s = status.get();
  auto log = spdlog::get("api");
  if (!log) return;
  if (s != storage::Status::ok)
    log->warn("stream-trim: {}", storage::status_name(s));
  else if (result.out > 0)
    log->debug("stream-trim: {} records deleted", result.out);
}

}  // namespace ddbd::api
