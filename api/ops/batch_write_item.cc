// BatchWriteItem
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html
//
// Up to 25 PutRequest / DeleteRequest entries over one or more tables.  The
// whole batch is validated first (tables exist, keys match their schemas,
// items valid, no key twice); then every write goes into one storage
// transaction, so a batch is never half applied.  Nothing is throttled yet,
// so UnprocessedItems is always empty.
#include <set>

#include "api/ops/ops.hh"
#include "api/shapes.hh"

namespace ddbd::api::ops {

namespace {

struct WriteEntry {
  std::shared_ptr<const storage::TableDef> table;
  bool put = true;
  Item item;               // put
  storage::PrimaryKey key;  // both
};

}  // namespace

Result batch_write_item(RequestContext& ctx, json::object body) {
  static const std::vector<FieldSpec> specs = {
      FieldSpec{.name = "RequestItems", .type = FieldType::Map, .not_null = true, .min_length = 1, .java_class = "java.util.List<com.amazonaws.dynamodb.v20120810.WriteRequest>"},
      return_consumed_capacity_spec(),
      FieldSpec{.name = "ReturnItemCollectionMetrics", .enum_values = {"SIZE", "NONE"}},
  };
  ValidationErrors errors;
  check_request(body, specs, errors);
  auto rcc = parse_return_consumed_capacity(get_string(body, "ReturnConsumedCapacity"));
  json::object request_items = *get_object(body, "RequestItems");

  // Shape and counts first, as DynamoDB checks them before any table.
  std::size_t total = 0;
  for (auto [table_name, requests] : request_items) {
    std::string_view name = table_name;
    if (name.size() < limits::kMinTableNameLength || name.size() > limits::kMaxTableNameLength || !matches_name_pattern(name))
      throw ApiError::validation("1 validation error detected: Value '" + std::string(name) +
                                 "' at 'requestItems' failed to satisfy constraint: Map keys must satisfy constraint: "
                                 "[Member must have length less than or equal to 255, Member must have length greater "
                                 "than or equal to 3, Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+]");
    if (!requests.is_array()) throw ApiError::serialization("Unexpected value type in payload");
    std::size_t n = json::array(requests).size();
    if (n == 0)
      throw ApiError::validation("1 validation error detected: Value '{" + std::string(name) +
                                 "=[]}' at 'requestItems' failed to satisfy constraint: Map value must satisfy "
                                 "constraint: [Member must have length less than or equal to 25, Member must have "
                                 "length greater than or equal to 1]");
    if (n > limits::kMaxBatchWriteRequests)
      throw ApiError::validation("1 validation error detected: Value '{" + std::string(name) + "=" +
                                 display_value(requests) +
                                 "}' at 'requestItems' failed to satisfy constraint: Map value must satisfy "
                                 "constraint: [Member must have length less than or equal to 25, Member must have "
                                 "length greater than or equal to 1]");
    total += n;
  }
  if (total > limits::kMaxBatchWriteRequests) throw ApiError::validation("Too many items requested for the BatchWriteItem call");

  std::vector<WriteEntry> entries;
  entries.reserve(total);
  std::vector<ConsumedCapacity> capacity;
  std::set<std::string> seen;
  for (auto [table_name, requests] : request_items) {
    auto table = require_table(ctx, std::string_view(table_name), true);
    capacity.push_back(ConsumedCapacity{table->name, 0.0});
    for (json::element r : json::array(requests)) {
      json::object o = expect_object(r);
      auto put = get_object(o, "PutRequest");
      auto del = get_object(o, "DeleteRequest");
      if ((put ? 1 : 0) + (del ? 1 : 0) != 1)
        throw ApiError::validation("Supplied WriteRequest must contain exactly one of PutRequest or DeleteRequest");
      WriteEntry e;
      e.table = table;
      if (put) {
        auto item = get_object(*put, "Item");
        if (!item)
          throw ApiError::validation("1 validation error detected: Value null at 'requestItems." + table->name +
                                     ".member.putRequest.item' failed to satisfy constraint: Member must not be null");
        e.item = decode_attribute_map(*item);
        validate_item_for_write(*table, e.item);
        storage::extract_key(table->key, e.item, e.key);
      } else {
        auto key = get_object(*del, "Key");
        if (!key)
          throw ApiError::validation("1 validation error detected: Value null at 'requestItems." + table->name +
                                     ".member.deleteRequest.key' failed to satisfy constraint: Member must not be null");
        e.put = false;
        e.key = key_from_map(*table, decode_attribute_map(*key));
      }
      std::string k = storage::stored_key(*table, e.key);
      if (!seen.insert(std::move(k)).second)
        throw ApiError::validation("Provided list of item keys contains duplicates");
      capacity.back().units += write_units(e.put ? item_size(e.item) : 0);
      entries.push_back(std::move(e));
    }
  }

  storage::Status st = co_await ctx.write([&entries](storage::WriteTxn& txn) {
    for (const auto& e : entries) {
      storage::Status s = e.put ? txn.put(*e.table, e.item) : txn.erase(*e.table, e.key);
      if (!e.put && s == storage::Status::not_found && txn.find_table(e.table->ns, e.table->name)) continue;  // no such item
      if (s != storage::Status::ok) return s;
    }
    return storage::Status::ok;
  });
  check_storage(st);

  JsonWriter w;
  w.begin_object();
  w.key("UnprocessedItems");
  w.begin_object();
  w.end_object();
  write_consumed_capacity(w, rcc, capacity);
  w.end_object();
  co_return w.take();
}

}  // namespace ddbd::api::ops
