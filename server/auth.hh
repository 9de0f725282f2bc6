// Request authentication: AWS Signature Version 4 on the Authorization header.
//
// Every request needs an Authorization header (MissingAuthenticationToken
// otherwise) with Credential, SignedHeaders and Signature parameters and an
// X-Amz-Date or Date header (IncompleteSignature otherwise).  The access key
// id and region of the credential scope name the caller's namespace.
//
// The request time is checked first, as DynamoDB does, before the rest of
// the header is looked at and in every mode: more than 15 minutes away from
// ours -> InvalidSignature "Signature expired: ..." / "Signature not yet
// current: ...".  (--allow-clock-skew turns this check off when signatures
// are not verified, for tests that freeze the client's clock.)  Header
// components may be separated by commas, spaces or both.  Without a credentials file any key is accepted and signatures are
// not checked, as DynamoDB Local does.  With one (lines "ACCESS_KEY_ID
// SECRET"), signatures are verified: unknown key -> UnrecognizedClient,
// wrong signature -> InvalidSignature.
//
// Thread-safety: immutable after construction; authenticate() is reentrant.
#pragma once

#include <boost/beast/http.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <functional>
#include <unordered_map>
#include <variant>

#include "api/errors.hh"
#include "server/http_arena.hh"

namespace ddbd::server {

namespace http = boost::beast::http;
using HttpRequest = http::request<http::string_body, HttpFields>;

struct AuthRequest {
  const HttpRequest& req;
  std::string_view body;
};

// Views into the request's Authorization header: valid while the request is.
struct Principal {
  std::string_view access_key_id;
  std::string_view region;
};

struct AuthError {
  api::ErrorCode code;
  std::string message;
};

class Authenticator {
 public:
  // Reads `credentials_file` when given; throws std::runtime_error when it
  // cannot be read or holds a malformed line.
  // `check_time` false: without a credentials file, requests are not held
  // to the 15-minute window (with one, they always are).
  explicit Authenticator(const std::optional<std::string>& credentials_file, bool check_time = true);

  bool verifies() const { return verify_; }

  // `now` in seconds since the epoch.  `service` is the signing name the
  // credential scope must carry when signatures are verified ("dynamodb";
  // "lambda" for the Lambda REST API on the same port).
  std::variant<Principal, AuthError> authenticate(const AuthRequest& r, double now,
                                                  std::string_view service = "dynamodb") const;

 private:
  bool verify_ = false;
  bool check_time_ = true;
  // Transparent: looked up by a view into the request, without a copy.
  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, std::string, KeyHash, std::equal_to<>> secrets_;
};

// "YYYYMMDDTHHMMSSZ" -> seconds since the epoch, or nullopt.
std::optional<long long> parse_amz_date(std::string_view s);
// Seconds since the epoch -> "YYYYMMDDTHHMMSSZ".
std::string format_amz_date(long long t);

}  // namespace ddbd::server
