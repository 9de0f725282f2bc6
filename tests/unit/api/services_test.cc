// Services: start in order and stop in reverse, a "run now" trigger that
// waits for its run, periodic runs without a trigger, a failing job logged
// without ending the service, a stop that joins at once mid-interval, one
// thread while idle, a long run that delays no other service, and an
// interval read again after each run.
#include "api/services.hh"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "storage/clock.hh"
#include "storage/engine.hh"

namespace ddbd::api {
namespace {

using namespace std::chrono_literals;

// Events from every service of a test, in the order they happened.
struct Journal {
  std::mutex mu;
  std::vector<std::string> events;
  void add(std::string e) {
    std::lock_guard lock(mu);
    events.push_back(std::move(e));
  }
  std::vector<std::string> take() {
    std::lock_guard lock(mu);
    return events;
  }
};

// A service whose run calls `job` (when set) and counts runs.
class TestService : public Service {
 public:
  TestService(std::string name, std::chrono::milliseconds interval, Journal* journal = nullptr)
      : name_(std::move(name)), interval_(interval), journal_(journal) {}
  std::string_view name() const override { return name_; }
  std::chrono::milliseconds interval() const override { return interval_; }
  void run(const ServiceContext&, std::stop_token stop) override {
    runs.fetch_add(1);
    thread_id = std::this_thread::get_id();
    if (job) job(stop);
  }
  void on_start(const ServiceContext&) override {
    if (journal_) journal_->add(name_ + ".start");
  }
  void on_stop(const ServiceContext&) override {
    if (journal_) journal_->add(name_ + ".stop");
  }

  std::atomic<int> runs{0};
  std::thread::id thread_id;
  std::function<void(std::stop_token)> job;

 private:
  std::string name_;
  std::chrono::milliseconds interval_;
  Journal* journal_;
};

class ServicesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::EngineOptions o;
    o.in_memory = true;
    o.map_size = std::size_t(64) << 20;
    engine_ = storage::Engine::open(o);
    log_ = std::make_shared<spdlog::logger>("services-test",
                                            std::make_shared<spdlog::sinks::ostream_sink_mt>(log_text_));
  }
  ServiceContext context() { return ServiceContext{*engine_, clock_}; }
  std::string log_text() {
    log_->flush();
    return log_text_.str();
  }

  std::unique_ptr<storage::Engine> engine_;
  storage::ManualClock clock_{1000};
  std::ostringstream log_text_;
  std::shared_ptr<spdlog::logger> log_;
};

TEST_F(ServicesTest, StartsInOrderAndStopsInReverse) {
  Journal journal;
  Services services(context(), log_);
  services.add(std::make_shared<TestService>("a", 1h, &journal));
  services.add(std::make_shared<TestService>("b", 1h, &journal));
  services.add(std::make_shared<TestService>("c", 1h, &journal));
  EXPECT_TRUE(journal.take().empty()) << "nothing starts before start()";
  services.start();
  EXPECT_EQ(journal.take(), (std::vector<std::string>{"a.start", "b.start", "c.start"}));
  services.stop();
  EXPECT_EQ(journal.take(), (std::vector<std::string>{"a.start", "b.start", "c.start", "c.stop", "b.stop", "a.stop"}));
  EXPECT_NE(log_text().find("services started: a, b, c"), std::string::npos) << log_text();
  EXPECT_NE(log_text().find("services stopped"), std::string::npos) << log_text();
}

TEST_F(ServicesTest, RunNowRunsOnTheServiceThreadAndWaitsForTheRun) {
  auto s = std::make_shared<TestService>("sweeper", 1h);
  Services services(context(), log_);
  services.add(s);
  EXPECT_FALSE(services.run_now("sweeper")) << "not started yet";
  services.start();
  EXPECT_EQ(s->runs.load(), 0) << "the first run comes one interval after start";
  ASSERT_TRUE(services.run_now("sweeper"));
  EXPECT_EQ(s->runs.load(), 1);
  EXPECT_NE(s->thread_id, std::this_thread::get_id());
  ASSERT_TRUE(services.run_now("sweeper"));
  EXPECT_EQ(s->runs.load(), 2);
  EXPECT_FALSE(services.run_now("no-such-service"));
  services.stop();
  EXPECT_FALSE(services.run_now("sweeper")) << "stopped";
  EXPECT_EQ(s->runs.load(), 2);
}

