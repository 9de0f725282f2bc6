#include "server/listener.hh"

#include <simdjson.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <mutex>
#include <optional>
#include <string_view>
#include <tuple>
#include <unordered_set>
#include <vector>

#include "api/json_reader.hh"
#include "server/http_headers.hh"
#include "server/http_parser.hh"
#include "storage/limits.hh"

namespace ddbd::server {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
// Beast reads as much as the buffer has room for, and at least 512 bytes:
// without room, a 25 KB BatchWriteItem takes some 50 recv calls.
constexpr std::size_t kReadRoom = 64 * 1024;
// Time a refused request's connection gets to receive the answer and send
// what it still had in flight (see refuse()).
constexpr std::chrono::seconds kLingerTime{2};
// A request body's buffer is kept for the connection's next request up to
// this capacity (an SDK's requests are a few KB; a 16 MB one is freed).
constexpr std::size_t kKeptBodyBytes = 64 * 1024;
// Accept back-off: the first wait, its cap, and the least time between two
// log lines of one streak of failures.
constexpr std::chrono::milliseconds kAcceptRetryFirst{10};
constexpr std::chrono::milliseconds kAcceptRetryMax{500};
constexpr std::chrono::seconds kAcceptLogInterval{10};

using Clock = std::chrono::steady_clock;

// What a connection has buffered and not yet parsed: a block of fixed
// size, reused by every request of the connection (requests do not spill
// into a new one: the head parser refuses a head over the header limit,
// which fits, and a body is read into its own buffer).
class InputBuffer {
 public:
  explicit InputBuffer(std::size_t capacity) : data_(new char[capacity]), capacity_(capacity) {}

  std::string_view data() const { return {data_.get() + begin_, end_ - begin_}; }
  std::size_t size() const { return end_ - begin_; }
  void consume(std::size_t n) {
    begin_ += n;
    if (begin_ == end_) begin_ = end_ = 0;
  }
  void clear() { begin_ = end_ = 0; }
  // Room for the next read, after moving what is buffered to the front.
  asio::mutable_buffer prepare() {
    if (begin_ > 0) {
      std::memmove(data_.get(), data_.get() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
    }
    return {data_.get() + end_, capacity_ - end_};
  }
  void commit(std::size_t n) { end_ += n; }

 private:
  std::unique_ptr<char[]> data_;
  std::size_t capacity_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
};

// One accepted connection.  Its deadline (idle, header, read, linger) is
// a time, not a timer per operation: setting it is a store, and one timer
// per connection (watchdog()) closes the socket once it has passed.  The
// timer is re-armed only when a deadline earlier than its expiry is set,
// or when it fires before the deadline (then for the deadline).
struct Connection {
  Connection(tcp::socket s, std::size_t header_limit)
      : socket(std::move(s)), timer(socket.get_executor(), Clock::time_point::max()),
        in(std::max(kReadRoom, header_limit + 1)) {}

  void expire_after(Clock::duration d) {
    deadline = Clock::now() + d;
    if (deadline < armed) {
      armed = deadline;
      timer.expires_at(armed);  // wakes the watchdog, which waits again
    }
  }
  void expire_never() { deadline = Clock::time_point::max(); }

  tcp::socket socket;
  asio::steady_timer timer;  // expires at `armed`
  Clock::time_point deadline = Clock::time_point::max();
  Clock::time_point armed = Clock::time_point::max();
  bool closed = false;  // the session has ended (the watchdog ends too)
  bool idle = false;  // waiting for a request's first byte
  // Every member above is touched on the connection's executor only.
  std::string head;   // the answer's status line and headers, its capacity reused by every answer
  FieldArena arena;   // the fields of the request being served and of its answer
  InputBuffer in;
  std::string body;  // the request body, its capacity reused (up to kKeptBodyBytes)
};

}  // namespace

struct Listener::State {
  State(asio::io_context& io, Router& r, ListenerConfig c)
      : ioc(io), acceptor(asio::make_strand(io)), retry(acceptor.get_executor()), router(r), config(c) {}

  // Registers an accepted connection; false once stopping (drop it then).
  bool add(const std::shared_ptr<Connection>& c) {
    std::lock_guard lock(mu);
    if (stopping.load()) return false;
    connections.insert(c);
    return true;
  }

  // Unregisters a finished connection; the last one to go while stopping
  // calls the shutdown callback.
  void remove(const std::shared_ptr<Connection>& c) {
    std::function<void()> done;
    {
      std::lock_guard lock(mu);
      connections.erase(c);
      if (stopping.load() && connections.empty()) done = std::move(on_drained);
    }
    if (done) done();
  }

