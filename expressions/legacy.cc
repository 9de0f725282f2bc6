#include "expressions/legacy.hh"

#include "expressions/error.hh"
#include "expressions/eval.hh"

namespace ddbd::expr {

namespace {

const std::string kInvalid = "One or more parameter values were invalid: ";

Operand path_of(const std::string& attribute) {
  Operand o;
  o.kind = OperandKind::Path;
  o.path.elems.push_back(PathElem{false, attribute, 0});
  return o;
}

Operand value_of(const AttributeValue& v, LegacyHolder& holder) {
  holder.values.push_back(v);
  Operand o;
  o.kind = OperandKind::Value;
  o.value = &holder.values.back();
  return o;
}

Condition compare(const std::string& attribute, CompareOp op, const AttributeValue& v, LegacyHolder& holder) {
  Condition c;
  c.kind = CondKind::Compare;
  c.op = op;
  c.operands.push_back(path_of(attribute));
  c.operands.push_back(value_of(v, holder));
  return c;
}

Condition function(CondKind kind, const std::string& attribute) {
  Condition c;
  c.kind = kind;
  c.operands.push_back(path_of(attribute));
  return c;
}

Condition negate(Condition inner) {
  Condition c;
  c.kind = CondKind::Not;
  c.children.push_back(std::move(inner));
  return c;
}

enum class Op { EQ, NE, LE, LT, GE, GT, NotNull, Null, Contains, NotContains, BeginsWith, In, Between };

std::optional<Op> op_named(std::string_view n) {
  static constexpr std::pair<std::string_view, Op> kOps[] = {
      {"EQ", Op::EQ},       {"NE", Op::NE},           {"LE", Op::LE},
      {"LT", Op::LT},       {"GE", Op::GE},           {"GT", Op::GT},
      {"NOT_NULL", Op::NotNull}, {"NULL", Op::Null},  {"CONTAINS", Op::Contains},
      {"NOT_CONTAINS", Op::NotContains}, {"BEGINS_WITH", Op::BeginsWith}, {"IN", Op::In},
      {"BETWEEN", Op::Between}};
  for (const auto& [name, op] : kOps)
    if (name == n) return op;
  return std::nullopt;
}

Op checked_op(const std::string& name) {
  auto op = op_named(name);
  if (!op)
    throw ConstraintError(name, "comparisonOperator",
                          "Member must satisfy enum value set: "
                          "[IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]");
  return *op;
}

bool count_ok(Op op, std::size_t n) {
  switch (op) {
    case Op::NotNull:
    case Op::Null: return n == 0;
    case Op::In: return n >= 1;
    case Op::Between: return n == 2;
    default: return n == 1;
  }
}

// The AttributeValue types each operator takes (DynamoDB's legacy rules):
// ordering operators, IN and BETWEEN only S, N and B; CONTAINS and
// NOT_CONTAINS the scalars and BOOL and NULL (not sets, L or M);
// BEGINS_WITH S and B; EQ, NE, NULL and NOT_NULL anything.
bool type_ok(Op op, AttrType t) {
  switch (op) {
    case Op::LE:
    case Op::LT:
    case Op::GE:
    case Op::GT:
    case Op::In:
    case Op::Between: return t == AttrType::S || t == AttrType::N || t == AttrType::B;
    case Op::Contains:
    case Op::NotContains:
      return t == AttrType::S || t == AttrType::N || t == AttrType::B || t == AttrType::BOOL || t == AttrType::Null;
    case Op::BeginsWith: return t == AttrType::S || t == AttrType::B;
    default: return true;
  }
}

// The condition for `op` over `vs` (already checked).
Condition operator_form(const std::string& a, Op op, const std::vector<AttributeValue>& vs, LegacyHolder& holder) {
  switch (op) {
    case Op::EQ: return compare(a, CompareOp::EQ, vs[0], holder);
    case Op::NE: return compare(a, CompareOp::NE, vs[0], holder);
    case Op::LE: return compare(a, CompareOp::LE, vs[0], holder);
    case Op::LT: return compare(a, CompareOp::LT, vs[0], holder);
    case Op::GE: return compare(a, CompareOp::GE, vs[0], holder);
    case Op::GT: return compare(a, CompareOp::GT, vs[0], holder);
    case Op::NotNull: return function(CondKind::AttributeExists, a);
    case Op::Null: return function(CondKind::AttributeNotExists, a);
    case Op::Contains:
    case Op::NotContains:
    case Op::BeginsWith: {
      Condition c = function(op == Op::BeginsWith ? CondKind::BeginsWith : CondKind::Contains, a);
      c.operands.push_back(value_of(vs[0], holder));
      if (op != Op::NotContains) return c;
      // The attribute must exist for NOT_CONTAINS to hold.
      Condition both;
      both.kind = CondKind::And;
      both.children.push_back(function(CondKind::AttributeExists, a));
      both.children.push_back(negate(std::move(c)));
      return both;
    }
    case Op::In: {
      Condition c;
      c.kind = CondKind::In;
      c.operands.push_back(path_of(a));
      for (const auto& v : vs) c.operands.push_back(value_of(v, holder));
      return c;
    }
    case Op::Between: {
      Condition c;
      c.kind = CondKind::Between;
      c.operands.push_back(path_of(a));
      c.operands.push_back(value_of(vs[0], holder));
      c.operands.push_back(value_of(vs[1], holder));
      return c;
    }
  }
  return Condition{};
}

// An Expected entry, checked in DynamoDB's order: Exists with
// ComparisonOperator, Value with AttributeValueList, AttributeValueList
// without ComparisonOperator, Value with Exists false, then a missing
// Value; with a ComparisonOperator, Value stands for a one-element
// AttributeValueList.  Without one, {Value} (or {Exists: true, Value}) means
// equal to Value and {Exists: false} means absent.
Condition expected_entry(const LegacyCondition& lc, LegacyHolder& holder) {
  const std::string& a = lc.attribute;
  std::optional<Op> op;
  if (lc.op) op = checked_op(*lc.op);
  if (lc.exists && op) throw ExpressionError(kInvalid + "Exists and ComparisonOperator cannot be used together for Attribute: " + a);
  if (lc.value && lc.values) throw ExpressionError(kInvalid + "Value and AttributeValueList cannot be used together for Attribute: " + a);
  if (!op && lc.values) throw ExpressionError(kInvalid + "AttributeValueList can only be used with a ComparisonOperator for Attribute: " + a);
  if (lc.exists == false && lc.value) throw ExpressionError(kInvalid + "Value cannot be used when Exists is false for Attribute: " + a);
  if (!lc.value && !lc.values) {
    if (op && *op != Op::Null && *op != Op::NotNull)
      throw ExpressionError(kInvalid + "Value or AttributeValueList must be used with ComparisonOperator: " + *lc.op +
                            " for Attribute: " + a);
    if (!op && !lc.exists) throw ExpressionError(kInvalid + "Value must be provided when Exists is null for Attribute: " + a);
    if (!op && *lc.exists) throw ExpressionError(kInvalid + "Value must be provided when Exists is true for Attribute: " + a);
  }
  if (op) {
    static const std::vector<AttributeValue> kNone;
    std::vector<AttributeValue> single;
    if (lc.value) single.push_back(*lc.value);
    const std::vector<AttributeValue>& args = lc.value ? single : lc.values ? *lc.values : kNone;
    check_comparison_arguments(*lc.op, args);
    return operator_form(a, *op, args, holder);
  }
  if (lc.exists == false) return function(CondKind::AttributeNotExists, a);
  return compare(a, CompareOp::EQ, *lc.value, holder);
}

// A QueryFilter / ScanFilter entry (a Condition: ComparisonOperator and
// AttributeValueList; Value and Exists are not its members).
Condition filter_entry(const LegacyCondition& lc, LegacyHolder& holder) {
  if (!lc.op) throw ExpressionError(kInvalid + "Invalid ComparisonOperator: null");
  const Op op = checked_op(*lc.op);
  static const std::vector<AttributeValue> kNone;
  const std::vector<AttributeValue>& args = lc.values ? *lc.values : kNone;
  check_comparison_arguments(*lc.op, args);
  return operator_form(lc.attribute, op, args, holder);
}

}  // namespace

void check_comparison_arguments(const std::string& op_name, const std::vector<AttributeValue>& vs) {
  const Op op = checked_op(op_name);
  if (!count_ok(op, vs.size()))
    throw ExpressionError(kInvalid + "Invalid number of argument(s) for the " + op_name + " ComparisonOperator");
  for (const auto& v : vs) {
    if (!type_ok(op, v.type))
      throw ExpressionError(kInvalid + "ComparisonOperator " + op_name + " is not valid for " +
                            std::string(attr_type_name(v.type)) + " AttributeValue type");
    if (v.type != vs[0].type)
      throw ExpressionError(kInvalid + "AttributeValues inside AttributeValueList must be of same type");
  }
  int order = 0;
  if (op == Op::Between && compare_scalars(vs[0], vs[1], order) && order > 0)
    throw ExpressionError("The BETWEEN condition was provided a range where the lower bound is greater than the upper bound");
}

void check_conditional_operator(bool present, std::size_t conditions) {
  if (!present) return;
  if (conditions == 0) throw ExpressionError("ConditionalOperator cannot be used without Filter or Expected");
  if (conditions == 1)
    throw ExpressionError("ConditionalOperator can only be used when Filter or Expected has two or more elements");
}

Condition legacy_condition(const std::vector<LegacyCondition>& conds, std::string_view conditional_operator,
                           bool expected, LegacyHolder& holder) {
  const bool any = conditional_operator == "OR";
  std::optional<Condition> out;
  for (const auto& lc : conds) {
    Condition c = expected ? expected_entry(lc, holder) : filter_entry(lc, holder);
    if (!out) {
      out = std::move(c);
      continue;
    }
    Condition j;
    j.kind = any ? CondKind::Or : CondKind::And;
    j.children.push_back(std::move(*out));
    j.children.push_back(std::move(c));
    out = std::move(j);
  }
  if (!out) {
    // An empty map: always true.
    Condition t;
    t.kind = CondKind::Not;
    t.children.push_back(function(CondKind::AttributeExists, std::string()));
    return t;
  }
  return std::move(*out);
}

UpdateExpr legacy_update(const std::vector<LegacyUpdate>& updates, LegacyHolder& holder) {
  UpdateExpr u;
  for (const auto& lu : updates) {
    UpdateAction a;
    a.path = path_of(lu.attribute).path;
    if (lu.action == "PUT") {
      if (!lu.value)
        throw ExpressionError(kInvalid + "Only DELETE action is allowed when no attribute value is specified");
      a.kind = UpdateActionKind::Set;
      a.value = value_of(*lu.value, holder);
    } else if (lu.action == "DELETE") {
      if (!lu.value) {
        a.kind = UpdateActionKind::Remove;
      } else {
        if (!lu.value->is_set())
          throw ExpressionError(kInvalid + "DELETE action with value is not supported for the type " +
                                std::string(attr_type_name(lu.value->type)));
        a.kind = UpdateActionKind::Delete;
        a.value = value_of(*lu.value, holder);
      }
    } else if (lu.action == "ADD") {
      if (!lu.value)
        throw ExpressionError(kInvalid + "Only DELETE action is allowed when no attribute value is specified");
      if (lu.value->type == AttrType::L) {
        // ADD of a list appends to the existing list (or creates it).
        AttributeValue empty;
        empty.type = AttrType::L;
        Operand ine;
        ine.kind = OperandKind::Function;
        ine.name = "if_not_exists";
        ine.args.push_back(path_of(lu.attribute));
        ine.args.push_back(value_of(empty, holder));
        Operand app;
        app.kind = OperandKind::Function;
        app.name = "list_append";
        app.args.push_back(std::move(ine));
        app.args.push_back(value_of(*lu.value, holder));
        a.kind = UpdateActionKind::Set;
        a.value = std::move(app);
      } else if (lu.value->type == AttrType::N || lu.value->is_set()) {
        a.kind = UpdateActionKind::Add;
        a.value = value_of(*lu.value, holder);
      } else {
        throw ExpressionError(kInvalid + "ADD action is not supported for the type " +
                              std::string(attr_type_name(lu.value->type)));
      }
    } else {
      throw ConstraintError(lu.action, "attributeUpdates." + lu.attribute + ".member.action",
                            "Member must satisfy enum value set: [ADD, PUT, DELETE]");
    }
    u.actions.push_back(std::move(a));
  }
  return u;
}

}  // namespace ddbd::expr
