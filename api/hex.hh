// Hexadecimal digits of bytes: the one encoder behind JSON's \u00XX escapes
// (RFC 8259 section 7), SigV4's hex hashes and signatures (lowercase) and its
// %XX URI escapes (uppercase, as the SigV4 canonical request requires).
// It lives in api/, the lowest layer that needs it; server/ sees api/.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace ddbd::api {

// Appends the two hex digits of `byte` to `out`, high nibble first.
inline void append_hex_byte(std::string& out, unsigned char byte, bool upper = false) {
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  out.push_back(digits[byte >> 4]);
  out.push_back(digits[byte & 15]);
}

// Every byte of `bytes` as two lowercase hex digits.
inline std::string hex(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) append_hex_byte(out, c);
  return out;
}

}  // namespace ddbd::api
