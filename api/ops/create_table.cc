// CreateTable
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html
//
// Creates a table (and its index definitions) in the caller's namespace.
// Status is ACTIVE at once, or CREATING for --delay-transient-statuses.
//
// Order of checks (dynalite validations/createTable.js, which records real
// DynamoDB answers):
//   1. member types (SerializationException), then Coral constraints,
//      aggregated: tableName pattern/length, attributeDefinitions and
//      keySchema not null, keySchema length 1..2, enums, throughput >= 1;
//   2. BillingMode vs ProvisionedThroughput, throughput upper bound;
//   3. key schema vs attribute definitions, HASH first / RANGE second (a
//      GSI: up to 4 HASH then up to 4 RANGE attributes, check_gsi_key_schema);
//   4. attribute definitions not used by any key;
//   5. LSI rules, GSI rules, index name duplicates, index count limits;
//   6. Tags (characters, the aws: prefix, at most 50), TableClass,
//      SSESpecification, OnDemandThroughput (PAY_PER_REQUEST only),
//      WarmThroughput (api/table_settings.hh);
//   7. the table must not exist (ResourceInUseException).
#include "api/ops/create_table.hh"

#include <map>
#include <set>

#include "api/hex.hh"
#include "api/ops/ops.hh"
#include "api/ops/run.hh"
#include "api/table_ops.hh"
#include "api/shapes.hh"
#include "api/table_schema.hh"
#include "api/table_settings.hh"
#include "api/tags.hh"
#include "storage/digest.hh"

