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
//   3. key schema vs attribute definitions, HASH first / RANGE second;
//   4. attribute definitions not used by any key;
//   5. LSI rules, GSI rules, index name duplicates, index count limits;
//   6. the table must not exist (ResourceInUseException).
#include <openssl/rand.h>

#include <map>
#include <set>

#include "api/ops/ops.hh"
#include "api/table_ops.hh"
#include "api/shapes.hh"
#include "api/table_schema.hh"

namespace ddbd::api::ops {

namespace {

FieldSpec index_spec(std::string_view name, bool global) {
  std::vector<FieldSpec> members = {
      FieldSpec{.name = "IndexName", .not_null = true, .min_length = limits::kMinTableNameLength, .max_length = limits::kMaxTableNameLength, .name_pattern = true},
      key_schema_spec(), projection_spec()};
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
  };
  return s;
}

std::string new_uuid() {
  unsigned char b[16];
  RAND_bytes(b, sizeof b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s.push_back('-');
    s.push_back(kHex[b[i] >> 4]);
    s.push_back(kHex[b[i] & 15]);
  }
  return s;
}

}  // namespace

Result create_table(RequestContext& ctx, json::object body) {
  ValidationErrors errors;
  check_request(body, specs(), errors);

  storage::TableDef def;
  def.ns = ctx.ns;
  def.name = std::string(*get_string(body, "TableName"));
  def.region = ctx.region;
  def.account_id = ctx.config.account_id;
  def.table_uuid = new_uuid();

  auto billing = get_string(body, "BillingMode");
  auto throughput = get_object(body, "ProvisionedThroughput");
  def.billing_mode = billing ? std::string(*billing) : "PROVISIONED";
  if (def.billing_mode == "PAY_PER_REQUEST") {
    if (throughput)
      invalid("Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST");
  } else {
    if (!throughput)
      invalid("ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED");
    def.read_capacity = *get_long(*throughput, "ReadCapacityUnits");
    def.write_capacity = *get_long(*throughput, "WriteCapacityUnits");
    if (def.read_capacity > 1000000000000)
      throw ApiError::validation("Given value " + std::to_string(def.read_capacity) + " for ReadCapacityUnits is out of bounds");
    if (def.write_capacity > 1000000000000)
      throw ApiError::validation("Given value " + std::to_string(def.write_capacity) + " for WriteCapacityUnits is out of bounds");
  }

  std::vector<std::string> defined;
  std::map<std::string, AttrType> types;
  const json::array attribute_definitions = *get_array(body, "AttributeDefinitions");
  for (json::element e : attribute_definitions) {
    json::object o = expect_object(e);
    std::string name(*get_string(o, "AttributeName"));
    AttrType t;
    attr_type_from_name(*get_string(o, "AttributeType"), t);
    if (types.count(name)) invalid("Duplicate AttributeName in AttributeDefinitions: " + name);
    defined.push_back(name);
    types[name] = t;
    def.attribute_definitions.emplace_back(name, t);
  }

  auto keys = read_key_schema(*get_array(body, "KeySchema"));
  if (keys.size() > defined.size()) throw ApiError::validation("Invalid KeySchema: Some index key attribute have no definition");
  check_key_schema(keys, defined);
  def.key = to_key_schema(keys, types);

  std::set<std::string> used;
  for (const auto& k : keys) used.insert(k.name);
  std::set<std::string> index_names;

  auto lsis = get_array(body, "LocalSecondaryIndexes");
  auto gsis = get_array(body, "GlobalSecondaryIndexes");
  uint32_t next_index_id = 1;
  auto read_index = [&](json::object o, bool global) {
    storage::IndexDef ix;
    ix.global = global;
    ix.name = std::string(*get_string(o, "IndexName"));
    auto ikeys = read_key_schema(*get_array(o, "KeySchema"));
    check_key_schema(ikeys, defined);
    read_projection(*get_object(o, "Projection"), ix);
    if (!global) {
      if (ikeys.size() != 2) invalid("Index KeySchema does not have a range key for index: " + ix.name);
      if (ikeys[0].name != keys[0].name)
        invalid("Index KeySchema does not have the same leading hash key as table KeySchema for index: " + ix.name +
                ". index hash key: " + ikeys[0].name + ", table hash key: " + keys[0].name);
    } else {
      auto ipt = get_object(o, "ProvisionedThroughput");
      if (def.billing_mode == "PAY_PER_REQUEST" && ipt)
        invalid("ProvisionedThroughput should not be specified for index: " + ix.name + " when BillingMode is PAY_PER_REQUEST");
      if (def.billing_mode != "PAY_PER_REQUEST") {
        if (!ipt) invalid("ProvisionedThroughput must be specified for index: " + ix.name);
        ix.read_capacity = *get_long(*ipt, "ReadCapacityUnits");
        ix.write_capacity = *get_long(*ipt, "WriteCapacityUnits");
      }
    }
    if (!index_names.insert(ix.name).second) invalid("Duplicate index name: " + ix.name);
    for (const auto& k : ikeys) used.insert(k.name);
    ix.key = to_key_schema(ikeys, types);
    ix.index_id = next_index_id++;
    def.indexes.push_back(std::move(ix));
  };
  if (lsis) {
    if (lsis->size() == 0) invalid("List of LocalSecondaryIndexes is empty");
    if (keys.size() != 2)
      invalid("Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex");
    for (json::element e : *lsis) read_index(expect_object(e), false);
    if (lsis->size() > limits::kMaxLocalSecondaryIndexes) invalid("Number of LocalSecondaryIndexes exceeds per-table limit of 5");
  }
  if (gsis) {
    if (gsis->size() == 0) invalid("List of GlobalSecondaryIndexes is empty");
    for (json::element e : *gsis) read_index(expect_object(e), true);
    if (gsis->size() > limits::kMaxGlobalSecondaryIndexes) invalid("GlobalSecondaryIndex count exceeds the per-table limit of 20");
  }
  if (used.size() != defined.size())
    invalid("Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions");

  if (auto tags = get_array(body, "Tags"))
    for (json::element e : *tags) {
      json::object o = expect_object(e);
      def.tags.emplace_back(std::string(*get_string(o, "Key")), std::string(*get_string(o, "Value")));
    }
  if (auto dp = get_bool(body, "DeletionProtectionEnabled")) def.deletion_protection = *dp;
  if (auto tc = get_string(body, "TableClass")) def.table_class = std::string(*tc);

  const double now = ctx.now();
  def.creation_time = now;
  def.billing_mode_last_update = def.billing_mode == "PAY_PER_REQUEST" ? now : 0;
  def.status = ctx.config.transient_status_seconds > 0 ? "CREATING" : "ACTIVE";
  def.status_ready_time = now + ctx.config.transient_status_seconds;
  for (auto& ix : def.indexes) ix.status = def.status;

  // ---- execute ----
  CreateTableOp op(def);
  CreateTableOp::Result created;
  storage::Status st = co_await ctx.write(op, created);
  if (created.out.exists) throw ApiError::resource_in_use("Table already exists: " + def.name);
  check_storage(st);

  JsonWriter w;
  w.begin_object();
  w.key("TableDescription");
  write_table_description(w, created.out.def, storage::TableStats{}, now);
  w.end_object();
  co_return w.take();
}

}  // namespace ddbd::api::ops
