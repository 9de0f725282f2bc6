// Item codec: the compact binary form of items stored in LMDB.
//
//   item   := varint(count) attr*            attrs sorted by name
//   attr   := varint(len) name value
//   value  := tag payload                    tag = AttrType (1 byte, frozen)
//     S, N, B       varint(len) bytes        N as canonical number text
//     BOOL          1 byte (0 or 1)
//     NULL          (nothing)
//     M             varint(count) attr*
//     L             varint(count) value*
//     SS, NS, BS    varint(count) (varint(len) bytes)*
//   varint := LEB128, 7 bits per byte, low group first
//
// Internal to storage/: api/ reads encoded items through encoded_item.hh
// (decode_item, visit_item), which this header includes.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "storage/attribute_value.hh"
#include "storage/encoded_item.hh"

namespace ddbd::storage {

// Appends the encoding of `item` to `out`.
void encode_item(const Item& item, std::string& out);
// Low-level pieces shared with the catalog codec.
void put_varint(std::string& out, uint64_t v);
bool get_varint(std::string_view& in, uint64_t& v);
void put_bytes(std::string& out, std::string_view s);
bool get_bytes(std::string_view& in, std::string_view& s);

}  // namespace ddbd::storage
