// Declarative request shapes, in dynalite's style (validations/<op>.js).
//
// A handler describes its members once (type, not-null, enum, length, range,
// pattern), and check_request() walks the request in two stages, as DynamoDB
// does:
//   1. types: a member of the wrong JSON type is a SerializationException
//      (thrown at once);
//   2. constraints: every violation becomes a Coral line ("Value 'x' at
//      'keySchema.1.member.keyType' failed to satisfy constraint: Member must
//      satisfy enum value set: [HASH, RANGE]"), aggregated by
//      ValidationErrors (at most 10) and thrown as one ValidationException.
// Semantic rules (which need several members) stay in the handler.
//
// Thread-safety: specs are immutable after construction.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "api/errors.hh"
#include "api/json_reader.hh"

namespace ddbd::api {

enum class FieldType {
  String,
  Long,
  Integer,
  Boolean,
  Blob,
  List,       // elements described by `element`
  Map,        // string keys; values described by `element`
  Struct,     // members described by `members`
  AttrValue,  // an AttributeValue (checked when decoded)
};

struct FieldSpec {
  std::string_view name;
  FieldType type = FieldType::String;
  bool not_null = false;
  std::optional<int64_t> min_length;
  std::optional<int64_t> max_length;
  std::optional<int64_t> min_value;
  std::optional<int64_t> max_value;
  bool name_pattern = false;  // [a-zA-Z0-9_.-]+ (table and index names)
  // A TableName that may also be a table ARN (every operation but
  // CreateTable): check_table_name() below, instead of the bounds above.
  bool table_name_or_arn = false;
  std::vector<std::string_view> enum_values;
  // Struct: the Java class of the structure; Map: of its values (e.g.
  // "com.amazonaws.dynamodb.v20120810.AttributeValue").  Named in the
  // SerializationException for an array found here; empty when unknown.
  std::string_view java_class;
  std::vector<FieldSpec> members;          // Struct
  std::vector<FieldSpec> element;          // List / Map: exactly one spec, name unused
};

// Checks `body` against `specs`; see the file comment.  `errors` may already
// hold violations found by the caller (they come first).
void check_request(json::object body, const std::vector<FieldSpec>& specs, ValidationErrors& errors);

// "tableName" from "TableName".
std::string lower_first(std::string_view s);

// A value as constraint messages show it ("[a, b]" for lists).
std::string display_value(json::element e);

// The [a-zA-Z0-9_.-]+ pattern.
bool matches_name_pattern(std::string_view s);

// A TableName member that may hold a table ARN instead (every operation but
// CreateTable): 1..1024 characters [API Reference, GetItem, TableName].
inline constexpr std::size_t kMaxTableArnLength = 1024;

// The checks of a TableName member that also accepts a table ARN (the API
// Reference gives it length 1..1024 since tables have resource policies),
// adding Coral lines at `path` ("tableName") to `errors`:
//   - over 1024 characters: "Member must have length less than or equal
//     to 1024" (Coral's own bound; nothing else is reported);
//   - a name that is not an ARN ("arn:..."): the table-name rules still
//     hold, each violation a line, in this order: "Member must have length
//     greater than or equal to 3" (also for ""), "... less than or equal to
//     255", "Member must satisfy regular expression pattern:
//     [a-zA-Z0-9_.-]+" (DynamoDB's order for such names, as a CloudFormation
//     trace of DescribeTable shows it).
// An ARN passes here; the table lookup decides about it.
void check_table_name(std::string_view name, const std::string& path, ValidationErrors& errors);

}  // namespace ddbd::api
