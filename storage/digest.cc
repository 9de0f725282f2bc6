#include "storage/digest.hh"

// SHA256_Init/Update/Final are deprecated in OpenSSL 3 in favour of EVP,
// which is what this file avoids (see the header).
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>
#include <sys/random.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

namespace ddbd::storage {

namespace {

constexpr std::size_t kBlock = 64;  // SHA-256's block size, HMAC's key pad

class Sha256 {
 public:
  Sha256() { SHA256_Init(&ctx_); }
  Sha256& update(const void* p, std::size_t n) {
    SHA256_Update(&ctx_, p, n);
    return *this;
  }
  Sha256& update(std::string_view s) { return update(s.data(), s.size()); }
  Sha256Digest finish() {
    Sha256Digest d;
    SHA256_Final(d.data(), &ctx_);
    return d;
  }

 private:
  SHA256_CTX ctx_;
};

}  // namespace

Sha256Digest sha256(std::string_view data) { return Sha256().update(data).finish(); }

Sha256Digest hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char k[kBlock] = {};
  if (key.size() > kBlock) {
    const Sha256Digest kd = sha256(key);
    std::copy(kd.begin(), kd.end(), k);
  } else {
    std::copy(key.begin(), key.end(), k);
  }
  unsigned char ipad[kBlock], opad[kBlock];
  for (std::size_t i = 0; i < kBlock; ++i) {
    ipad[i] = static_cast<unsigned char>(k[i] ^ 0x36);
    opad[i] = static_cast<unsigned char>(k[i] ^ 0x5c);
  }
  const Sha256Digest inner = Sha256().update(ipad, kBlock).update(data).finish();
  return Sha256().update(opad, kBlock).update(inner.data(), inner.size()).finish();
}

void random_bytes(unsigned char* out, std::size_t n) {
  while (n > 0) {
    const ssize_t got = getrandom(out, n, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(), "getrandom");
    }
    out += got;
    n -= static_cast<std::size_t>(got);
  }
}

}  // namespace ddbd::storage
