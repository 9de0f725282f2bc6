// HeavyGate: at most `limit` holders at once, waiters admitted in arrival
// order, a slot passed on when a Ticket is destroyed.
#include "server/heavy_gate.hh"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <vector>

namespace ddbd::server {
namespace {

namespace asio = boost::asio;

struct Trace {
  int inside = 0;
  int most_inside = 0;
  std::vector<int> order;
};

// Enters the gate, stays inside for `hold`, leaves.
asio::awaitable<void> visitor(HeavyGate& gate, Trace& t, int id, std::chrono::milliseconds hold) {
  HeavyGate::Ticket ticket = co_await gate.enter();
  t.order.push_back(id);
  t.most_inside = std::max(t.most_inside, ++t.inside);
  asio::steady_timer timer(co_await asio::this_coro::executor, hold);
  co_await timer.async_wait(asio::use_awaitable);
  --t.inside;
}

// Runs `visitors` visitors (ids 0..visitors-1, 2 ms each) through a gate of
// `limit` slots to completion.
Trace run_visitors(std::size_t limit, int visitors) {
  asio::io_context ioc;
  HeavyGate gate(limit);
  Trace t;
  for (int id = 0; id < visitors; ++id)
    asio::co_spawn(ioc, visitor(gate, t, id, std::chrono::milliseconds(2)), asio::detached);
  ioc.run();
  return t;
}

TEST(HeavyGateTest, AdmitsOneAtATimeInArrivalOrder) {
  const Trace t = run_visitors(1, 5);
  EXPECT_EQ(t.most_inside, 1);
  EXPECT_EQ(t.order, (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_EQ(t.inside, 0);
}

TEST(HeavyGateTest, AdmitsUpToItsLimit) {
  const Trace t = run_visitors(2, 6);
  EXPECT_EQ(t.most_inside, 2);
  EXPECT_EQ(t.order.size(), 6u);
}

TEST(HeavyGateTest, SlotComesBackAfterEveryoneLeft) {
  asio::io_context ioc;
  HeavyGate gate(1);
  Trace t;
  asio::co_spawn(ioc, visitor(gate, t, 0, std::chrono::milliseconds(0)), asio::detached);
  ioc.run();
  ioc.restart();
  asio::co_spawn(ioc, visitor(gate, t, 1, std::chrono::milliseconds(0)), asio::detached);
  ioc.run();
  EXPECT_EQ(t.order, (std::vector<int>{0, 1}));
}

}  // namespace
}  // namespace ddbd::server
