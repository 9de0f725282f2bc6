// HTTP body codings: inflating compressed request bodies (Content-Encoding)
// and compressing responses (Accept-Encoding), with zlib.
//
// Requests: DynamoDB accepts `Content-Encoding: gzip` (the AWS SDKs' request
// compression); ddbd also takes `deflate`, zlib-wrapped (RFC 9110 §8.4.1.2)
// or raw (some clients send raw deflate under that name).  Inflating streams
// into a growing buffer and stops as soon as the output would pass the
// caller's limit; it never allocates by a size the body claims (gzip's
// ISIZE trailer).  Concatenated gzip members are decoded as one body, and
// bytes after the last member that do not start another member are ignored,
// as DynamoDB does (its decoder ignores a malformed trailer).
//
// Responses: choose_response_coding() reads Accept-Encoding as DynamoDB
// does (names case-insensitive, unknown names and `identity` ignored, the
// highest q wins and the first listed on a tie, q clamped to [0, 1], a q
// that does not parse counts as 1, `*` stands for a coding not listed,
// gzip first); compress() writes gzip or zlib-wrapped deflate.
//
// Thread-safety: free functions without shared state.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ddbd::server {

enum class BodyCoding { identity, gzip, deflate };

// The coding a Content-Encoding value names ("gzip", "deflate", "identity",
// or empty: identity), or nullopt when it names anything else (a list of
// codings included).  Case-insensitive; surrounding blanks ignored.
std::optional<BodyCoding> parse_content_encoding(std::string_view value);

enum class InflateStatus {
  ok,
  too_large,  // the inflated body would pass the limit
  corrupt,    // not a valid stream of the coding (empty and truncated included)
};

// Inflates `in` (coded as `coding`, not identity) into `out` (replaced),
// at most `limit` bytes.  On success `out` has at least `padding` bytes of
// capacity beyond its size.  On failure `out` is left empty.
InflateStatus inflate_body(std::string_view in, BodyCoding coding, std::size_t limit, std::size_t padding,
                           std::string& out);

// The coding to answer with for an Accept-Encoding value (identity when
// the header allows neither gzip nor deflate).
BodyCoding choose_response_coding(std::string_view accept_encoding);

// `in` compressed as `coding` (gzip or deflate).
std::string compress(std::string_view in, BodyCoding coding);

// The Content-Encoding token of a coding ("gzip", "deflate").
std::string_view coding_name(BodyCoding coding);

}  // namespace ddbd::server
