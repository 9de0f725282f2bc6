// TransactWriteItems
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html
//
// Up to 100 actions (ConditionCheck, Put, Delete, Update) over one or more
// tables, all or nothing.  Every action is validated before anything runs
// (static errors are a plain ValidationException); then one storage write
// evaluates every condition and update on the items as they are, and either
// applies them all or cancels with TransactionCanceledException and one
// CancellationReason per action, in order (ConditionalCheckFailed, with the
// item for ReturnValuesOnConditionCheckFailure=ALL_OLD; ValidationError for
// an update that cannot apply; None for the others).
//
// Isolation: the whole transaction is one function on the single writer, so
// it is serialised with every other write.  ClientRequestToken makes a
// successful request idempotent for 10 minutes: the same token with the same
// request returns the first answer without writing again; with a different
// request it is IdempotentParameterMismatchException (api/client_tokens.hh
// keeps the tokens).
#include <openssl/sha.h>

#include <set>

#include "api/client_tokens.hh"
#include "api/ops/ops.hh"
#include "api/shapes.hh"
#include "api/write_common.hh"
#include "expressions/error.hh"
#include "expressions/eval.hh"

namespace ddbd::api::ops {

namespace {

enum class Kind { check, put, del, update };

struct Action {
  Kind kind;
  std::shared_ptr<const storage::TableDef> table;
  storage::PrimaryKey key;
  Item item;       // put: the new item; update: the key attributes (for a new item)
  WriteCondition cond;
  std::optional<expr::UpdateExpr> update;
};

struct Reason {
  std::string code = "None";
  std::string message;
  bool with_item = false;
  Item item;
};

std::string digest_of(std::string_view s) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(s.data()), s.size(), md);
  return std::string(reinterpret_cast<const char*>(md), sizeof md);
}

[[noreturn]] void missing(std::string_view member) {
  throw ApiError::validation("1 validation error detected: Value null at 'transactItems.member." + std::string(member) +
                             "' failed to satisfy constraint: Member must not be null");
}

// "The aggregate size of the items in the transaction cannot exceed 4 MB."
using limits::kMaxTransactionBytes;

}  // namespace

