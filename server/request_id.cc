#include "server/request_id.hh"

#include <cstdint>
#include <random>

namespace ddbd::server {

RequestId new_request_id() {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  thread_local std::mt19937_64 rng{std::random_device{}()};
  RequestId id;
  // Each 64-bit draw is read as a fraction in [0, 1): multiplying by 36
  // moves the next base-36 digit above bit 64.  A draw gives 12 digits
  // (36^12 < 2^64); the slight bias of the last ones is harmless for ids.
  std::uint64_t bits = 0;
  int left = 0;
  for (char& c : id.chars) {
    if (left == 0) {
      bits = rng();
      left = 12;
    }
    const unsigned __int128 product = static_cast<unsigned __int128>(bits) * 36;
    c = kAlphabet[static_cast<unsigned>(product >> 64)];
    bits = static_cast<std::uint64_t>(product);
    --left;
  }
  return id;
}

}  // namespace ddbd::server
