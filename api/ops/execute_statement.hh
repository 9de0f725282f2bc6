// ExecuteStatement as plain structs: decode, execute, to_json (see
// api/ops/ops.hh).
//
// A PartiQL statement (expressions/partiql.hh) runs on the existing paths:
// INSERT, UPDATE and DELETE as the single-item writes of api/write_ops.hh
// (planned by api/partiql.hh), SELECT as Queries (one per partition, or per
// disjoint sort-key range, that the WHERE pins) or a Scan, read through
// api/read_pages.hh's page loop with the whole WHERE as the filter.
//
// Thread-safety: the structs belong to one request.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "api/context.hh"
#include "api/read_pages.hh"
#include "api/shapes.hh"
#include "expressions/partiql.hh"

namespace ddbd::api::ops {

// Where a paged SELECT stopped: the read (of the statement's decomposed
// reads) to go on with, and the key after which it goes on (none: from its
// start).
struct StatementPosition {
  std::size_t read = 0;
  std::optional<AttrMap> after;
};

struct ExecuteStatementRequest {
  expr::partiql::Statement statement;  // parsed, parameters bound
  uint64_t digest = 0;                 // of the text and parameters: binds NextToken to them
  bool consistent_read = false;
  std::optional<int64_t> limit;
  std::optional<StatementPosition> start;  // from NextToken
  ReturnConsumedCapacity return_consumed_capacity = ReturnConsumedCapacity::NONE;
  bool return_old_on_failure = false;  // ReturnValuesOnConditionCheckFailure=ALL_OLD
};

struct ExecuteStatementResponse {
  // SELECT: the pages read, in order (each in read_pages' form).
  std::vector<ReadPage> pages;
  // Writes: the item RETURNING gives, if any.
  std::optional<Item> returned;
  std::optional<std::string> next_token;
  std::optional<Item> last_evaluated_key;
  ConsumedCapacity consumed_capacity;
};

// Member types and constraints, the Parameters' values, the statement
// (syntax, parameter count), EXISTS refused, NextToken.  Throws ApiError /
// expr::ExpressionError.
ExecuteStatementRequest decode_execute_statement(json::object body);
// The table and index, then the read or the write.
asio::awaitable<ExecuteStatementResponse> execute(RequestContext& ctx, const ExecuteStatementRequest& req);
std::string to_json(const ExecuteStatementRequest& req, const ExecuteStatementResponse& resp);

}  // namespace ddbd::api::ops
