#include "server/request_id.hh"

#include <random>

namespace ddbd::server {

std::string new_request_id() {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string id(52, '0');
  std::uint64_t bits = 0;
  int left = 0;
  for (char& c : id) {
    if (left == 0) {
      bits = rng();
      left = 10;  // 10 draws of 6 bits each from 64 random bits
    }
    // 36 symbols: take 6 bits and fold values >= 36 back (a slight bias is harmless for ids).
    c = kAlphabet[(bits & 63) % 36];
    bits >>= 6;
    --left;
  }
  return id;
}

}  // namespace ddbd::server
