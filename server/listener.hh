// The HTTP/1.1 transport: an acceptor and one coroutine per connection.
//
// Each connection runs on its own strand (on the io_context itself when
// ListenerConfig::io_threads is 1): wait for a request (idle deadline),
// read its head (header deadline, counted from the request's first byte,
// so a client trickling headers cannot hold a connection), read its body
// (Content-Length or chunked; body limit, read deadline), hand it to the
// Router, write the response, repeat while keep-alive.  Pipelined requests
// are served in order.
//
// The request is parsed by server/http_parser.hh from a buffer of the
// connection, reused by every request, and its body read into a string
// the connection keeps (up to 64 KB of capacity) for the next request.
// The deadlines are one per connection: a time the session sets, and one
// timer that closes the socket once it has passed (no timer per read).
//
// A request the parser refuses gets an HTTP answer and then a close, never a
// silent close: 413 (body over the limit), 431 (request line and headers
// over the limit together), 505 (an HTTP version other than 1.x), 400 (any
// other malformed message; server/http_parser.hh lists them).
// `Expect: 100-continue` is answered before the body is read; HEAD answers
// carry the headers of the GET answer and no body.
//
// Accept failures (EMFILE at the descriptor limit, ...) back off and are
// logged at most once per interval; open connections keep being served.
//
// Thread-safety: start() once; shutdown() once, from any thread; the
// io_context may run on many threads (ListenerConfig::io_threads says how
// many).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "server/router.hh"

namespace ddbd::server {

struct ListenerConfig {
  std::chrono::seconds idle_timeout{60};    // keep-alive connection waiting for a request's first byte
  std::chrono::seconds header_timeout{20};  // first byte of a request to the end of its headers
  std::chrono::seconds read_timeout{60};    // end of the headers to the end of the body
  std::size_t header_limit = 64 * 1024;
  // Threads running the io_context; 1 (and only 1) lets connections run
  // without a strand.
  unsigned io_threads = 0;
};

class Listener {
 public:
  // Binds and listens; throws boost::system::system_error when it cannot.
  Listener(boost::asio::io_context& ioc, const std::string& host, unsigned short port, Router& router,
           ListenerConfig config = {});
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  // The bound endpoint (with the real port when 0 was asked).
  boost::asio::ip::tcp::endpoint local_endpoint() const;
  // Starts accepting on the io_context.
  void start();
  // Graceful stop: stops accepting, closes connections that wait for a
  // request, and lets every connection with a request in progress (being
  // read, processed or answered) finish that request, answered with
  // `Connection: close`.  Calls `done` once, on some thread, as soon as no
  // connection is left (possibly before returning).  Bounding the wait is
  // the caller's business.
  void shutdown(std::function<void()> done);
  // Connections currently open (for logs).
  std::size_t open_connections() const;

  struct State;  // shared with the connection coroutines, which may outlive the Listener

 private:
  std::shared_ptr<State> state_;
};

}  // namespace ddbd::server
