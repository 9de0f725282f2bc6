// BatchGetItem
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html
//
// Up to 100 keys over one or more tables, each table with its own
// projection and ConsistentRead, read from one snapshot.  Items beyond the
// 16 MB response limit, and with --enforce-throughput the keys a table's read
// bucket cannot take (api/meter.hh), are returned in UnprocessedKeys.
#include "api/ops/batch_get_item.hh"

#include <limits>
#include <optional>
#include <set>

#include "api/capacity.hh"
#include "api/meter.hh"
#include "api/ops/ops.hh"
#include "api/ops/run.hh"

namespace ddbd::api::ops {

namespace {

constexpr std::size_t kMaxResponseBytes = limits::kMaxBatchGetResponseBytes;
constexpr std::size_t kInlineItemBytes = 1024 * 1024;
constexpr std::size_t kNoLimit = std::numeric_limits<std::size_t>::max();

// A RequestItems entry's Keys: present, 1..100 keys.  Returns their count.
std::size_t check_keys_count(std::string_view table_name, json::object entry) {
  const std::string path = "requestItems." + std::string(table_name) + ".member.keys";
  auto keys = get_array(entry, "Keys");
  if (!keys) ValidationErrors::throw_one(std::nullopt, path, "Member must not be null");
  if (keys->size() == 0) ValidationErrors::throw_one("[]", path, "Member must have length greater than or equal to 1");
  if (keys->size() > limits::kMaxBatchGetKeys) {
    json::element keys_element;
    if (entry.at_key("Keys").get(keys_element) != simdjson::SUCCESS) throw ApiError::internal("Keys vanished");
    ValidationErrors::throw_one(display_value(keys_element), path, "Member must have length less than or equal to 100");
  }
  return keys->size();
}

// One RequestItems entry, its Keys already checked by check_keys_count.
BatchGetTable decode_table(std::string_view table_name, json::object entry) {
  BatchGetTable t;
  t.table_name = std::string(table_name);
  t.projection = decode_read_projection(entry);
  t.consistent_read = get_bool(entry, "ConsistentRead").value_or(false);
  for (const char* member : {"ProjectionExpression", "ExpressionAttributeNames", "AttributesToGet", "ConsistentRead"}) {
    auto m = entry[member];
    if (!m.error()) t.echoed_members.emplace_back(member, std::string(simdjson::minify(m.value())));
  }
  const json::array keys = *get_array(entry, "Keys");
  for (json::element k : keys) {
    t.key_texts.emplace_back(simdjson::minify(k));
    if (!t.key_error.has_error()) t.key_error.capture([&] { t.keys.push_back(decode_attribute_map(expect_object(k))); });
  }
  return t;
}

struct ResolvedTable {
  std::shared_ptr<const storage::TableDef> table;
  std::vector<storage::PrimaryKey> keys;
};

ResolvedTable resolve(RequestContext& ctx, const BatchGetTable& t) {
  ResolvedTable r{require_table(ctx, t.table_name, true), {}};
  std::set<std::string> seen;
  for (const AttrMap& k : t.keys) {
    storage::PrimaryKey key = key_from_map(*r.table, k);
    if (!seen.insert(storage::stored_key(*r.table, key)).second)
      throw ApiError::validation("Provided list of item keys contains duplicates");
    r.keys.push_back(std::move(key));
  }
  t.key_error.rethrow_if_any();
  return r;
}

// The items of every key, or nullopt as soon as the items read pass
// `give_up_bytes`.  Keys met once 16 MB are read are left unprocessed.
// `admitted[ti]`: how many of table ti's keys --enforce-throughput lets
// through (the rest are left unprocessed).
std::optional<BatchGetItemResponse> read_items(RequestContext& ctx, const BatchGetItemRequest& req,
                                               const std::vector<ResolvedTable>& tables,
                                               const std::vector<std::size_t>& admitted, std::size_t give_up_bytes) {
  BatchGetItemResponse resp;
  resp.responses.resize(tables.size());
  resp.unprocessed.resize(tables.size());
  storage::ReadTxn txn = ctx.engine.begin_read();
  std::size_t bytes = 0;
  Item item;
  for (std::size_t ti = 0; ti < tables.size(); ++ti) {
    const BatchGetTable& t = req.tables[ti];
    double units = 0;
    for (std::size_t ki = 0; ki < tables[ti].keys.size(); ++ki) {
      if (bytes >= kMaxResponseBytes || ki >= admitted[ti]) {
        resp.unprocessed[ti].push_back(ki);
        continue;
      }
      // A missing item still costs the minimum read.
      if (!txn.get(*tables[ti].table, tables[ti].keys[ki], &item)) {
        units += read_units(0, t.consistent_read);
        continue;
      }
      const std::size_t size = item_size(item);
      bytes += size;
      if (bytes > give_up_bytes) return std::nullopt;
      units += read_units(size, t.consistent_read);
      resp.responses[ti].push_back(t.projection.active() ? t.projection.apply(item) : std::move(item));
    }
    resp.consumed_capacity.push_back(ConsumedCapacity{.table_name = tables[ti].table->name, .table = CapacityUnits::reading(units)});
    show_requested_name(resp.consumed_capacity.back(), t.table_name);
  }
  resp.item_bytes = bytes;
  return resp;
}

// UnprocessedKeys: each table's left-over keys with the members needed to
// ask for them again.
void write_unprocessed(JsonWriter& w, const BatchGetItemRequest& req, const BatchGetItemResponse& resp) {
  w.key("UnprocessedKeys");
  w.begin_object();
  for (std::size_t ti = 0; ti < req.tables.size(); ++ti) {
    if (resp.unprocessed[ti].empty()) continue;
    const BatchGetTable& t = req.tables[ti];
    w.key(t.table_name);
    w.begin_object();
    w.key("Keys");
    w.begin_array();
    for (std::size_t ki : resp.unprocessed[ti]) w.raw_value(t.key_texts[ki]);
    w.end_array();
    for (const auto& [member, text] : t.echoed_members) {
      w.key(member);
      w.raw_value(text);
    }
    w.end_object();
  }
  w.end_object();
}

}  // namespace

BatchGetItemRequest decode_batch_get_item(json::object body) {
  static const std::vector<FieldSpec> specs = {
      FieldSpec{.name = "RequestItems", .type = FieldType::Map, .not_null = true, .min_length = 1, .java_class = "com.amazonaws.dynamodb.v20120810.KeysAndAttributes"},
      return_consumed_capacity_spec(),
  };
  ValidationErrors errors;
  check_request(body, specs, errors);
  BatchGetItemRequest req;
  req.return_consumed_capacity = parse_return_consumed_capacity(get_string(body, "ReturnConsumedCapacity"));
  json::object request_items = *get_object(body, "RequestItems");

  std::size_t total = 0;
  for (auto [table_name, entry] : request_items) {
    check_request_items_table_name(table_name);
    total += check_keys_count(table_name, expect_object(entry));
  }
  if (total > limits::kMaxBatchGetKeys) throw ApiError::validation("Too many items requested for the BatchGetItem call");
  for (auto [table_name, entry] : request_items) req.tables.push_back(decode_table(table_name, expect_object(entry)));
  return req;
}

namespace {

// With --enforce-throughput, how many keys of each table its read bucket
// lets through: keys in request order while the units admitted before them
// (each counted at its minimum, 1 unit or 0.5 for an eventually consistent
// read, before it is read) do not exceed the table's headroom.  Throws
// ProvisionedThroughputExceededException when no key at all is admitted, as
// DynamoDB's BatchGetItem does.
std::vector<std::size_t> admit_keys(RequestContext& ctx, const BatchGetItemRequest& req,
                                    const std::vector<ResolvedTable>& tables) {
  std::vector<std::size_t> admitted;
  for (const ResolvedTable& t : tables) admitted.push_back(t.keys.size());
  Meter* meter = ctx.config.meter;
  if (!meter || !meter->options().enforce_throughput) return admitted;
  std::size_t total = 0;
  for (std::size_t ti = 0; ti < tables.size(); ++ti) {
    const double headroom = meter->headroom(ctx, *tables[ti].table, Access::read);
    const double unit = read_units(0, req.tables[ti].consistent_read);
    std::size_t n = 0;
    for (double used = 0; n < tables[ti].keys.size() && used <= headroom; ++n) used += unit;
    if (n < admitted[ti]) meter->count_throttled(ctx, *tables[ti].table);
    admitted[ti] = n;
    total += n;
  }
  if (total == 0) throw Meter::throughput_exceeded();
  return admitted;
}

}  // namespace

asio::awaitable<BatchGetItemResponse> execute(RequestContext& ctx, const BatchGetItemRequest& req) {
  // Keys are admitted one by one (admit_keys), not by require_table.
  ctx.metering.access = Access::none;
  std::vector<ResolvedTable> tables;
  for (const auto& t : req.tables) tables.push_back(resolve(ctx, t));
  const std::vector<std::size_t> admitted = admit_keys(ctx, req, tables);
  // Up to 1 MB of items (a Query page) is read on this thread; past that
  // they are read again on the heavy-work pool (issue 10, item 5).
  auto resp = read_items(ctx, req, tables, admitted, ctx.heavy ? kInlineItemBytes : kNoLimit);
  if (!resp) resp = co_await ctx.run_heavy([&] { return read_items(ctx, req, tables, admitted, kNoLimit); });
  co_return std::move(*resp);
}

std::string to_json(const BatchGetItemRequest& req, const BatchGetItemResponse& resp) {
  JsonWriter w;
  w.begin_object();
  w.key("Responses");
  w.begin_object();
  for (std::size_t ti = 0; ti < req.tables.size(); ++ti) {
    w.key(req.tables[ti].table_name);
    w.begin_array();
    for (const Item& item : resp.responses[ti]) w.item(item);
    w.end_array();
  }
  w.end_object();
  write_unprocessed(w, req, resp);
  write_consumed_capacity(w, req.return_consumed_capacity, resp.consumed_capacity);
  w.end_object();
  return w.take();
}

// A response past 1 MB of items is also serialised on the heavy-work pool.
Result batch_get_item(RequestContext& ctx, json::object body) {
  const BatchGetItemRequest req = decode_batch_get_item(body);
  const BatchGetItemResponse resp = co_await execute(ctx, req);
  meter_response(ctx, resp);
  if (ctx.heavy && resp.item_bytes > kInlineItemBytes) co_return co_await ctx.run_heavy([&] { return to_json(req, resp); });
  co_return to_json(req, resp);
}

}  // namespace ddbd::api::ops
