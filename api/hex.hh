// Hexadecimal digits of bytes: the one encoder behind JSON's \u00XX escapes
// (RFC 8259 section 7), SigV4's hex hashes and signatures (lowercase) and its
// %XX URI escapes (uppercase, as the SigV4 canonical request requires), and
// UUIDs (table ids, KMS key ids).
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

// 16 bytes as a version-4 UUID (RFC 9562: the version and variant bits are
// set in `b`), e.g. "1b4e28ba-2fa1-41d2-883f-0016d3cca427".
inline std::string uuid_text(unsigned char (&b)[16]) {
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  std::string s;
  s.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s.push_back('-');
    append_hex_byte(s, b[i]);
  }
  return s;
}

// Every byte of `bytes` as two lowercase hex digits.
inline std::string hex(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) append_hex_byte(out, c);
  return out;
}

}  // namespace ddbd::api
