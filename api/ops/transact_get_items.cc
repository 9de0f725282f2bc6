// TransactGetItems
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactGetItems.html
//
// Up to 100 Gets, read from one LMDB snapshot (a serializable read: no write
// can be seen half done).  Responses are in request order; a missing item
// gives an empty object.
#include <set>

#include "api/ops/ops.hh"
#include "api/read_common.hh"
#include "api/shapes.hh"

namespace ddbd::api::ops {

Result transact_get_items(RequestContext& ctx, json::object body) {
  static const std::vector<FieldSpec> specs = {
      FieldSpec{.name = "TransactItems", .type = FieldType::List, .not_null = true, .min_length = 1, .max_length = limits::kMaxTransactionActions},
      return_consumed_capacity_spec(),
  };
  ValidationErrors errors;
  check_request(body, specs, errors);
  auto rcc = parse_return_consumed_capacity(get_string(body, "ReturnConsumedCapacity"));

  struct Get {
    std::shared_ptr<const storage::TableDef> table;
    storage::PrimaryKey key;
    ReadProjection projection;
  };
  std::vector<Get> gets;
  std::set<std::string> seen;
  const json::array transact_items = *get_array(body, "TransactItems");
  for (json::element e : transact_items) {
    json::object o = expect_object(e);
    auto g = get_object(o, "Get");
    if (!g)
      throw ApiError::validation("1 validation error detected: Value null at 'transactItems.member.get' failed to "
                                 "satisfy constraint: Member must not be null");
    auto table_name = get_string(*g, "TableName");
    auto key = get_object(*g, "Key");
    if (!table_name || !key)
      throw ApiError::validation(std::string("1 validation error detected: Value null at 'transactItems.member.get.") +
                                 (table_name ? "key" : "tableName") + "' failed to satisfy constraint: Member must not be null");
    Get get;
    get.projection = decode_read_projection(*g);
    get.table = require_table(ctx, *table_name, true);
    get.key = key_from_map(*get.table, decode_attribute_map(*key));
    std::string enc = storage::stored_key(*get.table, get.key);
    if (!seen.insert(std::move(enc)).second)
      throw ApiError::validation("Transaction request cannot include multiple operations on one item");
    gets.push_back(std::move(get));
  }

  JsonWriter w;
  w.begin_object();
  w.key("Responses");
  w.begin_array();
  std::vector<ConsumedCapacity> capacity;
  {
    storage::ReadTxn txn = ctx.engine.begin_read();
    Item item;
    for (const auto& g : gets) {
      w.begin_object();
      double units = 2 * read_units(0, true);
      if (txn.get(*g.table, g.key, &item)) {
        units = 2 * read_units(item_size(item), true);
        w.key("Item");
        if (g.projection.active())
          w.item(g.projection.apply(item));
        else
          w.item(item);
      }
      w.end_object();
      add_capacity(capacity, g.table->name, units);
    }
  }
  w.end_array();
  write_consumed_capacity(w, rcc, capacity);
  w.end_object();
  co_return w.take();
}

}  // namespace ddbd::api::ops
