// TransactWriteItems
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html
//
// Up to 100 actions (ConditionCheck, Put, Delete, Update) over one or more
// tables, all or nothing.  Every action is decoded and validated before
// anything runs.  Request-level problems are a plain ValidationException:
// expressions (syntax, undefined or unused names and values), two actions on
// one item, more than 100 actions, a missing member, and, once the tables
// exist, empty key values, a Put's item over 400 KB, an Update of a key
// attribute.  An item that does not fit its table (a key attribute missing
// or of the wrong type, an index key of the wrong type, a key too long) is a
// TransactionCanceledException whose reason for that action is
// ValidationError, "None" for every other: DynamoDB stops at the first such
// action and evaluates no condition.  (Facts: published captures of
// DynamoDB's answers; README "Transactions".)
//
// Then one TransactWriteOp (api/write_ops.hh) evaluates every condition and
// update on the items as they are, and either applies them all or cancels
// with TransactionCanceledException and one CancellationReason per action,
// in order (ConditionalCheckFailed, with the item for
// ReturnValuesOnConditionCheckFailure=ALL_OLD; DuplicateItem for a PartiQL
// INSERT of an existing key (ExecuteTransaction runs its writes here);
// ValidationError for an update that cannot apply; None for the others).
// An update that empties an index key is a ValidationException instead.
//
// Isolation: the whole transaction is one op on the single writer, so it is
// serialised with every other write.  ClientRequestToken makes a successful
// request idempotent for 10 minutes: the same token with the same request
// returns the first answer without writing again; with a different request
// it is IdempotentParameterMismatchException (api/client_tokens.hh keeps the
// tokens; the JSON handler below claims and completes them with a
// ClientTokenClaim, as the token is about the request's JSON).
#include "api/ops/transact_write_items.hh"

#include <set>

#include "api/cancellation.hh"
#include "api/capacity.hh"
#include "api/client_tokens.hh"
#include "api/ops/ops.hh"
#include "api/ops/run.hh"
#include "api/serialization_first.hh"
#include "expressions/eval.hh"
#include "expressions/parser.hh"

