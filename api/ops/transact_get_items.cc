// TransactGetItems
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactGetItems.html
//
// Up to 100 Gets, read from one LMDB snapshot (a serializable read: no write
// can be seen half done).  Responses are in request order; a missing item
// gives an empty object.  A Key that does not match its table's key schema
// (an attribute missing, of the wrong type, empty) is a
// TransactionCanceledException with a ValidationError reason for that get,
// as DynamoDB reports it; request-level problems (a projection, two gets of
// one item, a missing table) are not.
#include "api/ops/transact_get_items.hh"

#include <set>

#include "api/cancellation.hh"
#include "api/capacity.hh"
#include "api/ops/ops.hh"
#include "api/ops/run.hh"
#include "api/serialization_first.hh"

namespace ddbd::api::ops {

namespace {

// One TransactItems element; throws for a missing Get, TableName or Key
// and for a bad projection.  The Key's values are decoded last, into
// `get.key_error` when they fail.
// `position`: the element's 1-based index, as Coral's paths name it.
TransactGet decode_get(json::element e, std::size_t position) {
  json::object o = expect_object(e);
  auto g = get_object(o, "Get");
  if (!g) ValidationErrors::throw_one(std::nullopt, "transactItems.member.get", "Member must not be null");
  auto table_name = get_string(*g, "TableName");
  auto key = get_object(*g, "Key");
  if (!table_name || !key)
    ValidationErrors::throw_one(std::nullopt, table_name ? "transactItems.member.get.key" : "transactItems.member.get.tableName",
                                "Member must not be null");
  ValidationErrors errors;
  check_table_name(*table_name, "transactItems." + std::to_string(position) + ".member.get.tableName", errors);
  if (!errors.empty()) rethrow_serialization_error([&] { (void)decode_attribute_map(*key); });
  errors.throw_if_any();
  TransactGet get;
  get.projection = decode_read_projection(*g);
  get.table_name = std::string(*table_name);
  get.key_error.capture([&] { get.key = decode_attribute_map(*key); });
  return get;
}

}  // namespace

TransactGetItemsRequest decode_transact_get_items(json::object body) {
  static const std::vector<FieldSpec> specs = {
      FieldSpec{.name = "TransactItems", .type = FieldType::List, .not_null = true, .min_length = 1, .max_length = limits::kMaxTransactionActions},
      return_consumed_capacity_spec(),
  };
  ValidationErrors errors;
  check_request(body, specs, errors);
  TransactGetItemsRequest req;
  req.return_consumed_capacity = parse_return_consumed_capacity(get_string(body, "ReturnConsumedCapacity"));
  const json::array transact_items = *get_array(body, "TransactItems");
  for (json::element e : transact_items) {
    if (!req.element_error.capture([&] { req.gets.push_back(decode_get(e, req.gets.size() + 1)); })) break;
    if (req.gets.back().key_error.has_error()) break;
  }
  return req;
}

asio::awaitable<TransactGetItemsResponse> execute(RequestContext& ctx, const TransactGetItemsRequest& req) {
  // Per get, in order: the table exists, its Key decoded, the Key matches the
  // table (else the transaction is cancelled: ValidationError for this get,
  // None for the others), no item twice.
  std::vector<std::shared_ptr<const storage::TableDef>> tables;
  std::vector<storage::PrimaryKey> keys;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < req.gets.size(); ++i) {
    const TransactGet& g = req.gets[i];
    tables.push_back(require_table(ctx, g.table_name, true));
    g.key_error.rethrow_if_any();
    try {
      keys.push_back(key_from_map(*tables.back(), g.key));
    } catch (const ApiError& e) {
      if (e.code() != ErrorCode::ValidationException) throw;
      // A later element that did not decode is a problem of the request.
      for (std::size_t j = i + 1; j < req.gets.size(); ++j) req.gets[j].key_error.rethrow_if_any();
      req.element_error.rethrow_if_any();
      throw validation_cancelled(req.gets.size(), i, e.message());
    }
    if (!seen.insert(storage::stored_key(*tables.back(), keys.back())).second)
      throw ApiError::validation("Transaction request cannot include multiple operations on one item");
  }
  req.element_error.rethrow_if_any();

  TransactGetItemsResponse resp;
  storage::ReadTxn txn = ctx.engine.begin_read();
  Item item;
  for (std::size_t i = 0; i < req.gets.size(); ++i) {
    double units = kTransactionFactor * read_units(0, true);
    std::optional<Item>& out = resp.responses.emplace_back();
    if (txn.get(*tables[i], keys[i], &item)) {
      units = kTransactionFactor * read_units(item_size(item), true);
      out = req.gets[i].projection.active() ? req.gets[i].projection.apply(item) : std::move(item);
    }
    add_capacity(resp.consumed_capacity, tables[i]->name, CapacityUnits::reading(units));
    show_requested_name(resp.consumed_capacity, tables[i]->name, req.gets[i].table_name);
  }
  for (auto& c : resp.consumed_capacity) c.transactional = true;
  co_return resp;
}

std::string to_json(const TransactGetItemsRequest& req, const TransactGetItemsResponse& resp) {
  JsonWriter w;
  w.begin_object();
  w.key("Responses");
  w.begin_array();
  for (const auto& item : resp.responses) {
    w.begin_object();
    if (item) {
      w.key("Item");
      w.item(*item);
    }
    w.end_object();
  }
  w.end_array();
  write_consumed_capacity(w, req.return_consumed_capacity, resp.consumed_capacity);
  w.end_object();
  return w.take();
}

Result transact_get_items(RequestContext& ctx, json::object body) { return execute_to_json(ctx, decode_transact_get_items(body)); }

}  // namespace ddbd::api::ops