  asio::io_context& ioc;
  tcp::acceptor acceptor;    // on a strand, shared with `retry`
  asio::steady_timer retry;  // accept back-off
  Router& router;
  const ListenerConfig config;
  std::atomic<bool> stopping{false};  // written under mu

  mutable std::mutex mu;
  std::unordered_set<std::shared_ptr<Connection>> connections;  // guarded by mu
  std::function<void()> on_drained;                             // guarded by mu
};

namespace {

// The status answered to a request the parser refused.
http::status refusal_status(ParseStatus ps) {
  switch (ps) {
    case ParseStatus::body_too_large:
      return http::status::payload_too_large;
    case ParseStatus::header_too_large:
      return http::status::request_header_fields_too_large;
    case ParseStatus::version_not_supported:
      return http::status::http_version_not_supported;
    default:
      return http::status::bad_request;
  }
}

// The answer to a refused request, always with `Connection: close`.  Bodies
// over the limit get DynamoDB's 413 (as dynalite answers it); the others a
// short plain-text reason.
HttpResponse refusal(http::status status) {
  HttpResponse res{status, 11};
  if (status == http::status::payload_too_large) {
    res.set(http::field::content_type, "application/x-amz-json-1.0");
    res.body() = kPayloadTooLargeBody;
  } else {
    res.set(http::field::content_type, "text/plain");
    res.body() = std::string(http::obsolete_reason(status)) + "\n";
  }
  res.keep_alive(false);
  res.prepare_payload();
  return res;
}

// Writes `res`: its head (server/http_headers.hh, with Server and Date) and
// its body in one writev.  `head` is scratch space, kept for its capacity.
asio::awaitable<std::tuple<boost::system::error_code, std::size_t>> write_response(tcp::socket& to,
                                                                                  const HttpResponse& res,
                                                                                  std::string& head) {
  serialize_head(res.base(), head);
  const std::array<asio::const_buffer, 2> buffers{asio::buffer(head), asio::buffer(res.body())};
  co_return co_await asio::async_write(to, buffers, kTuple);
}

// Answers `status`, then closes gracefully: half-close, and read and drop
// what the client still sends, for at most kLingerTime.  Closing with unread
// input makes the kernel send RST, which can destroy the answer before the
// client reads it (RFC 9112 §9.6).
asio::awaitable<void> refuse(Connection& conn, http::status status) {
  HttpResponse res = refusal(status);
  conn.expire_after(kLingerTime);
  auto [ew, nw] = co_await write_response(conn.socket, res, conn.head);
  if (ew) co_return;
  boost::system::error_code ignored;
  conn.socket.shutdown(tcp::socket::shutdown_send, ignored);
  for (;;) {
    conn.in.clear();
    auto [er, nr] = co_await conn.socket.async_read_some(conn.in.prepare(), kTuple);
    if (er) co_return;
  }
}

bool quiet_close(const boost::system::error_code& ec) {
  return !ec || ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::operation_aborted || ec == asio::error::bad_descriptor;
}

// The connection's one timer: sleeps until the time it is armed for; then
// closes the socket if the deadline has passed (the pending read fails and
// the session ends), else waits for the deadline.  Ends with the session.
asio::awaitable<void> watchdog(std::shared_ptr<Connection> conn) {
  Connection& c = *conn;
  while (!c.closed) {
    auto [ec] = co_await c.timer.async_wait(kTuple);
    if (c.closed) break;
    // Re-armed by expire_after() for an earlier deadline: wait for that.
    // (Reading the deadline here would see whatever the session set since,
    // often "never" while it answers, and re-arm for every request.)
    if (ec == asio::error::operation_aborted) continue;
    if (Clock::now() >= c.deadline) {
      boost::system::error_code ignored;
      c.socket.close(ignored);
      break;
    }
    c.armed = c.deadline;
    c.timer.expires_at(c.armed);
  }
}

static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

asio::awaitable<void> session(std::shared_ptr<Listener::State> st, std::shared_ptr<Connection> conn) {
  Connection& c = *conn;
  const ListenerConfig& config = st->config;
  RequestHeadParser parser(config.header_limit, limits::kMaxRequestBytes);
  ChunkedDecoder chunked;
  Router::Pending pending;
  boost::system::error_code ec;
  for (;;) {
    if (c.in.size() == 0) {
      // Waiting for a request: the one state a shutdown closes at once.
      c.idle = true;
      if (st->stopping.load()) break;
      c.expire_after(config.idle_timeout);
      auto [e0, n0] = co_await c.socket.async_read_some(c.in.prepare(), kTuple);
      c.idle = false;
      c.in.commit(n0);
      if (e0) {
        ec = e0;
        break;
      }
    }
    // Nothing of the last request is alive now: its fields' memory is free.
    c.arena.reset();
    HttpRequest req{std::piecewise_construct, std::make_tuple(), std::make_tuple(ArenaAllocator<char>(&c.arena))};
    RequestHead head;
    parser.reset();
    c.expire_after(config.header_timeout);
    ParseStatus ps;
    // The room is never empty: the buffer holds more than the header limit.
    while ((ps = parser.parse(c.in.data(), req, head)) == ParseStatus::need_more) {
      auto [e1, n1] = co_await c.socket.async_read_some(c.in.prepare(), kTuple);
      c.in.commit(n1);
      if (e1) {
        ec = e1;
        break;
      }
    }
    if (ec) break;
    if (ps != ParseStatus::done) {
      co_await refuse(c, refusal_status(ps));
      break;
    }
    c.in.consume(head.head_bytes);

    std::string& body = c.body;
    body.clear();
    if (head.framing == BodyFraming::length) {
      // Room for simdjson's padding, so the body is parsed in place.
      const auto length = static_cast<std::size_t>(head.content_length);
      body.reserve(length + simdjson::SIMDJSON_PADDING);
      const std::size_t buffered = std::min(length, c.in.size());
      body.append(c.in.data().data(), buffered);
      c.in.consume(buffered);
      if (buffered < length) {
        // RFC 9110 §10.1.1: an HTTP/1.1 client sending `Expect:
        // 100-continue` waits for "100 Continue" (curl for 1 s) before the
        // body.
        if (buffered == 0 && head.expect_continue) {
          auto [ec100, n100] = co_await asio::async_write(c.socket, asio::buffer(kContinue), kTuple);
          if (ec100) {
            ec = ec100;
            break;
          }
        }
        c.expire_after(config.read_timeout);
        body.resize(length);
        auto [e2, n2] =
            co_await asio::async_read(c.socket, asio::buffer(body.data() + buffered, length - buffered), kTuple);
        if (e2) {
          ec = e2;
          break;
        }
      }
    } else if (head.framing == BodyFraming::chunked) {
      chunked.reset();
      if (c.in.size() == 0 && head.expect_continue) {
        auto [ec100, n100] = co_await asio::async_write(c.socket, asio::buffer(kContinue), kTuple);
        if (ec100) {
          ec = ec100;
          break;
        }
      }
      c.expire_after(config.read_timeout);
      for (;;) {
        std::string_view in = c.in.data();
        ps = chunked.feed(in, body, limits::kMaxRequestBytes);
        c.in.consume(c.in.size() - in.size());
        if (ps != ParseStatus::need_more) break;
        // The room is never empty: the decoder keeps at most a line of
        // ChunkedDecoder::kMaxLine bytes.
        auto [e2, n2] = co_await c.socket.async_read_some(c.in.prepare(), kTuple);
        c.in.commit(n2);
        if (e2) {
          ec = e2;
          break;
        }
      }
      if (ec) break;
      if (ps != ParseStatus::done) {
        co_await refuse(c, refusal_status(ps));
        break;
      }
      body.reserve(body.size() + simdjson::SIMDJSON_PADDING);
    }
    c.expire_never();
    req.body().swap(body);
    // The answer's fields come from the request's arena; GetItem, Query and
    // errors are answered without a coroutine frame.
    HttpResponse res{std::piecewise_construct, std::make_tuple(), std::make_tuple(req.get_allocator())};
    if (!st->router.route_now(req, res, pending)) co_await st->router.route_rest(req, res, pending);
    // The body's buffer comes back for the next request (the router keeps
    // it unless an operation that suspends took the body); a big one is
    // freed.
    body.swap(req.body());
    if (body.capacity() > kKeptBodyBytes) std::string().swap(body);
    // RFC 9110 §9.3.2: HEAD gets the GET answer's headers (Content-Length
    // included) and no body.
    if (req.method() == http::verb::head) res.body().clear();
    bool keep = res.keep_alive();
    if (keep && st->stopping.load(std::memory_order_relaxed)) {
      res.keep_alive(false);
      keep = false;
    }
    // Not write_response(): one coroutine frame less per request.
    serialize_head(res.base(), c.head);
    const std::array<asio::const_buffer, 2> out{asio::buffer(c.head), asio::buffer(res.body())};
    auto [e3, n3] = co_await asio::async_write(c.socket, out, kTuple);
    if (e3) {
      ec = e3;
      break;
    }
    if (!keep) break;
  }
  if (!quiet_close(ec)) spdlog::get("server")->debug("connection closed: {}", ec.message());
  boost::system::error_code ignored;
  c.socket.shutdown(tcp::socket::shutdown_send, ignored);
  c.closed = true;
  c.timer.cancel();
  st->remove(conn);
}

// Failed accepts in a row.  At the descriptor limit (EMFILE, ENFILE) accept
// fails at once, every time, until some connection closes: retrying at once
// spins a core and floods the log (issue 10, item 4).  So each failure waits,
// 10 ms doubling up to 500 ms, and a streak logs its first failure and then
// at most one line per kAcceptLogInterval.
class AcceptFailures {
 public:
  // Logs as needed; returns how long to wait before accepting again.
  std::chrono::milliseconds on_failure(const boost::system::error_code& ec) {
    ++streak_;
    ++unlogged_;
    const auto now = std::chrono::steady_clock::now();
    if (streak_ == 1) {
      spdlog::get("server")->warn("accept failed: {}; retrying with back-off", ec.message());
      unlogged_ = 0;
      last_log_ = now;
    } else if (now - last_log_ >= kAcceptLogInterval) {
      spdlog::get("server")->warn("accept failed: {} ({} times since the last report)", ec.message(), unlogged_);
      unlogged_ = 0;
      last_log_ = now;
    }
    delay_ = streak_ == 1 ? kAcceptRetryFirst : std::min(delay_ * 2, kAcceptRetryMax);
    return delay_;
  }

