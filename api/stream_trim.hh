// StreamTrimService: deletes DynamoDB Streams records older than the
// retention period (24 hours; StoreOptions), with the shards and disabled
// streams left empty (streams::trim), once a minute, through the engine's
// write path as Origin::service.
//
// Thread-safety: run() on its service thread (api/services.hh).
#pragma once

#include "api/services.hh"
#include "streams/stream_store.hh"

namespace ddbd::api {

class StreamTrimService final : public Service {
 public:
  explicit StreamTrimService(streams::StoreOptions options,
                             std::chrono::milliseconds interval = std::chrono::seconds(60))
      : options_(options), interval_(interval) {}
  std::string_view name() const override { return "stream-trim"; }
  std::chrono::milliseconds interval() const override { return interval_; }
  void run(const ServiceContext& ctx, std::stop_token stop) override;

 private:
  streams::StoreOptions options_;
  std::chrono::milliseconds interval_;
};

}  // namespace ddbd::api