TEST_F(ServicesTest, RunsPeriodicallyWithoutATrigger) {
  auto s = std::make_shared<TestService>("ticker", 10ms);
  Services services(context(), log_);
  services.add(s);
  services.start();
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (s->runs.load() < 3 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
  EXPECT_GE(s->runs.load(), 3);
}

// A service that queues work and wakes itself, the way the backup and PITR
// services do (their interval is only a backstop).
class WakingService : public TestService {
 public:
  using TestService::TestService;
  void queue() { wake(); }
  void on_start(const ServiceContext& ctx) override {
    TestService::on_start(ctx);
    if (wake_at_start) wake();
  }
  bool wake_at_start = false;
};

TEST_F(ServicesTest, WakeRunsTheServiceWithoutWaitingForItsInterval) {
  auto s = std::make_shared<WakingService>("queue", 1h);
  s->queue();  // not in a started Services: nothing happens
  Services services(context(), log_);
  services.add(s);
  services.start();
  EXPECT_EQ(s->runs.load(), 0) << "nothing queued, and the interval is an hour";
  s->queue();
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (s->runs.load() < 1 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
  EXPECT_EQ(s->runs.load(), 1);
  services.stop();
  s->queue();  // after stop: nothing happens
  EXPECT_EQ(s->runs.load(), 1);
}

TEST_F(ServicesTest, AWakeFromOnStartRunsAtOnce) {
  auto s = std::make_shared<WakingService>("resume", 1h);
  s->wake_at_start = true;  // work found at start (an unfinished restore)
  Services services(context(), log_);
  services.add(s);
  services.start();
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (s->runs.load() < 1 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
  EXPECT_EQ(s->runs.load(), 1);
}

TEST_F(ServicesTest, AFailingJobIsLoggedAndTheServiceKeepsRunning) {
  auto s = std::make_shared<TestService>("flaky", 1h);
  s->job = [&s](std::stop_token) {
    if (s->runs.load() == 1) throw std::runtime_error("disk on fire");
    if (s->runs.load() == 2) throw 42;
  };
  auto healthy = std::make_shared<TestService>("healthy", 1h);
  Services services(context(), log_);
  services.add(s);
  services.add(healthy);
  services.start();
  ASSERT_TRUE(services.run_now("flaky"));
  EXPECT_NE(log_text().find("service flaky: run failed: disk on fire"), std::string::npos) << log_text();
  ASSERT_TRUE(services.run_now("flaky"));
  EXPECT_NE(log_text().find("service flaky: run failed with a non-standard exception"), std::string::npos)
      << log_text();
  ASSERT_TRUE(services.run_now("flaky")) << "the service outlives its failed runs";
  EXPECT_EQ(s->runs.load(), 3);
  ASSERT_TRUE(services.run_now("healthy"));
  EXPECT_EQ(healthy->runs.load(), 1);
}

TEST_F(ServicesTest, AServiceWhoseStartFailsIsLoggedAndDoesNotRun) {
  class BadStart : public TestService {
   public:
    BadStart() : TestService("bad", 1h) {}
    void on_start(const ServiceContext&) override { throw std::runtime_error("no such bucket"); }
  };
  auto bad = std::make_shared<BadStart>();
  auto good = std::make_shared<TestService>("good", 1h);
  Services services(context(), log_);
  services.add(bad);
  services.add(good);
  services.start();
  EXPECT_NE(log_text().find("service bad: start failed: no such bucket"), std::string::npos) << log_text();
  EXPECT_FALSE(services.run_now("bad"));
  EXPECT_TRUE(services.run_now("good"));
  services.stop();
  EXPECT_EQ(bad->runs.load(), 0);
}

// A 1-hour interval: stop() must not wait for it.  The bound only says "does
// not hang".
TEST_F(ServicesTest, StopJoinsPromptlyMidInterval) {
  auto s = std::make_shared<TestService>("slow-interval", 1h);
  Services services(context(), log_);
  services.add(s);
  services.start();
  std::this_thread::sleep_for(20ms);
  const auto t0 = std::chrono::steady_clock::now();
  services.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
  EXPECT_EQ(s->runs.load(), 0);
}

// A run in progress sees its stop token and stop() waits for it to return.
TEST_F(ServicesTest, StopAsksARunningJobToFinishAndWaitsForIt) {
  auto s = std::make_shared<TestService>("long-run", 1h);
  std::atomic<bool> inside{false}, saw_stop{false};
  s->job = [&](std::stop_token stop) {
    inside = true;
    std::mutex mu;
    std::condition_variable_any cv;
    std::unique_lock lk(mu);
    cv.wait_for(lk, stop, 60s, [] { return false; });
    saw_stop = stop.stop_requested();
  };
  Services services(context(), log_);
  services.add(s);
  services.start();
  std::thread trigger([&] { services.run_now("long-run"); });
  while (!inside) std::this_thread::sleep_for(1ms);
  const auto t0 = std::chrono::steady_clock::now();
  services.stop();
  EXPECT_TRUE(saw_stop) << "stop() returned before the run did";
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 30s);
  trigger.join();
}

// Idle services share one thread; a second one exists only while a run is in
// progress (and a little after), so that a long run of one service delays no
// other.
TEST_F(ServicesTest, IdleServicesShareOneThreadAndALongRunDelaysNoOther) {
  auto slow = std::make_shared<TestService>("slow", 1h);
  auto quick = std::make_shared<TestService>("quick", 1h);
  auto idle = std::make_shared<TestService>("idle", 1h);
  std::mutex mu;
  std::condition_variable cv;
  bool inside = false, release = false;
  slow->job = [&](std::stop_token) {
    std::unique_lock lk(mu);
    inside = true;
    cv.notify_all();
    cv.wait(lk, [&] { return release; });
  };
  Services services(context(), log_);
  EXPECT_EQ(services.threads(), 0u);
  services.add(slow);
  services.add(quick);
  services.add(idle);
  services.start();
  EXPECT_EQ(services.threads(), 1u) << "three idle services, one thread";
  std::thread trigger([&] { EXPECT_TRUE(services.run_now("slow")); });
  {
    std::unique_lock lk(mu);
    cv.wait(lk, [&] { return inside; });
  }
  // "slow" is in its run: "quick" still runs at once, on another thread.
  ASSERT_TRUE(services.run_now("quick"));
  EXPECT_EQ(quick->runs.load(), 1);
  EXPECT_NE(quick->thread_id, slow->thread_id);
  EXPECT_GE(services.threads(), 2u);
  {
    std::lock_guard lk(mu);
    release = true;
  }
  cv.notify_all();
  trigger.join();
  EXPECT_EQ(slow->runs.load(), 1);
  // The threads beyond the one waiting for the next run leave once idle for
  // Services::kSpareThreadLinger.
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (services.threads() > 1 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(services.threads(), 1u);
  ASSERT_TRUE(services.run_now("idle")) << "the remaining thread still runs services";
  services.stop();
  EXPECT_EQ(services.threads(), 0u);
}

// A service whose interval depends on its last run: an hour until it has
// work, then 10 ms.
class NapService : public TestService {
 public:
  using TestService::TestService;
  std::chrono::milliseconds interval() const override { return busy ? 10ms : 1h; }
  void queue() {
    busy = true;
    wake();
  }
  std::atomic<bool> busy{false};
};

TEST_F(ServicesTest, TheIntervalIsReadAgainAfterEachRun) {
  auto s = std::make_shared<NapService>("nap", 1h);
  Services services(context(), log_);
  services.add(s);
  services.start();
  ASSERT_TRUE(services.run_now("nap"));
  EXPECT_EQ(s->runs.load(), 1) << "an hour until the next run";
  s->queue();  // from now on every 10 ms
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (s->runs.load() < 4 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
  EXPECT_GE(s->runs.load(), 4);
}

TEST_F(ServicesTest, StopIsIdempotentAndMayComeBeforeStart) {
  Journal journal;
  auto s = std::make_shared<TestService>("x", 1h, &journal);
  {
    Services services(context(), log_);
    services.add(s);
    services.stop();
    services.start();  // after stop: nothing starts
    EXPECT_FALSE(services.run_now("x"));
    EXPECT_THROW(services.add(std::make_shared<TestService>("y", 1h)), std::logic_error);
    services.stop();
  }
  EXPECT_TRUE(journal.take().empty());
  {
    Services services(context(), log_);
    services.add(s);
    services.start();
    services.stop();
    services.stop();
  }  // and the destructor stops once more
  EXPECT_EQ(journal.take(), (std::vector<std::string>{"x.start", "x.stop"}));
}

TEST_F(ServicesTest, TheDestructorStopsAndJoins) {
  Journal journal;
  {
    Services services(context(), log_);
    services.add(std::make_shared<TestService>("d", 1h, &journal));
    services.start();
  }
  EXPECT_EQ(journal.take(), (std::vector<std::string>{"d.start", "d.stop"}));
}

}  // namespace
}  // namespace ddbd::api
