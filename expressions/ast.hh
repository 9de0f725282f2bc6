// The syntax tree of DynamoDB expressions, shared by every expression kind:
// ConditionExpression, FilterExpression, KeyConditionExpression,
// UpdateExpression and ProjectionExpression.  Names (#n) and values (:v) are
// already substituted: a Path holds real attribute names, an Operand of kind
// Value points at the request's ExpressionAttributeValues entry (which must
// outlive the tree).
//
// Thread-safety: plain values; immutable after parsing.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "storage/attribute_value.hh"

namespace ddbd::expr {

enum class ExprKind { Condition, Filter, KeyCondition, Update, Projection };

// "ConditionExpression", "FilterExpression", ... as used in messages.
std::string_view kind_name(ExprKind k);

struct PathElem {
  bool is_index = false;
  std::string name;     // when !is_index
  std::uint32_t index = 0;  // when is_index
  bool operator==(const PathElem& o) const {
    return is_index == o.is_index && (is_index ? index == o.index : name == o.name);
  }
};

struct Path {
  std::vector<PathElem> elems;
  // DynamoDB's rendering in messages: "[a, b, [3]]".
  std::string to_string() const;
  bool operator==(const Path& o) const { return elems == o.elems; }
};

enum class OperandKind { Path, Value, Function, Plus, Minus };

struct Operand {
  OperandKind kind = OperandKind::Path;
  Path path;                                // Path
  const AttributeValue* value = nullptr;    // Value
  std::string name;                         // Value: ":v"; Function: its name as written
  std::vector<Operand> args;                // Function arguments; Plus/Minus: two operands
};

enum class CompareOp { EQ, NE, LT, LE, GT, GE };
std::string_view compare_op_text(CompareOp op);

enum class CondKind {
  Compare,        // operands[0] op operands[1]
  Between,        // operands[0] BETWEEN operands[1] AND operands[2]
  In,             // operands[0] IN (operands[1..])
  And,            // children[0] AND children[1]
  Or,
  Not,            // NOT children[0]
  AttributeExists,     // (path)
  AttributeNotExists,  // (path)
  AttributeType,       // (path, :type)
  BeginsWith,          // (a, b)
  Contains,            // (a, b)
};

struct Condition {
  CondKind kind = CondKind::Compare;
  CompareOp op = CompareOp::EQ;
  std::vector<Operand> operands;
  std::vector<Condition> children;
};

enum class UpdateActionKind { Set, Remove, Add, Delete };

struct UpdateAction {
  UpdateActionKind kind = UpdateActionKind::Set;
  Path path;
  Operand value;  // SET: the value expression; ADD/DELETE: the :value; REMOVE: unused
};

struct UpdateExpr {
  std::vector<UpdateAction> actions;  // in source order
};

struct ProjectionExpr {
  std::vector<Path> paths;
};

}  // namespace ddbd::expr
