#include "api/lambda/filter.hh"

#include <cctype>
#include <cstdlib>

namespace ddbd::api::lambda {

namespace dom = simdjson::dom;

namespace {

// The array `e` holds (checked by the caller), as a named value to iterate.
dom::array as_array(dom::element e) {
  dom::array a;
  auto err = e.get_array().get(a);
  (void)err;
  return a;
}

[[noreturn]] void invalid(const std::string& why) { throw InvalidPattern("Invalid filter pattern definition. " + why); }

std::string_view string_of(dom::element e, std::string_view what) {
  std::string_view s;
  if (e.get_string().get(s) != simdjson::SUCCESS) invalid(std::string(what) + " must be a string");
  return s;
}

double number_of(dom::element e) {
  double d = 0;
  if (e.get_double().get(d) != simdjson::SUCCESS) invalid("numeric bounds must be numbers");
  return d;
}

Matcher literal(dom::element e) {
  Matcher m;
  switch (e.type()) {
    case dom::element_type::STRING: m.kind = Matcher::Kind::string; m.text = std::string(e.get_string().value()); break;
    case dom::element_type::INT64:
    case dom::element_type::UINT64:
    case dom::element_type::DOUBLE: m.kind = Matcher::Kind::number; m.number = number_of(e); break;
    case dom::element_type::BOOL: m.kind = Matcher::Kind::boolean; m.flag = e.get_bool().value(); break;
    case dom::element_type::NULL_VALUE: m.kind = Matcher::Kind::null; break;
    default: invalid("unsupported value in a matcher list");
  }
  return m;
}

Matcher anything_but(dom::element v) {
  Matcher m;
  m.kind = Matcher::Kind::anything_but;
  if (v.is_object()) {
    dom::object o = v.get_object().value();
    dom::element p;
    if (o.size() != 1 || o.at_key("prefix").get(p) != simdjson::SUCCESS) invalid("anything-but takes a prefix object");
    m.kind = Matcher::Kind::anything_but_prefix;
    m.text = std::string(string_of(p, "prefix"));
  } else if (v.is_array()) {
    for (dom::element x : as_array(v)) m.values.push_back(literal(x));
    if (m.values.empty()) invalid("anything-but list is empty");
  } else {
    m.values.push_back(literal(v));
  }
  return m;
}

Matcher numeric(dom::element v) {
  Matcher m;
  m.kind = Matcher::Kind::numeric;
  dom::array a;
  if (v.get_array().get(a) != simdjson::SUCCESS) invalid("numeric takes a list");
  std::vector<dom::element> parts(a.begin(), a.end());
  if (parts.empty() || parts.size() > 4 || parts.size() % 2 != 0) invalid("numeric takes one or two comparisons");
  for (std::size_t i = 0; i < parts.size(); i += 2) {
    std::string op(string_of(parts[i], "numeric operator"));
    if (op != "=" && op != "<" && op != "<=" && op != ">" && op != ">=") invalid("unknown numeric operator " + op);
    m.ranges.emplace_back(op, number_of(parts[i + 1]));
  }
  return m;
}

// One element of a leaf list: a literal or a one-key operator object.
Matcher matcher(dom::element e) {
  if (!e.is_object()) return literal(e);
  dom::object o = e.get_object().value();
  if (o.size() != 1) invalid("a matcher object has exactly one key");
  auto [key, v] = *o.begin();
  Matcher m;
  if (key == "prefix" || key == "suffix" || key == "equals-ignore-case") {
    m.kind = key == "prefix" ? Matcher::Kind::prefix : key == "suffix" ? Matcher::Kind::suffix
                                                                          : Matcher::Kind::equals_ignore_case;
    m.text = std::string(string_of(v, key));
  } else if (key == "anything-but") {
    m = anything_but(v);
  } else if (key == "numeric") {
    m = numeric(v);
  } else if (key == "exists") {
    m.kind = Matcher::Kind::exists;
    if (v.get_bool().get(m.flag) != simdjson::SUCCESS) invalid("exists takes true or false");
  } else {
    invalid("unknown matcher " + std::string(key));
  }
  return m;
}

PatternNode compile_node(dom::object o, int depth) {
  if (depth > 32) invalid("pattern nested too deeply");
  if (o.size() == 0) invalid("empty object in pattern");
  PatternNode node;
  for (auto [key, v] : o) {
    PatternNode child;
    if (v.is_object()) {
      child = compile_node(v.get_object().value(), depth + 1);
    } else if (v.is_array()) {
      child.leaf = true;
      for (dom::element x : as_array(v)) child.matchers.push_back(matcher(x));
      if (child.matchers.empty()) invalid("empty matcher list for " + std::string(key));
    } else {
      invalid("value of " + std::string(key) + " must be an object or a list");
    }
    node.fields.emplace_back(std::string(key), std::move(child));
  }
  return node;
}

// A number from an event value: a JSON number, or a string holding one
// (DynamoDB's "N" values are strings).
bool event_number(dom::element e, double& out) {
  if (e.is_number()) return e.get_double().get(out) == simdjson::SUCCESS;
  std::string_view s;
  if (e.get_string().get(s) != simdjson::SUCCESS || s.empty()) return false;
  std::string str(s);
  char* end = nullptr;
  out = std::strtod(str.c_str(), &end);
  return end == str.c_str() + str.size();
}

bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

bool compare(const std::string& op, double v, double bound) {
  if (op == "=") return v == bound;
  if (op == "<") return v < bound;
  if (op == "<=") return v <= bound;
  if (op == ">") return v > bound;
  return v >= bound;
}

// A non-exists matcher against one scalar event value.
bool match_scalar(const Matcher& m, dom::element e) {
  std::string_view s;
  const bool is_string = e.get_string().get(s) == simdjson::SUCCESS;
  double d = 0;
  switch (m.kind) {
    case Matcher::Kind::string: return is_string && s == m.text;
    case Matcher::Kind::number: return e.is_number() && event_number(e, d) && d == m.number;
    case Matcher::Kind::boolean: return e.is_bool() && e.get_bool().value() == m.flag;
    case Matcher::Kind::null: return e.is_null();
    case Matcher::Kind::prefix: return is_string && s.starts_with(m.text);
    case Matcher::Kind::suffix: return is_string && s.ends_with(m.text);
    case Matcher::Kind::equals_ignore_case: return is_string && iequal(s, m.text);
    case Matcher::Kind::anything_but_prefix: return is_string && !s.starts_with(m.text);
    case Matcher::Kind::anything_but:
      for (const Matcher& x : m.values)
        if (match_scalar(x, e)) return false;
      return true;
    case Matcher::Kind::numeric:
      if (!event_number(e, d)) return false;
      for (const auto& [op, bound] : m.ranges)
        if (!compare(op, d, bound)) return false;
      return true;
    case Matcher::Kind::exists: return true;
  }
  return false;
}

// A leaf's matchers (OR) against the event value (absent when `present` is false).
bool match_leaf(const PatternNode& leaf, bool present, dom::element e) {
  for (const Matcher& m : leaf.matchers) {
    if (m.kind == Matcher::Kind::exists) {
      if (m.flag == present) return true;
      continue;
    }
    if (!present || e.is_object()) continue;
    if (e.is_array()) {
      for (dom::element x : as_array(e))
        if (!x.is_object() && !x.is_array() && match_scalar(m, x)) return true;
    } else if (match_scalar(m, e)) {
      return true;
    }
  }
  return false;
}

bool match_node(const PatternNode& node, dom::element e) {
  dom::object o;
  const bool is_object = e.get_object().get(o) == simdjson::SUCCESS;
  for (const auto& [key, child] : node.fields) {
    dom::element v;
    const bool present = is_object && o.at_key(key).get(v) == simdjson::SUCCESS;
    if (child.leaf) {
      if (!match_leaf(child, present, v)) return false;
    } else if (!present || !match_node(child, v)) {
      return false;
    }
  }
  return true;
}

}  // namespace

FilterSet FilterSet::compile(const std::vector<std::string>& patterns) {
  if (patterns.size() > kMaxFilters) invalid("at most 5 filters are allowed");
  FilterSet set;
  dom::parser parser;
  for (const std::string& p : patterns) {
    if (p.size() > kMaxPatternBytes) invalid("a pattern is at most 4096 characters");
    dom::element root;
    if (parser.parse(p).get(root) != simdjson::SUCCESS) invalid("the pattern is not valid JSON");
    dom::object o;
    if (root.get_object().get(o) != simdjson::SUCCESS) invalid("the pattern must be a JSON object");
    set.filters_.push_back(compile_node(o, 0));
  }
  return set;
}

bool FilterSet::matches(dom::element record) const {
  if (filters_.empty()) return true;
  for (const PatternNode& f : filters_)
    if (match_node(f, record)) return true;
  return false;
}

bool FilterSet::matches_json(std::string_view record_json) const {
  dom::parser parser;
  dom::element root;
  if (parser.parse(record_json.data(), record_json.size()).get(root) != simdjson::SUCCESS) return false;
  return matches(root);
}

}  // namespace ddbd::api::lambda
