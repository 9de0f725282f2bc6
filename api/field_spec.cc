#include "api/field_spec.hh"

#include <array>

#include "api/serialization_first.hh"
#include "storage/limits.hh"

namespace ddbd::api {

namespace {

void check_value(json::element e, const FieldSpec& spec, const std::string& path, ValidationErrors& errors,
                 bool element = false);

std::string enum_text(const std::vector<std::string_view>& values) {
  std::string s = "[";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) s.append(", ");
    s.append(values[i]);
  }
  return s + "]";
}

}  // namespace

// Text of a value as dynalite's valueStr prints it.
std::string display_value(json::element e) {
  if (e.is_array()) {
    std::string s = "[";
    bool first = true;
    for (json::element x : json::array(e)) {
      if (!first) s.append(", ");
      first = false;
      s.append(display_value(x));
    }
    return s + "]";
  }
  return value_text(e);
}

namespace {

void check_members(json::object o, const std::vector<FieldSpec>& specs, const std::string& prefix,
                   ValidationErrors& errors) {
  // One pass over the object's members finds each spec's value (the first
  // member of that name, as at_key() would), instead of one lookup per
  // spec: a request names few of the members it may have.
  constexpr std::size_t kMaxSpecs = 32;
  std::array<json::element, kMaxSpecs> value;
  std::array<bool, kMaxSpecs> seen{};
  const bool one_pass = specs.size() <= kMaxSpecs;
  if (one_pass) {
    for (auto [k, v] : o) {
      for (std::size_t i = 0; i < specs.size(); ++i) {
        if (specs[i].name != k) continue;
        if (!seen[i]) value[i] = v;
        seen[i] = true;
        break;
      }
    }
  }
  // The member's path is built only for members present or missing
  // wrongly: most of a request's optional members are absent.
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const FieldSpec& spec = specs[i];
    json::element e;
    bool present;
    if (one_pass) {
      e = value[i];
      present = seen[i] && !e.is_null();
    } else {
      present = o.at_key(spec.name).get(e) == simdjson::SUCCESS && !e.is_null();
    }
    if (!present) {
      if (spec.not_null) errors.add(std::nullopt, prefix + lower_first(spec.name), "Member must not be null");
      continue;
    }
    check_value(e, spec, prefix + lower_first(spec.name), errors);
  }
}

// Throws the SerializationException for a value of the wrong JSON type.
// `element` tells a structure inside a list or map from a member structure.
void type_check(json::element e, const FieldSpec& spec, bool element) {
  switch (spec.type) {
    case FieldType::String:
      (void)expect_string(e);
      break;
    case FieldType::Blob:
      if (!e.is_string()) type_mismatch(e, WireType::Blob);
      break;
    case FieldType::Long:
    case FieldType::Integer:
      (void)number_to_integer(e, spec.type == FieldType::Integer ? 32 : 64);
      break;
    case FieldType::Boolean:
      if (!e.is_bool()) type_mismatch(e, WireType::Boolean);
      break;
    case FieldType::List:
      if (!e.is_array()) type_mismatch(e, WireType::List);
      break;
    case FieldType::Map:
      if (!e.is_object()) type_mismatch(e, WireType::Map, spec.java_class);
      break;
    case FieldType::Struct:
    case FieldType::AttrValue:
      if (!e.is_object()) type_mismatch(e, element ? WireType::ValueStruct : WireType::FieldStruct, spec.java_class);
      break;
  }
}

// Coral's length bounds of a string, list or map member of length `len`;
// `shown()` is the value as the message prints it (built only on a violation).
template <class Shown>
void check_length(int64_t len, const FieldSpec& spec, const std::string& path, ValidationErrors& errors, Shown shown) {
  if (spec.min_length && len < *spec.min_length)
    errors.add(shown(), path, "Member must have length greater than or equal to " + std::to_string(*spec.min_length));
  if (spec.max_length && len > *spec.max_length)
    errors.add(shown(), path, "Member must have length less than or equal to " + std::to_string(*spec.max_length));
}

