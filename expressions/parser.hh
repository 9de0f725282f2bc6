// Parser for DynamoDB's expression grammar, one for all expression kinds.
//
//   condition  := or
//   or         := and { OR and }
//   and        := not { AND not }
//   not        := NOT not | primary
//   primary    := '(' condition ')' | function '(' operand {, operand} ')'
//               | operand comparator operand
//               | operand BETWEEN operand AND operand
//               | operand IN '(' operand {, operand} ')'
//   operand    := path | :value | function '(' operand {, operand} ')'
//   path       := name { '.' name | '[' digits ']' }     name := identifier | #name
//   update     := { SET set {, set} | REMOVE path {, path}
//                 | ADD path :value {, ...} | DELETE path :value {, ...} }
//   set        := path '=' setvalue ;  setvalue := setop [ ('+'|'-') setop ]
//   setop      := path | :value | function '(' setop {, setop} ')'
//   projection := path {, path}
//
// Keywords are case-insensitive, function names are not; OR binds loosest,
// then AND, then NOT.  Names start with a letter ("_a" is a syntax error at
// "_").  Functions: conditions take attribute_exists, attribute_not_exists,
// attribute_type, begins_with and contains, and size() as an operand (of a
// path or a value); updates take if_not_exists (path first) and list_append
// (not nested in list_append).  A request value of a type without an order
// (not S, N or B) in <, <=, >, >= or BETWEEN is an error.
// Errors are ExpressionError with DynamoDB's wording; syntax
// errors come first ("Invalid X: Syntax error; token: \"t\", near: \"...\""),
// then, in source order, reserved words, undefined #names and :values, and
// misuse of functions and operands.  Nesting of parentheses and NOT is
// bounded (no unbounded recursion on hostile input).
//
// Thread-safety: no shared state; a Params belongs to one request.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>

#include "expressions/ast.hh"
#include "storage/limits.hh"

namespace ddbd::expr {

// The request's ExpressionAttributeNames / ExpressionAttributeValues, and
// which of them the parsed expressions used.
struct Params {
  const std::map<std::string, std::string, std::less<>>* names = nullptr;  // "#n" -> name
  const AttrMap* values = nullptr;                                          // ":v" -> value
  std::set<std::string, std::less<>> used_names;
  std::set<std::string, std::less<>> used_values;
};

// DynamoDB's expression limits live in storage/limits.hh.
using limits::kMaxExpressionBytes;
using limits::kMaxInOperands;
using limits::kMaxPathDepth;
inline constexpr int kMaxNesting = 100;  // parentheses / NOT depth we accept

Condition parse_condition(std::string_view text, ExprKind kind, Params& params);
UpdateExpr parse_update(std::string_view text, Params& params);
ProjectionExpr parse_projection(std::string_view text, Params& params);

// Throws "Value provided in ExpressionAttributeNames unused in expressions:
// keys: {#a, #b}" (then the same for values) when some were not used.
void check_all_used(const Params& params);

// Two paths overlap (one is a prefix of the other) or conflict (same prefix,
// then a name in one and an index in the other).  Returns 0 (neither),
// 1 (overlap) or 2 (conflict).
int path_relation(const Path& a, const Path& b);
// Throws "Invalid <kind>: Two document paths overlap ..." / "... conflict ..."
// for the first such pair among `paths`.
void check_paths_disjoint(const std::vector<const Path*>& paths, ExprKind kind);

}  // namespace ddbd::expr