Result transact_write_items(RequestContext& ctx, json::object body) {
  static const std::vector<FieldSpec> specs = {
      FieldSpec{.name = "TransactItems", .type = FieldType::List, .not_null = true, .min_length = 1, .max_length = limits::kMaxTransactionActions},
      return_consumed_capacity_spec(),
      FieldSpec{.name = "ReturnItemCollectionMetrics", .enum_values = {"SIZE", "NONE"}},
      FieldSpec{.name = "ClientRequestToken", .min_length = 1, .max_length = 36},
  };
  ValidationErrors errors;
  check_request(body, specs, errors);
  auto rcc = parse_return_consumed_capacity(get_string(body, "ReturnConsumedCapacity"));

  // Idempotency.
  std::string token_key, digest;
  ClientTokenCache* tokens = ctx.config.client_tokens;
  struct ClaimGuard {
    ClientTokenCache* tokens;
    std::string* key;
    bool done = false;
    ~ClaimGuard() {
      if (!done && !key->empty()) tokens->release(*key);
    }
  } claim_guard{tokens, &token_key};
  if (auto token = get_string(body, "ClientRequestToken")) {
    if (!tokens) throw ApiError::internal("ClientRequestToken memory is not configured");
    std::string key = ClientTokenCache::key(ctx.ns, *token);
    digest = digest_of(simdjson::minify(body));
    std::string previous;
    switch (tokens->claim(key, digest, &previous)) {
      case ClientTokenCache::Claim::claimed: token_key = std::move(key); break;
      case ClientTokenCache::Claim::replay: co_return previous;
      case ClientTokenCache::Claim::in_progress:
        throw ApiError(ErrorCode::TransactionInProgressException,
                       "The transaction with the given request token is already in progress.");
      case ClientTokenCache::Claim::mismatch:
        throw ApiError(ErrorCode::IdempotentParameterMismatchException,
                       "Request parameters do not match the previous request with the same client token");
    }
  }

  std::vector<Action> actions;
  std::set<std::string> seen_keys;
  const json::array transact_items = *get_array(body, "TransactItems");
  for (json::element e : transact_items) {
    json::object o = expect_object(e);
    auto check = get_object(o, "ConditionCheck");
    auto put = get_object(o, "Put");
    auto del = get_object(o, "Delete");
    auto upd = get_object(o, "Update");
    if ((check ? 1 : 0) + (put ? 1 : 0) + (del ? 1 : 0) + (upd ? 1 : 0) != 1)
      throw ApiError::validation("TransactItems can only contain one of Check, Put, Update or Delete");
    Action a;
    json::object spec = check ? *check : put ? *put : del ? *del : *upd;
    const char* member = check ? "conditionCheck" : put ? "put" : del ? "delete" : "update";
    a.kind = check ? Kind::check : put ? Kind::put : del ? Kind::del : Kind::update;
    auto table_name = get_string(spec, "TableName");
    if (!table_name) missing(std::string(member) + ".tableName");
    if (a.kind == Kind::check && !get_string(spec, "ConditionExpression")) missing("conditionCheck.conditionExpression");
    auto update_text = a.kind == Kind::update ? get_string(spec, "UpdateExpression") : std::nullopt;
    if (a.kind == Kind::update && !update_text) missing("update.updateExpression");
    std::optional<AttrMap> key_map;
    if (a.kind == Kind::put) {
      auto item = get_object(spec, "Item");
      if (!item) missing("put.item");
      a.item = decode_attribute_map(*item);
    } else {
      auto key = get_object(spec, "Key");
      if (!key) missing(std::string(member) + ".key");
      key_map = decode_attribute_map(*key);
    }
    if (auto rv = get_string(spec, "ReturnValuesOnConditionCheckFailure"); rv && *rv != "ALL_OLD" && *rv != "NONE")
      throw ApiError::validation("1 validation error detected: Value '" + std::string(*rv) + "' at 'transactItems.member." +
                                 member + ".returnValuesOnConditionCheckFailure' failed to satisfy constraint: Member "
                                 "must satisfy enum value set: [ALL_OLD, NONE]");
    a.cond = decode_write_condition(spec, update_text, false);
    if (update_text) {
      a.update = expr::parse_update(*update_text, a.cond.params());
      expr::check_all_used(a.cond.params());
    }
    a.table = require_table(ctx, *table_name, true);
    if (a.kind == Kind::put) {
      validate_item_for_write(*a.table, a.item);
      storage::extract_key(a.table->key, a.item, a.key);
    } else {
      a.key = key_from_map(*a.table, *key_map);
      if (a.kind == Kind::update) {
        for (const auto& act : a.update->actions) {
          const std::string& top = act.path.elems[0].name;
          if (top == a.table->key.hash.name || (a.table->key.range && top == a.table->key.range->name))
            throw ApiError::validation("One or more parameter values were invalid: Cannot update attribute " + top +
                                       ". This attribute is part of the key");
        }
        a.item = key_attributes(*a.table, *key_map);
      }
    }
    std::string enc = storage::stored_key(*a.table, a.key);
    if (!seen_keys.insert(std::move(enc)).second)
      throw ApiError::validation("Transaction request cannot include multiple operations on one item");
    actions.push_back(std::move(a));
  }

  std::vector<Reason> reasons(actions.size());
  bool cancelled = false;
  bool too_large = false;
  std::vector<ConsumedCapacity> capacity;
  storage::Status st = co_await ctx.write([&](storage::WriteTxn& txn) {
    // Evaluate everything first, on the items as they are.
    std::vector<Item> new_items(actions.size());
    std::vector<bool> had_old(actions.size());
    std::vector<std::size_t> sizes(actions.size());
    for (std::size_t i = 0; i < actions.size(); ++i) {
      Action& a = actions[i];
      WriteOutcome out;
      out.had_old = txn.get(*a.table, a.key, &out.old_item);
      had_old[i] = out.had_old;
      if (!a.cond.check(out)) {
        cancelled = true;
        if (out.error) {
          reasons[i].code = "ValidationError";
          try {
            std::rethrow_exception(out.error);
          } catch (const std::exception& e) {
            reasons[i].message = e.what();
          }
        } else {
          reasons[i].code = "ConditionalCheckFailed";
          reasons[i].message = "The conditional request failed";
          try {
            a.cond.throw_failed(out);
          } catch (const ApiError& e) {
            // The failure carries the item only for ALL_OLD.
            if (!e.extra_json().empty()) {
              reasons[i].with_item = true;
              reasons[i].item = out.old_item;
            }
          }
        }
        continue;
      }
      sizes[i] = out.had_old ? item_size(out.old_item) : 0;
      if (a.kind == Kind::update) {
        new_items[i] = out.had_old ? std::move(out.old_item) : a.item;
        try {
          expr::apply_update(*a.update, new_items[i]);
          if (item_size(new_items[i]) > kMaxItemBytes)
            throw ApiError::validation("Item size to update has exceeded the maximum allowed size");
          validate_item_for_write(*a.table, new_items[i]);
        } catch (const std::exception& e) {
          cancelled = true;
          reasons[i].code = "ValidationError";
          reasons[i].message = e.what();
          continue;
        }
        sizes[i] = std::max(sizes[i], item_size(new_items[i]));
      } else if (a.kind == Kind::put) {
        sizes[i] = std::max(sizes[i], item_size(a.item));
      }
    }
    if (cancelled) return storage::Status::aborted;
    // The aggregate size of the items the transaction writes (the item as
    // written for Put and Update, the key for Delete and ConditionCheck).
    std::size_t total = 0;
    for (std::size_t i = 0; i < actions.size(); ++i) {
      const Action& a = actions[i];
      total += a.kind == Kind::put      ? item_size(a.item)
               : a.kind == Kind::update ? item_size(new_items[i])
                                        : a.table->key.hash.name.size() + value_size(a.key.hash) +
                                              (a.key.range ? a.table->key.range->name.size() +
                                                                 value_size(*a.key.range)
                                                           : 0);
    }
    if (total > kMaxTransactionBytes) {
      too_large = true;
      return storage::Status::aborted;
    }
    for (std::size_t i = 0; i < actions.size(); ++i) {
      Action& a = actions[i];
      storage::Status s = storage::Status::ok;
      switch (a.kind) {
        case Kind::check: break;
        case Kind::put: s = txn.put(*a.table, a.item); break;
        case Kind::update: s = txn.put(*a.table, new_items[i]); break;
        case Kind::del:
          if (had_old[i]) s = txn.erase(*a.table, a.key);
          break;
      }
      if (s == storage::Status::collection_full) {
        cancelled = true;
        reasons[i].code = "ItemCollectionSizeLimitExceeded";
        reasons[i].message = "Collection size exceeded";
        return storage::Status::aborted;
      }
      if (s != storage::Status::ok) return s;
      const double units = 2 * (a.kind == Kind::check ? read_units(sizes[i], true) : write_units(sizes[i]));
      add_capacity(capacity, a.table->name, units);
    }
    return storage::Status::ok;
  });

  if (too_large)
    throw ApiError::validation("Transaction size has exceeded the maximum allowed size of 4 MB");
  if (cancelled) {
    std::string codes;
    JsonWriter rw;
    rw.key("CancellationReasons");
    rw.begin_array();
    for (const auto& r : reasons) {
      codes += (codes.empty() ? "" : ", ") + r.code;
      rw.begin_object();
      if (r.with_item) {
        rw.key("Item");
        rw.item(r.item);
      }
      rw.key("Code");
      rw.string(r.code);
      if (!r.message.empty()) {
        rw.key("Message");
        rw.string(r.message);
      }
      rw.end_object();
    }
    rw.end_array();
    throw ApiError(ErrorCode::TransactionCanceledException,
                   "Transaction cancelled, please refer cancellation reasons for specific reasons [" + codes + "]")
        .with_extra_json(rw.take());
  }
  check_storage(st);

  JsonWriter w;
  w.begin_object();
  write_consumed_capacity(w, rcc, capacity);
  w.end_object();
  std::string response = w.take();
  if (!token_key.empty()) {
    tokens->complete(token_key, response);
    claim_guard.done = true;
  }
  co_return response;
}

}  // namespace ddbd::api::ops
