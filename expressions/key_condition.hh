// KeyConditionExpression (and legacy KeyConditions) reduced
// to what a Query reads: equality on the partition key and at most one
// condition on the sort key (=, <, <=, >, >=, BETWEEN, begins_with), joined
// by AND.  Anything else is rejected with DynamoDB's messages:
//   "Invalid operator used in KeyConditionExpression: OR"
//   "KeyConditionExpressions must only contain one condition per key"
//   "KeyConditionExpressions cannot have conditions on nested attributes"
//   "Query condition missed key schema element: <name>"
//   "Query key condition not supported"
//   "One or more parameter values were invalid: Condition parameter type does not match schema type"
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "expressions/ast.hh"
#include "expressions/legacy.hh"

namespace ddbd::expr {

enum class SortOp { EQ, LT, LE, GT, GE, BETWEEN, BEGINS_WITH };

struct KeyRange {
  const AttributeValue* hash = nullptr;
  std::optional<SortOp> sort_op;
  const AttributeValue* sort1 = nullptr;
  const AttributeValue* sort2 = nullptr;  // BETWEEN's upper bound
};

struct KeyNames {
  std::string hash;
  AttrType hash_type = AttrType::S;
  std::optional<std::string> range;
  AttrType range_type = AttrType::S;
};

KeyRange extract_key_range(const Condition& c, const KeyNames& key);

// The same for legacy KeyConditions (already checked by
// check_comparison_arguments, one or two of them), in DynamoDB's order for
// each key attribute, partition key first: "Query key condition not
// supported" (more than one condition on a partition-key-only schema),
// "Query condition missed key schema element: <name>", "Attempted
// conditional constraint is not an indexable operation" (NE, NULL, NOT_NULL,
// CONTAINS, NOT_CONTAINS, IN), the type mismatch, and a partition key
// condition other than EQ.  The range points into `conds`.
KeyRange extract_legacy_key_range(const std::vector<LegacyCondition>& conds, const KeyNames& key);

// A global secondary index with a multi-attribute key (up to 4 HASH and 4
// RANGE attributes).  The condition must give an equality for every HASH
// attribute, and may then name a left prefix of the RANGE attributes: an
// equality on each but the last named, which may use any sort-key operator.
// The clauses may come in any order.  Beyond the messages above:
//   "RANGE key attributes <a>[, <b>...] must have equality conditions
//    specified in the query because a condition is present on key attribute <c>"
struct MultiKeyNames {
  std::vector<std::pair<std::string, AttrType>> hash;   // in KeySchema order
  std::vector<std::pair<std::string, AttrType>> range;  // in KeySchema order
};
struct MultiKeyRange {
  std::vector<const AttributeValue*> hash;        // one per HASH attribute
  std::vector<const AttributeValue*> sort_equal;  // the leading RANGE equalities
  // The condition on the RANGE attribute after sort_equal (EQ included when
  // it is the last one named).
  std::optional<SortOp> sort_op;
  const AttributeValue* sort1 = nullptr;
  const AttributeValue* sort2 = nullptr;
};
MultiKeyRange extract_multi_key_range(const Condition& c, const MultiKeyNames& key);

}  // namespace ddbd::expr
