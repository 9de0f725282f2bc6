#include "expressions/eval.hh"

#include <algorithm>
#include <map>

#include "expressions/error.hh"
#include "storage/number.hh"

namespace ddbd::expr {

namespace {

const char kMissingOperand[] = "The provided expression refers to an attribute that does not exist in the item";
const char kWrongType[] = "An operand in the update expression has an incorrect data type";
const char kInvalidPath[] = "The document path provided in the update expression is invalid for update";

const AttributeValue* step(const AttributeValue& v, const PathElem& e) {
  if (e.is_index) {
    if (v.type != AttrType::L || e.index >= v.list.size()) return nullptr;
    return &v.list[e.index];
  }
  if (v.type != AttrType::M) return nullptr;
  return map_find(v.map, e.name);
}

AttributeValue* step(AttributeValue& v, const PathElem& e) {
  return const_cast<AttributeValue*>(step(static_cast<const AttributeValue&>(v), e));
}

// An operand's value: either a pointer into the item/request, or a computed
// value held here.  Not movable once `p` may point at `owned`.
struct Val {
  const AttributeValue* p = nullptr;
  AttributeValue owned;
  Val() = default;
  Val(const Val&) = delete;
  Val& operator=(const Val&) = delete;
  void own(AttributeValue v) {
    owned = std::move(v);
    p = &owned;
  }
};

long long utf8_length(const std::string& s) {
  long long n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

// Condition operands: path, value, or size() of one; size() of a type
// without a size (N, BOOL, NULL) has no value, so the comparison is false.
void condition_operand(const Operand& o, const Item* item, Val& out) {
  switch (o.kind) {
    case OperandKind::Path:
      out.p = item ? resolve_path(*item, o.path) : nullptr;
      return;
    case OperandKind::Value:
      out.p = o.value;
      return;
    case OperandKind::Function: {
      // size() is the only function that yields a value in conditions.
      if (o.args.size() != 1) return;
      Val arg;
      condition_operand(o.args[0], item, arg);
      if (!arg.p) return;
      long long n = value_size_function(*arg.p);
      if (n >= 0) out.own(AttributeValue::number(std::to_string(n)));
      return;
    }
    case OperandKind::Plus:
    case OperandKind::Minus:
      return;
  }
}

bool begins_with(const AttributeValue& a, const AttributeValue& b) {
  if (a.type != b.type || (a.type != AttrType::S && a.type != AttrType::B)) return false;
  return a.str.compare(0, b.str.size(), b.str) == 0 && a.str.size() >= b.str.size();
}

bool number_set_has(const std::vector<std::string>& set, const std::string& n) {
  auto x = Number::parse(n);
  for (const auto& m : set) {
    if (m == n) return true;
    auto y = Number::parse(m);
    if (x && y && *x == *y) return true;
  }
  return false;
}

bool contains(const AttributeValue& a, const AttributeValue& b) {
  switch (a.type) {
    case AttrType::S:
      return b.type == AttrType::S && a.str.find(b.str) != std::string::npos;
    case AttrType::B:
      return b.type == AttrType::B && a.str.find(b.str) != std::string::npos;
    case AttrType::SS:
      return b.type == AttrType::S && std::find(a.set.begin(), a.set.end(), b.str) != a.set.end();
    case AttrType::BS:
      return b.type == AttrType::B && std::find(a.set.begin(), a.set.end(), b.str) != a.set.end();
    case AttrType::NS:
      return b.type == AttrType::N && number_set_has(a.set, b.str);
    case AttrType::L:
      return std::any_of(a.list.begin(), a.list.end(), [&](const AttributeValue& e) { return e == b; });
    default:
      return false;
  }
}

// ---- update ----

void update_operand(const Operand& o, const Item& item, Val& out) {
  switch (o.kind) {
    case OperandKind::Path:
      out.p = resolve_path(item, o.path);
      if (!out.p) throw ExpressionError(kMissingOperand);
      return;
    case OperandKind::Value:
      out.p = o.value;
      return;
    case OperandKind::Plus:
    case OperandKind::Minus: {
      Val a, b;
      update_operand(o.args[0], item, a);
      update_operand(o.args[1], item, b);
      if (a.p->type != AttrType::N || b.p->type != AttrType::N) throw ExpressionError(kWrongType);
      auto x = Number::parse(a.p->str), y = Number::parse(b.p->str);
      if (!x || !y) throw ExpressionError(kWrongType);
      std::string err;
      auto r = o.kind == OperandKind::Plus ? x->add(*y, &err) : x->subtract(*y, &err);
      if (!r) throw ExpressionError(err);
      out.own(AttributeValue::number(r->to_string()));
      return;
    }
    case OperandKind::Function: {
      std::string n = o.name;
      for (char& c : n) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (n == "if_not_exists") {
        const AttributeValue* existing = resolve_path(item, o.args[0].path);
        if (existing) {
          out.p = existing;
          return;
        }
        update_operand(o.args[1], item, out);
        return;
      }
      if (n == "list_append") {
        Val a, b;
        update_operand(o.args[0], item, a);
        update_operand(o.args[1], item, b);
        if (a.p->type != AttrType::L || b.p->type != AttrType::L) throw ExpressionError(kWrongType);
        AttributeValue r;
        r.type = AttrType::L;
        r.list.reserve(a.p->list.size() + b.p->list.size());
        r.list.insert(r.list.end(), a.p->list.begin(), a.p->list.end());
        r.list.insert(r.list.end(), b.p->list.begin(), b.p->list.end());
        out.own(std::move(r));
        return;
      }
      throw ExpressionError(kWrongType);
    }
  }
}

// The container that holds the last element of `path`, or nullptr when a
// parent is missing or of the wrong type.
AttributeValue* parent_of(Item& item, const Path& path, bool& top_level) {
  top_level = path.elems.size() == 1;
  if (top_level) return nullptr;
  AttributeValue* cur = map_find(item, path.elems[0].name);
  for (std::size_t i = 1; cur && i + 1 < path.elems.size(); ++i) cur = step(*cur, path.elems[i]);
  return cur;
}

void set_at(Item& item, const Path& path, AttributeValue v) {
  bool top;
  AttributeValue* parent = parent_of(item, path, top);
  if (top) {
    map_set(item, path.elems[0].name, std::move(v));
    return;
  }
  const PathElem& last = path.elems.back();
  if (!parent) throw ExpressionError(kInvalidPath);
  if (last.is_index) {
    if (parent->type != AttrType::L) throw ExpressionError(kInvalidPath);
    if (last.index < parent->list.size())
      parent->list[last.index] = std::move(v);
    else
      parent->list.push_back(std::move(v));
  } else {
    if (parent->type != AttrType::M) throw ExpressionError(kInvalidPath);
    map_set(parent->map, last.name, std::move(v));
  }
}

AttributeValue* find_mut(Item& item, const Path& path) {
  AttributeValue* cur = map_find(item, path.elems[0].name);
  for (std::size_t i = 1; cur && i < path.elems.size(); ++i) cur = step(*cur, path.elems[i]);
  return cur;
}

// REMOVE: a missing element of an existing map or list is nothing to do; a
// path through a missing attribute or a value of the wrong kind is invalid.
void remove_at(Item& item, const Path& path) {
  bool top;
  AttributeValue* parent = parent_of(item, path, top);
  if (top) {
    map_erase(item, path.elems[0].name);
    return;
  }
  const PathElem& last = path.elems.back();
  if (!parent || parent->type != (last.is_index ? AttrType::L : AttrType::M)) throw ExpressionError(kInvalidPath);
  if (last.is_index) {
    if (last.index < parent->list.size()) parent->list.erase(parent->list.begin() + last.index);
  } else {
    map_erase(parent->map, last.name);
  }
}

bool set_has(const AttributeValue& set, const std::string& member) {
  if (set.type == AttrType::NS) return number_set_has(set.set, member);
  return std::find(set.set.begin(), set.set.end(), member) != set.set.end();
}

}  // namespace

const AttributeValue* resolve_path(const Item& item, const Path& path) {
  if (path.elems.empty() || path.elems[0].is_index) return nullptr;
  const AttributeValue* cur = map_find(item, path.elems[0].name);
  for (std::size_t i = 1; cur && i < path.elems.size(); ++i) cur = step(*cur, path.elems[i]);
  return cur;
}

long long value_size_function(const AttributeValue& v) {
  switch (v.type) {
    case AttrType::S: return utf8_length(v.str);
    case AttrType::B: return static_cast<long long>(v.str.size());
    case AttrType::SS:
    case AttrType::NS:
    case AttrType::BS: return static_cast<long long>(v.set.size());
    case AttrType::L: return static_cast<long long>(v.list.size());
    case AttrType::M: return static_cast<long long>(v.map.size());
    default: return -1;
  }
}

bool compare_scalars(const AttributeValue& a, const AttributeValue& b, int& out) {
  if (a.type != b.type) return false;
  if (a.type == AttrType::N) {
    auto x = Number::parse(a.str), y = Number::parse(b.str);
    if (!x || !y) return false;
    out = x->compare(*y);
    return true;
  }
  if (a.type == AttrType::S || a.type == AttrType::B) {
    int r = a.str.compare(b.str);
    out = r < 0 ? -1 : r > 0 ? 1 : 0;
    return true;
  }
  return false;
}

bool evaluate(const Condition& c, const Item* item) {
  switch (c.kind) {
    case CondKind::And: return evaluate(c.children[0], item) && evaluate(c.children[1], item);
    case CondKind::Or: return evaluate(c.children[0], item) || evaluate(c.children[1], item);
    case CondKind::Not: return !evaluate(c.children[0], item);
    case CondKind::Compare: {
      Val a, b;
      condition_operand(c.operands[0], item, a);
      condition_operand(c.operands[1], item, b);
      if (c.op == CompareOp::NE) return !(a.p && b.p && *a.p == *b.p);
      if (!a.p || !b.p) return false;
      if (c.op == CompareOp::EQ) return *a.p == *b.p;
      int r;
      if (!compare_scalars(*a.p, *b.p, r)) return false;
      switch (c.op) {
        case CompareOp::LT: return r < 0;
        case CompareOp::LE: return r <= 0;
        case CompareOp::GT: return r > 0;
        case CompareOp::GE: return r >= 0;
        default: return false;
      }
    }
    case CondKind::Between: {
      Val v, lo, hi;
      condition_operand(c.operands[0], item, v);
      condition_operand(c.operands[1], item, lo);
      condition_operand(c.operands[2], item, hi);
      if (!v.p || !lo.p || !hi.p) return false;
      int r1, r2;
      return compare_scalars(*v.p, *lo.p, r1) && compare_scalars(*v.p, *hi.p, r2) && r1 >= 0 && r2 <= 0;
    }
    case CondKind::In: {
      Val v;
      condition_operand(c.operands[0], item, v);
      if (!v.p) return false;
      for (std::size_t i = 1; i < c.operands.size(); ++i) {
        Val x;
        condition_operand(c.operands[i], item, x);
        if (x.p && *x.p == *v.p) return true;
      }
      return false;
    }
    case CondKind::AttributeExists:
    case CondKind::AttributeNotExists: {
      const bool exists = item && !c.operands.empty() && resolve_path(*item, c.operands[0].path);
      return c.kind == CondKind::AttributeExists ? exists : !exists;
    }
    case CondKind::AttributeType: {
      Val v, t;
      condition_operand(c.operands[0], item, v);
      condition_operand(c.operands[1], item, t);
      return v.p && t.p && t.p->type == AttrType::S && attr_type_name(v.p->type) == t.p->str;
    }
    case CondKind::BeginsWith: {
      Val a, b;
      condition_operand(c.operands[0], item, a);
      condition_operand(c.operands[1], item, b);
      return a.p && b.p && begins_with(*a.p, *b.p);
    }
    case CondKind::Contains: {
      Val a, b;
      condition_operand(c.operands[0], item, a);
      condition_operand(c.operands[1], item, b);
      return a.p && b.p && contains(*a.p, *b.p);
    }
  }
  return false;
}

namespace {

// One SET/ADD/DELETE action with the value it writes, computed from the item
// as it was before the update.
struct Pending {
  const UpdateAction* action;
  AttributeValue value;
};

// The actions of one update in two phases: values to write, then paths to
// remove (REMOVE, and DELETE that leaves a set empty).
struct UpdatePlan {
  std::vector<Pending> pending;
  std::vector<const UpdateAction*> removes;
};

// ADD: the operand where no attribute exists, the sum of two numbers, or the
// union of two sets of one type (DynamoDB rejects any other pair with
// kWrongType).  Throws ExpressionError for overflow or an unparsable number.
AttributeValue added(const AttributeValue* existing, const AttributeValue& operand) {
  if (!existing) return operand;
  if (existing->type == AttrType::N && operand.type == AttrType::N) {
    auto x = Number::parse(existing->str), y = Number::parse(operand.str);
    if (!x || !y) throw ExpressionError(kWrongType);
    std::string err;
    auto r = x->add(*y, &err);
    if (!r) throw ExpressionError(err);
    return AttributeValue::number(r->to_string());
  }
  if (existing->is_set() && existing->type == operand.type) {
    AttributeValue merged = *existing;
    for (const auto& m : operand.set)
      if (!set_has(merged, m)) merged.set.push_back(m);
    return merged;
  }
  throw ExpressionError(kWrongType);
}

// DELETE of `operand`'s members from an existing set of the same type
// (kWrongType otherwise); nothing to do where no attribute exists.  A set
// left empty is removed, as DynamoDB stores no empty sets.
void plan_delete(const UpdateAction& a, const AttributeValue* existing, UpdatePlan& plan) {
  if (!existing) return;
  const AttributeValue& operand = *a.value.value;
  if (!existing->is_set() || existing->type != operand.type) throw ExpressionError(kWrongType);
  AttributeValue left;
  left.type = existing->type;
  for (const auto& m : existing->set)
    if (!set_has(operand, m)) left.set.push_back(m);
  if (left.set.empty())
    plan.removes.push_back(&a);
  else
    plan.pending.push_back({&a, std::move(left)});
}

// Adds action `a` to `plan`, reading every operand from `item` unchanged.
void plan_action(const UpdateAction& a, const Item& item, UpdatePlan& plan) {
  switch (a.kind) {
    case UpdateActionKind::Set: {
      Val v;
      update_operand(a.value, item, v);
      plan.pending.push_back({&a, *v.p});
      break;
    }
    case UpdateActionKind::Add:
      plan.pending.push_back({&a, added(resolve_path(item, a.path), *a.value.value)});
      break;
    case UpdateActionKind::Delete:
      plan_delete(a, resolve_path(item, a.path), plan);
      break;
    case UpdateActionKind::Remove:
      plan.removes.push_back(&a);
      break;
  }
}

// Writes one planned value.
void write_one(Pending& p, Item& item) {
  if (p.action->kind == UpdateActionKind::Set) {
    set_at(item, p.action->path, std::move(p.value));
    return;
  }
  // ADD/DELETE write where the attribute is or would be; the parent must exist.
  AttributeValue* existing = find_mut(item, p.action->path);
  if (existing)
    *existing = std::move(p.value);
  else
    set_at(item, p.action->path, std::move(p.value));
}

// Whether `path` names an element past the end of an existing list, which
// a write appends.
bool past_list_end(Item& item, const Path& path) {
  const PathElem& last = path.elems.back();
  if (!last.is_index || path.elems.size() < 2) return false;
  bool top;
  const AttributeValue* parent = parent_of(item, path, top);
  return parent && parent->type == AttrType::L && last.index >= parent->list.size();
}

// A total order of paths: element by element (names bytewise, before
// indexes; indexes by number), a prefix first.
bool path_less(const Path& x, const Path& y) {
  const auto& a = x.elems;
  const auto& b = y.elems;
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    if (a[i].is_index != b[i].is_index) return !a[i].is_index;
    if (a[i].is_index ? a[i].index != b[i].index : a[i].name != b[i].name)
      return a[i].is_index ? a[i].index < b[i].index : a[i].name < b[i].name;
  }
  return a.size() < b.size();
}

// Writes the planned values in action order, except that elements past the
// end of a list are appended last, in the order of their indexes (DynamoDB:
// "SET a[84] = :x, a[17] = :y" on a 3-element list appends :y, then :x).
void write_pending(std::vector<Pending>& pending, Item& item) {
  std::vector<Pending*> appended;
  for (auto& p : pending) {
    if (past_list_end(item, p.action->path))
      appended.push_back(&p);
    else
      write_one(p, item);
  }
  if (appended.empty()) return;
  std::stable_sort(appended.begin(), appended.end(),
                   [](const Pending* x, const Pending* y) { return path_less(x->action->path, y->action->path); });
  for (Pending* p : appended) write_one(*p, item);
}

// Orders removals so that list indexes refer to the list before the update:
// where two paths first differ in their list indexes, the higher index comes
// first; otherwise neither comes first, and stable_sort keeps their order.
bool remove_first(const UpdateAction* x, const UpdateAction* y) {
  const auto& a = x->path.elems;
  const auto& b = y->path.elems;
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    if (a[i].is_index && b[i].is_index && a[i].index != b[i].index) return a[i].index > b[i].index;
    if (!(a[i] == b[i])) return false;
  }
  return false;
}

}  // namespace

