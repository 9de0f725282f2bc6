// Reading a stored item without knowing its encoding: what api/ may do with
// the bytes Cursor::next_encoded() returns.  The format itself is private to
// storage (item_codec.hh draws it); api/ only decodes or visits it.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string_view>

#include "storage/attribute_value.hh"

namespace ddbd::storage {

// Decodes a whole encoded item into `out`, replacing what it held.  Returns
// false on malformed input (corruption); `out` is then unspecified.
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

// Walks a whole encoded item, calling `v`.  Returns false on malformed input
// (corruption), possibly after `v` has seen part of it.
bool visit_item(std::string_view bytes, ItemVisitor& v);

}  // namespace ddbd::storage
