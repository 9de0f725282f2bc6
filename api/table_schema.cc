#include "api/table_schema.hh"

#include <algorithm>

#include "api/errors.hh"
#include "storage/limits.hh"

namespace ddbd::api {

std::vector<FieldSpec> key_schema_element() {
  return {FieldSpec{.name = "AttributeName", .not_null = true, .min_length = 1, .max_length = limits::kMaxKeyAttributeNameLength},
          FieldSpec{.name = "KeyType", .not_null = true, .enum_values = {"HASH", "RANGE"}}};
}

FieldSpec key_schema_spec() {
  return FieldSpec{.name = "KeySchema",
                   .type = FieldType::List,
                   .not_null = true,
                   .min_length = 1,
                   .max_length = 2,
                   .element = {FieldSpec{.type = FieldType::Struct, .members = key_schema_element()}}};
}

FieldSpec gsi_key_schema_spec() {
  FieldSpec f = key_schema_spec();
  f.max_length.reset();  // up to 4 HASH and 4 RANGE: check_gsi_key_schema
  return f;
}

FieldSpec throughput_spec() {
  return FieldSpec{.name = "ProvisionedThroughput",
                   .type = FieldType::Struct,
                   .members = {FieldSpec{.name = "ReadCapacityUnits", .type = FieldType::Long, .not_null = true, .min_value = 1},
                               FieldSpec{.name = "WriteCapacityUnits", .type = FieldType::Long, .not_null = true, .min_value = 1}}};
}

FieldSpec stream_specification_spec() {
  return FieldSpec{.name = "StreamSpecification",
                   .type = FieldType::Struct,
                   .members = {FieldSpec{.name = "StreamEnabled", .type = FieldType::Boolean, .not_null = true},
                               FieldSpec{.name = "StreamViewType",
                                         .enum_values = {"NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY"}}}};
}

std::optional<StreamSpecRequest> decode_stream_specification(json::object body) {
  auto spec = get_object(body, "StreamSpecification");
  if (!spec) return std::nullopt;
  StreamSpecRequest out;
  out.enabled = get_bool(*spec, "StreamEnabled").value_or(false);
  if (auto view = get_string(*spec, "StreamViewType")) out.view_type = std::string(*view);
  if (out.enabled && out.view_type.empty())
    throw ApiError::validation("StreamSpecification: StreamViewType is required when StreamEnabled is true");
  return out;
}

FieldSpec sse_specification_spec() {
  return FieldSpec{.name = "SSESpecification",
                   .type = FieldType::Struct,
                   .members = {FieldSpec{.name = "Enabled", .type = FieldType::Boolean},
                               FieldSpec{.name = "SSEType", .enum_values = {"AES256", "KMS"}},
                               FieldSpec{.name = "KMSMasterKeyId"}}};
}

FieldSpec projection_spec() {
  return FieldSpec{.name = "Projection",
                   .type = FieldType::Struct,
                   .not_null = true,
                   .members = {FieldSpec{.name = "ProjectionType", .enum_values = {"ALL", "KEYS_ONLY", "INCLUDE"}},
                               FieldSpec{.name = "NonKeyAttributes",
                                         .type = FieldType::List,
                                         .min_length = 1,
                                         .max_length = limits::kMaxProjectedNonKeyAttributes,
                                         .element = {FieldSpec{.min_length = 1, .max_length = limits::kMaxKeyAttributeNameLength}}}}};
}


std::vector<RawKey> read_key_schema(json::array a) {
  std::vector<RawKey> keys;
  for (json::element e : a) {
    json::object o = expect_object(e);
    keys.push_back(RawKey{std::string(*get_string(o, "AttributeName")), std::string(*get_string(o, "KeyType"))});
  }
  return keys;
}

std::string join_names(const std::vector<std::string>& v) {
  std::string s;
  for (std::size_t i = 0; i < v.size(); ++i) s.append(i ? ", " : "").append(v[i]);
  return s;
}

[[noreturn]] void invalid(const std::string& msg) {
  throw ApiError::validation("One or more parameter values were invalid: " + msg);
}

// Every key attribute is in AttributeDefinitions.
void check_keys_defined(const std::vector<RawKey>& keys, const std::vector<std::string>& defined) {
  for (const auto& k : keys)
    if (std::find(defined.begin(), defined.end(), k.name) == defined.end()) {
      std::vector<std::string> names;
      for (const auto& x : keys) names.push_back(x.name);
      invalid("Some index key attributes are not defined in AttributeDefinitions. Keys: [" + join_names(names) +
              "], AttributeDefinitions: [" + join_names(defined) + "]");
    }
}

void check_key_schema(const std::vector<RawKey>& keys, const std::vector<std::string>& defined) {
  check_keys_defined(keys, defined);
  if (keys.size() == 2 && keys[0].name == keys[1].name)
    throw ApiError::validation("Both the Hash Key and the Range Key element in the KeySchema have the same name");
  if (keys[0].type != "HASH") throw ApiError::validation("Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
  if (keys.size() == 2 && keys[1].type != "RANGE")
    throw ApiError::validation("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type");
}

void check_gsi_key_schema(const std::vector<RawKey>& keys, const std::vector<std::string>& defined) {
  const bool single = keys.size() == 1 || (keys.size() == 2 && keys[1].type == "RANGE");
  if (single) {
    check_key_schema(keys, defined);
    return;
  }
  check_keys_defined(keys, defined);
  for (std::size_t i = 0; i < keys.size(); ++i)
    for (std::size_t j = i + 1; j < keys.size(); ++j)
      if (keys[i].name == keys[j].name)
        throw ApiError::validation("The KeySchema contains multiple key attributes with the same name");
  if (keys[0].type != "HASH") throw ApiError::validation("Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
  std::size_t hashes = 0, ranges = 0;
  for (const auto& k : keys) {
    if (k.type == "HASH" && ranges > 0)
      invalid("All HASH key attributes must precede RANGE key attributes in the KeySchema");
    ++(k.type == "HASH" ? hashes : ranges);
  }
  if (hashes > limits::kMaxMultiKeyAttributes)
    invalid("The KeySchema exceeds the maximum allowed number of HASH key attributes");
  if (ranges > limits::kMaxMultiKeyAttributes)
    invalid("The KeySchema exceeds the maximum allowed number of RANGE key attributes");
}

storage::KeySchema to_key_schema(const std::vector<RawKey>& keys, const std::map<std::string, AttrType>& types) {
  storage::KeySchema k;
  k.hash = storage::KeyAttr{keys[0].name, types.at(keys[0].name)};
  for (std::size_t i = 1; i < keys.size(); ++i) {
    storage::KeyAttr a{keys[i].name, types.at(keys[i].name)};
    if (keys[i].type == "HASH")
      k.hash_more.push_back(std::move(a));
    else if (!k.range)
      k.range = std::move(a);
    else
      k.range_more.push_back(std::move(a));
  }
  return k;
}

ProjectionRequest decode_projection(json::object proj) {
  ProjectionRequest p;
  if (auto ptype = get_string(proj, "ProjectionType")) p.projection_type = std::string(*ptype);
  if (auto non_key = get_array(proj, "NonKeyAttributes")) {
    p.non_key_attributes.emplace();
    for (json::element a : *non_key) p.non_key_attributes->emplace_back(expect_string(a));
  }
  return p;
}

void apply_projection(const ProjectionRequest& proj, storage::IndexDef& ix) {
  if (!proj.projection_type) invalid("Unknown ProjectionType: null");
  const std::string& ptype = *proj.projection_type;
  if (proj.non_key_attributes && ptype != "INCLUDE")
    invalid("ProjectionType is " + ptype + ", but NonKeyAttributes is specified");
  if (!proj.non_key_attributes && ptype == "INCLUDE") invalid("ProjectionType is INCLUDE, but NonKeyAttributes is not specified");
  if (proj.non_key_attributes)
    for (std::size_t i = 0; i < proj.non_key_attributes->size(); ++i)
      for (std::size_t j = 0; j < i; ++j)
        if ((*proj.non_key_attributes)[i] == (*proj.non_key_attributes)[j])
          invalid("Duplicate element in NonKeyAttributes: " + (*proj.non_key_attributes)[i]);
  ix.projection = ptype == "ALL"         ? storage::ProjectionType::ALL
                  : ptype == "KEYS_ONLY" ? storage::ProjectionType::KEYS_ONLY
                                         : storage::ProjectionType::INCLUDE;
  if (proj.non_key_attributes) ix.non_key_attributes.insert(ix.non_key_attributes.end(), proj.non_key_attributes->begin(), proj.non_key_attributes->end());
}

void read_projection(json::object proj, storage::IndexDef& ix) { apply_projection(decode_projection(proj), ix); }

// NonKeyAttributes summed over all the table's INCLUDE projections: at most
// 100 (API Reference, Projection).
constexpr std::size_t kMaxProjectedAttributesAllIndexes = 100;

void check_projected_attribute_count(const std::vector<storage::IndexDef>& indexes) {
  std::size_t n = 0;
  for (const auto& ix : indexes)
    if (ix.projection == storage::ProjectionType::INCLUDE) n += ix.non_key_attributes.size();
  if (n > kMaxProjectedAttributesAllIndexes)
    invalid("Number of projected attributes in all indexes exceeds limit of " +
            std::to_string(kMaxProjectedAttributesAllIndexes));
}

}  // namespace ddbd::api