  void on_success() {
    if (streak_ == 0) return;
    spdlog::get("server")->info("accepting again after {} failed accepts", streak_);
    streak_ = 0;
    unlogged_ = 0;
  }

 private:
  unsigned long streak_ = 0;
  unsigned long unlogged_ = 0;
  std::chrono::steady_clock::time_point last_log_{};
  std::chrono::milliseconds delay_{0};
};

// Where a new connection runs: a strand of its own when several threads run
// the io_context, the io_context itself when one does (a strand would only
// add a queue and a lock to every completion).
asio::any_io_executor connection_executor(Listener::State& st) {
  if (st.config.io_threads == 1) return st.ioc.get_executor();
  return asio::make_strand(st.ioc);
}

asio::awaitable<void> accept_loop(std::shared_ptr<Listener::State> st) {
  AcceptFailures failures;
  for (;;) {
    auto [ec, socket] = co_await st->acceptor.async_accept(connection_executor(*st), kTuple);
    if (!st->acceptor.is_open()) co_return;  // shutdown
    if (ec == asio::error::connection_aborted) continue;  // the client left before we took it
    if (ec) {
      st->retry.expires_after(failures.on_failure(ec));
      co_await st->retry.async_wait(kTuple);
      continue;
    }
    failures.on_success();
    socket.set_option(tcp::no_delay(true), ec);
    auto conn = std::make_shared<Connection>(std::move(socket), st->config.header_limit);
    if (!st->add(conn)) co_return;
    asio::co_spawn(conn->socket.get_executor(), watchdog(conn), asio::detached);
    asio::co_spawn(conn->socket.get_executor(), session(st, conn), asio::detached);
  }
}

}  // namespace

Listener::Listener(asio::io_context& ioc, const std::string& host, unsigned short port, Router& router,
                   ListenerConfig config)
    : state_(std::make_shared<State>(ioc, router, config)) {
  tcp::endpoint ep(asio::ip::make_address(host), port);
  tcp::acceptor& acceptor = state_->acceptor;
  acceptor.open(ep.protocol());
  acceptor.set_option(asio::socket_base::reuse_address(true));
  acceptor.bind(ep);
  acceptor.listen(asio::socket_base::max_listen_connections);
}

Listener::~Listener() = default;

tcp::endpoint Listener::local_endpoint() const { return state_->acceptor.local_endpoint(); }

void Listener::start() { asio::co_spawn(state_->acceptor.get_executor(), accept_loop(state_), asio::detached); }

void Listener::shutdown(std::function<void()> done) {
  auto st = state_;
  asio::post(st->acceptor.get_executor(), [st] {
    boost::system::error_code ignored;
    st->acceptor.close(ignored);
    st->retry.cancel();
  });
  std::vector<std::shared_ptr<Connection>> open;
  {
    std::lock_guard lock(st->mu);
    st->stopping.store(true);
    open.assign(st->connections.begin(), st->connections.end());
    if (!open.empty()) st->on_drained = std::move(done);
  }
  // A connection that waits for a request is closed now; the others see
  // `stopping` after their current request.  The check runs on the
  // connection's executor (its strand, or the one I/O thread), so it cannot
  // miss a session about to wait.
  for (auto& c : open)
    asio::post(c->socket.get_executor(), [c] {
      boost::system::error_code ignored;
      if (c->idle) c->socket.cancel(ignored);
    });
  if (open.empty()) done();
}

std::size_t Listener::open_connections() const {
  std::lock_guard lock(state_->mu);
  return state_->connections.size();
}

}  // namespace ddbd::server
