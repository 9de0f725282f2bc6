// Background services: periodic jobs beside the request path, with a
// lifecycle owned by main.
//
// A Service is one periodic job (the ClientRequestToken sweep today; TTL,
// stream trimming, Lambda pollers and PITR snapshots later).  Services runs
// each one on a thread of its own, never on an I/O thread, so a long run
// delays only that service, never a request.  Between runs a service thread
// sleeps on a condition variable until its interval has passed, a "run now"
// trigger, the service's own wake() (work queued for it) or stop() wakes
// it: nothing polls.
//
// Lifecycle (server/main.cc): the store opens, services start, the listener
// serves; on SIGTERM/SIGINT the listener drains, services stop (joined),
// then the store closes.  Services live in api/ because later services (TTL
// deletes) go through the operations' execute functions; storage knows
// nothing of them.
//
// Thread-safety: Services' methods may be called from any thread, except
// that add() must come before start(), and run_now() must not be called from
// a service's own run() (it would wait for itself).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string_view>
#include <thread>
#include <vector>

#include "storage/types.hh"

namespace spdlog {
class logger;
}

namespace ddbd::storage {
class Clock;
class Engine;
class WriteOp;
class WriteResult;
}  // namespace ddbd::storage

namespace ddbd::api {

// What a service's run may use.  Both outlive the Services holding them.
// Writes go through engine.submit() with a const WriteOp, like a request's,
// marked Origin::service (SingleWriteOp(action, storage::Origin::service)) so
// that change events tell them apart.
struct ServiceContext {
  storage::Engine& engine;
  const storage::Clock& clock;
};

// Submits `op` to the engine's group commit from a service thread and waits
// for its outcome, `result` filled in (the overload without one: an op with
// no result); io_error when `stop` is requested first (the op then
// completes, or not, on its own).  The completion owns `op` and `result`
// until the engine is done with them.
storage::Status submit_and_wait(storage::Engine& engine, std::shared_ptr<const storage::WriteOp> op,
                                std::shared_ptr<storage::WriteResult> result, std::stop_token stop);
storage::Status submit_and_wait(storage::Engine& engine, std::shared_ptr<const storage::WriteOp> op,
                                std::stop_token stop);

class Service {
 public:
  virtual ~Service() = default;
  // A short stable name, for logs and run_now().
  virtual std::string_view name() const = 0;
  // Time from the end of one run to the start of the next (steady time, not
  // the Clock: a ManualClock does not move), from 1 ms to a year.  The
  // first run comes one interval after start().
  virtual std::chrono::milliseconds interval() const = 0;
  // One pass of the job, on the service's thread, never concurrently with
  // itself.  A long pass should return early once `stop` is requested.  An
  // exception is logged and the next run comes on schedule.
  virtual void run(const ServiceContext& ctx, std::stop_token stop) = 0;
  // Called by start() on its caller's thread before the service's thread
  // exists.  An exception is logged and the service does not run.
  virtual void on_start(const ServiceContext&) {}
  // Called by stop() on its caller's thread after the service's thread has
  // been joined (only if on_start succeeded).  An exception is logged.
  virtual void on_stop(const ServiceContext&) {}

 protected:
  // Asks for a run as soon as the service's thread is free, without waiting
  // for it (work was queued for it), from any thread, on_start() included
  // (the first run then comes at once).  Does nothing when the service is
  // not in a started Services.
  void wake();

 private:
  friend class Services;
  std::mutex wake_mu_;
  std::function<void()> waker_;  // set by Services::start, cleared by stop
};

class Services {
 public:
  // `log` receives start/stop lines and failed runs; null: the "api" logger
  // (or spdlog's default when there is none).
  explicit Services(ServiceContext ctx, std::shared_ptr<spdlog::logger> log = nullptr);
  // Stops every service (see stop()).
  ~Services();
  Services(const Services&) = delete;
  Services& operator=(const Services&) = delete;

  // Adds a service; started by start().  Throws std::logic_error after start().
  void add(std::shared_ptr<Service> service);
  // Starts the services in the order they were added: on_start(), then the
  // service's thread.  Once only; a second call does nothing.
  void start();
  // Stops the services in the reverse order: requests its stop, joins its
  // thread, then on_stop().  A service between runs stops at once, one in
  // the middle of a run once that run returns.  Idempotent; before start()
  // it only prevents a later start().
  void stop();
  // Runs the named service now and waits until a run that began after this
  // call has finished (successfully or not).  False when no such service is
  // running, or when it stopped before that run ended.  For tests and
  // operators; the periodic schedule restarts after the run.
  bool run_now(std::string_view name);

 private:
  struct Worker;
  void loop(Worker& w, std::stop_token stop);

  ServiceContext ctx_;
  std::shared_ptr<spdlog::logger> log_;
  std::mutex mu_;  // guards started_, stopped_ and workers_ (the vector)
  bool started_ = false;
  bool stopped_ = false;
  std::vector<std::unique_ptr<Worker>> workers_;
};

}  // namespace ddbd::api
