// The head of every HTTP answer, written by hand: the status line, the
// headers every answer carries as DynamoDB sends them (`Server: Server` and
// `Date`, an IMF-fixdate, RFC 9110 §5.6.7, e.g. "Wed, 02 Dec 2026 01:05:00
// GMT", wall-clock time), then the answer's own fields, in the bytes
// Beast's serializer would write for them.  The listener sends this head
// and the body with one writev.
//
// Thread-safety: every function may be called from any thread (the
// formatted date is cached per thread, per second).
#pragma once

#include <boost/beast/http/message.hpp>
#include <ctime>
#include <string>
#include <string_view>

#include "server/http_arena.hh"

namespace ddbd::server {

// `t` (seconds since the epoch) as an IMF-fixdate.
std::string http_date(std::time_t t);

// The current time as an IMF-fixdate, formatted at most once a second per
// thread; the view is valid until this thread's next call.
std::string_view current_http_date();

// Replaces `out` with "HTTP/1.x CODE REASON\r\n", "Server: Server\r\n",
// "Date: <now>\r\n", each field of `head` as "Name: value\r\n" in order, and
// the empty line.  Reuses `out`'s capacity; `head` should not carry Server
// or Date itself.
void serialize_head(const boost::beast::http::response_header<HttpFields>& head, std::string& out);

}  // namespace ddbd::server
