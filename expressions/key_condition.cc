#include "expressions/key_condition.hh"

#include <vector>

#include "expressions/error.hh"

namespace ddbd::expr {

namespace {

struct Leaf {
  std::string attribute;
  SortOp op;
  const AttributeValue* v1 = nullptr;
  const AttributeValue* v2 = nullptr;
};

const char kTypeMismatch[] =
    "One or more parameter values were invalid: Condition parameter type does not match schema type";

[[noreturn]] void invalid_operator(std::string_view op) {
  throw ExpressionError("Invalid operator used in KeyConditionExpression: " + std::string(op));
}

SortOp flip(SortOp op) {
  switch (op) {
    case SortOp::LT: return SortOp::GT;
    case SortOp::LE: return SortOp::GE;
    case SortOp::GT: return SortOp::LT;
    case SortOp::GE: return SortOp::LE;
    default: return op;
  }
}

const std::string& attribute_of(const Operand& o) {
  if (o.path.elems.size() != 1 || o.path.elems[0].is_index)
    throw ExpressionError("KeyConditionExpressions cannot have conditions on nested attributes");
  return o.path.elems[0].name;
}

void collect(const Condition& c, std::vector<Leaf>& out) {
  switch (c.kind) {
    case CondKind::And:
      collect(c.children[0], out);
      collect(c.children[1], out);
      return;
    case CondKind::Or: invalid_operator("OR");
    case CondKind::Not: invalid_operator("NOT");
    case CondKind::In: invalid_operator("IN");
    case CondKind::AttributeExists: invalid_operator("attribute_exists");
    case CondKind::AttributeNotExists: invalid_operator("attribute_not_exists");
    case CondKind::AttributeType: invalid_operator("attribute_type");
    case CondKind::Contains: invalid_operator("contains");
    case CondKind::Compare: {
      SortOp op;
      switch (c.op) {
        case CompareOp::EQ: op = SortOp::EQ; break;
        case CompareOp::LT: op = SortOp::LT; break;
        case CompareOp::LE: op = SortOp::LE; break;
        case CompareOp::GT: op = SortOp::GT; break;
        case CompareOp::GE: op = SortOp::GE; break;
        default: invalid_operator(compare_op_text(c.op));
      }
      const Operand& a = c.operands[0];
      const Operand& b = c.operands[1];
      for (const Operand* o : {&a, &b})
        if (o->kind == OperandKind::Function) invalid_operator(o->name);
      if (a.kind == OperandKind::Path && b.kind == OperandKind::Value) {
        out.push_back(Leaf{attribute_of(a), op, b.value});
      } else if (a.kind == OperandKind::Value && b.kind == OperandKind::Path) {
        out.push_back(Leaf{attribute_of(b), flip(op), a.value});
      } else {
        throw ExpressionError("Invalid KeyConditionExpression: The key condition must compare a key attribute with a value");
      }
      return;
    }
    case CondKind::Between: {
      const Operand& a = c.operands[0];
      if (a.kind != OperandKind::Path || c.operands[1].kind != OperandKind::Value ||
          c.operands[2].kind != OperandKind::Value) {
        for (const auto& o : c.operands)
          if (o.kind == OperandKind::Function) invalid_operator(o.name);
        throw ExpressionError("Invalid KeyConditionExpression: The key condition must compare a key attribute with a value");
      }
      out.push_back(Leaf{attribute_of(a), SortOp::BETWEEN, c.operands[1].value, c.operands[2].value});
      return;
    }
    case CondKind::BeginsWith: {
      const Operand& a = c.operands[0];
      const Operand& b = c.operands[1];
      if (a.kind != OperandKind::Path || b.kind != OperandKind::Value)
        throw ExpressionError("Invalid KeyConditionExpression: The key condition must compare a key attribute with a value");
      out.push_back(Leaf{attribute_of(a), SortOp::BEGINS_WITH, b.value});
      return;
    }
  }
}

}  // namespace

KeyRange extract_key_range(const Condition& c, const KeyNames& key) {
  std::vector<Leaf> leaves;
  collect(c, leaves);
  if (leaves.size() > 2) throw ExpressionError("KeyConditionExpressions must only contain one condition per key");
  if (leaves.size() == 2 && leaves[0].attribute == leaves[1].attribute)
    throw ExpressionError("KeyConditionExpressions must only contain one condition per key");
  // A hash-only key schema admits exactly one condition.
  if (!key.range && leaves.size() > 1) throw ExpressionError("Query key condition not supported");
  const Leaf* hash = nullptr;
  const Leaf* sort = nullptr;
  for (const auto& l : leaves) {
    if (l.attribute == key.hash)
      hash = &l;
    else if (key.range && l.attribute == *key.range)
      sort = &l;
  }
  if (!hash) throw ExpressionError("Query condition missed key schema element: " + key.hash);
  for (const auto& l : leaves)
    if (&l != hash && &l != sort)
      throw ExpressionError("Query condition missed key schema element: " + (key.range ? *key.range : key.hash));
  if (hash->op != SortOp::EQ) throw ExpressionError("Query key condition not supported");
  auto type_ok = [](const AttributeValue* v, AttrType t) { return v && v->type == t; };
  if (!type_ok(hash->v1, key.hash_type)) throw ExpressionError(kTypeMismatch);
  KeyRange r;
  r.hash = hash->v1;
  if (sort) {
    if (!type_ok(sort->v1, key.range_type) || (sort->op == SortOp::BETWEEN && !type_ok(sort->v2, key.range_type)))
      throw ExpressionError(kTypeMismatch);
    if (sort->op == SortOp::BEGINS_WITH && key.range_type == AttrType::N)
      throw ExpressionError(
          "Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: "
          "begins_with, operand type: N");
    r.sort_op = sort->op;
    r.sort1 = sort->v1;
    r.sort2 = sort->v2;
  }
  return r;
}

namespace {

std::optional<SortOp> indexable(std::string_view op) {
  if (op == "EQ") return SortOp::EQ;
  if (op == "LT") return SortOp::LT;
  if (op == "LE") return SortOp::LE;
  if (op == "GT") return SortOp::GT;
  if (op == "GE") return SortOp::GE;
  if (op == "BETWEEN") return SortOp::BETWEEN;
  if (op == "BEGINS_WITH") return SortOp::BEGINS_WITH;
  return std::nullopt;
}

// The condition on key attribute `name` checked as DynamoDB does; its
// values (at least one: indexable operators take one or two) have `type`.
SortOp checked_key_condition(const LegacyCondition& c, AttrType type) {
  auto op = indexable(c.op.value_or(""));
  if (!op) throw ExpressionError("Attempted conditional constraint is not an indexable operation");
  for (const auto& v : *c.values)
    if (v.type != type) throw ExpressionError(kTypeMismatch);
  return *op;
}

}  // namespace

KeyRange extract_legacy_key_range(const std::vector<LegacyCondition>& conds, const KeyNames& key) {
  auto find = [&](const std::string& name) -> const LegacyCondition* {
    for (const auto& c : conds)
      if (c.attribute == name) return &c;
    return nullptr;
  };
  if (!key.range && conds.size() > 1) throw ExpressionError("Query key condition not supported");
  const LegacyCondition* hash = find(key.hash);
  if (!hash) throw ExpressionError("Query condition missed key schema element: " + key.hash);
  if (checked_key_condition(*hash, key.hash_type) != SortOp::EQ) throw ExpressionError("Query key condition not supported");
  KeyRange r;
  r.hash = &hash->values->front();
  if (!key.range) return r;
  const LegacyCondition* sort = find(*key.range);
  if (!sort) {
    if (conds.size() > 1) throw ExpressionError("Query condition missed key schema element: " + *key.range);
    return r;
  }
  r.sort_op = checked_key_condition(*sort, key.range_type);
  r.sort1 = &(*sort->values)[0];
  if (*r.sort_op == SortOp::BETWEEN) r.sort2 = &(*sort->values)[1];
  return r;
}

MultiKeyRange extract_multi_key_range(const Condition& c, const MultiKeyNames& key) {
  std::vector<Leaf> leaves;
  collect(c, leaves);
  for (std::size_t i = 0; i < leaves.size(); ++i)
    for (std::size_t j = i + 1; j < leaves.size(); ++j)
      if (leaves[i].attribute == leaves[j].attribute)
        throw ExpressionError("KeyConditionExpressions must only contain one condition per key");
  auto find = [&](const std::string& name) -> const Leaf* {
    for (const auto& l : leaves)
      if (l.attribute == name) return &l;
    return nullptr;
  };
  // Every HASH attribute, with an equality.
  MultiKeyRange r;
  for (const auto& [name, type] : key.hash) {
    const Leaf* l = find(name);
    if (!l) throw ExpressionError("Query condition missed key schema element: " + name);
    r.hash.push_back(l->v1);
  }
  // No attribute outside the key.
  for (const auto& l : leaves) {
    bool known = false;
    for (const auto& k : key.hash) known = known || k.first == l.attribute;
    for (const auto& k : key.range) known = known || k.first == l.attribute;
    if (!known) throw ExpressionError("Query key condition not supported");
  }
  for (const auto& [name, type] : key.hash)
    if (find(name)->op != SortOp::EQ) throw ExpressionError("Query key condition not supported");
  // The RANGE attributes named form a left prefix, with equalities before the
  // last one.
  std::size_t last = 0;  // one past the last RANGE attribute named
  for (std::size_t i = 0; i < key.range.size(); ++i)
    if (find(key.range[i].first)) last = i + 1;
  if (last > 0) {
    std::string missing;
    for (std::size_t i = 0; i + 1 < last; ++i) {
      const Leaf* l = find(key.range[i].first);
      if (!l || l->op != SortOp::EQ) missing.append(missing.empty() ? "" : ", ").append(key.range[i].first);
    }
    if (!missing.empty())
      throw ExpressionError("RANGE key attributes " + missing +
                            " must have equality conditions specified in the query because a condition is present "
                            "on key attribute " + key.range[last - 1].first);
  }
  const std::string kTypeMismatch =
      "One or more parameter values were invalid: Condition parameter type does not match schema type";
  auto type_ok = [](const AttributeValue* v, AttrType t) { return v && v->type == t; };
  for (std::size_t i = 0; i < key.hash.size(); ++i)
    if (!type_ok(r.hash[i], key.hash[i].second)) throw ExpressionError(kTypeMismatch);
  for (std::size_t i = 0; i < last; ++i) {
    const Leaf* l = find(key.range[i].first);
    const AttrType t = key.range[i].second;
    if (!type_ok(l->v1, t) || (l->op == SortOp::BETWEEN && !type_ok(l->v2, t))) throw ExpressionError(kTypeMismatch);
    if (l->op == SortOp::BEGINS_WITH && t == AttrType::N)
      throw ExpressionError(
          "Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: "
          "begins_with, operand type: N");
    if (i + 1 < last) {
      r.sort_equal.push_back(l->v1);
    } else {
      r.sort_op = l->op;
      r.sort1 = l->v1;
      r.sort2 = l->v2;
    }
  }
  return r;
}

}  // namespace ddbd::expr
