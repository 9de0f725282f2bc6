// PartiQL's write statements planned onto the existing write actions (see
// api/partiql.hh for the table of what each statement becomes).
//
// Thread-safety: stateless functions; a plan points into its Statement.
#include "api/partiql.hh"

#include <utility>

#include "api/errors.hh"
#include "api/shapes.hh"

namespace ddbd::api::partiql {

namespace {

// The attribute a top-level path names, when the path is a single name.
const std::string* simple_name(const expr::Operand& o) {
  if (o.kind != expr::OperandKind::Path || o.path.elems.size() != 1 || o.path.elems[0].is_index) return nullptr;
  return &o.path.elems[0].name;
}

// The terms of a top-level AND chain, in the order written.
void and_terms(const expr::Condition& c, std::vector<const expr::Condition*>& out) {
  if (c.kind == expr::CondKind::And) {
    for (const auto& ch : c.children) and_terms(ch, out);
    return;
  }
  out.push_back(&c);
}

expr::Condition path_test(expr::CondKind kind, const std::string& name) {
  expr::Condition c;
  c.kind = kind;
  expr::Operand o;
  o.kind = expr::OperandKind::Path;
  o.path.elems.push_back(expr::PathElem{false, name, 0});
  c.operands.push_back(std::move(o));
  return c;
}

expr::Condition join(expr::CondKind kind, expr::Condition a, expr::Condition b) {
  expr::Condition c;
  c.kind = kind;
  c.children.push_back(std::move(a));
  c.children.push_back(std::move(b));
  return c;
}

// "<a> AND <rest>" / "<a> OR <rest>", or <a> alone.
expr::Condition with_rest(expr::CondKind kind, expr::Condition a, const std::optional<expr::Condition>& rest) {
  if (!rest) return a;
  return join(kind, std::move(a), *rest);
}

[[noreturn]] void schema_mismatch(const std::string& name) {
  throw ApiError::validation("Key attribute's data type should match its data type in table's schema: Key " + name);
}

}  // namespace

KeyAndRest split_full_key(const Statement& s, const storage::TableDef& table) {
  if (!s.where) throw ApiError::validation(std::string(kIncompleteKey));
  std::vector<const expr::Condition*> terms;
  and_terms(*s.where, terms);

  const storage::KeyAttr* keys[2] = {&table.key.hash, table.key.range ? &*table.key.range : nullptr};
  const AttributeValue* found[2] = {nullptr, nullptr};
  KeyAndRest out;
  for (const expr::Condition* t : terms) {
    int slot = -1;
    const AttributeValue* value = nullptr;
    if (t->kind == expr::CondKind::Compare && t->op == expr::CompareOp::EQ && t->operands.size() == 2) {
      for (int side = 0; side < 2 && slot < 0; ++side) {
        const std::string* name = simple_name(t->operands[side]);
        const expr::Operand& other = t->operands[1 - side];
        if (!name || other.kind != expr::OperandKind::Value) continue;
        for (int k = 0; k < 2; ++k)
          if (keys[k] && keys[k]->name == *name) {
            slot = k;
            value = other.value;
          }
      }
    }
    if (slot < 0) {
      out.rest = out.rest ? join(expr::CondKind::And, std::move(*out.rest), *t) : *t;
      continue;
    }
    const storage::KeyAttr& key = *keys[slot];
    if (found[slot] && *found[slot] == *value) continue;  // the same equality again
    if (found[slot])
      throw ApiError::validation("Multiple conditions on same key " + key.name +
                                 ". Only single item Update/Insert/Delete are supported");
    if (value->type != key.type) schema_mismatch(key.name);
    found[slot] = value;
  }
  for (int k = 0; k < 2; ++k)
    if (keys[k] && !found[k]) throw ApiError::validation(std::string(kIncompleteKey));
  out.key.emplace_back(table.key.hash.name, *found[0]);
  if (keys[1]) map_set(out.key, keys[1]->name, *found[1]);
  // Empty key strings and binaries get GetItem's message.
  (void)key_from_map(table, out.key);
  return out;
}

WritePlan plan_write(const Statement& s, const storage::TableDef& table, bool return_old_on_failure) {
  WritePlan plan;
  plan.table_name = table.name;
  const std::string& hash = table.key.hash.name;
  switch (s.kind) {
    case StatementKind::insert: {
      if (s.returning != expr::partiql::Returning::none)
        throw ApiError::validation("RETURNING is not supported in INSERT");
      auto check_key = [&](const storage::KeyAttr& k) {
        const AttributeValue* v = map_find(s.item, k.name);
        if (!v) throw ApiError::validation("Key attribute should be present in the item: Key " + k.name);
        if (v->type != k.type) schema_mismatch(k.name);
      };
      check_key(table.key.hash);
      if (table.key.range) check_key(*table.key.range);
      validate_item_for_write(table, s.item);
      plan.kind = ActionKind::put;
      plan.item = s.item;
      plan.insert = true;
      plan.cond = make_write_condition(path_test(expr::CondKind::AttributeNotExists, hash), return_old_on_failure, true);
      return plan;
    }
    case StatementKind::update: {
      KeyAndRest kr = split_full_key(s, table);
      check_update_spares_key(s.update, table);
      plan.kind = ActionKind::update;
      plan.item = std::move(kr.key);
      plan.update = s.update;
      switch (s.returning) {
        case expr::partiql::Returning::none: plan.return_values = ReturnValues::none; break;
        case expr::partiql::Returning::all_old: plan.return_values = ReturnValues::all_old; break;
        case expr::partiql::Returning::modified_old: plan.return_values = ReturnValues::updated_old; break;
        case expr::partiql::Returning::all_new: plan.return_values = ReturnValues::all_new; break;
        case expr::partiql::Returning::modified_new: plan.return_values = ReturnValues::updated_new; break;
      }
      plan.cond = make_write_condition(
          with_rest(expr::CondKind::And, path_test(expr::CondKind::AttributeExists, hash), kr.rest),
          return_old_on_failure);
      return plan;
    }
    case StatementKind::del: {
      using expr::partiql::Returning;
      if (s.returning != Returning::none && s.returning != Returning::all_old) {
        const char* text = s.returning == Returning::modified_old   ? "MODIFIED OLD *"
                           : s.returning == Returning::all_new      ? "ALL NEW *"
                                                                    : "MODIFIED NEW *";
        throw ApiError::validation(std::string("Invalid returning clause: RETURNING ") + text +
                                   ". Only RETURNING ALL OLD * is allowed in DELETE statements.");
      }
      KeyAndRest kr = split_full_key(s, table);
      plan.kind = ActionKind::del;
      plan.item = std::move(kr.key);
      plan.return_values = s.returning == Returning::all_old ? ReturnValues::all_old : ReturnValues::none;
      // A missing item is no error; an existing one must satisfy the rest.
      std::optional<expr::Condition> cond;
      if (kr.rest) cond = join(expr::CondKind::Or, path_test(expr::CondKind::AttributeNotExists, hash), *kr.rest);
      plan.cond = make_write_condition(std::move(cond), return_old_on_failure);
      return plan;
    }
    case StatementKind::exists: {
      constexpr std::string_view kSingleItem = "EXISTS() must contain a single item read with additional condition";
      if (s.index) throw ApiError::validation("Operations on indices are not supported in transactions");
      KeyAndRest kr;
      try {
        kr = split_full_key(s, table);
      } catch (const ApiError& e) {
        if (e.message() == kIncompleteKey) throw ApiError::validation(std::string(kSingleItem));
        throw;
      }
      if (!kr.rest) throw ApiError::validation(std::string(kSingleItem));
      plan.kind = ActionKind::check;
      plan.item = std::move(kr.key);
      plan.cond = make_write_condition(
          with_rest(expr::CondKind::And, path_test(expr::CondKind::AttributeExists, hash), kr.rest),
          return_old_on_failure);
      return plan;
    }
    case StatementKind::select: break;
  }
  throw ApiError::validation("Unsupported operation: SELECT is not a write");
}

}  // namespace ddbd::api::partiql
