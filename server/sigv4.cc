#include "server/sigv4.hh"

#include <algorithm>
#include <cctype>

#include "api/hex.hh"
#include "storage/digest.hh"

namespace ddbd::server::sigv4 {

std::string sha256_hex(std::string_view data) {
  const storage::Sha256Digest md = storage::sha256(data);
  return api::hex(std::string_view(reinterpret_cast<const char*>(md.data()), md.size()));
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  const storage::Sha256Digest md = storage::hmac_sha256(key, data);
  return std::string(reinterpret_cast<const char*>(md.data()), md.size());
}

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Trims and collapses runs of spaces, as SigV4's canonical header values.
std::string canonical_value(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  bool space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

Headers sorted_lower(const Headers& headers) {
  Headers hs;
  hs.reserve(headers.size());
  for (const auto& [n, v] : headers) hs.emplace_back(lower(n), canonical_value(v));
  std::stable_sort(hs.begin(), hs.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return hs;
}

bool unreserved(unsigned char c) {
  return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~';
}

std::string uri_encode(std::string_view s, bool keep_slash) {
  std::string out;
  for (unsigned char c : s) {
    if (unreserved(c) || (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      api::append_hex_byte(out, c, /*upper=*/true);
    }
  }
  return out;
}

std::string url_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else if (s[i] == '+') {
      out.push_back(' ');
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::string canonical_query(std::string_view query) {
  if (query.empty()) return {};
  std::vector<std::pair<std::string, std::string>> params;
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (part.empty()) continue;
    auto eq = part.find('=');
    std::string k = url_decode(part.substr(0, eq));
    std::string v = eq == std::string_view::npos ? std::string() : url_decode(part.substr(eq + 1));
    params.emplace_back(uri_encode(k, false), uri_encode(v, false));
  }
  std::sort(params.begin(), params.end());
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out.push_back('&');
    out += k;
    out.push_back('=');
    out += v;
  }
  return out;
}

}  // namespace

std::string signed_headers(const Headers& headers) {
  std::string out;
  for (const auto& [n, v] : sorted_lower(headers)) {
    if (!out.empty()) out.push_back(';');
    out += n;
  }
  return out;
}

std::string canonical_request(std::string_view method, std::string_view path, std::string_view query,
                              const Headers& headers, std::string_view payload_sha256_hex) {
  Headers hs = sorted_lower(headers);
  std::string out;
  out.reserve(256);
  out += method;
  out.push_back('\n');
  out += path.empty() ? std::string("/") : uri_encode(url_decode(path), true);
  out.push_back('\n');
  out += canonical_query(query);
  out.push_back('\n');
  // Repeated names are joined with commas.
  for (std::size_t i = 0; i < hs.size(); ++i) {
    if (i > 0 && hs[i].first == hs[i - 1].first) {
      out.back() = ',';
      out += hs[i].second;
      out.push_back('\n');
      continue;
    }
    out += hs[i].first;
    out.push_back(':');
    out += hs[i].second;
    out.push_back('\n');
  }
  out.push_back('\n');
  std::string names;
  for (std::size_t i = 0; i < hs.size(); ++i) {
    if (i > 0 && hs[i].first == hs[i - 1].first) continue;
    if (!names.empty()) names.push_back(';');
    names += hs[i].first;
  }
  out += names;
  out.push_back('\n');
  out += payload_sha256_hex;
  return out;
}

std::string signature(std::string_view secret, std::string_view date, std::string_view region,
                      std::string_view service, std::string_view amz_date, std::string_view canonical) {
  std::string scope = std::string(date) + "/" + std::string(region) + "/" + std::string(service) + "/aws4_request";
  std::string to_sign = "AWS4-HMAC-SHA256\n" + std::string(amz_date) + "\n" + scope + "\n" + sha256_hex(canonical);
  std::string k = hmac_sha256("AWS4" + std::string(secret), date);
  k = hmac_sha256(k, region);
  k = hmac_sha256(k, service);
  k = hmac_sha256(k, "aws4_request");
  return api::hex(hmac_sha256(k, to_sign));
}

std::string sign_request(std::string_view method, std::string_view path, std::string_view query,
                         const Headers& headers, std::string_view body, const SigningParams& p) {
  std::string canonical = canonical_request(method, path, query, headers, sha256_hex(body));
  std::string date = p.amz_date.substr(0, 8);
  std::string sig = signature(p.secret_access_key, date, p.region, p.service, p.amz_date, canonical);
  return "AWS4-HMAC-SHA256 Credential=" + p.access_key_id + "/" + date + "/" + p.region + "/" + p.service +
         "/aws4_request, SignedHeaders=" + signed_headers(headers) + ", Signature=" + sig;
}

}  // namespace ddbd::server::sigv4
