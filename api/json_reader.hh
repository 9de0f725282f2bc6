// JSON request decoding on simdjson's DOM.
//
// A request body is parsed once (parse_request), then handlers read members
// with the typed getters below and decode attribute values into owned
// AttributeValue trees.  Every view returned here points into the parser
// held by the request's ParsedRequest, which the dispatcher keeps for the
// whole request (across the handler's co_awaits, while other requests on the
// same thread parse with other parsers).
//
// Type errors are SerializationException with the Coral/Jackson wording
// DynamoDB uses ("class java.lang.Integer can not be converted to an String",
// "Start of structure or map found where not expected.", ...; recorded by
// dynalite validations/index.js).  A JSON null member counts as absent, as
// DynamoDB treats it.
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

namespace ddbd::api {

namespace json = simdjson::dom;

// Largest request body accepted (DynamoDB's own limit is 16 MB per request).
constexpr std::size_t kMaxRequestBytes = 16 * 1024 * 1024;

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

// Member getters.  Absent or null -> nullopt.  Wrong JSON type ->
// SerializationException.
std::optional<std::string_view> get_string(json::object o, std::string_view key);
std::optional<int64_t> get_long(json::object o, std::string_view key, std::string_view java_type = "Long");
std::optional<bool> get_bool(json::object o, std::string_view key);
// A JSON object used as a structure or a map.
std::optional<json::object> get_object(json::object o, std::string_view key);
std::optional<json::array> get_array(json::object o, std::string_view key);

// Checks a value found inside a list or map (whose element type is known).
std::string_view expect_string(json::element e);
json::object expect_object(json::element e);

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
