// AttributeValue: the DynamoDB value model shared by every layer.
//
// An AttributeValue is one of ten types (S, N, B, BOOL, NULL, M, L, SS, NS,
// BS).  The representation is a plain struct; only the members that belong
// to `type` are meaningful, the others stay empty:
//   S     str  = UTF-8 text
//   N     str  = canonical number text (Number::to_string of the parsed value)
//   B     str  = raw bytes (base64 is a wire concern, decoded in api/)
//   BOOL  boolean
//   NULL  (nothing; the wire value is always true)
//   M     map  = (name, value) pairs sorted by name, names unique
//   L     list
//   SS/NS/BS  set = members (canonical text for NS, raw bytes for BS), in
//         the order first seen, no duplicates, never empty once validated
//
// An Item is the top-level map of an item.
//
// Thread-safety: plain values; no shared state.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ddbd {

// Type tags.  These values are written to disk by the item codec: never
// reorder, renumber or reuse them.
enum class AttrType : uint8_t {
  S = 0,
  N = 1,
  B = 2,
  BOOL = 3,
  Null = 4,
  M = 5,
  L = 6,
  SS = 7,
  NS = 8,
  BS = 9,
};

// The wire name of a type: "S", "N", ..., "NULL", ..., "BS".
std::string_view attr_type_name(AttrType t);
// Parses a wire name; returns false if `name` is not one of the ten.
bool attr_type_from_name(std::string_view name, AttrType& out);

struct AttributeValue;
using AttrMap = std::vector<std::pair<std::string, AttributeValue>>;
using AttrList = std::vector<AttributeValue>;
using Item = AttrMap;

struct AttributeValue {
  // A NULL value.  Defined out of line: with the constructor implicit, Clang
  // (14, with libstdc++ 12) rejects the recursive AttrMap member, because
  // std::pair<std::string, AttributeValue> asks whether AttributeValue is
  // default-constructible while AttributeValue is still incomplete.
  AttributeValue();

  AttrType type = AttrType::Null;
  bool boolean = false;
  std::string str;
  std::vector<std::string> set;
  AttrList list;
  AttrMap map;

  static AttributeValue string(std::string s) { AttributeValue v; v.type = AttrType::S; v.str = std::move(s); return v; }
  // `canonical` must already be canonical number text.
  static AttributeValue number(std::string canonical) { AttributeValue v; v.type = AttrType::N; v.str = std::move(canonical); return v; }
  static AttributeValue binary(std::string bytes) { AttributeValue v; v.type = AttrType::B; v.str = std::move(bytes); return v; }
  static AttributeValue boolean_value(bool b) { AttributeValue v; v.type = AttrType::BOOL; v.boolean = b; return v; }
  static AttributeValue null() { return AttributeValue{}; }

  bool is_set() const { return type == AttrType::SS || type == AttrType::NS || type == AttrType::BS; }
  bool is_scalar() const { return type == AttrType::S || type == AttrType::N || type == AttrType::B; }
};

// Deep equality as DynamoDB defines it: same type and same value; numbers
// compare numerically; sets compare as sets (order ignored); maps compare by
// name regardless of order.
bool operator==(const AttributeValue& a, const AttributeValue& b);
inline bool operator!=(const AttributeValue& a, const AttributeValue& b) { return !(a == b); }

// Map helpers over an AttrMap sorted by name in std::string order (bytewise,
// unsigned).  find returns nullptr when absent; pointers are invalidated by
// map_set/map_erase/map_normalize like any vector element pointer.
const AttributeValue* map_find(const AttrMap& m, std::string_view name);
AttributeValue* map_find(AttrMap& m, std::string_view name);
// Inserts or replaces `name`, keeping the map sorted.
void map_set(AttrMap& m, std::string name, AttributeValue v);
// Removes `name` if present; returns whether it was present.
bool map_erase(AttrMap& m, std::string_view name);
// Sorts by name (stable) and keeps the LAST of equal names; for building
// maps from unsorted input.
void map_normalize(AttrMap& m);

// Size of a value by DynamoDB's item-size rules
// (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html):
//   S     UTF-8 bytes;  B  raw bytes;  N  Number::size_bytes;  BOOL, NULL  1
//   L     3 + sum over elements of (1 + element size)
//   M     3 + sum over entries of (1 + name bytes + value size)
//   SS/NS/BS  sum of the members' sizes, with no overhead (the page gives
//         overhead only for List and Map; dynalite db/index.js valSize sums
//         set members the same way)
// An empty list or map is 3 bytes.  N text that does not parse (never the
// case for validated values) counts its digit characters, zeros trimmed.
std::size_t value_size(const AttributeValue& v);
// Size of an item: sum over attributes of (name bytes + value_size).
std::size_t item_size(const Item& item);

// Nesting depth of a value: scalars and sets are 1, a list/map is 1 + the
// deepest element (an empty list/map is 1).
int value_depth(const AttributeValue& v);

}  // namespace ddbd
