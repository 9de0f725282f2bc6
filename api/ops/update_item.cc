// UpdateItem
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateItem.html
//
// Edits an item's attributes, or creates the item (with its key attributes)
// when it does not exist, optionally under a condition.
//
// Order of checks: member types and constraints; Key values; ReturnValues;
// mixing of legacy and expression parameters; names and values; the
// UpdateExpression and ConditionExpression (syntax, then names, values,
// functions, overlapping paths), unused names and values; the table exists;
// the key matches the schema; no action on a key attribute.  Inside the
// write: the condition on the old item, then the update (runtime errors:
// missing operand, wrong operand type, invalid path), then the new item's
// size.
#include <algorithm>

#include "api/expression_inputs.hh"
#include "api/legacy_params.hh"
#include "api/ops/ops.hh"
#include "api/shapes.hh"
#include "api/write_common.hh"
#include "expressions/eval.hh"

namespace ddbd::api::ops {

namespace {

enum class Return { none, all_old, updated_old, all_new, updated_new };

// The paths an update writes, for UPDATED_OLD / UPDATED_NEW.
std::vector<expr::Path> updated_paths(const expr::UpdateExpr& u) {
  std::vector<expr::Path> out;
  out.reserve(u.actions.size());
  for (const auto& a : u.actions) out.push_back(a.path);
  return out;
}

}  // namespace

Result update_item(RequestContext& ctx, json::object body) {
  static const std::vector<FieldSpec> specs = {
      table_name_spec(false),
      FieldSpec{.name = "Key", .type = FieldType::Map, .not_null = true, .java_class = "com.amazonaws.dynamodb.v20120810.AttributeValue"},
      FieldSpec{.name = "AttributeUpdates", .type = FieldType::Map, .java_class = "com.amazonaws.dynamodb.v20120810.AttributeValueUpdate"},
      FieldSpec{.name = "Expected", .type = FieldType::Map, .java_class = "com.amazonaws.dynamodb.v20120810.ExpectedAttributeValue"},
      FieldSpec{.name = "ReturnValues", .enum_values = {"NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"}},
      return_consumed_capacity_spec(),
      FieldSpec{.name = "ReturnItemCollectionMetrics", .enum_values = {"SIZE", "NONE"}},
      FieldSpec{.name = "ConditionalOperator", .enum_values = {"AND", "OR"}},
      FieldSpec{.name = "UpdateExpression", .type = FieldType::String},
      FieldSpec{.name = "ConditionExpression", .type = FieldType::String},
      FieldSpec{.name = "ExpressionAttributeNames", .type = FieldType::Map, .java_class = "java.lang.String"},
      FieldSpec{.name = "ExpressionAttributeValues", .type = FieldType::Map, .java_class = "com.amazonaws.dynamodb.v20120810.AttributeValue"},
      FieldSpec{.name = "ReturnValuesOnConditionCheckFailure", .enum_values = {"ALL_OLD", "NONE"}},
  };
  ValidationErrors errors;
  check_request(body, specs, errors);

  AttrMap key_map = decode_attribute_map(*get_object(body, "Key"));
  const std::string_view rv = get_string(body, "ReturnValues").value_or("NONE");
  const Return ret = rv == "ALL_OLD"       ? Return::all_old
                     : rv == "UPDATED_OLD" ? Return::updated_old
                     : rv == "ALL_NEW"     ? Return::all_new
                     : rv == "UPDATED_NEW" ? Return::updated_new
                                           : Return::none;
  auto rcc = parse_return_consumed_capacity(get_string(body, "ReturnConsumedCapacity"));
  auto update_text = get_string(body, "UpdateExpression");
  auto attribute_updates = get_object(body, "AttributeUpdates");
  WriteCondition cond = decode_write_condition(body, update_text, attribute_updates.has_value());

  std::optional<expr::UpdateExpr> update;
  if (update_text) {
    update = expr::parse_update(*update_text, cond.params());
    expr::check_all_used(cond.params());
  } else if (attribute_updates) {
    update = expr::legacy_update(decode_legacy_updates(*attribute_updates), cond.legacy_values());
  }

  auto table = require_table(ctx, *get_string(body, "TableName"), true);
  storage::PrimaryKey key = key_from_map(*table, key_map);
  cond.check_against(*table);
  if (update) {
    for (const auto& a : update->actions) {
      const std::string& top = a.path.elems[0].name;
      if (top == table->key.hash.name || (table->key.range && top == table->key.range->name))
        throw ApiError::validation("One or more parameter values were invalid: Cannot update attribute " + top +
                                   ". This attribute is part of the key");
    }
  }
  Item key_item = key_attributes(*table, key_map);

  WriteOutcome out;
  Item new_item;
  bool too_big = false;
  storage::Status st = co_await ctx.write([&](storage::WriteTxn& txn) {
    out.had_old = txn.get(*table, key, &out.old_item);
    if (!cond.check(out)) return storage::Status::aborted;
    new_item = out.had_old ? out.old_item : key_item;
    // An update that only removes (REMOVE / DELETE actions) does not create
    // a missing item (DynamoDB: nothing to write, no Attributes returned).
    if (!out.had_old && update && !update->actions.empty() &&
        std::all_of(update->actions.begin(), update->actions.end(), [](const expr::UpdateAction& a) {
          return a.kind == expr::UpdateActionKind::Remove || a.kind == expr::UpdateActionKind::Delete;
        })) {
      new_item.clear();
      return storage::Status::ok;
    }
    try {
      if (update) expr::apply_update(*update, new_item);
      if (item_size(new_item) > kMaxItemBytes) {
        too_big = true;
        return storage::Status::aborted;
      }
      validate_item_for_write(*table, new_item);
    } catch (...) {
      out.error = std::current_exception();
      return storage::Status::aborted;
    }
    return txn.put(*table, new_item);
  });
  if (too_big) throw ApiError::validation("Item size to update has exceeded the maximum allowed size");
  cond.finish(out);
  check_storage(st);

  JsonWriter w;
  w.begin_object();
  auto attributes = [&](const Item& item) {
    if (item.empty()) return;
    w.key("Attributes");
    w.item(item);
  };
  switch (ret) {
    case Return::none: break;
    case Return::all_old:
      if (out.had_old) attributes(out.old_item);
      break;
    case Return::all_new: attributes(new_item); break;
    case Return::updated_old:
      if (out.had_old && update) attributes(expr::project(out.old_item, updated_paths(*update)));
      break;
    case Return::updated_new:
      if (update) attributes(expr::project(new_item, updated_paths(*update)));
      break;
  }
  if (wants_item_collection_metrics(body, *table)) write_item_collection_metrics(w, ctx, *table, key.hash);
  write_consumed_capacity(w, rcc, ConsumedCapacity{table->name, write_units(std::max(item_size(new_item), out.had_old ? item_size(out.old_item) : 0))});
  w.end_object();
  co_return w.take();
}

}  // namespace ddbd::api::ops
