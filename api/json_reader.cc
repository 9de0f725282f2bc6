#include "api/json_reader.hh"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <memory>
#include <unordered_set>
#include <vector>

#include "api/errors.hh"
#include "api/json_writer.hh"
#include "storage/number.hh"

namespace ddbd::api {

namespace {

// DynamoDB caps document nesting at 32 levels (the top-level attribute value
// being level 1): storage/limits.hh.
constexpr int kMaxNesting = limits::kMaxAttributeNesting;
constexpr std::string_view kNestingMessage =
    "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit";

[[noreturn]] void type_error(std::string msg) { throw ApiError::serialization(std::move(msg)); }

constexpr std::string_view kAttributeValueClass = "com.amazonaws.dynamodb.v20120810.AttributeValue";
constexpr std::string_view kStartOfMap = "Start of structure or map found where not expected";
constexpr std::string_view kFieldType = "Unexpected field type";
constexpr std::string_view kValueType = "Unexpected value type in payload";

// The name DynamoDB's parser gives the JSON token of a scalar.
std::string_view token_name(json::element e) {
  switch (e.type()) {
    case json::element_type::BOOL: return bool(e) ? "TRUE_VALUE" : "FALSE_VALUE";
    case json::element_type::DOUBLE: return "DECIMAL_VALUE";
    case json::element_type::STRING: return "STRING_VALUE";
    default: return "NUMBER_VALUE";
  }
}

std::string_view scalar_class(WireType want) {
  switch (want) {
    case WireType::String: return "String";
    case WireType::Boolean: return "Boolean";
    case WireType::Integer: return "Integer";
    case WireType::Long: return "Long";
    default: return "";
  }
}

// A scalar (string, number, boolean, null) found where `want` belongs.
[[noreturn]] void scalar_mismatch(json::element e, WireType want) {
  if (e.is_null()) type_error(std::string(kValueType));
  switch (want) {
    case WireType::Blob: type_error("only base-64-encoded strings are convertible to bytes");
    case WireType::List:
    case WireType::Map:
    case WireType::FieldStruct: type_error(std::string(kFieldType));
    case WireType::ValueStruct: type_error(std::string(kValueType));
    case WireType::Boolean:
      if (e.is_string()) type_error("Unexpected token received from parser");
      break;
    default:
      break;
  }
  type_error(std::string(token_name(e)) + " cannot be converted to " + std::string(scalar_class(want)));
}

// An array found where `want` belongs.
[[noreturn]] void array_mismatch(WireType want, std::string_view java_class) {
  switch (want) {
    case WireType::Blob: type_error("Unrecognized collection type class java.nio.ByteBuffer");
    case WireType::Map:
      if (java_class.empty()) break;
      type_error("Unrecognized collection type java.util.Map<java.lang.String, " + std::string(java_class) + ">");
    case WireType::FieldStruct:
    case WireType::ValueStruct:
      if (java_class.empty()) break;
      type_error("Unrecognized collection type class " + std::string(java_class));
    case WireType::List: break;  // not a mismatch; never called
    default:
      type_error("Unrecognized collection type class java.lang." + std::string(scalar_class(want)));
  }
  type_error("Start of list found where not expected");
}

}  // namespace

// Messages as DynamoDB answers them today, recorded against the live service
// by dynalite's test helpers (test/helpers: assertType, run with REMOTE=1)
// and by dynoxide (src/server/serialization_checks.rs), and seen in client
// reports ("STRING_VALUE cannot be converted to Integer", dynamodb-toolbox
// #502; "Unrecognized collection type java.util.Map<java.lang.String,
// com.amazonaws.dynamodb.v20120810.AttributeValue>", AWS.jl #246).  A null
// where a list or map element is required has no recorded answer; Smithy's
// protocol tests require a SerializationException for a null in a dense list
// (RestJsonBodyMalformedListNullItem), and we use the message DynamoDB gives
// for any other non-structure there.
void type_mismatch(json::element e, WireType want, std::string_view java_class) {
  if (e.is_array()) array_mismatch(want, java_class);
  if (e.is_object()) type_error(std::string(kStartOfMap));
  scalar_mismatch(e, want);
}

namespace {

std::optional<json::element> member(json::object o, std::string_view key) {
  json::element e;
  if (o.at_key(key).get(e) != simdjson::SUCCESS || e.is_null()) return std::nullopt;
  return e;
}

// Base64 as Coral decodes a Blob (messages as in type_mismatch's sources).
std::string decode_blob(std::string_view text) {
  std::string out;
  if (text.size() % 4 != 0)
    type_error("Base64 encoded length is expected a multiple of 4 bytes but found: " + std::to_string(text.size()));
  if (!base64_decode(text, out)) type_error("Invalid last non-pad Base64 character dectected");
  return out;
}

std::string canonical_number(std::string_view text) {
  std::string err;
  auto n = Number::parse(text, &err);
  if (!n) throw ApiError::validation(err);
  return n->to_string();
}

AttributeValue decode_value(json::element e, int depth);

// Maps of up to this many members are decoded straight into their sorted
// places (decode_map_into).
constexpr std::size_t kPlacedMapMax = 32;

void decode_map_into(json::object o, AttrMap& out, int depth) {
  const std::size_t n = o.size();
  if (n > kPlacedMapMax) {
    out.reserve(n);
    for (auto [k, v] : o) {
      check_attribute_name(k);
      out.emplace_back(std::string(k), decode_value(v, depth));
    }
    map_normalize(out);
    return;
  }
  // The names are known before any value is decoded: sort them (stably, as
  // small arrays of views and indexes), then decode each value into its
  // place in the sorted map.  The result is what map_normalize gives (sorted,
  // the last of equal names kept) without moving decoded entries around,
  // and the names are checked and the values decoded in input order as
  // before, so the first error is the same.
  std::array<std::string_view, kPlacedMapMax> names;
  std::array<std::uint8_t, kPlacedMapMax> order;
  std::size_t count = 0;
  for (auto [k, v] : o) {
    if (count == n) break;  // never: size() counts the members
    names[count] = k;
    order[count] = static_cast<std::uint8_t>(count);
    ++count;
  }
  // Already sorted, names unique (a key as a client writes it): in order.
  bool in_order = true;
  for (std::size_t j = 1; j < count && in_order; ++j) in_order = names[j - 1] < names[j];
  if (in_order) {
    out.reserve(count);
    std::size_t i = 0;
    for (auto [k, v] : o) {
      if (i++ == count) break;
      check_attribute_name(k);
      out.emplace_back(std::string(k), decode_value(v, depth));
    }
    return;
  }
  for (std::size_t i = 1; i < count; ++i) {
    const std::uint8_t moving = order[i];
    std::size_t j = i;
    for (; j > 0 && names[moving] < names[order[j - 1]]; --j) order[j] = order[j - 1];
    order[j] = moving;
  }
  // slot[input index]: its place in `out`, or kDropped when a later member
  // has the same name (its value is still decoded, and so checked).
  constexpr std::uint8_t kDropped = 0xff;
  std::array<std::uint8_t, kPlacedMapMax> slot;
  std::size_t unique = 0;
  for (std::size_t j = 0; j < count; ++j) {
    const bool replaced = j + 1 < count && names[order[j + 1]] == names[order[j]];
    slot[order[j]] = replaced ? kDropped : static_cast<std::uint8_t>(unique++);
  }
  out.resize(unique);
  std::size_t i = 0;
  for (auto [k, v] : o) {
    if (i == count) break;
    check_attribute_name(k);
    if (slot[i] == kDropped) {
      (void)decode_value(v, depth);
    } else {
      auto& entry = out[slot[i]];
      entry.first.assign(k);
      entry.second = decode_value(v, depth);
    }
    ++i;
  }
}

// The elements of an SS, NS or BS (numbers are checked later).
void decode_set_into(json::element m, AttrType t, std::vector<std::string>& out) {
  if (!m.is_array()) type_mismatch(m, WireType::List);
  for (json::element x : json::array(m)) {
    if (!x.is_string()) type_mismatch(x, t == AttrType::BS ? WireType::Blob : WireType::String);
    if (t == AttrType::BS)
      out.push_back(decode_blob(std::string_view(x)));
    else
      out.emplace_back(std::string_view(x));
  }
}

// Decodes member `m` of an AttributeValue as type `t` into `v`.
void decode_member(json::element m, AttrType t, int depth, AttributeValue& v) {
  v.type = t;
  switch (t) {
    case AttrType::S:
    case AttrType::N:  // the number's syntax is checked after the type checks
      if (!m.is_string()) type_mismatch(m, WireType::String);
      v.str = std::string(std::string_view(m));
      break;
    case AttrType::B:
      if (!m.is_string()) type_mismatch(m, WireType::Blob);
      v.str = decode_blob(std::string_view(m));
      break;
    case AttrType::BOOL:
    case AttrType::Null:  // NULL must be true, checked below
      if (!m.is_bool()) type_mismatch(m, WireType::Boolean);
      v.boolean = bool(m);
      break;
    case AttrType::M:
      if (!m.is_object()) type_mismatch(m, WireType::Map, kAttributeValueClass);
      decode_map_into(json::object(m), v.map, depth + 1);
      break;
    case AttrType::L:
      if (!m.is_array()) type_mismatch(m, WireType::List);
      for (json::element x : json::array(m)) v.list.push_back(decode_value(x, depth + 1));
      break;
    case AttrType::SS:
    case AttrType::NS:
    case AttrType::BS:
      decode_set_into(m, t, v.set);
      break;
  }
}

bool has_duplicates(const std::vector<std::string>& set) {
  std::unordered_set<std::string_view> seen;
  for (const auto& s : set)
    if (!seen.insert(s).second) return true;
  return false;
}

// The members of a set as DynamoDB lists them in its duplicates message:
// comma-separated, binary members in base64.
std::string set_text(const std::vector<std::string>& set, bool base64) {
  std::string list;
  for (std::size_t i = 0; i < set.size(); ++i) {
    if (i) list.append(", ");
    if (base64)
      base64_encode(set[i], list);
    else
      list.append(set[i]);
  }
  return list;
}

AttributeValue decode_value(json::element e, int depth) {
  if (!e.is_object()) type_mismatch(e, WireType::ValueStruct, kAttributeValueClass);
  if (depth > kMaxNesting) throw ApiError::validation(std::string(kNestingMessage));
  AttributeValue v;
  int types = 0;
  // Type checks (SerializationException) first, for every member present.
  for (auto [k, m] : json::object(e)) {
    if (m.is_null()) continue;
    AttrType t;
    if (!attr_type_from_name(k, t)) continue;  // unknown members are ignored
    if (++types == 1) decode_member(m, t, depth, v);
  }
  // Validation (dynalite validateAttributeValue; dynoxide validation.rs).
  if (types == 0)
    throw ApiError::validation("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
  if (types > 1)
    throw ApiError::validation(
        "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes");
  switch (v.type) {
    case AttrType::N:
      v.str = canonical_number(v.str);
      break;
    case AttrType::Null:
      if (!v.boolean)
        throw ApiError::validation("One or more parameter values were invalid: Null attribute value types must have the value of true");
      v.boolean = false;
      break;
    case AttrType::SS: {
      if (v.set.empty())
        throw ApiError::validation("One or more parameter values were invalid: An string set  may not be empty");
      if (has_duplicates(v.set))
        throw ApiError::validation("One or more parameter values were invalid: Input collection [" +
                                   set_text(v.set, false) + "] contains duplicates.");
      break;
    }
    case AttrType::NS: {
      if (v.set.empty())
        throw ApiError::validation("One or more parameter values were invalid: An number set  may not be empty");
      for (auto& s : v.set) s = canonical_number(s);
      if (has_duplicates(v.set)) throw ApiError::validation("Input collection contains duplicates");
      break;
    }
    case AttrType::BS: {
      if (v.set.empty())
        throw ApiError::validation("One or more parameter values were invalid: Binary sets should not be empty");
      if (has_duplicates(v.set))
        throw ApiError::validation("One or more parameter values were invalid: Input collection [" +
                                   set_text(v.set, true) + "]of type BS contains duplicates.");
      break;
    }
    default:
      break;
  }
  return v;
}

}  // namespace

namespace {

// Idle parsers of this thread.  A parser keeps the capacity of the largest
// document it has parsed, so big ones are freed instead of kept.
constexpr std::size_t kMaxIdleParsers = 64;
constexpr std::size_t kMaxIdleParserCapacity = 1 << 20;
thread_local std::vector<std::unique_ptr<json::parser>> idle_parsers;

}  // namespace

ParsedRequest::~ParsedRequest() {
  if (parser_ && parser_->capacity() <= kMaxIdleParserCapacity && idle_parsers.size() < kMaxIdleParsers)
    idle_parsers.push_back(std::move(parser_));
}

ParsedRequest parse_request(const char* data, std::size_t size) {
  std::unique_ptr<json::parser> parser;
  if (!idle_parsers.empty()) {
    parser = std::move(idle_parsers.back());
    idle_parsers.pop_back();
  } else {
    parser = std::make_unique<json::parser>(kMaxRequestBytes + 1024);
  }
  json::element root;
  auto err = parser->parse(data, size, false).get(root);
  ParsedRequest r(std::move(parser));
  // DynamoDB names the offending character ("Unexpected character ('}' (code
  // 125)) ..."); simdjson does not locate it, so the message says what is
  // wrong instead.  Never an empty message.
  if (err) type_error("Malformed JSON in the request body: " + std::string(simdjson::error_message(err)));
  if (root.is_array()) type_error("Start of list found where not expected");
  if (!root.is_object()) type_error(std::string(kValueType));
  r.body = json::object(root);
  return r;
}

std::optional<std::string_view> get_string(json::object o, std::string_view key) {
  auto e = member(o, key);
  if (!e) return std::nullopt;
  return expect_string(*e);
}

// Coral's Long is 64-bit and its Integer 32-bit (Java long / int).  A number
// that does not fit is refused while the request is read, so it is a
// SerializationException; its wording here is Jackson's, which DynamoDB's
// parser is built on (no answer from the live service is recorded).
int64_t number_to_integer(json::element e, int bits) {
  if (!(e.is_int64() || e.is_uint64() || e.is_double())) type_mismatch(e, bits == 32 ? WireType::Integer : WireType::Long);
  const int64_t max = bits == 32 ? INT32_MAX : INT64_MAX;
  const int64_t min = bits == 32 ? INT32_MIN : INT64_MIN;
  if (e.is_int64() && int64_t(e) >= min && int64_t(e) <= max) return int64_t(e);
  if (e.is_double()) {
    const double d = std::trunc(double(e));
    // 2^63 is exactly representable; every double below it converts safely.
    if (std::isfinite(d) && d >= static_cast<double>(min) && d < -static_cast<double>(min) && d <= static_cast<double>(max))
      return static_cast<int64_t>(d);
  }
  type_error("Numeric value (" + simdjson::minify(e) + ") out of range of " + (bits == 32 ? "int" : "long"));
}

std::optional<int64_t> get_long(json::object o, std::string_view key) {
  auto e = member(o, key);
  if (!e) return std::nullopt;
  return number_to_integer(*e, 64);
}

std::optional<int64_t> get_int(json::object o, std::string_view key) {
  auto e = member(o, key);
  if (!e) return std::nullopt;
  return number_to_integer(*e, 32);
}

// Only true and false: DynamoDB answers "NUMBER_VALUE cannot be converted to
// Boolean" for 0 or 1 (see type_mismatch).
std::optional<bool> get_bool(json::object o, std::string_view key) {
  auto e = member(o, key);
  if (!e) return std::nullopt;
  if (!e->is_bool()) type_mismatch(*e, WireType::Boolean);
  return bool(*e);
}

std::optional<json::object> get_object(json::object o, std::string_view key) {
  auto e = member(o, key);
  if (!e) return std::nullopt;
  if (!e->is_object()) type_mismatch(*e, WireType::Map);
  return json::object(*e);
}

std::optional<json::array> get_array(json::object o, std::string_view key) {
  auto e = member(o, key);
  if (!e) return std::nullopt;
  if (!e->is_array()) type_mismatch(*e, WireType::List);
  return json::array(*e);
}

std::string_view expect_string(json::element e) {
  if (!e.is_string()) type_mismatch(e, WireType::String);
  return std::string_view(e);
}

json::object expect_object(json::element e) {
  if (!e.is_object()) type_mismatch(e, WireType::ValueStruct);
  return json::object(e);
}

// DynamoDB documents the limit but not its error; the message is ours.
void check_attribute_name(std::string_view name) {
  if (name.size() > kMaxAttributeNameBytes)
    throw ApiError::validation("One or more parameter values were invalid: An attribute name is " +
                               std::to_string(name.size()) + " bytes long, which exceeds the limit of " +
                               std::to_string(kMaxAttributeNameBytes) + " bytes");
}

std::string_view expect_attribute_name(json::element e) {
  std::string_view name = expect_string(e);
  check_attribute_name(name);
  return name;
}

AttributeValue decode_attribute_value(json::element e) { return decode_value(e, 1); }

AttrMap decode_attribute_map(json::object o) {
  AttrMap m;
  decode_map_into(o, m, 1);
  return m;
}

std::string value_text(json::element e) {
  if (e.is_string()) return std::string(std::string_view(e));
  return simdjson::minify(e);
}

}  // namespace ddbd::api
