#include "api/services.hh"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include "storage/engine.hh"

#include <algorithm>
#include <cstdint>
#include <list>
#include <stdexcept>
#include <string>
#include <system_error>

namespace ddbd::api {

using SteadyClock = std::chrono::steady_clock;

// One service's schedule.  `service` is set by add(); the rest is guarded by
// Pool::mu.
struct Services::Entry {
  std::shared_ptr<Service> service;
  bool started = false;    // its on_start() succeeded (so stop() calls on_stop())
  bool active = false;     // started, and stop() has not reached it: may run
  bool running = false;    // a run is in progress
  bool triggered = false;  // run as soon as possible (wake(), run_now())
  SteadyClock::time_point due;  // the next periodic run
  std::uint64_t begun = 0;      // runs begun
  std::uint64_t finished = 0;   // the last run that ended
  std::stop_source stop;        // requested by stop(); the runs' token
};

// The threads and what they wait on.  Each thread is the leader (waits for
// the next run that comes due; at most one), runs a service, or is a spare
// (waits to be made the leader, for kSpareThreadLinger at most).  While a
// started service is neither running nor stopped, there is a leader (or one
// has been promised: has_leader); when every service is running there need
// not be one, and the first thread whose run ends takes the role.
struct Services::Pool {
  std::mutex mu;
  std::condition_variable lead_cv;   // the leader: a trigger, a run ended, quit
  std::condition_variable spare_cv;  // spares: one was promoted, or quit
  std::condition_variable done_cv;   // run_now() and stop(): a run ended, a service stopped
  bool has_leader = false;
  std::size_t spares = 0;      // threads waiting on spare_cv
  std::size_t promotions = 0;  // of those, made leader and not yet awake
  bool quit = false;
  std::list<std::thread> threads;
  std::vector<std::thread::id> exited;  // returned from thread_main, not yet joined
};

namespace {

// Intervals are clamped: a zero interval would spin, and now() +
// milliseconds::max() would overflow.
constexpr std::chrono::milliseconds kShortestInterval{1};
constexpr std::chrono::milliseconds kLongestInterval = std::chrono::hours(24 * 365);

std::chrono::milliseconds interval_of(const Service& s) {
  return std::clamp(s.interval(), kShortestInterval, kLongestInterval);
}

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
    : ctx_(ctx), log_(log ? std::move(log) : default_log()), pool_(std::make_unique<Pool>()) {}

Services::~Services() { stop(); }

void Services::add(std::shared_ptr<Service> service) {
  std::lock_guard lock(mu_);
  if (started_ || stopped_) throw std::logic_error("Services::add after start or stop");
  auto e = std::make_unique<Entry>();
  e->service = std::move(service);
  entries_.push_back(std::move(e));
}

void Services::start() {
  std::lock_guard lock(mu_);
  if (started_ || stopped_) return;
  started_ = true;
  Pool& p = *pool_;
  std::string names;
  bool any = false;
  for (auto& e : entries_) {
    Entry* ep = e.get();
    {
      std::lock_guard wl(ep->service->wake_mu_);
      ep->service->waker_ = [&p, ep] {
        std::lock_guard lk(p.mu);
        ep->triggered = true;
        p.lead_cv.notify_one();
      };
    }
    if (!logged(*log_, ep->service->name(), "start", [&] { ep->service->on_start(ctx_); })) continue;
    const auto interval = interval_of(*ep->service);
    {
      std::lock_guard lk(p.mu);
      ep->started = ep->active = true;
      ep->due = SteadyClock::now() + interval;
    }
    any = true;
    names += (names.empty() ? "" : ", ") + std::string(ep->service->name());
  }
  if (!any) return;
  {
    std::lock_guard lk(p.mu);
    p.has_leader = true;
    spawn_leader();
  }
  log_->info("services started: {}", names);
}

// Under pool_->mu, with has_leader set for the new thread: joins the threads
// that have exited, then starts one as the leader.
void Services::spawn_leader() {
  Pool& p = *pool_;
  for (std::thread::id id : p.exited) {
    auto it = std::find_if(p.threads.begin(), p.threads.end(), [id](const std::thread& t) { return t.get_id() == id; });
    if (it == p.threads.end()) continue;
    it->join();  // it has released the lock and is returning
    p.threads.erase(it);
  }
  p.exited.clear();
  try {
    p.threads.emplace_back([this] { thread_main(true); });
  } catch (const std::system_error& e) {
    // Nobody waits for the next run now: the next run to end takes over.
    p.has_leader = false;
    log_->error("services: cannot start a thread ({}); services due now wait for the runs in progress", e.what());
  }
}

void Services::thread_main(bool leader) {
  pthread_setname_np(pthread_self(), "ddbd-services");  // for ps, top and /proc/PID/task/*/comm
  Pool& p = *pool_;
  std::unique_lock lk(p.mu);
  for (;;) {
    if (!leader) {
      ++p.spares;
      const bool promoted = p.spare_cv.wait_for(lk, kSpareThreadLinger, [&] { return p.quit || p.promotions > 0; });
      --p.spares;
      if (p.quit || !promoted) break;
      --p.promotions;
      leader = true;
    }
    // The leader: wait for the first service that is due or triggered.
    Entry* e = nullptr;
    while (!p.quit && !e) {
      auto next = SteadyClock::time_point::max();
      const auto now = SteadyClock::now();
      for (auto& x : entries_) {
        if (!x->active || x->running) continue;
        if (x->triggered || x->due <= now) {
          e = x.get();
          break;
        }
        next = std::min(next, x->due);
      }
      if (e) break;
      if (next == SteadyClock::time_point::max())
        p.lead_cv.wait(lk);
      else
        p.lead_cv.wait_until(lk, next);
    }
    if (!e) break;  // quit
    e->running = true;
    e->triggered = false;
    const std::uint64_t run = ++e->begun;
    const std::stop_token stop = e->stop.get_token();
    // Hand the waiting over before running, if any other service may come due.
    leader = false;
    p.has_leader = false;
    const bool others = std::any_of(entries_.begin(), entries_.end(), [](auto& x) { return x->active && !x->running; });
    if (others) {
      p.has_leader = true;
      if (p.spares > p.promotions) {
        ++p.promotions;
        p.spare_cv.notify_one();
      } else {
        spawn_leader();
      }
    }
    lk.unlock();
    logged(*log_, e->service->name(), "run", [&] { e->service->run(ctx_, stop); });
    const auto interval = interval_of(*e->service);
    lk.lock();
    e->running = false;
    e->finished = run;
    e->due = SteadyClock::now() + interval;
    p.done_cv.notify_all();
    if (!p.has_leader) {
      p.has_leader = true;
      leader = true;
    } else {
      p.lead_cv.notify_one();  // this service waits again (maybe triggered meanwhile)
    }
  }
  if (leader) p.has_leader = false;
  p.exited.push_back(std::this_thread::get_id());
}

void Services::stop() {
  std::lock_guard lock(mu_);
  if (stopped_) return;
  stopped_ = true;
  if (!started_) return;
  Pool& p = *pool_;
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
    Entry& e = **it;
    {
      std::lock_guard wl(e.service->wake_mu_);
      e.service->waker_ = nullptr;
    }
    {
      std::unique_lock lk(p.mu);
      if (!e.started) continue;  // its on_start failed
      e.active = false;
      e.stop.request_stop();  // a run in progress sees it; run_now() callers return
      p.done_cv.notify_all();
      p.done_cv.wait(lk, [&] { return !e.running; });
    }
    logged(*log_, e.service->name(), "stop", [&] { e.service->on_stop(ctx_); });
  }
  std::list<std::thread> threads;
  {
    std::lock_guard lk(p.mu);
    p.quit = true;
    p.lead_cv.notify_all();
    p.spare_cv.notify_all();
    threads.swap(p.threads);  // no thread starts another once quit is set
  }
  for (auto& t : threads) t.join();
  {
    std::lock_guard lk(p.mu);
    p.exited.clear();
  }
  if (!entries_.empty()) log_->info("services stopped");
}

void Service::wake() {
  std::lock_guard lock(wake_mu_);
  if (waker_) waker_();
}

bool Services::run_now(std::string_view name) {
  Entry* e = nullptr;
  {
    std::lock_guard lock(mu_);  // stop() holds it until every run has ended
    if (!started_ || stopped_) return false;
    for (auto& x : entries_)
      if (x->service->name() == name) e = x.get();
    if (!e) return false;
  }
  Pool& p = *pool_;
  std::unique_lock lk(p.mu);
  if (!e->active) return false;  // its on_start failed, or stop() reached it
  const std::uint64_t want = e->begun + 1;
  e->triggered = true;
  p.lead_cv.notify_one();
  p.done_cv.wait(lk, [&] { return e->finished >= want || !e->active; });
  return e->finished >= want;
}

std::size_t Services::threads() const {
  std::lock_guard lk(pool_->mu);
  return static_cast<std::size_t>(std::count_if(pool_->threads.begin(), pool_->threads.end(), [&](const std::thread& t) {
    return std::find(pool_->exited.begin(), pool_->exited.end(), t.get_id()) == pool_->exited.end();
  }));
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
