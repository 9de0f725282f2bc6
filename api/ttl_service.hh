// The TTL sweeper as a background service (api/services.hh): every
// interval (--ttl-interval) it deletes the expired items of every table
// with TTL enabled (streams/ttl.hh says which items and how).
//
// Thread-safety: run() runs on the service's thread; last_run_deleted() may
// be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>

#include "api/services.hh"

namespace ddbd::api {

class TtlService final : public Service {
 public:
  static constexpr std::chrono::milliseconds kDefaultInterval = std::chrono::seconds(5);

  explicit TtlService(std::chrono::milliseconds interval = kDefaultInterval) : interval_(interval) {}

  std::string_view name() const override { return "ttl"; }
  std::chrono::milliseconds interval() const override { return interval_; }
  void run(const ServiceContext& ctx, std::stop_token stop) override;

  // Items deleted by the last run that finished (0 before the first).
  std::size_t last_run_deleted() const { return last_run_deleted_.load(); }

 private:
  const std::chrono::milliseconds interval_;
  std::atomic<std::size_t> last_run_deleted_{0};
};

}  // namespace ddbd::api
