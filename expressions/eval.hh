// Evaluation of parsed expressions on the item model of the store.
//
// Conditions follow DynamoDB's semantics: a comparison with a missing
// attribute is false (except <>, which is then true); ordering comparisons
// and BETWEEN hold only between two values of the same scalar type (N
// numerically and exactly, S and B bytewise), so an item value of another
// type makes them false; size() of N, BOOL or NULL has no value (its
// comparison is false); = is deep equality (sets unordered).  Updates
// evaluate every operand on the item as it was before the update, then apply
// SET/ADD/DELETE in order (elements past the end of a list appended last, by
// index) and REMOVE last (list elements by their original indexes); a path
// through a missing attribute or a non-container is an invalid document path.
//
// Thread-safety: pure functions of their arguments.
#pragma once

#include <vector>

#include "expressions/ast.hh"

namespace ddbd::expr {

// The value at `path` in `item`, or nullptr.
const AttributeValue* resolve_path(const Item& item, const Path& path);

// Whether `c` holds for `item` (nullptr: there is no item).
bool evaluate(const Condition& c, const Item* item);

// Applies `u` to `item` in place.  Throws ExpressionError with DynamoDB's
// runtime messages (missing operand attribute, wrong operand type, invalid
// document path, number overflow).
void apply_update(const UpdateExpr& u, Item& item);

// The parts of `item` named by `paths` (non-overlapping), nested as in the
// item; selected list elements keep their relative order.
Item project(const Item& item, const std::vector<Path>& paths);

// DynamoDB's size() of a value, or -1 for types without a size (N, BOOL, NULL).
long long value_size_function(const AttributeValue& v);

// Compares two values of the same scalar type (N, S or B): -1, 0, +1 in
// `out`; false when the types differ or are not scalar.
bool compare_scalars(const AttributeValue& a, const AttributeValue& b, int& out);

}  // namespace ddbd::expr
