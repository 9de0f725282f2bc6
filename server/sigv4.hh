// AWS Signature Version 4: the canonical request, the string to sign, the
// signing key and the signature, as documented in "Create a signed AWS API
// request" (AWS General Reference).  Used by the server to verify requests
// (auth.cc) and by the load generator to sign them.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ddbd::server::sigv4 {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct SigningParams {
  std::string access_key_id;
  std::string secret_access_key;
  std::string region;
  std::string service;
  std::string amz_date;  // YYYYMMDDTHHMMSSZ
};

std::string sha256_hex(std::string_view data);
std::string hmac_sha256(std::string_view key, std::string_view data);

// The canonical request.  `headers` are the headers to sign, in any order and
// case; names are lower-cased and sorted, values trimmed with inner runs of
// spaces collapsed.  `query` is the raw query string (may be empty).
std::string canonical_request(std::string_view method, std::string_view path, std::string_view query,
                              const Headers& headers, std::string_view payload_sha256_hex);

// "h1;h2;..." of `headers`, lower-cased and sorted.
std::string signed_headers(const Headers& headers);

// The hex signature of `canonical` under the given key and scope.
std::string signature(std::string_view secret, std::string_view date, std::string_view region,
                      std::string_view service, std::string_view amz_date, std::string_view canonical);

// The full Authorization header value for a request.
std::string sign_request(std::string_view method, std::string_view path, std::string_view query,
                         const Headers& headers, std::string_view body, const SigningParams& p);

}  // namespace ddbd::server::sigv4
