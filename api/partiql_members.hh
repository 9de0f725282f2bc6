// What BatchExecuteStatement and ExecuteTransaction share: the members of
// one statement in their lists (BatchStatementRequest, ParameterizedStatement)
// and the plan of a SELECT that reads one item by its full key.
//
// The requests' shapes are checked with FieldSpecs (statement_member_specs)
// before decode_statement_member reads a member; api/partiql.hh plans the
// statements once they are parsed.
//
// Thread-safety: plain values that belong to one request.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/context.hh"
#include "api/field_spec.hh"
#include "api/partiql.hh"
#include "api/read_common.hh"

namespace ddbd::api::partiql {

// The FieldSpec of one list element: Statement (1..8192 characters),
// Parameters (at least one AttributeValue), ReturnValuesOnConditionCheckFailure
// (ALL_OLD | NONE), and ConsistentRead when `consistent_read`
// (BatchStatementRequest has it, ParameterizedStatement has not).
FieldSpec statement_member_spec(bool consistent_read);

// One member, its shape already checked.
struct StatementMember {
  std::string_view text;                  // points into the request's JSON
  std::vector<AttributeValue> parameters;
  bool consistent_read = false;
  bool return_old_on_failure = false;     // ReturnValuesOnConditionCheckFailure=ALL_OLD
};
// Throws ApiError for a Parameters value that is no AttributeValue.
StatementMember decode_statement_member(json::element e);

// split_full_key for a statement that must name one item: an incomplete key
// (or two conditions on one key attribute) is ValidationException
// `not_single`; the other errors (a key value of the wrong type) stand.
KeyAndRest split_single_item(const Statement& s, const storage::TableDef& table, std::string_view not_single);

// A SELECT that names one item: the table, the full key and the SELECT list.
struct KeyRead {
  std::shared_ptr<const storage::TableDef> table;
  Item key;
  ReadProjection projection;
};
// Plans `s` (a SELECT on a table, not an index) as a read of one item.  Its
// WHERE must be exactly the equalities on the full key; otherwise
// ValidationException `not_single` (see split_single_item).  An unknown
// table: ResourceNotFoundException.
KeyRead plan_key_read(RequestContext& ctx, const Statement& s, std::string_view not_single);

}  // namespace ddbd::api::partiql
