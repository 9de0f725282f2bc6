// JsonWriter: a small streaming JSON writer for responses.
//
// Appends to one std::string; the caller is responsible for well-formed
// nesting (begin/end pairs, a key() before each member value).  Commas are
// inserted automatically.  Strings are escaped per RFC 8259 (control
// characters as \u00XX; non-ASCII UTF-8 passes through unchanged).
// Attribute values and items are written directly from the value model, with
// B/BS base64-encoded.
//
// Thread-safety: one writer per thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "storage/attribute_value.hh"

namespace ddbd::api {

class JsonWriter {
 public:
  JsonWriter() { out_.reserve(256); }
  // With room for `reserve` bytes (an answer whose size is known roughly).
  explicit JsonWriter(std::size_t reserve) { out_.reserve(reserve); }

  void begin_object() { sep(); out_.push_back('{'); first_ = true; }
  void end_object() { out_.push_back('}'); first_ = false; }
  void begin_array() { sep(); out_.push_back('['); first_ = true; }
  void end_array() { out_.push_back(']'); first_ = false; }
  void key(std::string_view k);
  void string(std::string_view s);
  void number(int64_t v);
  void number(uint64_t v);
  void number(int v) { number(static_cast<int64_t>(v)); }
  void number_double(double v);  // shortest round-trip text, as JSON number
  void boolean(bool b);
  void null();
  // Appends already-rendered JSON `"name":value,...` member text inside the
  // current object.
  void raw_member(std::string_view members);
  // Appends an already-rendered JSON value.
  void raw_value(std::string_view value);

  // {"S":"..."} etc.
  void attribute_value(const AttributeValue& v);
  // {"name":{...},...}
  void item(const AttrMap& m);
  // The same JSON as item(), written straight from an item's stored
  // encoding (storage/item_codec.hh) without decoding it.  Returns false
  // when `encoded` is malformed; the output is then incomplete.
  bool encoded_item(std::string_view encoded);

  std::string take() { return std::move(out_); }
  const std::string& str() const { return out_; }

 private:
  void sep() {
    if (!first_ && !after_key_) out_.push_back(',');
    first_ = false;
    after_key_ = false;
  }
  void escaped(std::string_view s);
  // begin_object() and key() of the type's wire name: `{"S":`.
  void open_typed(AttrType type);
  // A JSON string holding the base64 of `raw`.
  void base64_string(std::string_view raw);

  friend class EncodedItemWriter;

  std::string out_;
  bool first_ = true;
  bool after_key_ = false;
};

// Base64 (standard alphabet, with padding).
void base64_encode(std::string_view in, std::string& out);
// Strict decode; returns false on bad characters, bad padding or a length
// that is not a multiple of 4.
bool base64_decode(std::string_view in, std::string& out);

}  // namespace ddbd::api
