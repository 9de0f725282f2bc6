// BatchWriteItem
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html
//
// Up to 25 PutRequest / DeleteRequest entries over one or more tables.  The
// whole batch is validated first (shape and counts, then tables exist, keys
// match their schemas, items valid, no key twice); then every write goes
// into one storage transaction (BatchWriteOp), so a batch is never half
// applied.  With --enforce-throughput, the writes a table's token buckets
// cannot take come back in UnprocessedItems (api/meter.hh).
#include <algorithm>

#include "api/ops/batch_write_item.hh"
#include "api/capacity.hh"
#include "api/meter.hh"
#include "api/ops/ops.hh"
#include "api/ops/run.hh"
#include "api/write_ops.hh"

namespace ddbd::api::ops {

namespace {

// "Map value must satisfy constraint" on one table's list of requests.
[[noreturn]] void bad_request_count(std::string_view table, std::string value_display) {
  ValidationErrors::throw_one("{" + std::string(table) + "=" + value_display + "}", "requestItems",
             "Map value must satisfy constraint: [Member must have length less than or equal to 25, Member must "
             "have length greater than or equal to 1]");
}

[[noreturn]] void missing(std::string_view table, std::string_view member) {
  ValidationErrors::throw_one(std::nullopt, "requestItems." + std::string(table) + ".member." + std::string(member),
             "Member must not be null");
}

BatchWriteRequest::Entry decode_entry(std::string_view table, json::element r) {
  json::object o = expect_object(r);
  auto put = get_object(o, "PutRequest");
  auto del = get_object(o, "DeleteRequest");
  if ((put ? 1 : 0) + (del ? 1 : 0) != 1)
    throw ApiError::validation("Supplied WriteRequest must contain exactly one of PutRequest or DeleteRequest");
  BatchWriteRequest::Entry e;
  e.put = put.has_value();
  auto value = put ? get_object(*put, "Item") : get_object(*del, "Key");
  if (!value) missing(table, put ? "putRequest.item" : "deleteRequest.key");
  e.item = decode_attribute_map(*value);
  return e;
}

// The two actions write the same item: the same table and key.  Key values
// are S, N or B, and a decoded N is canonical text, so equal numbers have
// equal text (as their stored keys are equal bytes).  At most 25 actions:
// comparing each with those before it beats building their stored keys.
bool same_key(const ItemAction& x, const ItemAction& y) {
  auto same = [](const AttributeValue& a, const AttributeValue& b) { return a.type == b.type && a.str == b.str; };
  return x.table->table_id == y.table->table_id && same(x.key.hash, y.key.hash) &&
         x.key.range.has_value() == y.key.range.has_value() && (!x.key.range || same(*x.key.range, *y.key.range));
}

}  // namespace

BatchWriteRequest decode_batch_write_item(json::object body) {
  static const std::vector<FieldSpec> specs = {
      FieldSpec{.name = "RequestItems", .type = FieldType::Map, .not_null = true, .min_length = 1, .java_class = "java.util.List<com.amazonaws.dynamodb.v20120810.WriteRequest>"},
      return_consumed_capacity_spec(),
      FieldSpec{.name = "ReturnItemCollectionMetrics", .enum_values = {"SIZE", "NONE"}},
  };
  ValidationErrors errors;
  check_request(body, specs, errors);
  BatchWriteRequest req;
  req.capacity = parse_return_consumed_capacity(get_string(body, "ReturnConsumedCapacity"));
  req.item_collection_metrics =
      get_string(body, "ReturnItemCollectionMetrics") == std::optional<std::string_view>("SIZE");
  json::object request_items = *get_object(body, "RequestItems");

  // Shape and counts first, as DynamoDB checks them before any table.
  std::size_t total = 0;
  for (auto [table_name, requests] : request_items) {
    std::string_view name = table_name;
    check_request_items_table_name(name);
    if (!requests.is_array()) throw ApiError::serialization("Unexpected value type in payload");
    std::size_t n = json::array(requests).size();
    if (n == 0) bad_request_count(name, "[]");
    if (n > limits::kMaxBatchWriteRequests) bad_request_count(name, display_value(requests));
    total += n;
  }
  if (total > limits::kMaxBatchWriteRequests) throw ApiError::validation("Too many items requested for the BatchWriteItem call");

  for (auto [table_name, requests] : request_items) {
    auto& table = req.tables.emplace_back();
    table.name = std::string_view(table_name);
    for (json::element r : json::array(requests)) table.entries.push_back(decode_entry(table.name, r));
  }
  return req;
}

asio::awaitable<BatchWriteResponse> execute(RequestContext& ctx, const BatchWriteRequest& req) {
  // Writes are admitted item by item below, not by require_table.
  ctx.metering.access = Access::none;
  std::vector<ItemAction> actions;
  std::vector<std::shared_ptr<const storage::TableDef>> tables;
  std::size_t n = 0;
  for (const auto& t : req.tables) n += t.entries.size();
  actions.reserve(n);
  for (const auto& t : req.tables) {
    auto table = require_table(ctx, t.name, true);
    for (const auto& e : t.entries) {
      ItemAction& a = actions.emplace_back();
      a.table = table;
      a.table_name = t.name;
      // Without indexes only the old item's size counts (its capacity).
      a.old_item_needed = !table->indexes.empty();
      if (e.put) {
        validate_item_for_write(*table, e.item);
        storage::extract_key(table->key, e.item, a.key);
        a.item = &e.item;
      } else {
        a.kind = ActionKind::del;
        a.key = key_from_map(*table, e.item);
      }
      for (std::size_t j = 0; j + 1 < actions.size(); ++j)
        if (same_key(actions[j], a)) throw ApiError::validation("Provided list of item keys contains duplicates");
    }
    tables.push_back(std::move(table));
  }

  // With --enforce-throughput, each table takes writes in request order
  // while the units taken before do not exceed its headroom (a delete
  // counts its minimum, 1 unit, before it runs); the rest come back as
  // UnprocessedItems.  When no write at all could be taken, the whole
  // request fails, as DynamoDB's BatchWriteItem does.
  BatchWriteResponse resp;
  resp.unprocessed.resize(req.tables.size());
  std::size_t processed = n;
  if (Meter* meter = ctx.config.meter; meter && meter->options().enforce_throughput) {
    std::vector<ItemAction> admitted;
    admitted.reserve(n);
    std::size_t ai = 0;
    for (std::size_t ti = 0; ti < req.tables.size(); ++ti) {
      const double headroom = meter->headroom(ctx, *tables[ti], Access::write);
      double used = 0;
      for (std::size_t ei = 0; ei < req.tables[ti].entries.size(); ++ei, ++ai) {
        const auto& e = req.tables[ti].entries[ei];
        if (used <= headroom) {
          used += write_units(e.put ? item_size(e.item) : 0);
          admitted.push_back(std::move(actions[ai]));
        } else {
          resp.unprocessed[ti].push_back(ei);
        }
      }
      if (!resp.unprocessed[ti].empty()) meter->count_throttled(ctx, *tables[ti]);
    }
    processed = admitted.size();
    if (processed == 0) throw Meter::throughput_exceeded();
    actions = std::move(admitted);
  }

  // One entry per table in request order; the processed writes' units are
  // added after the write.
  for (std::size_t i = 0; i < tables.size(); ++i) {
    resp.capacity.push_back(ConsumedCapacity{.table_name = tables[i]->name});
    show_requested_name(resp.capacity.back(), req.tables[i].name);
  }
  if (processed == 0) co_return resp;
  BatchWriteOp op(actions);
  BatchWriteOp::Result result;
  check_storage(co_await ctx.write(op, result));
  // Each table's entry (in request order) sums its items' writes.
  for (std::size_t i = 0; i < actions.size(); ++i) merge_capacity(resp.capacity, result.out[i]);
  if (req.item_collection_metrics) resp.metrics = collection_metrics(ctx, actions);
  co_return resp;
}

std::string to_json(const BatchWriteRequest& req, const BatchWriteResponse& resp) {
  JsonWriter w;
  w.begin_object();
  w.key("UnprocessedItems");
  w.begin_object();
  for (std::size_t ti = 0; ti < resp.unprocessed.size(); ++ti) {
    if (resp.unprocessed[ti].empty()) continue;
    const BatchWriteRequest::Table& t = req.tables[ti];
    w.key(t.name);
    w.begin_array();
    for (std::size_t ei : resp.unprocessed[ti]) {
      const BatchWriteRequest::Entry& e = t.entries[ei];
      w.begin_object();
      w.key(e.put ? "PutRequest" : "DeleteRequest");
      w.begin_object();
      w.key(e.put ? "Item" : "Key");
      w.item(e.item);
      w.end_object();
      w.end_object();
    }
    w.end_array();
  }
  w.end_object();
  write_collection_metrics(w, resp.metrics);
  write_consumed_capacity(w, req.capacity, resp.capacity);
  w.end_object();
  return w.take();
}

Result batch_write_item(RequestContext& ctx, json::object body) {
  return execute_to_json(ctx, decode_batch_write_item(body));
}

}  // namespace ddbd::api::ops
