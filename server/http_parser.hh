// The HTTP/1.x request reader's parsing half: a request's head (request
// line and header fields) and a chunked body, parsed from bytes the
// listener has buffered, with no allocation of its own.
//
// RequestHeadParser is given the bytes received from a request's first
// byte on, again after every read (the buffer grows, and may move, between
// calls); it remembers how far it looked, so each byte is scanned for line
// ends once.  The request line is checked as soon as it is complete (an
// unsupported version is refused before the headers arrive, as Beast did);
// the fields are parsed once the empty line has arrived, into the
// request's fields (from the connection's arena, server/http_arena.hh).
//
// What is refused (then the connection is closed after the answer):
//   431  the request line and fields together over the header limit;
//   505  a version "HTTP/d.d" other than 1.0 and 1.1;
//   413  a Content-Length over the body limit (before the body is read);
//   400  everything else malformed: a bad method, target or version, a line
//        not ended by CRLF (bare LF), obs-fold (a field line starting with
//        SP or HTAB; RFC 9112 §5.2 allows the 400), a field name that is
//        not a token or is followed by whitespace, a control character in a
//        value, a Content-Length that is not a decimal number, two
//        different Content-Lengths, Transfer-Encoding with Content-Length,
//        a Transfer-Encoding other than "chunked" (RFC 9112 §6.3), a
//        malformed Connection list.
// Beast, the parser this replaces, accepted obs-fold (joining the lines)
// and ignored a Transfer-Encoding whose last coding was not chunked (the
// request then had no body); both are 400s now.  Everything else it
// accepted is accepted.
//
// ChunkedDecoder decodes a chunked body (RFC 9112 §7.1) incrementally:
// chunk sizes in hex with optional extensions, the data, the final 0 chunk
// and trailer fields (read and dropped).
//
// Thread-safety: none; one parser per connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "server/router.hh"

namespace ddbd::server {

enum class ParseStatus {
  done,
  need_more,
  bad_request,                // 400
  header_too_large,           // 431
  version_not_supported,      // 505
  body_too_large,             // 413
};

// How the body of a parsed head is framed.
enum class BodyFraming { none, length, chunked };

struct RequestHead {
  std::size_t head_bytes = 0;  // request line, fields and the empty line
  BodyFraming framing = BodyFraming::none;
  std::uint64_t content_length = 0;  // with BodyFraming::length
  bool expect_continue = false;      // HTTP/1.1 with `Expect: 100-continue`
};

class RequestHeadParser {
 public:
  // `header_limit`: the most bytes of request line, fields and empty line;
  // `body_limit`: the largest Content-Length accepted.
  RequestHeadParser(std::size_t header_limit, std::uint64_t body_limit)
      : header_limit_(header_limit), body_limit_(body_limit) {}

  // Parses the bytes of one request received so far (`data` starts at its
  // first byte).  done: `req` holds the method, target, version and fields
  // and `head` the framing; the body starts at data[head.head_bytes].
  // need_more: call again with more bytes.  Anything else: refuse the
  // request with that status.  Call reset() before the next request.
  ParseStatus parse(std::string_view data, HttpRequest& req, RequestHead& head);

  void reset() {
    scanned_ = 0;
    line_end_ = 0;
  }

 private:
  ParseStatus parse_fields(std::string_view block, HttpRequest& req, RequestHead& head) const;

  std::size_t header_limit_;
  std::uint64_t body_limit_;
  std::size_t line_end_ = 0;  // end of the request line (past its CRLF) once checked, else 0
  std::size_t scanned_ = 0;   // the start of the first field line not known to be complete
};

class ChunkedDecoder {
 public:
  // Decodes what `in` holds, appending data to `body` and removing what it
  // consumed from `in` (a partial chunk-size or trailer line stays in it).
  // done: the body is complete (the rest of `in` is the next request).
  // need_more: call again with more bytes.  body_too_large: the body grew
  // past `limit`.  bad_request: malformed.
  ParseStatus feed(std::string_view& in, std::string& body, std::size_t limit);

  void reset() {
    state_ = State::size;
    left_ = 0;
    trailer_bytes_ = 0;
  }

  // Longest chunk-size or trailer line accepted (extensions included), and
  // the most trailer bytes.
  static constexpr std::size_t kMaxLine = 4096;
  static constexpr std::size_t kMaxTrailer = 64 * 1024;

 private:
  enum class State { size, data, data_end, trailer };
  State state_ = State::size;
  std::uint64_t left_ = 0;  // data bytes of the current chunk still to come
  std::size_t trailer_bytes_ = 0;
};

}  // namespace ddbd::server
