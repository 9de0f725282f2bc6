// storage/digest: SHA-256 and HMAC-SHA-256 against published test vectors
// (FIPS 180-2 examples, RFC 4231), and random_bytes.
#include "storage/digest.hh"

#include <gtest/gtest.h>

#include <string>

namespace ddbd::storage {
namespace {

std::string hex(const Sha256Digest& d) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (unsigned char c : d) {
    s.push_back(digits[c >> 4]);
    s.push_back(digits[c & 15]);
  }
  return s;
}

TEST(Digest, Sha256Vectors) {
  EXPECT_EQ(hex(sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hex(sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(hex(sha256(std::string(1000000, 'a'))),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Digest, HmacSha256Rfc4231) {
  // Test case 1: a 20-byte key.
  EXPECT_EQ(hex(hmac_sha256(std::string(20, '\x0b'), "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  // Test case 2: a key shorter than the digest.
  EXPECT_EQ(hex(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // Test case 6: a key longer than the block is hashed first.
  EXPECT_EQ(hex(hmac_sha256(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(Digest, RandomBytesFillAndDiffer) {
  unsigned char a[300] = {}, b[300] = {};
  random_bytes(a, sizeof a);
  random_bytes(b, sizeof b);
  EXPECT_NE(std::string(reinterpret_cast<char*>(a), sizeof a), std::string(reinterpret_cast<char*>(b), sizeof b));
  EXPECT_NE(std::string(reinterpret_cast<char*>(a), sizeof a), std::string(sizeof a, '\0'));
  random_bytes(a, 0);  // nothing to do
}

}  // namespace
}  // namespace ddbd::storage