void apply_update(const UpdateExpr& u, Item& item) {
  // Every operand is read from the item as it was before the update.
  UpdatePlan plan;
  plan.pending.reserve(u.actions.size());
  for (const auto& a : u.actions) plan_action(a, item, plan);
  write_pending(plan.pending, item);
  // Removals by original list indexes: the highest index first.
  std::stable_sort(plan.removes.begin(), plan.removes.end(), remove_first);
  for (const UpdateAction* a : plan.removes) remove_at(item, a->path);
}

namespace {

struct ProjNode {
  bool whole = false;
  std::map<std::string, ProjNode> names;
  std::map<std::uint32_t, ProjNode> indexes;
};

// Whether materializing a partially selected `src` found none of the
// selected sub-paths: NULL (src was not a container of the right kind) or an
// empty map/list (no selected element exists).  Such parts are left out.
bool nothing_selected(const AttributeValue& out) {
  if (out.type == AttrType::Null) return true;
  return (out.type == AttrType::M && out.map.empty()) || (out.type == AttrType::L && out.list.empty());
}

void materialize(const ProjNode& node, const AttributeValue& src, AttributeValue& dst) {
  if (node.whole) {
    dst = src;
    return;
  }
  if (src.type == AttrType::M && !node.names.empty()) {
    dst.type = AttrType::M;
    for (const auto& [name, child] : node.names) {
      const AttributeValue* v = map_find(src.map, name);
      if (!v) continue;
      AttributeValue out;
      materialize(child, *v, out);
      if (!child.whole && nothing_selected(out)) continue;
      dst.map.emplace_back(name, std::move(out));
    }
  } else if (src.type == AttrType::L && !node.indexes.empty()) {
    dst.type = AttrType::L;
    for (const auto& [index, child] : node.indexes) {
      if (index >= src.list.size()) continue;
      AttributeValue out;
      materialize(child, src.list[index], out);
      if (!child.whole && nothing_selected(out)) continue;
      dst.list.push_back(std::move(out));
    }
  }
  // Otherwise nothing of `src` is selected: dst stays NULL, and the caller drops it.
}

}  // namespace

Item project(const Item& item, const std::vector<Path>& paths) {
  ProjNode root;
  for (const auto& p : paths) {
    if (p.elems.empty() || p.elems[0].is_index) continue;
    ProjNode* n = &root.names[p.elems[0].name];
    for (std::size_t i = 1; i < p.elems.size(); ++i)
      n = p.elems[i].is_index ? &n->indexes[p.elems[i].index] : &n->names[p.elems[i].name];
    n->whole = true;
  }
  Item out;
  for (const auto& [name, child] : root.names) {
    const AttributeValue* v = map_find(item, name);
    if (!v) continue;
    AttributeValue o;
    materialize(child, *v, o);
    if (!child.whole && nothing_selected(o)) continue;
    out.emplace_back(name, std::move(o));
  }
  return out;
}

}  // namespace ddbd::expr
