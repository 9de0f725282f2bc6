#include "api/services.hh"

#include <spdlog/spdlog.h>

#include "storage/engine.hh"

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace ddbd::api {

// One service and its thread.  mu guards triggered, started and finished;
// cv wakes the thread (trigger) and run_now() callers (a run finished).
struct Services::Worker {
  std::shared_ptr<Service> service;
  std::mutex mu;
  std::condition_variable_any cv;
  bool triggered = false;
  std::uint64_t started = 0;   // runs begun
  std::uint64_t finished = 0;  // the last run that ended
  std::jthread thread;
};

namespace {

// Intervals are clamped: a zero interval would spin, and now() +
// milliseconds::max() would overflow.
constexpr std::chrono::milliseconds kShortestInterval{1};
constexpr std::chrono::milliseconds kLongestInterval = std::chrono::hours(24 * 365);

// Calls fn(); an exception is logged as "service NAME: WHAT failed: ..."
// and turns into false.  A failing service must not end the process.
template <class F>
bool logged(spdlog::logger& log, std::string_view service, const char* what, F&& fn) {
  try {
    fn();
    return true;
  } catch (const std::exception& e) {
    log.error("service {}: {} failed: {}", service, what, e.what());
  } catch (...) {
    log.error("service {}: {} failed with a non-standard exception", service, what);
  }
  return false;
}

std::shared_ptr<spdlog::logger> default_log() {
  if (auto log = spdlog::get("api")) return log;
  return spdlog::default_logger();
}

}  // namespace

Services::Services(ServiceContext ctx, std::shared_ptr<spdlog::logger> log)
    : ctx_(ctx), log_(log ? std::move(log) : default_log()) {}

Services::~Services() { stop(); }

void Services::add(std::shared_ptr<Service> service) {
  std::lock_guard lock(mu_);
  if (started_ || stopped_) throw std::logic_error("Services::add after start or stop");
  auto w = std::make_unique<Worker>();
  w->service = std::move(service);
  workers_.push_back(std::move(w));
}

void Services::start() {
  std::lock_guard lock(mu_);
  if (started_ || stopped_) return;
  started_ = true;
  std::string names;
  for (auto& w : workers_) {
    Worker* wp = w.get();
    {
      std::lock_guard wl(wp->service->wake_mu_);
      wp->service->waker_ = [wp] {
        std::lock_guard lk(wp->mu);
        wp->triggered = true;
        wp->cv.notify_all();
      };
    }
    if (!logged(*log_, wp->service->name(), "start", [&] { wp->service->on_start(ctx_); })) continue;
    wp->thread = std::jthread([this, wp](std::stop_token stop) { loop(*wp, stop); });
    names += (names.empty() ? "" : ", ") + std::string(wp->service->name());
  }
  if (!names.empty()) log_->info("services started: {}", names);
}

void Services::stop() {
  std::lock_guard lock(mu_);
  if (stopped_) return;
  stopped_ = true;
  if (!started_) return;
  for (auto it = workers_.rbegin(); it != workers_.rend(); ++it) {
    Worker& w = **it;
    {
      std::lock_guard wl(w.service->wake_mu_);
      w.service->waker_ = nullptr;
    }
    if (!w.thread.joinable()) continue;  // its on_start failed
    w.thread.request_stop();  // wakes the thread's wait (stop_token)
    w.thread.join();
    logged(*log_, w.service->name(), "stop", [&] { w.service->on_stop(ctx_); });
  }
  if (!workers_.empty()) log_->info("services stopped");
}

void Service::wake() {
  std::lock_guard lock(wake_mu_);
  if (waker_) waker_();
}

bool Services::run_now(std::string_view name) {
  Worker* w = nullptr;
  std::stop_token stop;
  {
    std::lock_guard lock(mu_);  // stop() joins under it
    if (!started_ || stopped_) return false;
    for (auto& x : workers_)
      if (x->service->name() == name && x->thread.joinable()) w = x.get();
    if (!w) return false;
    stop = w->thread.get_stop_token();
  }
  std::unique_lock lk(w->mu);
  const std::uint64_t want = w->started + 1;
  w->triggered = true;
  w->cv.notify_all();
  w->cv.wait(lk, stop, [&] { return w->finished >= want; });
  return w->finished >= want;
}

// Sleeps until the interval passes, a trigger or stop; runs; repeats.
void Services::loop(Worker& w, std::stop_token stop) {
  const auto interval = std::clamp(w.service->interval(), kShortestInterval, kLongestInterval);
  std::unique_lock lk(w.mu);
  for (;;) {
    w.cv.wait_until(lk, stop, std::chrono::steady_clock::now() + interval, [&] { return w.triggered; });
    if (stop.stop_requested()) break;
    w.triggered = false;
    const std::uint64_t run = ++w.started;
    lk.unlock();
    logged(*log_, w.service->name(), "run", [&] { w.service->run(ctx_, stop); });
    lk.lock();
    w.finished = run;
    w.cv.notify_all();
  }
}

storage::Status submit_and_wait(storage::Engine& engine, std::shared_ptr<const storage::WriteOp> op,
                                std::shared_ptr<storage::WriteResult> result, std::stop_token stop) {
  struct Shared {
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    storage::Status status = storage::Status::ok;
    std::shared_ptr<const storage::WriteOp> op;
    std::shared_ptr<storage::WriteResult> result;
  };
  auto sh = std::make_shared<Shared>();
  sh->op = std::move(op);
  sh->result = std::move(result);
  engine.submit(*sh->op, *sh->result, [sh](storage::Status s) {
    std::lock_guard lock(sh->mu);
    sh->done = true;
    sh->status = s;
    sh->cv.notify_all();
  });
  std::unique_lock lock(sh->mu);
  while (!sh->done) {
    if (stop.stop_requested()) return storage::Status::io_error;
    sh->cv.wait_for(lock, std::chrono::milliseconds(50));
  }
  return sh->status;
}

storage::Status submit_and_wait(storage::Engine& engine, std::shared_ptr<const storage::WriteOp> op,
                                std::stop_token stop) {
  return submit_and_wait(engine, std::move(op), std::make_shared<storage::NoResult>(), stop);
}

}  // namespace ddbd::api
