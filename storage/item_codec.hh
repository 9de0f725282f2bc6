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
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "storage/attribute_value.hh"

namespace ddbd::storage {

// Appends the encoding of `item` to `out`.
void encode_item(const Item& item, std::string& out);
// Decodes a whole buffer.  Returns false on malformed input (corruption);
// `out` is then unspecified.
bool decode_item(std::string_view bytes, Item& out);

// Receives the parts of an encoded item in order, without decoding it into
// an Item (no allocation): api/ writes a stored item straight to JSON with it.
// Map members arrive as member_name() then the value; list elements and set
// members arrive in stored order.  Views point into the encoded buffer.
class ItemVisitor {
 public:
  virtual ~ItemVisitor() = default;
  virtual void begin_map(std::size_t count) = 0;  // the item itself, or an M value
  virtual void member_name(std::string_view name) = 0;
  virtual void end_map() = 0;
  virtual void begin_list(std::size_t count) = 0;
  virtual void end_list() = 0;
  // S and N as text, B as raw bytes.
  virtual void scalar(AttrType type, std::string_view bytes) = 0;
  virtual void boolean(bool b) = 0;
  virtual void null() = 0;
  // SS / NS / BS: begin_set, one set_member per member, end_set.
  virtual void begin_set(AttrType type, std::size_t count) = 0;
  virtual void set_member(std::string_view bytes) = 0;
  virtual void end_set() = 0;
};

// Walks a whole encoded item (as encode_item writes it), calling `v`.
// Returns false on malformed input (corruption), possibly after `v` has seen
// part of it.
bool visit_item(std::string_view bytes, ItemVisitor& v);

// Low-level pieces shared with the catalog codec.
void put_varint(std::string& out, uint64_t v);
bool get_varint(std::string_view& in, uint64_t& v);
void put_bytes(std::string& out, std::string_view s);
bool get_bytes(std::string_view& in, std::string_view& s);

}  // namespace ddbd::storage
