// The HTTP/1.1 transport: an acceptor and one coroutine per connection.
//
// Each connection runs on its own strand: read a request (fresh parser per
// message, body limit, header limit, read deadline), hand it to the Router,
// write the response, repeat while keep-alive.  Pipelined requests are
// served in order.  A client that stalls mid-request is dropped when its
// read deadline passes; it never blocks other connections.
//
// Thread-safety: start() once; the io_context may run on many threads.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <string>

#include "server/router.hh"

namespace ddbd::server {

struct ListenerConfig {
  std::chrono::seconds read_timeout{60};   // per request (headers + body), and idle keep-alive
  std::size_t header_limit = 64 * 1024;
};

class Listener {
 public:
  // Binds and listens; throws boost::system::system_error when it cannot.
  Listener(boost::asio::io_context& ioc, const std::string& host, unsigned short port, Router& router,
           ListenerConfig config = {});
  // The bound endpoint (with the real port when 0 was asked).
  boost::asio::ip::tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }
  // Starts accepting on the io_context.
  void start();
  // Stops accepting (open connections finish their current request).
  void stop();

 private:
  boost::asio::io_context& ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  Router& router_;
  ListenerConfig config_;
};

}  // namespace ddbd::server
