// PartiQL statements planned onto the existing operations: what
// ExecuteStatement, BatchExecuteStatement and ExecuteTransaction share.
//
// A parsed statement (expressions/partiql.hh) is checked against its table
// here and becomes the request of an operation ddbd already runs:
//   INSERT  -> a put with attribute_not_exists(<hash key>)  (DuplicateItem when it fails)
//   UPDATE  -> an update with attribute_exists(<hash key>) AND <rest of WHERE>
//   DELETE  -> a delete with attribute_not_exists(<hash key>) OR <rest of WHERE>
//              (a missing item is no error, as in DynamoDB)
//   EXISTS  -> a ConditionCheck with attribute_exists(<hash key>) AND <rest>
//   SELECT  -> GetItem / TransactGetItems by full key, or a Query (the WHERE
//              pins the partition key of the table or index) or a Scan with a filter
// so that there is one write path and one evaluator.
//
// Thread-safety: plans point into the Statement they were made from (its
// values and update tree), which must outlive them; both belong to one request.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api/context.hh"
#include "api/write_ops.hh"
#include "expressions/partiql.hh"

namespace ddbd::api::partiql {

using expr::partiql::Statement;
using expr::partiql::StatementKind;

// DynamoDB's messages for the checks made here.
inline constexpr std::string_view kIncompleteKey =
    "Where clause does not contain a mandatory equality on all key attributes";
inline constexpr std::string_view kDuplicateItem = "Duplicate primary key exists in table";
// A SELECT on a GSI with a multi-attribute key (however the message words
// it, the refusal follows the index, not the table).
inline constexpr std::string_view kMultiAttributeIndexRefused =
    "PartiQL statements cannot be executed on tables with multi-attribute HASH keys or multi-attribute RANGE keys.";

// The WHERE of a statement that names one item (UPDATE, DELETE, EXISTS, and
// the reads of BatchExecuteStatement and ExecuteTransaction), split into
// the full primary key, given as top-level AND-ed equalities on each key
// attribute, and the rest of the condition.  Throws ValidationException
// (kIncompleteKey; a key value of the wrong type: "Key attribute's data type
// should match its data type in table's schema: Key <name>"; ...).
struct KeyAndRest {
  Item key;                              // exactly the table's key attributes
  std::optional<expr::Condition> rest;   // AND of the other terms, if any
};
KeyAndRest split_full_key(const Statement& s, const storage::TableDef& table);

// An INSERT, UPDATE, DELETE or EXISTS as the action of a single write or a
// transaction.
struct WritePlan {
  ActionKind kind = ActionKind::put;     // put (INSERT), update, del, check (EXISTS)
  std::string table_name;
  Item item;                             // put: the item; the others: the key
  WriteCondition cond;                   // see the table at the top of this file
  std::optional<expr::UpdateExpr> update;  // UPDATE: points into the Statement
  ReturnValues return_values = ReturnValues::none;  // RETURNING
  bool insert = false;                   // a failed condition is DuplicateItem
};

// Checks the statement against `table` (the key, the item of an INSERT,
// RETURNING allowed for the kind, no update of a key attribute) and plans
// it.  `return_old_on_failure`: ReturnValuesOnConditionCheckFailure=ALL_OLD.
// Throws ApiError / ExpressionError.
WritePlan plan_write(const Statement& s, const storage::TableDef& table, bool return_old_on_failure);

}  // namespace ddbd::api::partiql
