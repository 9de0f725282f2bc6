// The Lambda REST API's event source mapping calls, on ddbd's port:
//   POST   /2015-03-31/event-source-mappings/          CreateEventSourceMapping  (202)
//   GET    /2015-03-31/event-source-mappings/?FunctionName=&EventSourceArn=&Marker=&MaxItems=
//                                                      ListEventSourceMappings   (200)
//   GET    /2015-03-31/event-source-mappings/{UUID}    GetEventSourceMapping     (200)
//   PUT    /2015-03-31/event-source-mappings/{UUID}    UpdateEventSourceMapping  (202)
//   DELETE /2015-03-31/event-source-mappings/{UUID}    DeleteEventSourceMapping  (202)
// Errors are Lambda's rest-json errors: the status, the error type in the
// x-amzn-ErrorType header and {"Type":"User","message":"..."} (botocore
// reads the code from that header).
//
// Mappings belong to the caller's namespace (RequestContext::ns), like
// tables, and may only name a stream of that namespace.
//
// Thread-safety: as the other handlers; one call per request.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <string>
#include <string_view>

#include "api/context.hh"

namespace ddbd::api::lambda {

inline constexpr std::string_view kRestPrefix = "/2015-03-31/";

struct RestResponse {
  int status = 200;
  std::string body;
  std::string error_type;  // x-amzn-ErrorType; empty on success
};

// Runs one Lambda REST call (`target` is the request target: path and
// query).  Never throws.
boost::asio::awaitable<RestResponse> dispatch_rest(RequestContext& ctx, std::string_view method, std::string_view target,
                                                   std::string body);

// The error answer for a failure found before dispatch (authentication).
RestResponse rest_error(int status, std::string_view type, std::string_view message);

}  // namespace ddbd::api::lambda