namespace ddbd::api::ops {

namespace {

[[noreturn]] void missing(std::string_view member) {
  ValidationErrors::throw_one(std::nullopt, "transactItems.member." + std::string(member), "Member must not be null");
}

// `position` is the action's 1-based index (Coral's path names it).
TransactWriteRequest::Action decode_action(json::element e, std::size_t position) {
  json::object o = expect_object(e);
  auto check = get_object(o, "ConditionCheck");
  auto put = get_object(o, "Put");
  auto del = get_object(o, "Delete");
  auto upd = get_object(o, "Update");
  if ((check ? 1 : 0) + (put ? 1 : 0) + (del ? 1 : 0) + (upd ? 1 : 0) != 1)
    throw ApiError::validation("TransactItems can only contain one of Check, Put, Update or Delete");
  TransactWriteRequest::Action a;
  json::object spec = check ? *check : put ? *put : del ? *del : *upd;
  const std::string member = check ? "conditionCheck" : put ? "put" : del ? "delete" : "update";
  a.kind = check ? ActionKind::check : put ? ActionKind::put : del ? ActionKind::del : ActionKind::update;
  auto table_name = get_string(spec, "TableName");
  if (!table_name) missing(member + ".tableName");
  a.table_name = *table_name;
  if (a.kind == ActionKind::check && !get_string(spec, "ConditionExpression")) missing("conditionCheck.conditionExpression");
  auto update_text = a.kind == ActionKind::update ? get_string(spec, "UpdateExpression") : std::nullopt;
  if (a.kind == ActionKind::update && !update_text) missing("update.updateExpression");
  auto item = get_object(spec, a.kind == ActionKind::put ? "Item" : "Key");
  if (!item) missing(member + (a.kind == ActionKind::put ? ".item" : ".key"));
  {
    ValidationErrors errors;
    check_table_name(*table_name, "transactItems." + std::to_string(position) + ".member." + member + ".tableName", errors);
    if (!errors.empty()) rethrow_serialization_error([&] { (void)decode_attribute_map(*item); });
    errors.throw_if_any();
  }
  a.item = decode_attribute_map(*item);
  if (auto rv = get_string(spec, "ReturnValuesOnConditionCheckFailure"); rv && *rv != "ALL_OLD" && *rv != "NONE") {
    ValidationErrors::throw_one(std::string(*rv), "transactItems.member." + member + ".returnValuesOnConditionCheckFailure",
               "Member must satisfy enum value set: [ALL_OLD, NONE]");
  }
  a.cond = decode_write_condition(spec, update_text, false);
  if (update_text) {
    a.update = expr::parse_update(*update_text, a.cond.params());
    expr::check_all_used(a.cond.params());
  }
  return a;
}

// What DynamoDB checks on the request before the transaction runs, and
// reports as a ValidationException for the whole request: empty key values
// (the table's key; in a Put's item also the secondary index keys), a Put's
// item over 400 KB, an Update naming a key attribute.
void check_request_level(const TransactWriteRequest::Action& t, const storage::TableDef& table) {
  check_key_values_not_empty(table, t.item, t.kind == ActionKind::put);
  if (t.kind == ActionKind::put && item_size(t.item) > kMaxItemBytes)
    throw ApiError::validation("Item size has exceeded the maximum allowed size");
  if (t.kind == ActionKind::update && t.update) check_update_spares_key(*t.update, table);
}

// The item action of a decoded action, checked against its table: a Put's
// item (key attributes present and of the declared type, index keys of the
// declared type, key sizes), the Key of the others ("The provided key
// element does not match the schema").  Throws ValidationException, which
// cancels the transaction with a ValidationError reason.
ItemAction resolve(const TransactWriteRequest::Action& t, std::shared_ptr<const storage::TableDef> table) {
  ItemAction a;
  a.kind = t.kind;
  a.table = std::move(table);
  a.table_name = t.table_name;
  a.cond = &t.cond;
  if (a.kind == ActionKind::put) {
    validate_item_for_write(*a.table, t.item);
    storage::extract_key(a.table->key, t.item, a.key);
    a.item = &t.item;
    return a;
  }
  a.key = key_from_map(*a.table, t.item);
  if (a.kind == ActionKind::update) {
    a.start = key_attributes(*a.table, t.item);
    a.update = &*t.update;
  }
  return a;
}

CancellationReason reason_for(const TransactWriteRequest::Action& t, const WriteOutcome& out) {
  CancellationReason r;
  if (out.condition_failed && t.cond.duplicate_item()) {
    r.code = "DuplicateItem";
    r.message = "Duplicate primary key exists in table";
  } else if (out.condition_failed) {
    r.code = "ConditionalCheckFailed";
    r.message = "The conditional request failed";
    if (t.cond.returns_old_item() && out.had_old) r.item = &out.old_item;
  } else if (out.too_big) {
    r.code = "ValidationError";
    r.message = "Item size to update has exceeded the maximum allowed size";
  } else if (out.error) {
    r.code = "ValidationError";
    try {
      std::rethrow_exception(out.error);
    } catch (const std::exception& e) {
      r.message = e.what();
    }
  }
  return r;
}

[[noreturn]] void throw_cancelled(const TransactWriteRequest& req, const TransactOutcome& out) {
  // An update that emptied an index key fails the whole request instead.
  for (const WriteOutcome& o : out.actions) {
    if (!o.error) continue;
    try {
      std::rethrow_exception(o.error);
    } catch (const RequestLevelError&) {
      throw;
    } catch (...) {
    }
  }
  std::vector<CancellationReason> reasons;
  reasons.reserve(req.actions.size());
  for (std::size_t i = 0; i < req.actions.size(); ++i) {
    reasons.push_back(reason_for(req.actions[i], out.actions[i]));
    if (i == out.collection_full) {
      reasons.back().code = "ItemCollectionSizeLimitExceeded";
      reasons.back().message = "Collection size exceeded";
    }
  }
  throw transaction_cancelled(reasons);
}

}  // namespace

TransactWriteRequest decode_transact_write_items(json::object body) {
  static const std::vector<FieldSpec> specs = {
      FieldSpec{.name = "TransactItems", .type = FieldType::List, .not_null = true, .min_length = 1, .max_length = limits::kMaxTransactionActions},
      return_consumed_capacity_spec(),
      FieldSpec{.name = "ReturnItemCollectionMetrics", .enum_values = {"SIZE", "NONE"}},
      FieldSpec{.name = "ClientRequestToken", .min_length = 1, .max_length = 36},
  };
  ValidationErrors errors;
  check_request(body, specs, errors);
  TransactWriteRequest req;
  req.capacity = parse_return_consumed_capacity(get_string(body, "ReturnConsumedCapacity"));
  req.item_collection_metrics =
      get_string(body, "ReturnItemCollectionMetrics") == std::optional<std::string_view>("SIZE");
  if (auto token = get_string(body, "ClientRequestToken")) {
    req.client_token = std::string(*token);
    req.digest = request_digest(simdjson::minify(body));
  }
  const json::array items = *get_array(body, "TransactItems");
  for (json::element e : items) req.actions.push_back(decode_action(e, req.actions.size() + 1));
  return req;
}

asio::awaitable<TransactWriteResponse> execute(RequestContext& ctx, const TransactWriteRequest& req) {
  // Every table exists; the request-level checks; then each action against
  // its table, in order: the first that fails cancels the transaction (its
  // reason ValidationError, the others None) before any condition is
  // evaluated; then no item twice.
  std::vector<std::shared_ptr<const storage::TableDef>> tables;
  tables.reserve(req.actions.size());
  for (const auto& t : req.actions) tables.push_back(require_table(ctx, t.table_name, true));
  for (std::size_t i = 0; i < req.actions.size(); ++i) check_request_level(req.actions[i], *tables[i]);
  std::vector<ItemAction> actions;
  actions.reserve(req.actions.size());
  for (std::size_t i = 0; i < req.actions.size(); ++i) {
    try {
      actions.push_back(resolve(req.actions[i], tables[i]));
    } catch (const ApiError& e) {
      if (e.code() != ErrorCode::ValidationException) throw;
      throw validation_cancelled(req.actions.size(), i, e.message());
    }
  }
  std::set<std::string> seen_keys;
  for (const ItemAction& a : actions)
    if (!seen_keys.insert(storage::stored_key(*a.table, a.key)).second)
      throw ApiError::validation("Transaction request cannot include multiple operations on one item");

  TransactWriteOp op(actions);
  TransactWriteOp::Result result;
  storage::Status st = co_await ctx.write(op, result);
  const TransactOutcome& out = result.out;
  if (out.too_large) throw ApiError::validation("Transaction size has exceeded the maximum allowed size of 4 MB");
  if (out.cancelled) throw_cancelled(req, out);
  check_storage(st);

  TransactWriteResponse resp;
  for (std::size_t i = 0; i < actions.size(); ++i)
    merge_capacity(resp.capacity, action_capacity(actions[i], out.actions[i], kTransactionFactor));
  for (auto& c : resp.capacity) c.transactional = true;
  if (req.item_collection_metrics) resp.metrics = collection_metrics(ctx, actions);
  co_return resp;
}

std::string to_json(const TransactWriteRequest& req, const TransactWriteResponse& resp) {
  JsonWriter w;
  w.begin_object();
  write_collection_metrics(w, resp.metrics);
  write_consumed_capacity(w, req.capacity, resp.capacity);
  w.end_object();
  return w.take();
}

Result transact_write_items(RequestContext& ctx, json::object body) {
  const TransactWriteRequest req = decode_transact_write_items(body);
  ClientTokenClaim claim(ctx, req.client_token, req.digest);
  if (const std::string* previous = claim.replay()) co_return *previous;
  const auto resp = co_await execute(ctx, req);
  meter_response(ctx, resp);
  std::string response = to_json(req, resp);
  claim.complete(response);
  co_return response;
}

}  // namespace ddbd::api::ops