namespace ddbd::api::ops {

namespace {

FieldSpec index_spec(std::string_view name, bool global) {
  std::vector<FieldSpec> members = {
      FieldSpec{.name = "IndexName", .not_null = true, .min_length = limits::kMinTableNameLength, .max_length = limits::kMaxTableNameLength, .name_pattern = true},
      global ? gsi_key_schema_spec() : key_schema_spec(), projection_spec()};
  if (global) members.push_back(throughput_spec());
  return FieldSpec{.name = name,
                   .type = FieldType::List,
                   .element = {FieldSpec{.type = FieldType::Struct, .members = std::move(members)}}};
}

const std::vector<FieldSpec>& specs() {
  static const std::vector<FieldSpec> s = {
      FieldSpec{.name = "AttributeDefinitions",
                .type = FieldType::List,
                .not_null = true,
                .element = {FieldSpec{.type = FieldType::Struct,
                                      .members = {FieldSpec{.name = "AttributeName", .not_null = true, .min_length = 1, .max_length = limits::kMaxKeyAttributeNameLength},
                                                  FieldSpec{.name = "AttributeType", .not_null = true, .enum_values = {"B", "N", "S"}}}}}},
      table_name_spec(true),
      key_schema_spec(),
      index_spec("LocalSecondaryIndexes", false),
      index_spec("GlobalSecondaryIndexes", true),
      FieldSpec{.name = "BillingMode", .enum_values = {"PROVISIONED", "PAY_PER_REQUEST"}},
      throughput_spec(),
      FieldSpec{.name = "TableClass", .enum_values = {"STANDARD", "STANDARD_INFREQUENT_ACCESS"}},
      FieldSpec{.name = "DeletionProtectionEnabled", .type = FieldType::Boolean},
      FieldSpec{.name = "Tags",
                .type = FieldType::List,
                .element = {FieldSpec{.type = FieldType::Struct,
                                      .members = {FieldSpec{.name = "Key", .not_null = true, .min_length = 1, .max_length = 128},
                                                  FieldSpec{.name = "Value", .not_null = true, .min_length = 0, .max_length = 256}}}}},
      stream_specification_spec(),
      sse_specification_spec(),
      on_demand_throughput_spec(),
      warm_throughput_spec(),
  };
  return s;
}

std::string new_uuid() {
  unsigned char b[16];
  storage::random_bytes(b, sizeof b);
  return uuid_text(b);
}

// What decoding the table's and its indexes' key schemas shares.
struct KeyContext {
  std::vector<std::string> defined;         // AttributeDefinitions, in order
  std::map<std::string, AttrType> types;    // their types
  std::vector<RawKey> table_keys;
  std::set<std::string> used;               // attributes some key uses
  std::set<std::string> index_names;
};

// BillingMode and ProvisionedThroughput.
void decode_billing(json::object body, storage::TableDef& def) {
  auto billing = get_string(body, "BillingMode");
  auto throughput = get_object(body, "ProvisionedThroughput");
  def.billing_mode = billing ? std::string(*billing) : "PROVISIONED";
  if (def.billing_mode == "PAY_PER_REQUEST") {
    if (throughput)
      invalid("Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST");
    return;
  }
  if (!throughput)
    invalid("ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED");
  def.read_capacity = *get_long(*throughput, "ReadCapacityUnits");
  def.write_capacity = *get_long(*throughput, "WriteCapacityUnits");
  if (def.read_capacity > 1000000000000)
    throw ApiError::validation("Given value " + std::to_string(def.read_capacity) + " for ReadCapacityUnits is out of bounds");
  if (def.write_capacity > 1000000000000)
    throw ApiError::validation("Given value " + std::to_string(def.write_capacity) + " for WriteCapacityUnits is out of bounds");
}

// AttributeDefinitions (no duplicates), then the table's KeySchema.
void decode_table_keys(json::object body, storage::TableDef& def, KeyContext& kc) {
  const json::array definitions = *get_array(body, "AttributeDefinitions");
  for (json::element e : definitions) {
    json::object o = expect_object(e);
    std::string name(*get_string(o, "AttributeName"));
    AttrType t;
    attr_type_from_name(*get_string(o, "AttributeType"), t);
    // DynamoDB words it without the usual prefix, with the same or another type.
    if (kc.types.count(name)) throw ApiError::validation("Attribute Name is duplicated: " + name);
    kc.defined.push_back(name);
    kc.types[name] = t;
    def.attribute_definitions.emplace_back(name, t);
  }
  kc.table_keys = read_key_schema(*get_array(body, "KeySchema"));
  if (kc.table_keys.size() > kc.defined.size())
    throw ApiError::validation("Invalid KeySchema: Some index key attribute have no definition");
  check_key_schema(kc.table_keys, kc.defined);
  def.key = to_key_schema(kc.table_keys, kc.types);
  for (const auto& k : kc.table_keys) kc.used.insert(k.name);
}

// One element of LocalSecondaryIndexes (`global` false) or
// GlobalSecondaryIndexes.
storage::IndexDef decode_index(json::object o, bool global, const storage::TableDef& def, KeyContext& kc) {
  storage::IndexDef ix;
  ix.global = global;
  ix.name = std::string(*get_string(o, "IndexName"));
  auto ikeys = read_key_schema(*get_array(o, "KeySchema"));
  if (global)
    check_gsi_key_schema(ikeys, kc.defined);
  else
    check_key_schema(ikeys, kc.defined);
  read_projection(*get_object(o, "Projection"), ix);
  if (!global) {
    if (ikeys.size() != 2) invalid("Index KeySchema does not have a range key for index: " + ix.name);
    if (ikeys[0].name != kc.table_keys[0].name)
      invalid("Index KeySchema does not have the same leading hash key as table KeySchema for index: " + ix.name +
              ". index hash key: " + ikeys[0].name + ", table hash key: " + kc.table_keys[0].name);
  } else {
    auto ipt = get_object(o, "ProvisionedThroughput");
    if (def.billing_mode == "PAY_PER_REQUEST" && ipt)
      invalid("ProvisionedThroughput should not be specified for index: " + ix.name + " when BillingMode is PAY_PER_REQUEST");
    if (def.billing_mode != "PAY_PER_REQUEST") {
      if (!ipt) invalid("ProvisionedThroughput is not specified for index: " + ix.name);
      ix.read_capacity = *get_long(*ipt, "ReadCapacityUnits");
      ix.write_capacity = *get_long(*ipt, "WriteCapacityUnits");
    }
  }
  if (!kc.index_names.insert(ix.name).second) invalid("Duplicate index name: " + ix.name);
  for (const auto& k : ikeys) kc.used.insert(k.name);
  ix.key = to_key_schema(ikeys, kc.types);
  ix.index_id = static_cast<uint32_t>(def.indexes.size() + 1);
  return ix;
}

// LocalSecondaryIndexes, then GlobalSecondaryIndexes, then every defined
// attribute is used by some key.
void decode_indexes(json::object body, storage::TableDef& def, KeyContext& kc) {
  if (auto lsis = get_array(body, "LocalSecondaryIndexes")) {
    if (lsis->size() == 0) invalid("List of LocalSecondaryIndexes is empty");
    if (kc.table_keys.size() != 2)
      invalid("Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex");
    for (json::element e : *lsis) def.indexes.push_back(decode_index(expect_object(e), false, def, kc));
    if (lsis->size() > limits::kMaxLocalSecondaryIndexes) invalid("Number of LocalSecondaryIndexes exceeds per-table limit of 5");
  }
  if (auto gsis = get_array(body, "GlobalSecondaryIndexes")) {
    if (gsis->size() == 0) invalid("List of GlobalSecondaryIndexes is empty");
    for (json::element e : *gsis) def.indexes.push_back(decode_index(expect_object(e), true, def, kc));
    if (gsis->size() > limits::kMaxGlobalSecondaryIndexes) invalid("GlobalSecondaryIndex count exceeds the per-table limit of 20");
  }
  if (kc.used.size() != kc.defined.size())
    invalid("Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions");
}

}  // namespace

CreateTableRequest decode_create_table(json::object body) {
  ValidationErrors errors;
  check_request(body, specs(), errors);
  CreateTableRequest req;
  storage::TableDef& def = req.table;
  def.name = std::string(*get_string(body, "TableName"));
  decode_billing(body, def);
  KeyContext kc;
  decode_table_keys(body, def, kc);
  decode_indexes(body, def, kc);
  check_projected_attribute_count(def.indexes);
  if (auto tags = get_array(body, "Tags")) {
    TagList given;
    for (json::element e : *tags) {
      json::object o = expect_object(e);
      given.emplace_back(std::string(*get_string(o, "Key")), std::string(*get_string(o, "Value")));
    }
    check_tag_content(given);
    def.tags = merge_tags({}, given, {});  // a key given twice keeps its last value
    check_tag_count(def.tags.size());
  }
  if (auto dp = get_bool(body, "DeletionProtectionEnabled")) def.deletion_protection = *dp;
  if (auto tc = get_string(body, "TableClass")) {
    def.table_class = std::string(*tc);
    req.table_class_given = true;
  }
  req.settings = decode_table_settings(body);
  if (req.settings.has_on_demand && def.billing_mode != "PAY_PER_REQUEST")
    invalid("OnDemandThroughput can only be specified when BillingMode is PAY_PER_REQUEST");
  if (auto spec = decode_stream_specification(body); spec && spec->enabled) {
    def.stream_enabled = true;  // CreateTableOp opens the stream
    def.stream_view_type = spec->view_type;
  }
  return req;
}

asio::awaitable<CreateTableResponse> execute(RequestContext& ctx, const CreateTableRequest& req) {
  auto def = std::make_shared<storage::TableDef>(req.table);
  def->ns = ctx.ns;
  def->region = ctx.region;
  def->account_id = ctx.config.account_id;
  def->table_uuid = new_uuid();
  const double now = ctx.now();
  def->creation_time = now;
  def->billing_mode_last_update = def->billing_mode == "PAY_PER_REQUEST" ? now : 0;
  def->status = ctx.config.transient_status_seconds > 0 ? "CREATING" : "ACTIVE";
  def->status_ready_time = now + ctx.config.transient_status_seconds;
  for (auto& ix : def->indexes) ix.status = def->status;
  apply_table_settings(req.settings, *def, def->region, def->account_id);
  if (req.table_class_given) apply_table_class(def->table_class, *def, now, true);

  CreateTableOp op(*def);
  CreateTableOp::Result created;
  storage::Status st = co_await ctx.write(op, created);
  if (created.out.exists) throw ApiError::resource_in_use("Table already exists: " + def->name);
  check_storage(st);
  *def = std::move(created.out.def);  // with its table_id
  co_return CreateTableResponse{DescribedTable{.table = std::move(def), .stats = {}, .index_stats = std::nullopt, .now = now, .status_override = {}}};
}

std::string to_json(const CreateTableRequest&, const CreateTableResponse& resp) {
  return table_description_response("TableDescription", resp.table);
}

Result create_table(RequestContext& ctx, json::object body) { return execute_to_json(ctx, decode_create_table(body)); }

}  // namespace ddbd::api::ops
