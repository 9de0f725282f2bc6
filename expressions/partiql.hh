// PartiQL for DynamoDB: the statements ExecuteStatement, BatchExecuteStatement
// and ExecuteTransaction run, parsed into the one expression syntax tree
// (expressions/ast.hh) so that the one evaluator runs them.
//
//   statement := select | insert | update | delete | exists   [';']
//   select    := SELECT ( '*' | path {, path} ) FROM source [WHERE cond]
//                [ORDER BY path [ASC|DESC] {, path [ASC|DESC]}]
//   source    := name [ '.' name ]               (a table, or "table"."index")
//   insert    := INSERT INTO name VALUE value    (value: a map literal)
//   update    := UPDATE name { SET path '=' expr {, path '=' expr} [',']
//                            | REMOVE path } WHERE cond [returning]
//   delete    := DELETE FROM name WHERE cond [returning]
//   (also UPDATE written FROM first: FROM name [WHERE cond] {SET ... | REMOVE ...})
//   exists    := EXISTS '(' select ')'          (ExecuteTransaction writes only)
//   returning := RETURNING (ALL|MODIFIED) (OLD|NEW) '*'
//   cond      := or/and/not of: expr op expr (=, <>, !=, <, <=, >, >=),
//                expr BETWEEN expr AND expr, expr IN ( '[' ... ']' | '(' ... ')' ),
//                path IS [NOT] (MISSING|NULL|STRING|NUMERIC|BOOLEAN|BLOB|LIST|STRUCT|TUPLE),
//                begins_with(a, b), contains(a, b), attribute_type(a, t),
//                attribute_exists(a), attribute_not_exists(a)
//   expr      := path | literal | '?' | size(path) | expr ('+'|'-') expr
//                | list_append(a, b) | set_add(path, bag) | set_delete(path, bag)
//   literal   := 'string' | number | TRUE | FALSE | NULL | MISSING
//                | '[' values ']' | '{' 'key': value, ... '}' | '<<' values '>>'
//   name      := identifier | "quoted identifier"     (keywords in any case)
//   path      := name { '.' name | '[' digits ']' }
// Comments (-- to end of line, /* */) are allowed.  Unquoted reserved words
// (PartiQL's list) are keywords, so "WHERE pad = 1" is a syntax error and
// "WHERE \"pad\" = 1" is not.  `x IS NULL` also holds for a missing x (PartiQL
// semantics); the details are in partiql.cc.
//
// Parameters ('?') are bound at parse time, in order, from the request's
// Parameters; their values are copied into the Statement.
//
// Errors are ExpressionError whose message is DynamoDB's whole text, for
// api/ to answer as a ValidationException:
//   "Statement wasn't well formed, can't be processed: <detail>"  (syntax)
//   "Number of parameters in request and statement don't match."
//   "Aliasing is not supported", "Unsupported operation: ...", ...
// Checks that need the table (the key in WHERE, key types, ORDER BY keys) are
// api's; an UPDATE or DELETE without WHERE parses with `where` empty, for api
// to refuse ("Where clause does not contain a mandatory equality on all key
// attributes").  So is "EXISTS can only be used in ExecuteTransaction write
// requests.": an EXISTS parses to kind exists.
// Nesting is bounded: hostile input cannot recurse without limit.
//
// Thread-safety: plain values; a Statement is immutable after parsing.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "expressions/ast.hh"

namespace ddbd::expr::partiql {

enum class StatementKind { select, insert, update, del, exists };

// RETURNING ... * of UPDATE (all four) and DELETE (ALL OLD only).
enum class Returning { none, all_old, modified_old, all_new, modified_new };

struct OrderTerm {
  Path path;
  bool descending = false;
};

// Move-only: Operands of kind Value point into `values`, whose elements a
// move keeps in place and a copy would not.
struct Statement {
  StatementKind kind = StatementKind::select;
  std::string table;                 // FROM / INTO / UPDATE target (EXISTS: its SELECT's)
  std::optional<std::string> index;  // SELECT FROM "table"."index"

  // SELECT (and EXISTS' inner SELECT)
  bool select_all = true;            // SELECT *
  std::vector<Path> projection;      // when !select_all, in the order written
  std::vector<OrderTerm> order_by;

  // SELECT, UPDATE, DELETE, EXISTS
  std::optional<Condition> where;

  // INSERT: the item written (every value resolved: literals and parameters)
  Item item;

  // UPDATE: SET and REMOVE in the order written.  set_add(p, v) is an ADD
  // action and set_delete(p, v) a DELETE action on p; arithmetic and
  // list_append are SET values as in UpdateExpression.
  UpdateExpr update;
  Returning returning = Returning::none;

  // Storage for the literal and parameter values Operands point to.
  std::deque<AttributeValue> values;
  std::size_t parameters_used = 0;   // the number of '?' in the statement

  Statement() = default;
  Statement(Statement&&) noexcept = default;
  Statement& operator=(Statement&&) noexcept = default;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  bool is_read() const { return kind == StatementKind::select; }
};

// Bounds on hostile input: the nesting of parentheses, NOT, signs,
// collection literals, calls and sub-statements, and the height of the
// expression tree (long operator chains).  Past either the statement is
// malformed ("Statement wasn't well formed, can't be processed: ").
inline constexpr int kMaxStatementNesting = 100;
inline constexpr int kMaxStatementHeight = 1000;

// The name a projected path answers under in SELECT's items: its last
// attribute name ("a.b[2]" -> "b"), as DynamoDB names projected values
// ("SELECT m.nested" gives {"nested": ...}); duplicates among a SELECT's
// paths are refused ("Duplicate identifiers in select clause: <name>").
std::string projection_name(const Path& path);

// Parses one statement.  `params`: the request's Parameters, bound to the
// '?' in order (fewer than the statement uses: "Number of parameters in
// request and statement don't match.").  Throws ExpressionError.
Statement parse_statement(std::string_view text, const std::vector<AttributeValue>& params);

}  // namespace ddbd::expr::partiql
