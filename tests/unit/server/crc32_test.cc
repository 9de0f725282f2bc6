// CRC-32 of response bodies against zlib's byte-at-a-time reference, over the
// lengths where the folding path changes shape (the 256-byte threshold, the
// 64- and 16-byte steps and the tail) and over unaligned starts.
#include "server/crc32.hh"

#include <gtest/gtest.h>
#include <zlib.h>

#include <random>
#include <string>

namespace ddbd::server {
namespace {

std::uint32_t reference(std::string_view s) {
  return static_cast<std::uint32_t>(
      ::crc32(0L, reinterpret_cast<const Bytef*>(s.data()), static_cast<uInt>(s.size())));
}

TEST(Crc32Test, MatchesZlibOverLengthsAndOffsets) {
  std::mt19937 rng(7);
  std::string buf(5000, '\0');
  for (auto& c : buf) c = static_cast<char>(rng());
  for (std::size_t len = 0; len <= 1100; ++len)
    for (std::size_t off : {0, 1, 7, 15})
      ASSERT_EQ(crc32(std::string_view(buf).substr(off, len)), reference(std::string_view(buf).substr(off, len)))
          << "len " << len << " offset " << off;
}

TEST(Crc32Test, MatchesZlibOnLargeBodies) {
  std::mt19937 rng(11);
  std::string body(3 * 1024 * 1024 + 13, '\0');
  for (auto& c : body) c = static_cast<char>('a' + rng() % 26);
  EXPECT_EQ(crc32(body), reference(body));
  std::string zeros(1 << 20, '\0');
  EXPECT_EQ(crc32(zeros), reference(zeros));
}

}  // namespace
}  // namespace ddbd::server
