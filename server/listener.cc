#include "server/listener.hh"

#include <simdjson.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <mutex>
#include <optional>
#include <string_view>
#include <tuple>
#include <unordered_set>
#include <vector>

#include "api/json_reader.hh"
#include "server/http_headers.hh"
#include "storage/limits.hh"

namespace ddbd::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
// Beast reads as much as the buffer has room for, and at least 512 bytes:
// without room, a 25 KB BatchWriteItem takes some 50 recv calls.
constexpr std::size_t kReadRoom = 64 * 1024;
// Time a refused request's connection gets to receive the answer and send
// what it still had in flight (see refuse()).
constexpr std::chrono::seconds kLingerTime{2};
// Accept back-off: the first wait, its cap, and the least time between two
// log lines of one streak of failures.
constexpr std::chrono::milliseconds kAcceptRetryFirst{10};
constexpr std::chrono::milliseconds kAcceptRetryMax{500};
constexpr std::chrono::seconds kAcceptLogInterval{10};

struct Connection {
  explicit Connection(tcp::socket socket) : stream(std::move(socket)) {}
  beast::tcp_stream stream;
  bool idle = false;  // touched on the connection's executor only: waiting for a request's first byte
  std::string head;   // the answer's status line and headers, its capacity reused by every answer
  FieldArena arena;   // the fields of the request being served and of its answer
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

// True when the request line in `buffer` is "... HTTP/d.d" CRLF with a
// version other than 1.0 and 1.1: Beast then refused the version itself,
// and the answer is 505 (RFC 9110 §15.6.6).  Beast reports a bad line ending
// after the version as a bad version too; that is a 400.
bool unsupported_version(const beast::flat_buffer& buffer) {
  std::string_view data(static_cast<const char*>(buffer.data().data()), buffer.size());
  auto eol = data.find("\r\n");
  if (eol == std::string_view::npos) return false;
  std::string_view line = data.substr(0, eol);
  std::string_view v = line.substr(line.rfind(' ') + 1);
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (v.size() != 8 || !v.starts_with("HTTP/") || !digit(v[5]) || v[6] != '.' || !digit(v[7])) return false;
  return v != "HTTP/1.0" && v != "HTTP/1.1";
}

// The status answered to a request the parser refused, or nullopt when
// there is nobody to answer: the client closed or reset, or a deadline
// passed (Beast closes the socket on a timeout).
std::optional<http::status> refusal_status(const beast::error_code& ec, const beast::flat_buffer& buffer) {
  if (ec == http::error::body_limit) return http::status::payload_too_large;
  if (ec == http::error::header_limit) return http::status::request_header_fields_too_large;
  if (ec == http::error::bad_version)
    return unsupported_version(buffer) ? http::status::http_version_not_supported : http::status::bad_request;
  for (http::error e : {http::error::bad_line_ending, http::error::bad_method, http::error::bad_target,
                        http::error::bad_field, http::error::bad_value, http::error::bad_content_length,
                        http::error::multiple_content_length, http::error::bad_transfer_encoding,
                        http::error::bad_chunk, http::error::bad_chunk_extension, http::error::bad_obs_fold})
    if (ec == e) return http::status::bad_request;
  return std::nullopt;
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
// its body in one writev.  `to` is the socket itself when no deadline runs,
// else the tcp_stream.  `head` is scratch space, kept for its capacity.
template <class Stream>
asio::awaitable<std::tuple<beast::error_code, std::size_t>> write_response(Stream& to, const HttpResponse& res,
                                                                            std::string& head) {
  serialize_head(res.base(), head);
  const std::array<asio::const_buffer, 2> buffers{asio::buffer(head), asio::buffer(res.body())};
  co_return co_await asio::async_write(to, buffers, kTuple);
}

// Answers `status`, then closes gracefully: half-close, and read and drop
// what the client still sends, for at most kLingerTime.  Closing with unread
// input makes the kernel send RST, which can destroy the answer before the
// client reads it (RFC 9112 §9.6).
asio::awaitable<void> refuse(Connection& conn, beast::flat_buffer& buffer, http::status status) {
  beast::tcp_stream& stream = conn.stream;
  HttpResponse res = refusal(status);
  stream.expires_after(kLingerTime);
  auto [ew, nw] = co_await write_response(stream, res, conn.head);
  if (ew) co_return;
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  for (;;) {
    buffer.clear();
    auto [er, nr] = co_await stream.async_read_some(buffer.prepare(kReadRoom), kTuple);
    if (er) co_return;
  }
}

// RFC 9110 §10.1.1: an HTTP/1.1 client sending `Expect: 100-continue` waits
// for "100 Continue" (curl for 1 s) before the body.  HTTP/1.0 ignores it.
bool expects_continue(const http::request_parser<http::string_body, ArenaAllocator<char>>& parser) {
  const auto& req = parser.get();
  if (req.version() < 11) return false;
  auto it = req.find(http::field::expect);
  return it != req.end() && beast::iequals(it->value(), "100-continue");
}

bool quiet_close(const beast::error_code& ec) {
  return !ec || ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::operation_aborted;
}

asio::awaitable<void> session(std::shared_ptr<Listener::State> st, std::shared_ptr<Connection> conn) {
  beast::tcp_stream& stream = conn->stream;
  const ListenerConfig& config = st->config;
  beast::flat_buffer buffer;
  buffer.reserve(kReadRoom);
  beast::error_code ec;
  for (;;) {
    if (buffer.size() == 0) {
      // Waiting for a request: the one state a shutdown closes at once.
      conn->idle = true;
      if (st->stopping.load()) break;
      stream.expires_after(config.idle_timeout);
      auto [e0, n0] = co_await stream.async_read_some(buffer.prepare(kReadRoom), kTuple);
      conn->idle = false;
      buffer.commit(n0);
      if (e0) {
        ec = e0;
        break;
      }
    }
    // Nothing of the last request is alive now: its fields' memory is free.
    conn->arena.reset();
    http::request_parser<http::string_body, ArenaAllocator<char>> parser{
        std::piecewise_construct, std::make_tuple(), std::make_tuple(ArenaAllocator<char>(&conn->arena))};
    parser.header_limit(static_cast<std::uint32_t>(config.header_limit));
    // Also checks Content-Length as soon as the headers are parsed.
    parser.body_limit(limits::kMaxRequestBytes);
    stream.expires_after(config.header_timeout);
    auto [e1, n1] = co_await http::async_read_header(stream, buffer, parser, kTuple);
    if (e1) {
      ec = e1;
      if (auto status = refusal_status(e1, buffer)) co_await refuse(*conn, buffer, *status);
      break;
    }
    // Beast applies its header limit to the start line and to the fields
    // separately, and not always to fields that arrive in pieces: a block of
    // 64-200 KB could pass.  `n1` is the whole block, start line included.
    if (n1 > config.header_limit) {
      co_await refuse(*conn, buffer, http::status::request_header_fields_too_large);
      break;
    }
    if (!parser.is_done()) {
      // Room for simdjson's padding, so the body is parsed in place.
      if (auto len = parser.content_length())
        parser.get().body().reserve(static_cast<std::size_t>(*len) + simdjson::SIMDJSON_PADDING);
      if (buffer.size() == 0 && expects_continue(parser)) {
        static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
        auto [ec100, n100] = co_await asio::async_write(stream, asio::buffer(kContinue), kTuple);
        if (ec100) {
          ec = ec100;
          break;
        }
      }
      stream.expires_after(config.read_timeout);
      auto [e2, n2] = co_await http::async_read(stream, buffer, parser, kTuple);
      if (e2) {
        ec = e2;
        if (auto status = refusal_status(e2, buffer)) co_await refuse(*conn, buffer, *status);
        break;
      }
    }
    HttpRequest req = parser.release();
    auto& body = req.body();
    if (body.capacity() < body.size() + simdjson::SIMDJSON_PADDING) body.reserve(body.size() + simdjson::SIMDJSON_PADDING);
    stream.expires_never();
    HttpResponse res = co_await st->router.route(req);
    // RFC 9110 §9.3.2: HEAD gets the GET answer's headers (Content-Length
    // included) and no body.
    if (req.method() == http::verb::head) res.body().clear();
    bool keep = res.keep_alive();
    if (keep && st->stopping.load(std::memory_order_relaxed)) {
      res.keep_alive(false);
      keep = false;
    }
    auto [e3, n3] = co_await write_response(stream.socket(), res, conn->head);
    if (e3) {
      ec = e3;
      break;
    }
    if (!keep) break;
  }
  if (!quiet_close(ec)) spdlog::get("server")->debug("connection closed: {}", ec.message());
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
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
  std::chrono::milliseconds on_failure(const beast::error_code& ec) {
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
    auto conn = std::make_shared<Connection>(std::move(socket));
    if (!st->add(conn)) co_return;
    asio::co_spawn(conn->stream.get_executor(), session(st, conn), asio::detached);
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
    beast::error_code ignored;
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
    asio::post(c->stream.get_executor(), [c] {
      if (c->idle) c->stream.cancel();
    });
  if (open.empty()) done();
}

std::size_t Listener::open_connections() const {
  std::lock_guard lock(state_->mu);
  return state_->connections.size();
}

}  // namespace ddbd::server
