// Key schemas, projections and throughput of tables and indexes: the
// request shapes and checks that CreateTable and UpdateTable share.
//
// Thread-safety: pure functions.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/field_spec.hh"
#include "storage/schema.hh"

namespace ddbd::api {

std::vector<FieldSpec> key_schema_element();
FieldSpec key_schema_spec();
// A GSI's KeySchema: as key_schema_spec() without its length limit of 2
// (multi-attribute keys; check_gsi_key_schema counts the attributes).
FieldSpec gsi_key_schema_spec();
FieldSpec throughput_spec();
FieldSpec projection_spec();
// StreamSpecification and SSESpecification: their members are type-checked
// (StreamEnabled and Enabled are Booleans); ddbd does not act on SSE.
FieldSpec stream_specification_spec();
FieldSpec sse_specification_spec();

// A StreamSpecification as given (CreateTable, UpdateTable), or nullopt when
// absent.  StreamEnabled true needs a StreamViewType (ValidationException).
struct StreamSpecRequest {
  bool enabled = false;
  std::string view_type;
};
std::optional<StreamSpecRequest> decode_stream_specification(json::object body);

struct RawKey {
  std::string name;
  std::string type;  // HASH / RANGE
};

std::vector<RawKey> read_key_schema(json::array a);
std::string join_names(const std::vector<std::string>& v);
// Throws "One or more parameter values were invalid: <msg>".
[[noreturn]] void invalid(const std::string& msg);
// Checks shared by the table's and the indexes' key schemas.
void check_key_schema(const std::vector<RawKey>& keys, const std::vector<std::string>& defined);
// A GSI's key schema: check_key_schema for one HASH and at most one RANGE
// attribute; otherwise up to 4 HASH attributes then up to 4 RANGE ones
// (DynamoDB's multi-attribute keys), all defined, none twice.
void check_gsi_key_schema(const std::vector<RawKey>& keys, const std::vector<std::string>& defined);
// Checked keys (HASH first, all HASH before RANGE) as a storage::KeySchema.
storage::KeySchema to_key_schema(const std::vector<RawKey>& keys, const std::map<std::string, AttrType>& types);
// Projection {ProjectionType, NonKeyAttributes} as given (its types and
// constraints checked by projection_spec()).
struct ProjectionRequest {
  std::optional<std::string> projection_type;
  std::optional<std::vector<std::string>> non_key_attributes;
};
ProjectionRequest decode_projection(json::object proj);
// The projection's semantic checks ("Unknown ProjectionType: null",
// "ProjectionType is ALL, but NonKeyAttributes is specified", "ProjectionType
// is INCLUDE, but NonKeyAttributes is not specified", "Duplicate element in
// NonKeyAttributes: a"), then sets it on `ix`.  NonKeyAttributes may name
// key attributes (they are projected anyway).
void apply_projection(const ProjectionRequest& proj, storage::IndexDef& ix);
// apply_projection(decode_projection(proj), ix).
void read_projection(json::object proj, storage::IndexDef& ix);
// The NonKeyAttributes of all INCLUDE projections together (an attribute
// projected into two indexes counts twice) are at most 100.
void check_projected_attribute_count(const std::vector<storage::IndexDef>& indexes);

}  // namespace ddbd::api