void check_value(json::element e, const FieldSpec& spec, const std::string& path, ValidationErrors& errors,
                 bool element) {
  type_check(e, spec, element);
  switch (spec.type) {
    case FieldType::String: {
      std::string_view s(e);
      if (spec.table_name_or_arn) {
        check_table_name(s, path, errors);
        break;
      }
      // Coral counts characters; for the ASCII names it checks this equals bytes.
      auto len = static_cast<int64_t>(s.size());
      if (spec.name_pattern && !matches_name_pattern(s))
        errors.add(std::string(s), path, "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
      check_length(len, spec, path, errors, [&] { return std::string(s); });
      if (!spec.enum_values.empty()) {
        bool ok = false;
        for (auto v : spec.enum_values) ok = ok || v == s;
        if (!ok) errors.add(std::string(s), path, "Member must satisfy enum value set: " + enum_text(spec.enum_values));
      }
      break;
    }
    case FieldType::Long:
    case FieldType::Integer: {
      const int64_t v = number_to_integer(e, spec.type == FieldType::Integer ? 32 : 64);
      if (spec.min_value && v < *spec.min_value)
        errors.add(std::to_string(v), path, "Member must have value greater than or equal to " + std::to_string(*spec.min_value));
      if (spec.max_value && v > *spec.max_value)
        errors.add(std::to_string(v), path, "Member must have value less than or equal to " + std::to_string(*spec.max_value));
      break;
    }
    case FieldType::List: {
      json::array a(e);
      check_length(static_cast<int64_t>(a.size()), spec, path, errors, [&] { return display_value(e); });
      if (!spec.element.empty()) {
        int i = 0;
        for (json::element x : a) {
          ++i;
          if (x.is_null()) {
            if (spec.element[0].not_null) errors.add(std::nullopt, path + "." + std::to_string(i) + ".member", "Member must not be null");
            continue;
          }
          check_value(x, spec.element[0], path + "." + std::to_string(i) + ".member", errors, true);
        }
      }
      break;
    }
    case FieldType::Map: {
      json::object o(e);
      check_length(static_cast<int64_t>(o.size()), spec, path, errors, [&] { return display_value(e); });
      if (!spec.element.empty())
        for (auto [k, x] : o) {
          if (x.is_null()) continue;
          check_value(x, spec.element[0], path + "." + std::string(k) + ".member", errors, true);
        }
      break;
    }
    case FieldType::Struct:
      check_members(json::object(e), spec.members, path + ".", errors);
      break;
    case FieldType::Boolean:
    case FieldType::Blob:
    case FieldType::AttrValue:
      break;
  }
}

}  // namespace

std::string lower_first(std::string_view s) {
  std::string r(s);
  if (!r.empty()) r[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(r[0])));
  return r;
}

bool matches_name_pattern(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

void check_table_name(std::string_view name, const std::string& path, ValidationErrors& errors) {
  if (name.size() > kMaxTableArnLength) {
    errors.add(std::string(name), path,
               "Member must have length less than or equal to " + std::to_string(kMaxTableArnLength));
    return;
  }
  if (name.starts_with("arn:")) return;
  if (name.size() < limits::kMinTableNameLength)
    errors.add(std::string(name), path,
               "Member must have length greater than or equal to " + std::to_string(limits::kMinTableNameLength));
  if (name.size() > limits::kMaxTableNameLength)
    errors.add(std::string(name), path,
               "Member must have length less than or equal to " + std::to_string(limits::kMaxTableNameLength));
  if (!matches_name_pattern(name))
    errors.add(std::string(name), path, "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
}

void check_request(json::object body, const std::vector<FieldSpec>& specs, ValidationErrors& errors) {
  check_members(body, specs, "", errors);
  if (errors.empty()) return;
  // A SerializationException inside the request's AttributeValue maps comes
  // before the constraint violations (api/serialization_first.hh).
  for (const FieldSpec& spec : specs) {
    const bool values = spec.type == FieldType::AttrValue ||
                        (spec.type == FieldType::Map && spec.java_class == "com.amazonaws.dynamodb.v20120810.AttributeValue");
    json::element e;
    if (!values || body.at_key(spec.name).get(e) != simdjson::SUCCESS || !e.is_object()) continue;
    rethrow_serialization_error([&] {
      if (spec.type == FieldType::AttrValue) (void)decode_attribute_value(e);
      else (void)decode_attribute_map(json::object(e));
    });
  }
  errors.throw_if_any();
}

}  // namespace ddbd::api
