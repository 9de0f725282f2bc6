#include "server/auth.hh"

#include <cctype>
#include <ctime>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <boost/beast/core/string.hpp>
#include <openssl/crypto.h>

#include "server/sigv4.hh"

namespace ddbd::server {

namespace {

constexpr long long kMaxSkewSeconds = 15 * 60;

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// The parameters of "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...".
struct AuthHeader {
  std::string_view algorithm, credential, signed_headers, signature;
};

// The components after the algorithm are separated by commas, whitespace
// or both: DynamoDB accepts "Credential=... SignedHeaders=... Signature=..."
// (spaces only) and "Credential=...,SignedHeaders=...,Signature=..." as
// well as the SDKs' ", " form.
AuthHeader parse_auth_header(std::string_view h) {
  AuthHeader out;
  h = trim(h);
  auto sp = h.find(' ');
  out.algorithm = h.substr(0, sp);
  std::string_view rest = sp == std::string_view::npos ? std::string_view() : h.substr(sp + 1);
  // Not std::isspace: a libc call per character of every request's header.
  auto is_sep = [](char c) { return c == ',' || c == ' ' || c == '\t'; };
  while (!rest.empty()) {
    std::size_t end = 0;
    while (end < rest.size() && !is_sep(rest[end])) ++end;
    std::string_view part = rest.substr(0, end);
    rest.remove_prefix(end < rest.size() ? end + 1 : end);
    auto eq = part.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view k = part.substr(0, eq), v = part.substr(eq + 1);
    if (k == "Credential") out.credential = v;
    else if (k == "SignedHeaders") out.signed_headers = v;
    else if (k == "Signature") out.signature = v;
  }
  return out;
}

// Calls fn(part) for each `sep`-separated part of `s` (one empty part for an
// empty `s`), without collecting them.
template <class F>
void for_each_part(std::string_view s, char sep, F&& fn) {
  std::size_t start = 0;
  while (true) {
    auto p = s.find(sep, start);
    fn(s.substr(start, p == std::string_view::npos ? std::string_view::npos : p - start));
    if (p == std::string_view::npos) break;
    start = p + 1;
  }
}

// The credential scope's parts (AKID/DATE/REGION/SERVICE/aws4_request):
// the first five, and how many there are in all.
struct Scope {
  std::string_view parts[5];
  std::size_t count = 0;
  std::size_t size() const { return count; }
  std::string_view operator[](std::size_t i) const { return parts[i]; }
};

Scope split_scope(std::string_view credential) {
  Scope out;
  for_each_part(credential, '/', [&](std::string_view part) {
    if (out.count < 5) out.parts[out.count] = part;
    ++out.count;
  });
  return out;
}


std::optional<long long> parse_http_date(std::string_view s) {
  std::tm tm{};
  std::string str(s);
  if (!strptime(str.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm)) return std::nullopt;
  return static_cast<long long>(timegm(&tm));
}

// Strict-mode checks made after the date, in DynamoDB's order (dynalite
// index.js records the live service's answers): `host` must be signed, and
// the algorithm must be AWS4-HMAC-SHA256.
std::optional<AuthError> check_host_and_algorithm(const AuthHeader& a) {
  using api::ErrorCode;
  bool host_signed = false;
  for_each_part(a.signed_headers, ';',
                [&](std::string_view name) { host_signed = host_signed || boost::beast::iequals(name, "host"); });
  if (!host_signed)
    return AuthError{ErrorCode::InvalidSignatureException,
                     "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."};
  if (a.algorithm != "AWS4-HMAC-SHA256")
    return AuthError{ErrorCode::IncompleteSignatureException,
                     "Unsupported AWS 'algorithm': '" + std::string(a.algorithm) + "' (only AWS4-HMAC-SHA256 for now). "};
  return std::nullopt;
}

// Compares signatures in constant time (for equal lengths), so that the
// time taken does not reveal how many leading characters were right.
bool same_signature(const std::string& expected, std::string_view given) {
  return expected.size() == given.size() && CRYPTO_memcmp(expected.data(), given.data(), given.size()) == 0;
}

// The value of the request's first `name` header as a view into the request,
// or empty when there is none.
template <class Name>
std::string_view field_value(const HttpRequest& req, Name name) {
  auto it = req.find(name);
  return it == req.end() ? std::string_view() : std::string_view(it->value().data(), it->value().size());
}

// What authenticate() reads from a request, as views into it.
struct SignedRequest {
  AuthHeader header;
  std::string_view amz_date, http_date;  // empty when absent
  Scope scope;                           // Credential: AKID/DATE/REGION/SERVICE/aws4_request
};

AuthError missing_token() {
  return AuthError{api::ErrorCode::MissingAuthenticationTokenException, "Request is missing Authentication Token"};
}

// IncompleteSignature listing every missing part at once, as DynamoDB does,
// followed by the Authorization header; nullopt when nothing is missing.
std::optional<AuthError> check_complete(const SignedRequest& s, std::string_view authorization) {
  const AuthHeader& a = s.header;
  std::string missing;
  if (a.credential.empty()) missing += "Authorization header requires 'Credential' parameter. ";
  if (a.signature.empty()) missing += "Authorization header requires 'Signature' parameter. ";
  if (a.signed_headers.empty()) missing += "Authorization header requires 'SignedHeaders' parameter. ";
  if (s.amz_date.empty() && s.http_date.empty())
    missing += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
  if (missing.empty()) return std::nullopt;
  return AuthError{api::ErrorCode::IncompleteSignatureException, missing + "Authorization=" + std::string(authorization)};
}

// The credential scope must have five parts, a non-empty key id and the
// aws4_request terminator (IncompleteSignature otherwise).
std::optional<AuthError> check_scope_shape(const SignedRequest& s) {
  const auto& scope = s.scope;
  if (scope.size() != 5 || scope[0].empty())
    return AuthError{api::ErrorCode::IncompleteSignatureException,
                     "Credential must have exactly 5 slash-delimited elements, e.g. "
                     "keyid/date/region/service/term, got '" + std::string(s.header.credential) + "'"};
  if (scope[4] != "aws4_request")
    return AuthError{api::ErrorCode::IncompleteSignatureException,
                     "Credential should be scoped with a valid terminator: 'aws4_request', not '" +
                         std::string(scope[4]) + "'."};
  return std::nullopt;
}

// The request time `when` (X-Amz-Date, else Date) must be within
// kMaxSkewSeconds of `now_s`.  The message shows it as YYYYMMDDTHHMMSSZ.
std::optional<AuthError> check_skew(long long when, long long now_s) {
  using api::ErrorCode;
  if (when < now_s - kMaxSkewSeconds)
    return AuthError{ErrorCode::InvalidSignatureException,
                     "Signature expired: " + format_amz_date(when) + " is now earlier than " +
                         format_amz_date(now_s - kMaxSkewSeconds) + " (" + format_amz_date(now_s) + " - 15 min.)"};
  if (when > now_s + kMaxSkewSeconds)
    return AuthError{ErrorCode::InvalidSignatureException,
                     "Signature not yet current: " + format_amz_date(when) + " is still later than " +
                         format_amz_date(now_s + kMaxSkewSeconds) + " (" + format_amz_date(now_s) + " + 15 min.)"};
  return std::nullopt;
}

// The request time: X-Amz-Date when present, else Date; nullopt when neither
// is there or the one that counts does not parse.
std::optional<long long> request_time(const SignedRequest& s) {
  if (!s.amz_date.empty()) return parse_amz_date(s.amz_date);
  if (!s.http_date.empty()) return parse_http_date(s.http_date);
  return std::nullopt;
}

// The signed headers with the values the request carries: every header of
// that name (case-insensitive), or one empty value when there is none.
sigv4::Headers signed_header_values(const HttpRequest& req, std::string_view signed_headers) {
  sigv4::Headers headers;
  for_each_part(signed_headers, ';', [&](std::string_view name) {
    bool found = false;
    for (const auto& f : req) {
      if (boost::beast::iequals(f.name_string(), name)) {
        headers.emplace_back(std::string(name), std::string(f.value().data(), f.value().size()));
        found = true;
      }
    }
    if (!found) headers.emplace_back(std::string(name), std::string());
  });
  return headers;
}

// The signature of `r` under `secret`, for the request time `amz_date`.
std::string expected_signature(const AuthRequest& r, const SignedRequest& s, const std::string& secret,
                               std::string_view amz_date) {
  const auto& req = r.req;
  std::string_view target(req.target().data(), req.target().size());
  auto q = target.find('?');
  std::string_view path = target.substr(0, q);
  std::string_view query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
  std::string canonical = sigv4::canonical_request(std::string_view(req.method_string().data(), req.method_string().size()),
                                                   path, query, signed_header_values(req, s.header.signed_headers),
                                                   sigv4::sha256_hex(r.body));
  return sigv4::signature(secret, s.scope[1], s.scope[2], s.scope[3], amz_date, canonical);
}

// With verification on and the key known: the date parses, `host` is signed
// with AWS4-HMAC-SHA256, the scope's date is the request's, and the signature
// matches.  Checks in DynamoDB's order (the time window was checked first,
// by authenticate()).
std::optional<AuthError> verify_signature(const AuthRequest& r, const SignedRequest& s, const std::string& secret,
                                          std::optional<long long> when) {
  using api::ErrorCode;
  const bool amz = !s.amz_date.empty();
  if (!when)
    return AuthError{ErrorCode::IncompleteSignatureException,
                     "Date must be in ISO-8601 'basic format'. Got '" + std::string(amz ? s.amz_date : s.http_date) +
                         "'. See http://en.wikipedia.org/wiki/ISO_8601"};
  const std::string req_date = format_amz_date(*when);
  if (auto e = check_host_and_algorithm(s.header)) return e;
  if (s.scope[1] != std::string_view(req_date).substr(0, 8))
    return AuthError{ErrorCode::InvalidSignatureException,
                     "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '" +
                         std::string(s.scope[1]) + "' != '" + req_date.substr(0, 8) + "', from '" + req_date + "'."};
  std::string expected = expected_signature(r, s, secret, amz ? s.amz_date : std::string_view(req_date));
  if (!same_signature(expected, s.header.signature))
    return AuthError{ErrorCode::InvalidSignatureException,
                     "The request signature we calculated does not match the signature you provided. Check your AWS "
                     "Secret Access Key and signing method. Consult the service documentation for details."};
  return std::nullopt;
}

}  // namespace

std::optional<long long> parse_amz_date(std::string_view s) {
  if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z') return std::nullopt;
  for (std::size_t i = 0; i < 15; ++i)
    if (i != 8 && !std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
  auto num = [&](std::size_t at, std::size_t n) {
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) v = v * 10 + (s[i] - '0');
    return v;
  };
  const int year = num(0, 4), month = num(4, 2), day = num(6, 2);
  const int hour = num(9, 2), minute = num(11, 2), second = num(13, 2);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  // Days since 1970-01-01 of the proleptic Gregorian date (Howard Hinnant's
  // days_from_civil): no libc call, no allocation, on every request.
  const int y = month <= 2 ? year - 1 : year;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const long long days = static_cast<long long>(era) * 146097 + doe - 719468;
  return days * 86400 + hour * 3600 + minute * 60 + second;
}

std::string format_amz_date(long long t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

Authenticator::Authenticator(const std::optional<std::string>& credentials_file, bool check_time)
    : check_time_(check_time) {
  if (!credentials_file) return;
  std::ifstream in(*credentials_file);
  if (!in) throw std::runtime_error("cannot read credentials file " + *credentials_file);
  verify_ = true;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    std::string_view l = trim(line);
    if (l.empty() || l.front() == '#') continue;
    std::istringstream ss{std::string(l)};
    std::string key, secret, extra;
    if (!(ss >> key >> secret) || (ss >> extra))
      throw std::runtime_error("credentials file " + *credentials_file + " line " + std::to_string(n) +
                               ": expected \"ACCESS_KEY_ID SECRET\"");
    secrets_[key] = secret;
  }
}

std::variant<Principal, AuthError> Authenticator::authenticate(const AuthRequest& r, double now,
                                                              std::string_view service) const {
  const auto& req = r.req;
  const std::string_view authorization = field_value(req, http::field::authorization);
  SignedRequest s{parse_auth_header(authorization), field_value(req, "x-amz-date"), field_value(req, http::field::date), {}};
  // A missing (or empty) header, or one not of the AWS4- family, is no
  // authentication at all to DynamoDB (dynalite index.js, recorded against AWS).
  if (s.header.algorithm.substr(0, 5) != "AWS4-") return missing_token();
  // DynamoDB checks the request time against its window before anything
  // else of the header, credentials included, and in every mode: an expired
  // or future X-Amz-Date is "Signature expired" even when the rest is
  // malformed.  A date that does not parse is left to the checks below.
  const std::optional<long long> when = request_time(s);
  if (when && (check_time_ || verify_))
    if (auto e = check_skew(*when, static_cast<long long>(now))) return std::move(*e);
  if (auto e = check_complete(s, authorization)) return std::move(*e);
  s.scope = split_scope(s.header.credential);
  if (auto e = check_scope_shape(s)) return std::move(*e);
  Principal who{s.scope[0], s.scope[2]};
  if (!verify_) return who;
  if (s.scope[3] != service)
    return AuthError{api::ErrorCode::InvalidSignatureException,
                     "Credential should be scoped to correct service: '" + std::string(service) + "'. "};
  auto secret = secrets_.find(who.access_key_id);
  if (secret == secrets_.end())
    return AuthError{api::ErrorCode::UnrecognizedClientException, "The security token included in the request is invalid."};
  if (auto e = verify_signature(r, s, secret->second, when)) return std::move(*e);
  return who;
}

}  // namespace ddbd::server
