// BatchGetItem
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html
//
// Up to 100 keys over one or more tables, each table with its own
// projection and ConsistentRead, read from one snapshot.  Items beyond the
// 16 MB response limit are returned in UnprocessedKeys.
#include <limits>
#include <optional>
#include <set>

#include "api/ops/ops.hh"
#include "api/read_common.hh"
#include "api/shapes.hh"

namespace ddbd::api::ops {

namespace {

constexpr std::size_t kMaxResponseBytes = limits::kMaxBatchGetResponseBytes;
constexpr std::size_t kInlineItemBytes = 1024 * 1024;
constexpr std::size_t kNoLimit = std::numeric_limits<std::size_t>::max();

struct TableRequest {
  std::shared_ptr<const storage::TableDef> table;
  std::string name;  // as requested
  json::object request;
  std::vector<std::pair<storage::PrimaryKey, json::element>> keys;
  ReadProjection projection;
  bool consistent = false;
};

// UnprocessedKeys: each table's left-over keys with the members needed to
// ask for them again.
void write_unprocessed(JsonWriter& w, const std::vector<TableRequest>& tables,
                       const std::vector<std::vector<json::element>>& unprocessed) {
  w.key("UnprocessedKeys");
  w.begin_object();
  for (std::size_t ti = 0; ti < tables.size(); ++ti) {
    if (unprocessed[ti].empty()) continue;
    const auto& t = tables[ti];
    w.key(t.name);
    w.begin_object();
    w.key("Keys");
    w.begin_array();
    for (json::element k : unprocessed[ti]) w.raw_value(simdjson::minify(k));
    w.end_array();
    for (const char* member : {"ProjectionExpression", "ExpressionAttributeNames", "AttributesToGet", "ConsistentRead"}) {
      auto m = t.request[member];
      if (m.error()) continue;
      w.key(member);
      w.raw_value(simdjson::minify(m.value()));
    }
    w.end_object();
  }
  w.end_object();
}

// The response, or nullopt as soon as the items read pass `give_up_bytes`.
std::optional<std::string> build_response(RequestContext& ctx, const std::vector<TableRequest>& tables,
                                          ReturnConsumedCapacity rcc, std::size_t give_up_bytes) {
  JsonWriter w;
  w.begin_object();
  w.key("Responses");
  w.begin_object();
  std::vector<ConsumedCapacity> capacity;
  // Keys left over once the response reaches 16 MB, per table.
  std::vector<std::vector<json::element>> unprocessed(tables.size());
  {
    storage::ReadTxn txn = ctx.engine.begin_read();
    std::size_t bytes = 0;
    Item item;
    for (std::size_t ti = 0; ti < tables.size(); ++ti) {
      auto& t = tables[ti];
      w.key(t.name);
      w.begin_array();
      double units = 0;
      for (auto& [key, raw] : t.keys) {
        if (bytes >= kMaxResponseBytes) {
          unprocessed[ti].push_back(raw);
          continue;
        }
        if (!txn.get(*t.table, key, &item)) continue;
        const std::size_t size = item_size(item);
        bytes += size;
        if (bytes > give_up_bytes) return std::nullopt;
        units += read_units(size, t.consistent);
        if (t.projection.active())
          w.item(t.projection.apply(item));
        else
          w.item(item);
      }
      w.end_array();
      capacity.push_back(ConsumedCapacity{t.table->name, units});
    }
  }
  w.end_object();
  write_unprocessed(w, tables, unprocessed);
  write_consumed_capacity(w, rcc, capacity);
  w.end_object();
  return w.take();
}

}  // namespace

Result batch_get_item(RequestContext& ctx, json::object body) {
  static const std::vector<FieldSpec> specs = {
      FieldSpec{.name = "RequestItems", .type = FieldType::Map, .not_null = true, .min_length = 1, .java_class = "com.amazonaws.dynamodb.v20120810.KeysAndAttributes"},
      return_consumed_capacity_spec(),
  };
  ValidationErrors errors;
  check_request(body, specs, errors);
  auto rcc = parse_return_consumed_capacity(get_string(body, "ReturnConsumedCapacity"));
  json::object request_items = *get_object(body, "RequestItems");

  std::size_t total = 0;
  for (auto [table_name, req] : request_items) {
    std::string_view name = table_name;
    if (name.size() < limits::kMinTableNameLength || name.size() > limits::kMaxTableNameLength || !matches_name_pattern(name))
      throw ApiError::validation("1 validation error detected: Value '" + std::string(name) +
                                 "' at 'requestItems' failed to satisfy constraint: Map keys must satisfy constraint: "
                                 "[Member must have length less than or equal to 255, Member must have length greater "
                                 "than or equal to 3, Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+]");
    json::object o = expect_object(req);
    auto keys = get_array(o, "Keys");
    if (!keys)
      throw ApiError::validation("1 validation error detected: Value null at 'requestItems." + std::string(name) +
                                 ".member.keys' failed to satisfy constraint: Member must not be null");
    if (keys->size() == 0)
      throw ApiError::validation("1 validation error detected: Value '[]' at 'requestItems." + std::string(name) +
                                 ".member.keys' failed to satisfy constraint: Member must have length greater than or "
                                 "equal to 1");
    if (keys->size() > limits::kMaxBatchGetKeys) {
      json::element keys_element;
      if (o.at_key("Keys").get(keys_element) != simdjson::SUCCESS) throw ApiError::internal("Keys vanished");
      throw ApiError::validation("1 validation error detected: Value '" + display_value(keys_element) + "' at 'requestItems." +
                                 std::string(name) +
                                 ".member.keys' failed to satisfy constraint: Member must have length less than or "
                                 "equal to 100");
    }
    total += keys->size();
  }
  if (total > limits::kMaxBatchGetKeys) throw ApiError::validation("Too many items requested for the BatchGetItem call");

  std::vector<TableRequest> tables;
  for (auto [table_name, req] : request_items) {
    TableRequest t;
    t.name = std::string(std::string_view(table_name));
    t.request = expect_object(req);
    t.projection = decode_read_projection(t.request);
    t.consistent = get_bool(t.request, "ConsistentRead").value_or(false);
    tables.push_back(std::move(t));
  }
  for (auto& t : tables) {
    t.table = require_table(ctx, t.name, true);
    std::set<std::string> seen;
    const json::array keys = *get_array(t.request, "Keys");
    for (json::element k : keys) {
      storage::PrimaryKey key = key_from_map(*t.table, decode_attribute_map(expect_object(k)));
      std::string enc = storage::stored_key(*t.table, key);
      if (!seen.insert(std::move(enc)).second)
        throw ApiError::validation("Provided list of item keys contains duplicates");
      t.keys.emplace_back(std::move(key), k);
    }
  }

  // Up to 1 MB of items (a Query page) is answered on this thread; past
  // that the answer is built again on the heavy-work pool (issue 10, item 5).
  auto out = build_response(ctx, tables, rcc, ctx.heavy ? kInlineItemBytes : kNoLimit);
  if (!out) out = co_await ctx.run_heavy([&] { return build_response(ctx, tables, rcc, kNoLimit); });
  co_return std::move(*out);
}

}  // namespace ddbd::api::ops
