// JSON request decoding on simdjson's DOM.
//
// A request body is parsed once (parse_request), then handlers read members
// with the typed getters below and decode attribute values into owned
// AttributeValue trees.  Every view returned here points into the parser
// held by the request's ParsedRequest, which the dispatcher keeps for the
// whole request (across the handler's co_awaits, while other requests on the
// same thread parse with other parsers).
//
// Type errors are SerializationException with the wording DynamoDB answers
// today ("NUMBER_VALUE cannot be converted to String", "Unexpected field
// type", "Start of structure or map found where not expected", ...): see
// type_mismatch() in json_reader.cc for the table and its sources.  A JSON
// null *member* of a structure counts as absent, as DynamoDB treats it; a null
// *element* of a list or map of AttributeValues (L, M, SS/NS/BS, Item, Key,
// ExpressionAttributeValues, ...) is a SerializationException, never dropped:
// dropping it would silently change the data written.
//
// Thread-safety: parsers come from a per-thread free list; a ParsedRequest
// may be destroyed on any thread.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "storage/attribute_value.hh"
#include "storage/limits.hh"

namespace ddbd::api {

namespace json = simdjson::dom;

// Largest request body accepted: storage/limits.hh.
using limits::kMaxRequestBytes;

// A parsed request body and the parser that owns its tape.  Movable, not
// copyable; the parser goes back to a free list when this is destroyed.
class ParsedRequest {
 public:
  explicit ParsedRequest(std::unique_ptr<json::parser> parser) : parser_(std::move(parser)) {}
  ParsedRequest(ParsedRequest&&) = default;
  ParsedRequest& operator=(ParsedRequest&&) = default;
  ~ParsedRequest();
  json::object body;

 private:
  std::unique_ptr<json::parser> parser_;
};

// Parses `body` (which must be followed by simdjson::SIMDJSON_PADDING
// readable bytes) with a parser of its own.  An empty body or anything
// other than a JSON object is a SerializationException.
ParsedRequest parse_request(const char* data, std::size_t size);

// DynamoDB's limit on the length of an attribute name: storage/limits.hh.
using limits::kMaxAttributeNameBytes;

// The Coral types a request member can be declared with, as far as type
// errors are concerned.  ValueStruct is a structure that is the element of a
// list or map (an AttributeValue in an Item, a WriteRequest in a list...),
// FieldStruct a structure that is a member of another.
enum class WireType { String, Boolean, Integer, Long, Blob, List, Map, FieldStruct, ValueStruct };

// Throws the SerializationException DynamoDB answers when `e` is not of type
// `want`.  `java_class` is the Java class of the structure (ValueStruct,
// FieldStruct) or of the map values (Map), e.g.
// "com.amazonaws.dynamodb.v20120810.AttributeValue", named in the message
// when an array is found instead; empty when unknown.
[[noreturn]] void type_mismatch(json::element e, WireType want, std::string_view java_class = {});

// Member getters.  Absent or null -> nullopt.  Wrong JSON type ->
// SerializationException.
std::optional<std::string_view> get_string(json::object o, std::string_view key);
// A Coral Long (64-bit) or Integer (32-bit) member.  A decimal is truncated;
// a number outside the type's range is a SerializationException.
std::optional<int64_t> get_long(json::object o, std::string_view key);
std::optional<int64_t> get_int(json::object o, std::string_view key);
// Converts a number to a Long (`bits` 64) or an Integer (`bits` 32) as
// above; throws for anything else.
int64_t number_to_integer(json::element e, int bits);
std::optional<bool> get_bool(json::object o, std::string_view key);
// A JSON object used as a structure or a map.
std::optional<json::object> get_object(json::object o, std::string_view key);
std::optional<json::array> get_array(json::object o, std::string_view key);

// Checks a value found inside a list or map (whose element type is known).
std::string_view expect_string(json::element e);
json::object expect_object(json::element e);

// An attribute name (an item or key attribute, an ExpressionAttributeNames
// value, an AttributesToGet element, a legacy condition's attribute): at most
// kMaxAttributeNameBytes, else ValidationException.
void check_attribute_name(std::string_view name);
// expect_string() followed by check_attribute_name().
std::string_view expect_attribute_name(json::element e);

// Decodes one AttributeValue with DynamoDB's validation (exactly one type,
// number syntax and range, set rules, base64, NULL must be true, nesting
// depth).  Throws SerializationException or ValidationException.
AttributeValue decode_attribute_value(json::element e);
// Decodes a Map<String, AttributeValue> (an item, a key, or
// ExpressionAttributeValues) into a sorted AttrMap.
AttrMap decode_attribute_map(json::object o);

// The JavaScript-ish text of a scalar for "Value '...' at" messages.
std::string value_text(json::element e);

}  // namespace ddbd::api
