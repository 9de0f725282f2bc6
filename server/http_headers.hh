// Headers every HTTP answer carries, as DynamoDB sends them: `Server:
// Server` and `Date` (IMF-fixdate, RFC 9110 §5.6.7, e.g. "Wed, 02 Dec 2026
// 01:05:00 GMT"), wall-clock time.
//
// Thread-safety: set_server_headers() may be called from any thread (the
// formatted date is cached per thread, per second).
#pragma once

#include <boost/beast/http/fields.hpp>
#include <ctime>
#include <string>

namespace ddbd::server {

// `t` (seconds since the epoch) as an IMF-fixdate.
std::string http_date(std::time_t t);

// Sets Server and Date on `fields` (replacing any).
void set_server_headers(boost::beast::http::fields& fields);

}  // namespace ddbd::server
