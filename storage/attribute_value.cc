// AttributeValue helpers: type names, deep equality, sorted-map helpers and
// DynamoDB item sizing.
#include "storage/attribute_value.hh"

#include <algorithm>
#include <optional>

#include "storage/number.hh"

namespace ddbd {

namespace {

struct TypeName {
  AttrType type;
  std::string_view name;
};

// Wire names as in the API reference (AttributeValue data type descriptors).
constexpr TypeName kTypeNames[] = {
    {AttrType::S, "S"},       {AttrType::N, "N"}, {AttrType::B, "B"},   {AttrType::BOOL, "BOOL"},
    {AttrType::Null, "NULL"}, {AttrType::M, "M"}, {AttrType::L, "L"},   {AttrType::SS, "SS"},
    {AttrType::NS, "NS"},     {AttrType::BS, "BS"},
};

// Numeric equality of two N texts; falls back to text equality when either
// does not parse (never the case for validated values).
bool numbers_equal(const std::string& a, const std::string& b) {
  if (a == b) return true;
  auto na = Number::parse(a);
  auto nb = Number::parse(b);
  if (!na || !nb) return false;
  return na->compare(*nb) == 0;
}

// Canonical text of an NS member, or the text itself if it does not parse.
std::string canonical_or_self(const std::string& s) {
  auto n = Number::parse(s);
  return n ? n->to_string() : s;
}

// Set equality (order ignored).  Sets hold no duplicates, so comparing the
// sorted member lists is set equality.
bool sets_equal(const std::vector<std::string>& a, const std::vector<std::string>& b, bool numeric) {
  if (a.size() != b.size()) return false;
  std::vector<std::string> sa, sb;
  sa.reserve(a.size());
  sb.reserve(b.size());
  for (const auto& s : a) sa.push_back(numeric ? canonical_or_self(s) : s);
  for (const auto& s : b) sb.push_back(numeric ? canonical_or_self(s) : s);
  std::sort(sa.begin(), sa.end());
  std::sort(sb.begin(), sb.end());
  return sa == sb;
}

// Map equality by name, regardless of the order of the entries.
bool maps_equal(const AttrMap& a, const AttrMap& b) {
  if (a.size() != b.size()) return false;
  auto by_name = [](const AttrMap::value_type* x, const AttrMap::value_type* y) { return x->first < y->first; };
  std::vector<const AttrMap::value_type*> pa, pb;
  pa.reserve(a.size());
  pb.reserve(b.size());
  for (const auto& e : a) pa.push_back(&e);
  for (const auto& e : b) pb.push_back(&e);
  std::stable_sort(pa.begin(), pa.end(), by_name);
  std::stable_sort(pb.begin(), pb.end(), by_name);
  for (std::size_t i = 0; i < pa.size(); ++i)
    if (pa[i]->first != pb[i]->first || pa[i]->second != pb[i]->second) return false;
  return true;
}

// Up to this many entries map_normalize sorts by insertion.
constexpr std::size_t kMapInsertionSortMax = 32;

template <typename Map>
auto lower_bound_by_name(Map& m, std::string_view name) {
  return std::lower_bound(m.begin(), m.end(), name,
                          [](const AttrMap::value_type& e, std::string_view n) { return std::string_view(e.first) < n; });
}

// Size of N text: Number::size_bytes of the parsed value; for text that does
// not parse, its digit characters with leading and trailing zeros trimmed.
std::size_t number_size(const std::string& text) {
  // Text without an exponent (canonical text never has one) is sized from
  // its digits with leading and trailing zeros trimmed, which are the parsed
  // number's digits (and the rule for text that does not parse): no parse.
  std::size_t seen = 0, first = 0, last = 0;  // digits seen; the first and last non-zero one, 1-based
  bool plain = true;
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      ++seen;
      if (c != '0') {
        if (first == 0) first = seen;
        last = seen;
      }
    } else if (c != '-' && c != '+' && c != '.') {
      plain = false;
      break;
    }
  }
  if (plain) {
    const std::size_t significant = first == 0 ? 0 : last - first + 1;
    return (significant + 1) / 2 + 1;
  }
  if (auto n = Number::parse(text)) return n->size_bytes();
  std::string digits;
  for (char c : text)
    if (c >= '0' && c <= '9') digits.push_back(c);
  const std::size_t lead = digits.find_first_not_of('0');
  const std::size_t count = lead == std::string::npos ? 0 : digits.find_last_not_of('0') - lead + 1;
  return (count + 1) / 2 + 1;
}

}  // namespace

AttributeValue::AttributeValue() = default;

std::string_view attr_type_name(AttrType t) {
  for (const auto& tn : kTypeNames)
    if (tn.type == t) return tn.name;
  return "?";
}

