// The one hex encoder: lowercase for hashes and JSON escapes, uppercase for
// SigV4's %XX URI escapes.
#include "api/hex.hh"

#include <gtest/gtest.h>

#include <string>

namespace ddbd::api {
namespace {

TEST(HexTest, EncodesEveryByteAsTwoLowercaseDigits) {
  EXPECT_EQ(hex(""), "");
  EXPECT_EQ(hex(std::string("\x00\x01\x7f\x80\xab\xff", 6)), "00017f80abff");
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  const std::string h = hex(all);
  ASSERT_EQ(h.size(), 512u);
  for (int b = 0; b < 256; ++b) EXPECT_EQ(std::stoi(h.substr(2 * b, 2), nullptr, 16), b) << b;
}

TEST(HexTest, AppendsHighNibbleFirstInEitherCase) {
  std::string out = "%";
  append_hex_byte(out, 0x2f, /*upper=*/true);
  append_hex_byte(out, 0xea);
  append_hex_byte(out, 0xea, /*upper=*/true);
  EXPECT_EQ(out, "%2FeaEA");
}

}  // namespace
}  // namespace ddbd::api
