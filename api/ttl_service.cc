#include "api/ttl_service.hh"

#include <spdlog/spdlog.h>

#include "storage/clock.hh"
#include "storage/engine.hh"
#include "streams/ttl.hh"

namespace ddbd::api {

void TtlService::run(const ServiceContext& ctx, std::stop_token stop) {
  const std::size_t deleted = streams::sweep_all(ctx.engine, ctx.clock.now_seconds(), stop);
  last_run_deleted_ = deleted;
  if (deleted > 0) spdlog::debug("ttl: deleted {} expired item(s)", deleted);
}

}  // namespace ddbd::api
