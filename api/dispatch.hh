// The operation table and the single place where handler exceptions become
// DynamoDB error responses.
//
// Thread-safety: the table is constant; dispatch may run on any I/O thread.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "api/context.hh"

namespace ddbd::api {

struct Response {
  int status = 200;
  std::string body;
};

enum class OpKind { read, write, control };

struct OpInfo;

// Looks up an operation by its X-Amz-Target operation name
// ("PutItem").  Returns nullptr for names DynamoDB does not have.
const OpInfo* find_operation(std::string_view name);
// The same for DynamoDB Streams' operations
// ("DynamoDBStreams_20120810.GetRecords" -> "GetRecords").
const OpInfo* find_streams_operation(std::string_view name);
std::string_view operation_name(const OpInfo& op);
// Every operation (DynamoDB's, then DynamoDB Streams') has an index below
// operation_count() (at most kMaxOperations, api/meter.hh), for the meter's
// per-operation counters.
std::size_t operation_count();
std::size_t operation_index(const OpInfo& op);
std::string_view operation_name_at(std::size_t index);
bool operation_implemented(const OpInfo& op);

// Runs one request.  `body` must have SIMDJSON_PADDING bytes of capacity
// beyond its size; it is freed as soon as it is parsed (the parsed document
// holds its own copy of every string).  Never throws: every failure becomes
// an error Response.
asio::awaitable<Response> dispatch(RequestContext& ctx, const OpInfo& op, std::string body);

// The same, without a coroutine, for an operation that never suspends
// (api/ops/ops.hh DDBD_DIRECT_OPERATIONS); nullopt, with `body` untouched,
// for the others.  `body` is left to the caller (not needed once parsed:
// the listener reuses its buffer for the connection's next request).
std::optional<Response> dispatch_direct(RequestContext& ctx, const OpInfo& op, std::string& body);

// An error response for failures detected before dispatch (auth, target).
Response error_response(const class ApiError& e);

}  // namespace ddbd::api
