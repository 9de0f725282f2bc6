// SHA-256, HMAC-SHA-256 and random bytes, for every layer.
//
// Built on OpenSSL's low-level SHA-256 (SHA256_Init/Update/Final) and
// getrandom(2), not on the EVP interface: in OpenSSL 3 the one-shot SHA256(),
// HMAC() and RAND_bytes() fetch their algorithm from a provider on every
// call, and linked statically (the release build, cmake/StaticDeps.cmake)
// they pulled 3.8 MB of libcrypto into ddbd where this needs about 35 KB.
//
// Thread-safety: every function is reentrant.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace ddbd::storage {

using Sha256Digest = std::array<unsigned char, 32>;

Sha256Digest sha256(std::string_view data);

// HMAC (RFC 2104) with SHA-256.
Sha256Digest hmac_sha256(std::string_view key, std::string_view data);

// `n` bytes from the kernel's random source (getrandom(2); needs no /dev,
// so it works in the image's empty root).  Throws std::system_error if the
// kernel refuses.
void random_bytes(unsigned char* out, std::size_t n);

}  // namespace ddbd::storage
