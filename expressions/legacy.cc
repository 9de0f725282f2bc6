#include "expressions/legacy.hh"

#include "expressions/error.hh"

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

// Throws DynamoDB's error for a wrong number of values for `op` unless `ok`.
void need_arity(bool ok, const std::string& op) {
  if (!ok) throw ExpressionError(kInvalid + "Invalid number of argument(s) for the " + op + " ComparisonOperator");
}

// Throws DynamoDB's error unless `v` is a scalar (S, N or B), the only types
// the ordering, CONTAINS, BEGINS_WITH, IN and BETWEEN operators take.
void need_scalar(const AttributeValue& v, const std::string& op) {
  if (!v.is_scalar())
    throw ExpressionError(kInvalid + "ComparisonOperator " + op + " is not valid for " +
                          std::string(attr_type_name(v.type)) + " AttributeValue type");
}

// An Expected entry without ComparisonOperator: {Value} (or {Exists: true,
// Value}) means equal to Value, {Exists: false} means absent.  Filters
// (`expected` false) always need a ComparisonOperator.
Condition exists_form(const LegacyCondition& lc, bool expected, LegacyHolder& holder) {
  const std::string& a = lc.attribute;
  if (!expected) throw ExpressionError(kInvalid + "Invalid ComparisonOperator: null");
  if (lc.values) throw ExpressionError(kInvalid + "AttributeValueList can only be used with a ComparisonOperator for Attribute: " + a);
  const bool exists = lc.exists.value_or(true);
  if (exists) {
    if (!lc.value) throw ExpressionError(kInvalid + "Value must be provided when Exists is true for Attribute: " + a);
    return compare(a, CompareOp::EQ, *lc.value, holder);
  }
  if (lc.value) throw ExpressionError(kInvalid + "Value cannot be used when Exists is false for Attribute: " + a);
  return function(CondKind::AttributeNotExists, a);
}

// CONTAINS, NOT_CONTAINS, BEGINS_WITH: one scalar value (BEGINS_WITH: S or B).
Condition contains_form(const std::string& a, const std::string& op, const std::vector<AttributeValue>& vs,
                        LegacyHolder& holder) {
  need_arity(vs.size() == 1, op);
  need_scalar(vs[0], op);
  if (op == "BEGINS_WITH" && vs[0].type == AttrType::N)
    throw ExpressionError(kInvalid + "ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type");
  Condition c = function(op == "BEGINS_WITH" ? CondKind::BeginsWith : CondKind::Contains, a);
  c.operands.push_back(value_of(vs[0], holder));
  if (op != "NOT_CONTAINS") return c;
  // The attribute must exist for NOT_CONTAINS to hold.
  Condition both;
  both.kind = CondKind::And;
  both.children.push_back(function(CondKind::AttributeExists, a));
  both.children.push_back(negate(std::move(c)));
  return both;
}

// IN: one or more scalar values.
Condition in_form(const std::string& a, const std::string& op, const std::vector<AttributeValue>& vs,
                  LegacyHolder& holder) {
  need_arity(!vs.empty(), op);
  Condition c;
  c.kind = CondKind::In;
  c.operands.push_back(path_of(a));
  for (const auto& v : vs) {
    need_scalar(v, op);
    c.operands.push_back(value_of(v, holder));
  }
  return c;
}

// BETWEEN: two scalar values of one type.
Condition between_form(const std::string& a, const std::string& op, const std::vector<AttributeValue>& vs,
                       LegacyHolder& holder) {
  need_arity(vs.size() == 2, op);
  need_scalar(vs[0], op);
  need_scalar(vs[1], op);
  if (vs[0].type != vs[1].type)
    throw ExpressionError(kInvalid + "AttributeValues inside AttributeValueList must be of same type");
  Condition c;
  c.kind = CondKind::Between;
  c.operands.push_back(path_of(a));
  c.operands.push_back(value_of(vs[0], holder));
  c.operands.push_back(value_of(vs[1], holder));
  return c;
}

// ComparisonOperator `op` over AttributeValueList `vs`; an unknown operator
// is a ValidationException naming the enum, as DynamoDB reports it.
Condition operator_form(const std::string& a, const std::string& op, const std::vector<AttributeValue>& vs,
                        LegacyHolder& holder) {
  if (op == "EQ" || op == "NE") {
    need_arity(vs.size() == 1, op);
    return compare(a, op == "EQ" ? CompareOp::EQ : CompareOp::NE, vs[0], holder);
  }
  if (op == "LE" || op == "LT" || op == "GE" || op == "GT") {
    need_arity(vs.size() == 1, op);
    need_scalar(vs[0], op);
    CompareOp c = op == "LE" ? CompareOp::LE : op == "LT" ? CompareOp::LT : op == "GE" ? CompareOp::GE : CompareOp::GT;
    return compare(a, c, vs[0], holder);
  }
  if (op == "NOT_NULL" || op == "NULL") {
    need_arity(vs.empty(), op);
    return function(op == "NULL" ? CondKind::AttributeNotExists : CondKind::AttributeExists, a);
  }
  if (op == "CONTAINS" || op == "NOT_CONTAINS" || op == "BEGINS_WITH") return contains_form(a, op, vs, holder);
  if (op == "IN") return in_form(a, op, vs, holder);
  if (op == "BETWEEN") return between_form(a, op, vs, holder);
  throw ConstraintError(op, "comparisonOperator",
                        "Member must satisfy enum value set: "
                        "[IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]");
}

// One Expected/QueryFilter/ScanFilter entry as a Condition; its values are
// kept in `holder`.  Throws ExpressionError/ConstraintError for DynamoDB's
// validation failures, in DynamoDB's order.
Condition one(const LegacyCondition& lc, bool expected, LegacyHolder& holder) {
  if (!lc.op) return exists_form(lc, expected, holder);
  const std::string& a = lc.attribute;
  if (lc.value) throw ExpressionError(kInvalid + "Value and AttributeValueList cannot be used together for Attribute: " + a);
  if (lc.exists) throw ExpressionError(kInvalid + "Exists and ComparisonOperator cannot be used together for Attribute: " + a);
  static const std::vector<AttributeValue> kNone;
  return operator_form(a, *lc.op, lc.values ? *lc.values : kNone, holder);
}

}  // namespace

Condition legacy_condition(const std::vector<LegacyCondition>& conds, std::string_view conditional_operator,
                           bool expected, LegacyHolder& holder) {
  const bool any = conditional_operator == "OR";
  std::optional<Condition> out;
  for (const auto& lc : conds) {
    Condition c = one(lc, expected, holder);
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
