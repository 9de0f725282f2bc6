// The legacy (pre-expression) parameters, translated into the same syntax
// trees as expressions so that one evaluator serves both:
//   Expected / QueryFilter / ScanFilter / KeyConditions  -> Condition
//   AttributeUpdates                                     -> UpdateExpr
// The api layer decodes the JSON into the plain structs below.
//
// Semantics (API Reference, "Condition", "ExpectedAttributeValue",
// "AttributeValueUpdate"): EQ NE LE LT GE GT take one value, NOT_NULL and NULL
// none, CONTAINS NOT_CONTAINS BEGINS_WITH one, IN one or more, BETWEEN two;
// LE..GT, BEGINS_WITH, IN and BETWEEN take only S, N or B values.
//
// Thread-safety: plain values.
#pragma once

#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "expressions/ast.hh"

namespace ddbd::expr {

struct LegacyCondition {
  std::string attribute;
  // Expected's own form (Value / Exists), when no ComparisonOperator.
  std::optional<AttributeValue> value;
  std::optional<bool> exists;
  // The general form.
  std::optional<std::string> op;
  std::optional<std::vector<AttributeValue>> values;  // AttributeValueList
};

struct LegacyUpdate {
  std::string attribute;
  std::string action = "PUT";  // PUT, ADD, DELETE
  std::optional<AttributeValue> value;
};

// Owns the values the trees point at.  Not movable once built.
struct LegacyHolder {
  std::deque<AttributeValue> values;
  LegacyHolder() = default;
  LegacyHolder(const LegacyHolder&) = delete;
  LegacyHolder& operator=(const LegacyHolder&) = delete;
};

// Builds the condition of `conds` joined with `conditional_operator` ("AND"
// default, or "OR").  Throws ExpressionError with DynamoDB's "One or more
// parameter values were invalid: ..." messages, and ConstraintError for a
// ComparisonOperator outside DynamoDB's enum.  `expected`: the Expected form
// (Value/Exists allowed) rather than a filter map.
Condition legacy_condition(const std::vector<LegacyCondition>& conds, std::string_view conditional_operator,
                           bool expected, LegacyHolder& holder);

// Checks the AttributeValueList of ComparisonOperator `op` as DynamoDB does:
// its length ("Invalid number of argument(s) for the EQ ComparisonOperator"),
// each value's type ("ComparisonOperator GT is not valid for SS AttributeValue
// type"), one type for all ("AttributeValues inside AttributeValueList must
// be of same type"), and BETWEEN's bounds in order.  Throws ExpressionError
// (ConstraintError for an operator outside DynamoDB's enum).
void check_comparison_arguments(const std::string& op, const std::vector<AttributeValue>& values);

// ConditionalOperator needs a filter or Expected of two or more conditions:
// throws DynamoDB's ExpressionError when `present` and `conditions` < 2.
void check_conditional_operator(bool present, std::size_t conditions);

// The update expression equivalent to `updates`.  Throws ExpressionError for
// an Action/Value combination DynamoDB rejects, and ConstraintError for an
// Action outside PUT, ADD and DELETE.
UpdateExpr legacy_update(const std::vector<LegacyUpdate>& updates, LegacyHolder& holder);

}  // namespace ddbd::expr