bool attr_type_from_name(std::string_view name, AttrType& out) {
  for (const auto& tn : kTypeNames) {
    if (tn.name == name) {
      out = tn.type;
      return true;
    }
  }
  return false;
}

bool operator==(const AttributeValue& a, const AttributeValue& b) {
  if (a.type != b.type) return false;
  switch (a.type) {
    case AttrType::S:
    case AttrType::B:
      return a.str == b.str;
    case AttrType::N:
      return numbers_equal(a.str, b.str);
    case AttrType::BOOL:
      return a.boolean == b.boolean;
    case AttrType::Null:
      return true;
    case AttrType::M:
      return maps_equal(a.map, b.map);
    case AttrType::L:
      if (a.list.size() != b.list.size()) return false;
      for (std::size_t i = 0; i < a.list.size(); ++i)
        if (a.list[i] != b.list[i]) return false;
      return true;
    case AttrType::SS:
    case AttrType::BS:
      return sets_equal(a.set, b.set, false);
    case AttrType::NS:
      return sets_equal(a.set, b.set, true);
  }
  return false;
}

const AttributeValue* map_find(const AttrMap& m, std::string_view name) {
  auto it = lower_bound_by_name(m, name);
  return it != m.end() && it->first == name ? &it->second : nullptr;
}

AttributeValue* map_find(AttrMap& m, std::string_view name) {
  auto it = lower_bound_by_name(m, name);
  return it != m.end() && it->first == name ? &it->second : nullptr;
}

void map_set(AttrMap& m, std::string name, AttributeValue v) {
  auto it = lower_bound_by_name(m, name);
  if (it != m.end() && it->first == name)
    it->second = std::move(v);
  else
    m.emplace(it, std::move(name), std::move(v));
}

bool map_erase(AttrMap& m, std::string_view name) {
  auto it = lower_bound_by_name(m, name);
  if (it == m.end() || it->first != name) return false;
  m.erase(it);
  return true;
}

void map_normalize(AttrMap& m) {
  const std::size_t n = m.size();
  // Already sorted with unique names (a key in schema order, a map built
  // sorted): nothing to do.
  std::size_t i = 1;
  while (i < n && m[i - 1].first < m[i].first) ++i;
  if (i >= n) return;
  if (n <= kMapInsertionSortMax) {
    // Small maps (items of a few attributes, keys): a stable insertion sort
    // in place, which needs no buffer (std::stable_sort allocates one) and
    // moves fewer entries.  The prefix [0, i) is sorted already.
    for (; i < n; ++i) {
      if (!(m[i].first < m[i - 1].first)) continue;
      AttrMap::value_type moving = std::move(m[i]);
      std::size_t j = i;
      do {
        m[j] = std::move(m[j - 1]);
        --j;
      } while (j > 0 && moving.first < m[j - 1].first);
      m[j] = std::move(moving);
    }
  } else {
    std::stable_sort(m.begin(), m.end(), [](const AttrMap::value_type& x, const AttrMap::value_type& y) { return x.first < y.first; });
  }
  // Within each run of equal names keep the last (the latest in the input).
  std::size_t out = 0;
  for (std::size_t i = 0; i < m.size(); ++i) {
    if (i + 1 < m.size() && m[i + 1].first == m[i].first) continue;
    if (out != i) m[out] = std::move(m[i]);
    ++out;
  }
  m.erase(m.begin() + static_cast<std::ptrdiff_t>(out), m.end());
}

std::size_t value_size(const AttributeValue& v) {
  switch (v.type) {
    case AttrType::S:
    case AttrType::B:
      return v.str.size();
    case AttrType::N:
      return number_size(v.str);
    case AttrType::BOOL:
    case AttrType::Null:
      return 1;
    case AttrType::SS:
    case AttrType::BS: {
      std::size_t total = 0;
      for (const auto& s : v.set) total += s.size();
      return total;
    }
    case AttrType::NS: {
      std::size_t total = 0;
      for (const auto& s : v.set) total += number_size(s);
      return total;
    }
    case AttrType::L: {
      std::size_t total = 3;
      for (const auto& e : v.list) total += 1 + value_size(e);
      return total;
    }
    case AttrType::M: {
      std::size_t total = 3;
      for (const auto& [name, e] : v.map) total += 1 + name.size() + value_size(e);
      return total;
    }
  }
  return 0;
}

std::size_t item_size(const Item& item) {
  std::size_t total = 0;
  for (const auto& [name, v] : item) total += name.size() + value_size(v);
  return total;
}

int value_depth(const AttributeValue& v) {
  int deepest = 0;
  if (v.type == AttrType::L) {
    for (const auto& e : v.list) deepest = std::max(deepest, value_depth(e));
  } else if (v.type == AttrType::M) {
    for (const auto& [name, e] : v.map) deepest = std::max(deepest, value_depth(e));
  }
  return 1 + deepest;
}

}  // namespace ddbd
