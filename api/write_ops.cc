#include "api/write_ops.hh"

#include <algorithm>

#include "api/capacity.hh"
#include "api/json_writer.hh"
#include "api/legacy_params.hh"
#include "api/meter.hh"
#include "expressions/eval.hh"
#include "expressions/parser.hh"

namespace ddbd::api {

namespace {

// An update that only removes (REMOVE / DELETE actions) does not create a
// missing item: DynamoDB writes nothing and returns no Attributes.
bool only_removes(const expr::UpdateExpr& u) {
  return !u.actions.empty() && std::all_of(u.actions.begin(), u.actions.end(), [](const expr::UpdateAction& a) {
    return a.kind == expr::UpdateActionKind::Remove || a.kind == expr::UpdateActionKind::Delete;
  });
}

// The new item of an update leaves no secondary index key (of the declared
// type) empty; DynamoDB words this apart from PutItem's empty index key.
void check_index_keys_not_emptied(const storage::TableDef& table, const Item& item) {
  auto check = [&](const storage::KeyAttr& k) {
    const AttributeValue* v = map_find(item, k.name);
    if (!v || v->type != k.type || v->type == AttrType::N || !v->str.empty()) return;
    throw RequestLevelError(ErrorCode::ValidationException,
                            std::string("One or more parameter values are not valid. The update expression attempted "
                                        "to update a secondary index key to a value that is not supported. The "
                                        "AttributeValue for a key attribute cannot contain an empty ") +
                                (v->type == AttrType::B ? "binary" : "string") + " value.");
  };
  for (const auto& index : table.indexes) {
    index.key.for_each([&](const storage::KeyAttr& k, bool) { check(k); });
  }
}

// Reads the item the action applies to into out (had_old, old_item,
// old_size).
void read_old(const ItemAction& a, storage::WriteTxn& txn, WriteOutcome& out) {
  out.had_old = txn.get(*a.table, a.key, &out.old_item);
  out.old_size = out.had_old ? item_size(out.old_item) : 0;
}

// A put or delete with !a.old_item_needed: written without reading the old
// item first; the write reports what it replaced.
storage::Status write_blind(const ItemAction& a, storage::WriteTxn& txn, WriteOutcome& out) {
  storage::Replaced r;
  const bool put = a.kind == ActionKind::put;
  storage::Status s = put ? txn.put(*a.table, *a.item, &r) : txn.erase(*a.table, a.key, &r);
  out.had_old = r.existed;
  out.old_size = r.size;
  out.writes = put || r.existed;
  return s;
}

bool prepare_update(const ItemAction& a, WriteOutcome& out) {
  if (!out.had_old && a.update && only_removes(*a.update)) return true;
  out.new_item = out.had_old ? out.old_item : a.start;
  try {
    if (a.update) expr::apply_update(*a.update, out.new_item);
    if (item_size(out.new_item) > kMaxItemBytes) {
      out.too_big = true;
      return false;
    }
    check_index_keys_not_emptied(*a.table, out.new_item);
    validate_item_for_write(*a.table, out.new_item);
  } catch (...) {
    out.error = std::current_exception();
    return false;
  }
  out.writes = true;
  return true;
}

// The bytes of the key attributes (names and values), what a Delete or a
// ConditionCheck counts toward the transaction's 4 MB.
std::size_t key_size(const ItemAction& a) {
  const storage::KeySchema& ks = a.table->key;
  std::size_t n = ks.hash.name.size() + value_size(a.key.hash);
  if (a.key.range) n += ks.range->name.size() + value_size(*a.key.range);
  return n;
}

}  // namespace

bool prepare(const ItemAction& a, storage::WriteTxn& txn, WriteOutcome& out) {
  read_old(a, txn, out);
  if (a.cond && !a.cond->check(out)) return false;
  switch (a.kind) {
    case ActionKind::check: return true;
    case ActionKind::put: out.writes = true; return true;
    case ActionKind::del: out.writes = out.had_old; return true;
    case ActionKind::update: return prepare_update(a, out);
  }
  return false;
}

storage::Status commit(const ItemAction& a, storage::WriteTxn& txn, const WriteOutcome& out) {
  if (!out.writes) return storage::Status::ok;
  switch (a.kind) {
    case ActionKind::check: return storage::Status::ok;
    case ActionKind::put: return txn.put(*a.table, *a.item);
    case ActionKind::update: return txn.put(*a.table, out.new_item);
    case ActionKind::del: return txn.erase(*a.table, a.key);
  }
  return storage::Status::ok;
}

std::size_t written_size(const ItemAction& a, const WriteOutcome& out) {
  std::size_t n = out.had_old ? out.old_size : 0;
  if (a.kind == ActionKind::put) n = std::max(n, item_size(*a.item));
  if (a.kind == ActionKind::update) n = std::max(n, item_size(out.new_item));
  return n;
}

ConsumedCapacity action_capacity(const ItemAction& a, const WriteOutcome& out, double factor) {
  ConsumedCapacity c{.table_name = a.table->name};
  show_requested_name(c, a.table_name);
  if (a.kind == ActionKind::check) {
    c.table = CapacityUnits::reading(factor * read_units(out.had_old ? out.old_size : 0, true));
    return c;
  }
  c.table = CapacityUnits::writing(factor * write_units(written_size(a, out)));
  if (out.writes && !a.table->indexes.empty()) {
    const Item* after = a.kind == ActionKind::put ? a.item : a.kind == ActionKind::update ? &out.new_item : nullptr;
    add_index_writes(c, *a.table, out.had_old ? &out.old_item : nullptr, after, factor);
  }
  return c;
}

storage::Status SingleWriteOp::run(storage::WriteTxn& txn, WriteOutcome& out) const {
  if (!action_.old_item_needed) return write_blind(action_, txn, out);  // a put (execute())
  if (!prepare(action_, txn, out)) return storage::Status::aborted;
  return commit(action_, txn, out);
}

storage::Status TransactWriteOp::run(storage::WriteTxn& txn, TransactOutcome& out) const {
  // Every condition and update is evaluated on the items as they are, before
  // anything is written.
  out.actions.resize(actions_.size());
  for (std::size_t i = 0; i < actions_.size(); ++i)
    if (!prepare(actions_[i], txn, out.actions[i])) out.cancelled = true;
  if (out.cancelled) return storage::Status::aborted;
  // The aggregate size of the items the transaction writes (the item as
  // written for Put and Update, the key for Delete and ConditionCheck).
  std::size_t total = 0;
  for (std::size_t i = 0; i < actions_.size(); ++i) {
    const ItemAction& a = actions_[i];
    total += a.kind == ActionKind::put      ? item_size(*a.item)
             : a.kind == ActionKind::update ? item_size(out.actions[i].new_item)
                                            : key_size(a);
  }
  if (total > limits::kMaxTransactionBytes) {
    out.too_large = true;
    return storage::Status::aborted;
  }
  for (std::size_t i = 0; i < actions_.size(); ++i) {
    storage::Status s = commit(actions_[i], txn, out.actions[i]);
    if (s == storage::Status::collection_full) {
      out.cancelled = true;
      out.collection_full = i;
      return storage::Status::aborted;
    }
    if (s != storage::Status::ok) return s;
  }
  return storage::Status::ok;
}

storage::Status BatchWriteOp::run(storage::WriteTxn& txn, std::vector<ConsumedCapacity>& out) const {
  out.clear();
  out.reserve(actions_.size());
  WriteOutcome o;
  for (std::size_t i = 0; i < actions_.size(); ++i) {
    const ItemAction& a = actions_[i];
    const bool put = a.kind == ActionKind::put;
    storage::Status s;
    if (a.old_item_needed) {
      read_old(a, txn, o);
      o.writes = put || o.had_old;
      out.push_back(action_capacity(a, o));
      s = put ? txn.put(*a.table, *a.item) : txn.erase(*a.table, a.key);
    } else {
      s = write_blind(a, txn, o);
      out.push_back(action_capacity(a, o));
    }
    // Deleting a missing item is no error; a missing table is.
    if (!put && s == storage::Status::not_found && txn.find_table(a.table->ns, a.table->name)) continue;
    if (s != storage::Status::ok) return s;
  }
  return storage::Status::ok;
}

void check_update_spares_key(const expr::UpdateExpr& update, const storage::TableDef& table) {
  for (const auto& a : update.actions) {
    const std::string& top = a.path.elems[0].name;
    if (top == table.key.hash.name || (table.key.range && top == table.key.range->name))
      throw ApiError::validation("One or more parameter values were invalid: Cannot update attribute " + top +
                                 ". This attribute is part of the key");
  }
}

// ---- PutItem, UpdateItem, DeleteItem ----------------------------------------

namespace {

// The members of the three requests, in the order DynamoDB reports their
// constraint violations.
std::vector<FieldSpec> single_write_specs(ActionKind kind) {
  const bool update = kind == ActionKind::update;
  std::vector<FieldSpec> specs = {table_name_spec(false)};
  if (kind == ActionKind::put)
    specs.push_back(FieldSpec{.name = "Item", .type = FieldType::Map, .not_null = true, .java_class = "com.amazonaws.dynamodb.v20120810.AttributeValue"});
  else
    specs.push_back(FieldSpec{.name = "Key", .type = FieldType::Map, .not_null = true, .java_class = "com.amazonaws.dynamodb.v20120810.AttributeValue"});
  if (update)
    specs.push_back(FieldSpec{.name = "AttributeUpdates", .type = FieldType::Map, .java_class = "com.amazonaws.dynamodb.v20120810.AttributeValueUpdate"});
  specs.push_back(FieldSpec{.name = "Expected", .type = FieldType::Map, .java_class = "com.amazonaws.dynamodb.v20120810.ExpectedAttributeValue"});
  specs.push_back(FieldSpec{.name = "ReturnValues", .enum_values = {"NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"}});
  specs.push_back(return_consumed_capacity_spec());
  specs.push_back(FieldSpec{.name = "ReturnItemCollectionMetrics", .enum_values = {"SIZE", "NONE"}});
  specs.push_back(FieldSpec{.name = "ConditionalOperator", .enum_values = {"AND", "OR"}});
  if (update) specs.push_back(FieldSpec{.name = "UpdateExpression", .type = FieldType::String});
  specs.push_back(FieldSpec{.name = "ConditionExpression", .type = FieldType::String});
  specs.push_back(FieldSpec{.name = "ExpressionAttributeNames", .type = FieldType::Map, .java_class = "java.lang.String"});
  specs.push_back(FieldSpec{.name = "ExpressionAttributeValues", .type = FieldType::Map, .java_class = "com.amazonaws.dynamodb.v20120810.AttributeValue"});
  specs.push_back(FieldSpec{.name = "ReturnValuesOnConditionCheckFailure", .enum_values = {"ALL_OLD", "NONE"}});
  return specs;
}

const std::vector<FieldSpec>& specs_for(ActionKind kind) {
  static const std::vector<FieldSpec> put = single_write_specs(ActionKind::put);
  static const std::vector<FieldSpec> update = single_write_specs(ActionKind::update);
  static const std::vector<FieldSpec> del = single_write_specs(ActionKind::del);
  return kind == ActionKind::put ? put : kind == ActionKind::update ? update : del;
}

ReturnValues decode_return_values(std::string_view rv, ActionKind kind) {
  if (kind != ActionKind::update && rv != "NONE" && rv != "ALL_OLD")
    throw ApiError::validation("ReturnValues can only be ALL_OLD or NONE");
  return rv == "ALL_OLD"       ? ReturnValues::all_old
         : rv == "UPDATED_OLD" ? ReturnValues::updated_old
         : rv == "ALL_NEW"     ? ReturnValues::all_new
         : rv == "UPDATED_NEW" ? ReturnValues::updated_new
                               : ReturnValues::none;
}

// The paths an update writes, for UPDATED_OLD / UPDATED_NEW.
std::vector<expr::Path> updated_paths(const expr::UpdateExpr& u) {
  std::vector<expr::Path> out;
  out.reserve(u.actions.size());
  for (const auto& a : u.actions) out.push_back(a.path);
  return out;
}

bool has_lsi(const storage::TableDef& table) {
  return std::any_of(table.indexes.begin(), table.indexes.end(), [](const auto& ix) { return !ix.global; });
}

// Moves what ReturnValues asks for out of `out`.
std::optional<Item> returned_attributes(const SingleWriteRequest& req, WriteOutcome& out) {
  auto nonempty = [](Item i) -> std::optional<Item> {
    if (i.empty()) return std::nullopt;
    return i;
  };
  switch (req.return_values) {
    case ReturnValues::none: break;
    case ReturnValues::all_old:
      if (out.had_old) return nonempty(std::move(out.old_item));
      break;
    case ReturnValues::all_new: return nonempty(std::move(out.new_item));
    case ReturnValues::updated_old:
      if (out.had_old && req.update) return nonempty(expr::project(out.old_item, updated_paths(*req.update)));
      break;
    case ReturnValues::updated_new:
      if (req.update) return nonempty(expr::project(out.new_item, updated_paths(*req.update)));
      break;
  }
  return std::nullopt;
}

}  // namespace

namespace {

SingleWriteRequest decode_single_write_members(json::object body, ActionKind kind) {
  ValidationErrors errors;
  check_request(body, specs_for(kind), errors);

  SingleWriteRequest req;
  req.kind = kind;
  req.table_name = *get_string(body, "TableName");
  req.item = decode_attribute_map(*get_object(body, kind == ActionKind::put ? "Item" : "Key"));
  req.return_values = decode_return_values(get_string(body, "ReturnValues").value_or("NONE"), kind);
  req.capacity = parse_return_consumed_capacity(get_string(body, "ReturnConsumedCapacity"));
  req.item_collection_metrics =
      get_string(body, "ReturnItemCollectionMetrics") == std::optional<std::string_view>("SIZE");
  if (kind != ActionKind::update) {
    req.cond = decode_write_condition(body);
    return req;
  }
  auto update_text = get_string(body, "UpdateExpression");
  auto attribute_updates = get_object(body, "AttributeUpdates");
  req.cond = decode_write_condition(body, update_text, attribute_updates.has_value());
  if (update_text) {
    req.update = expr::parse_update(*update_text, req.cond.params());
    expr::check_all_used(req.cond.params());
  } else if (attribute_updates) {
    req.update = expr::legacy_update(decode_legacy_updates(*attribute_updates), req.cond.legacy_values());
  }
  return req;
}

// DynamoDB's request-validation layer of PutItem, UpdateItem and DeleteItem
// reports its one-line rules as a Coral list of one ("1 validation error
// detected: Invalid UpdateExpression: ...", "1 validation error detected:
// ReturnValues can only be ALL_OLD or NONE", "1 validation error detected:
// One or more parameter values were invalid: An string set  may not be
// empty"), as traces against AWS show; the rules that need the table (key
// schema, sizes, paths in the stored item) stay bare, and so do the
// structural AttributeValue errors ("Supplied AttributeValue is empty,
// ..."), which come from the deserialiser.  Every ValidationException of
// decoding is such a rule except those and the Coral lines themselves.
bool enveloped(std::string_view message) {
  return !message.starts_with("Supplied AttributeValue") && !message.starts_with("1 validation error detected: ") &&
         !(message.find(" validation errors detected: ") < 4);
}

[[noreturn]] void throw_enveloped(const std::string& message) {
  if (!enveloped(message)) throw ApiError::validation(message);
  throw ApiError::validation("1 validation error detected: " + message);
}

}  // namespace

SingleWriteRequest decode_single_write(json::object body, ActionKind kind) {
  try {
    return decode_single_write_members(body, kind);
  } catch (const expr::ConstraintError&) {
    throw;  // already a Coral line (dispatch renders it)
  } catch (const expr::ExpressionError& e) {
    throw_enveloped(e.what());
  } catch (const ApiError& e) {
    if (e.code() != ErrorCode::ValidationException || !e.extra_json().empty()) throw;
    throw_enveloped(e.message());
  }
}

asio::awaitable<SingleWriteResponse> execute(RequestContext& ctx, const SingleWriteRequest& req) {
  ItemAction action;
  action.kind = req.kind;
  action.table = require_table(ctx, req.table_name, true);
  action.table_name = req.table_name;
  const storage::TableDef& table = *action.table;
  action.cond = &req.cond;
  if (req.kind == ActionKind::put) {
    validate_item_for_write(table, req.item);
    storage::extract_key(table.key, req.item, action.key);
    action.item = &req.item;
  } else {
    action.key = key_from_map(table, req.item);
  }
  req.cond.check_against(table);
  action.old_item_needed = !(req.kind == ActionKind::put && req.cond.unconditional() &&
                             req.return_values == ReturnValues::none && table.indexes.empty());
  if (req.kind == ActionKind::update) {
    if (req.update) check_update_spares_key(*req.update, table);
    action.start = key_attributes(table, req.item);
    action.update = req.update ? &*req.update : nullptr;
  }

  SingleWriteOp op(action);
  SingleWriteOp::Result result;
  storage::Status st = co_await ctx.write(op, result);
  WriteOutcome& out = result.out;
  if (out.too_big) throw ApiError::validation("Item size to update has exceeded the maximum allowed size");
  // A failed condition still consumes write capacity; the error answer
  // carries none, so the meter hears of it here.
  if (out.condition_failed && ctx.config.meter) ctx.config.meter->consumed(ctx, action_capacity(action, out));
  req.cond.finish(out);
  check_storage(st);

  SingleWriteResponse resp;
  resp.capacity = action_capacity(action, out);
  resp.attributes = returned_attributes(req, out);
  if (req.item_collection_metrics && has_lsi(table))
    resp.metrics = ItemCollectionMetrics{table.key.hash.name, action.key.hash,
                                         ctx.engine.begin_read().item_collection_size(table, action.key.hash)};
  co_return resp;
}

std::vector<TableCollectionMetrics> collection_metrics(RequestContext& ctx, const std::vector<ItemAction>& actions) {
  std::vector<TableCollectionMetrics> out;
  std::optional<storage::ReadTxn> txn;
  for (const ItemAction& a : actions) {
    if (a.kind == ActionKind::check || !has_lsi(*a.table)) continue;
    auto t = std::find_if(out.begin(), out.end(), [&](const auto& m) { return m.table_name == a.table->name; });
    if (t == out.end()) t = out.insert(out.end(), TableCollectionMetrics{a.table->name, {}});
    const bool seen = std::any_of(t->collections.begin(), t->collections.end(),
                                  [&](const ItemCollectionMetrics& m) { return m.hash == a.key.hash; });
    if (seen) continue;
    if (!txn) txn.emplace(ctx.engine.begin_read());
    t->collections.push_back(
        ItemCollectionMetrics{a.table->key.hash.name, a.key.hash, txn->item_collection_size(*a.table, a.key.hash)});
  }
  return out;
}

void write_collection_metrics(JsonWriter& w, const std::vector<TableCollectionMetrics>& m) {
  if (m.empty()) return;
  w.key("ItemCollectionMetrics");
  w.begin_object();
  for (const auto& t : m) {
    w.key(t.table_name);
    w.begin_array();
    for (const auto& c : t.collections) {
      w.begin_object();
      write_item_collection_metrics_members(w, c.hash_name, c.hash, c.bytes);
      w.end_object();
    }
    w.end_array();
  }
  w.end_object();
}

std::string to_json(const SingleWriteRequest& req, const SingleWriteResponse& resp) {
  JsonWriter w;
  w.begin_object();
  if (resp.attributes) {
    w.key("Attributes");
    w.item(*resp.attributes);
  }
  if (resp.metrics) write_item_collection_metrics(w, resp.metrics->hash_name, resp.metrics->hash, resp.metrics->bytes);
  write_consumed_capacity(w, req.capacity, resp.capacity);
  w.end_object();
  return w.take();
}

}  // namespace ddbd::api
