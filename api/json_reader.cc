#include "api/json_reader.hh"

#include <algorithm>
#include <memory>
#include <unordered_set>
#include <vector>

#include "api/errors.hh"
#include "api/json_writer.hh"
#include "storage/number.hh"

namespace ddbd::api {

namespace {

// DynamoDB caps document nesting at 32 levels (the top-level attribute value
// being level 1).  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html
constexpr int kMaxNesting = 32;
constexpr std::string_view kNestingMessage =
    "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit";

[[noreturn]] void type_error(std::string msg) { throw ApiError::serialization(std::move(msg)); }

// The Java class Jackson reports for a JSON number (dynalite classForNumber).
std::string java_number_class(json::element e) {
  if (e.is_double()) return "java.lang.Double";
  int64_t v = 0;
  if (e.is_int64()) {
    v = int64_t(e);
  } else {
    return "java.lang.Long";
  }
  if (v >= -32768 && v <= 32767) return "java.lang.Short";
  if (v >= -2147483648LL && v <= 2147483647LL) return "java.lang.Integer";
  return "java.lang.Long";
}

// Throws the Serialization error for a value that should have been `want`
// ("String", "Blob", "Boolean", "Long", "Integer", "List", "Map",
// "Structure").
[[noreturn]] void wrong_type(json::element e, std::string_view want) {
  using T = json::element_type;
  std::string a = (want == "Blob") ? "a " : "an ";
  switch (e.type()) {
    case T::ARRAY:
      if (want == "Map" || want == "Structure") type_error("Start of list found where not expected");
      type_error("Start of list found where not expected");
    case T::OBJECT:
      if (want == "List") type_error("Start of structure or map found where not expected.");
      type_error("Start of structure or map found where not expected.");
    case T::BOOL:
      if (want == "List") type_error("Expected list or null");
      if (want == "Map") type_error("Expected map or null");
      if (want == "Structure") type_error("Expected null");
      type_error("class java.lang.Boolean can not be converted to " + a + std::string(want));
    case T::INT64:
    case T::UINT64:
    case T::DOUBLE:
      if (want == "List") type_error("Expected list or null");
      if (want == "Map") type_error("Expected map or null");
      if (want == "Structure") type_error("Expected null");
      type_error("class " + java_number_class(e) + " can not be converted to " + a + std::string(want));
    case T::STRING:
      if (want == "List") type_error("Expected list or null");
      if (want == "Map") type_error("Expected map or null");
      if (want == "Structure") type_error("Expected null");
      if (want == "Boolean") {
        std::string s{std::string_view(e)};
        std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
        type_error("'" + s + "' can not be converted to an Boolean");
      }
      type_error("class java.lang.String can not be converted to " + a + std::string(want));
    case T::NULL_VALUE:
      break;
  }
  type_error("Unexpected JSON value");
}

std::optional<json::element> member(json::object o, std::string_view key) {
  json::element e;
  if (o.at_key(key).get(e) != simdjson::SUCCESS || e.is_null()) return std::nullopt;
  return e;
}

std::string decode_blob(std::string_view text) {
  std::string out;
  if (text.size() % 4 != 0)
    type_error("'" + std::string(text) + "' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: " +
               std::to_string(text.size()));
  for (char c : text) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=';
    if (!ok) type_error("'" + std::string(text) + "' can not be converted to a Blob: Invalid Base64 character: '" + std::string(1, c) + "'");
  }
  if (!base64_decode(text, out))
    type_error("'" + std::string(text) + "' can not be converted to a Blob: Invalid last non-pad Base64 character dectected");
  return out;
}

std::string canonical_number(std::string_view text) {
  std::string err;
  auto n = Number::parse(text, &err);
  if (!n) throw ApiError::validation(err);
  return n->to_string();
}

AttributeValue decode_value(json::element e, int depth);

void decode_map_into(json::object o, AttrMap& out, int depth) {
  out.reserve(o.size());
  for (auto [k, v] : o) {
    if (v.is_null()) continue;
    out.emplace_back(std::string(k), decode_value(v, depth));
  }
  map_normalize(out);
}

AttributeValue decode_value(json::element e, int depth) {
  if (e.type() != json::element_type::OBJECT) wrong_type(e, "Structure");
  if (depth > kMaxNesting) throw ApiError::validation(std::string(kNestingMessage));
  json::object o = e;
  AttributeValue v;
  int types = 0;
  // Type checks (SerializationException) first, for every member present.
  for (auto [k, m] : o) {
    if (m.is_null()) continue;
    AttrType t;
    if (!attr_type_from_name(k, t)) continue;  // unknown members are ignored
    ++types;
    if (types > 1) continue;
    v.type = t;
    switch (t) {
      case AttrType::S:
        if (!m.is_string()) wrong_type(m, "String");
        v.str = std::string(std::string_view(m));
        break;
      case AttrType::N:
        if (!m.is_string()) wrong_type(m, "String");
        v.str = std::string(std::string_view(m));  // validated below
        break;
      case AttrType::B:
        if (!m.is_string()) wrong_type(m, "Blob");
        v.str = decode_blob(std::string_view(m));
        break;
      case AttrType::BOOL:
        if (!m.is_bool()) wrong_type(m, "Boolean");
        v.boolean = bool(m);
        break;
      case AttrType::Null:
        if (!m.is_bool()) wrong_type(m, "Boolean");
        v.boolean = bool(m);  // must be true, checked below
        break;
      case AttrType::M:
        if (!m.is_object()) wrong_type(m, "Map");
        decode_map_into(json::object(m), v.map, depth + 1);
        break;
      case AttrType::L:
        if (!m.is_array()) wrong_type(m, "List");
        for (json::element x : json::array(m)) {
          if (x.is_null()) continue;
          v.list.push_back(decode_value(x, depth + 1));
        }
        break;
      case AttrType::SS:
      case AttrType::NS:
      case AttrType::BS:
        if (!m.is_array()) wrong_type(m, "List");
        for (json::element x : json::array(m)) {
          if (x.is_null()) continue;
          if (t == AttrType::BS) {
            if (!x.is_string()) wrong_type(x, "Blob");
            v.set.push_back(decode_blob(std::string_view(x)));
          } else {
            if (!x.is_string()) wrong_type(x, "String");
            v.set.emplace_back(std::string_view(x));
          }
        }
        break;
    }
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
      std::unordered_set<std::string_view> seen;
      for (const auto& s : v.set)
        if (!seen.insert(s).second) {
          std::string list;
          for (std::size_t i = 0; i < v.set.size(); ++i) list.append(i ? ", " : "").append(v.set[i]);
          throw ApiError::validation("One or more parameter values were invalid: Input collection [" + list + "] contains duplicates.");
        }
      break;
    }
    case AttrType::NS: {
      if (v.set.empty())
        throw ApiError::validation("One or more parameter values were invalid: An number set  may not be empty");
      for (auto& s : v.set) s = canonical_number(s);
      std::unordered_set<std::string_view> seen;
      for (const auto& s : v.set)
        if (!seen.insert(s).second) throw ApiError::validation("Input collection contains duplicates");
      break;
    }
    case AttrType::BS: {
      if (v.set.empty())
        throw ApiError::validation("One or more parameter values were invalid: Binary sets should not be empty");
      std::unordered_set<std::string_view> seen;
      for (const auto& s : v.set)
        if (!seen.insert(s).second) {
          std::string list;
          for (std::size_t i = 0; i < v.set.size(); ++i) {
            if (i) list.append(", ");
            base64_encode(v.set[i], list);
          }
          throw ApiError::validation("One or more parameter values were invalid: Input collection [" + list +
                                     "]of type BS contains duplicates.");
        }
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
  if (err) throw ApiError(ErrorCode::SerializationException, "");
  if (root.type() != json::element_type::OBJECT) throw ApiError(ErrorCode::SerializationException, "");
  r.body = json::object(root);
  return r;
}

std::optional<std::string_view> get_string(json::object o, std::string_view key) {
  auto e = member(o, key);
  if (!e) return std::nullopt;
  if (!e->is_string()) wrong_type(*e, "String");
  return std::string_view(*e);
}

std::optional<int64_t> get_long(json::object o, std::string_view key, std::string_view java_type) {
  auto e = member(o, key);
  if (!e) return std::nullopt;
  if (e->is_int64()) return int64_t(*e);
  if (e->is_uint64()) return INT64_MAX;
  if (e->is_double()) return static_cast<int64_t>(double(*e));
  wrong_type(*e, java_type);
}

std::optional<bool> get_bool(json::object o, std::string_view key) {
  auto e = member(o, key);
  if (!e) return std::nullopt;
  if (e->is_bool()) return bool(*e);
  if (e->is_double()) return std::abs(double(*e)) >= 1;
  wrong_type(*e, "Boolean");
}

std::optional<json::object> get_object(json::object o, std::string_view key) {
  auto e = member(o, key);
  if (!e) return std::nullopt;
  if (!e->is_object()) wrong_type(*e, "Map");
  return json::object(*e);
}

std::optional<json::array> get_array(json::object o, std::string_view key) {
  auto e = member(o, key);
  if (!e) return std::nullopt;
  if (!e->is_array()) wrong_type(*e, "List");
  return json::array(*e);
}

std::string_view expect_string(json::element e) {
  if (!e.is_string()) wrong_type(e, "String");
  return std::string_view(e);
}

json::object expect_object(json::element e) {
  if (!e.is_object()) wrong_type(e, "Structure");
  return json::object(e);
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
