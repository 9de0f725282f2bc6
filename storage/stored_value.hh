// The value stored for an item (`items` database) or an index entry
// (`index` database):
//
//   +----------------+------------------------------------------+
//   | item_size      | item_codec.hh encoding of the item       |
//   | u32, 4 B BE    | (for an index entry: the projected item) |
//   +----------------+------------------------------------------+
//
// The item_size prefix (attribute_value.hh item_size()) lets a write keep
// TableSizeBytes exact without decoding the item it replaces (tables without
// indexes never decode it), and lets a scan count bytes without decoding.
//
// Internal to storage/.  Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "storage/item_codec.hh"

namespace ddbd::storage {

inline uint32_t get_u32_be(const char* p) {
  return (uint32_t(uint8_t(p[0])) << 24) | (uint32_t(uint8_t(p[1])) << 16) | (uint32_t(uint8_t(p[2])) << 8) |
         uint32_t(uint8_t(p[3]));
}

// The item_size prefix of a stored value; 0 when the value is too short to
// have one.
inline uint32_t stored_size(std::string_view stored) { return stored.size() >= 4 ? get_u32_be(stored.data()) : 0; }

// Decodes the item of a stored value; false when it is malformed.
inline bool decode_stored(std::string_view stored, Item& out) {
  if (stored.size() < 4) return false;
  stored.remove_prefix(4);
  return decode_item(stored, out);
}

// The stored value of `item`, whose item_size() is `size`.
inline std::string stored_value(const Item& item, uint32_t size) {
  std::string v;
  v.reserve(size + 64);
  v.push_back(static_cast<char>(size >> 24));
  v.push_back(static_cast<char>(size >> 16));
  v.push_back(static_cast<char>(size >> 8));
  v.push_back(static_cast<char>(size));
  encode_item(item, v);
  return v;
}

}  // namespace ddbd::storage
