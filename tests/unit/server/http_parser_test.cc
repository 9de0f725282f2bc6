// Request head parser and chunked decoder (server/http_parser.hh): what is
// accepted and what each malformed request is refused with, and the same
// result when the bytes arrive split at every boundary (one or two cuts).
#include "server/http_parser.hh"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <string_view>

namespace ddbd::server {
namespace {

constexpr std::size_t kHeaderLimit = 1024;
constexpr std::uint64_t kBodyLimit = 1000;

struct Parsed {
  ParseStatus status;
  HttpRequest req;
  RequestHead head;
};

// Parses `raw` fed in pieces that end at the offsets in `cuts` (ascending),
// then at its end, as the listener does: each call sees every byte so far.
Parsed parse_in_pieces(std::string_view raw, std::initializer_list<std::size_t> cuts = {}) {
  RequestHeadParser parser(kHeaderLimit, kBodyLimit);
  Parsed out{ParseStatus::need_more, {}, {}};
  for (std::size_t cut : cuts) {
    out.status = parser.parse(raw.substr(0, cut), out.req, out.head);
    if (out.status != ParseStatus::need_more) return out;
  }
  out.status = parser.parse(raw, out.req, out.head);
  return out;
}

Parsed parse(std::string_view raw) { return parse_in_pieces(raw); }

constexpr std::string_view kSdkRequest =
    "POST / HTTP/1.1\r\n"
    "Host: localhost:8000\r\n"
    "Accept-Encoding: identity\r\n"
    "X-Amz-Target: DynamoDB_20120810.GetItem\r\n"
    "Content-Type: application/x-amz-json-1.0\r\n"
    "User-Agent: Boto3/1.26\r\n"
    "X-Amz-Date: 20261202T100000Z\r\n"
    "Authorization: AWS4-HMAC-SHA256 Credential=AKID/20261202/us-east-1/dynamodb/aws4_request, "
    "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=abcdef\r\n"
    "Content-Length: 42\r\n"
    "\r\n"
    "{\"TableName\":\"t\",\"Key\":{\"pk\":{\"S\":\"a\"}}}";

TEST(HttpParser, ParsesAnSdkRequest) {
  Parsed p = parse(kSdkRequest);
  ASSERT_EQ(p.status, ParseStatus::done);
  EXPECT_EQ(p.req.method(), http::verb::post);
  EXPECT_EQ(p.req.target(), "/");
  EXPECT_EQ(p.req.version(), 11);
  EXPECT_TRUE(p.req.keep_alive());
  EXPECT_EQ(p.req[http::field::host], "localhost:8000");
  // Names are case-insensitive; values are trimmed.
  EXPECT_EQ(p.req["x-amz-target"], "DynamoDB_20120810.GetItem");
  EXPECT_EQ(p.req["AUTHORIZATION"].substr(0, 16), "AWS4-HMAC-SHA256");
  EXPECT_EQ(p.head.framing, BodyFraming::length);
  EXPECT_EQ(p.head.content_length, 42u);
  EXPECT_FALSE(p.head.expect_continue);
  EXPECT_EQ(kSdkRequest.substr(p.head.head_bytes), R"({"TableName":"t","Key":{"pk":{"S":"a"}}})");
}

TEST(HttpParser, SameResultWhateverTheSplit) {
  const std::string_view head = kSdkRequest.substr(0, kSdkRequest.find("\r\n\r\n") + 4);
  for (std::size_t i = 0; i <= head.size(); ++i) {
    Parsed p = parse_in_pieces(head, {i});
    ASSERT_EQ(p.status, ParseStatus::done) << "cut at " << i;
    EXPECT_EQ(p.head.head_bytes, head.size());
    EXPECT_EQ(p.req["X-Amz-Date"], "20261202T100000Z") << "cut at " << i;
    EXPECT_EQ(p.head.content_length, 42u);
    for (std::size_t j = i; j <= head.size(); j += 7) {
      Parsed q = parse_in_pieces(head, {i, j});
      ASSERT_EQ(q.status, ParseStatus::done) << "cuts at " << i << ", " << j;
      EXPECT_EQ(std::distance(q.req.begin(), q.req.end()), 8);
    }
  }
  // Fed one byte at a time, it asks for more until the empty line.
  RequestHeadParser parser(kHeaderLimit, kBodyLimit);
  HttpRequest req;
  RequestHead h;
  for (std::size_t i = 0; i < head.size(); ++i)
    ASSERT_EQ(parser.parse(head.substr(0, i), req, h), ParseStatus::need_more) << i;
  EXPECT_EQ(parser.parse(head, req, h), ParseStatus::done);
}

TEST(HttpParser, RefusalsAreTheSameWhateverTheSplit) {
  const std::pair<std::string_view, ParseStatus> cases[] = {
      {"GET / HTTP/1.1\nHost: x\n\n", ParseStatus::bad_request},
      {"GET / HTTP/1.1\r\nHost: x\n\r\n", ParseStatus::bad_request},
      {"GET / HTTP/2.0\r\nHost: x\r\n\r\n", ParseStatus::version_not_supported},
      {"GET / HTTP/1.1\r\nX-A: a\x7f" "b\r\n\r\n", ParseStatus::bad_request},
      {"POST / HTTP/1.1\r\nContent-Length: 1001\r\n\r\n", ParseStatus::body_too_large},
  };
  for (const auto& [raw, status] : cases)
    for (std::size_t i = 0; i <= raw.size(); ++i) EXPECT_EQ(parse_in_pieces(raw, {i}).status, status) << raw << i;
}

TEST(HttpParser, RequestLine) {
  EXPECT_EQ(parse("GET /?x=1 HTTP/1.0\r\n\r\n").status, ParseStatus::done);
  Parsed p = parse("HEAD /metrics HTTP/1.0\r\n\r\n");
  ASSERT_EQ(p.status, ParseStatus::done);
  EXPECT_EQ(p.req.method(), http::verb::head);
  EXPECT_EQ(p.req.target(), "/metrics");
  EXPECT_EQ(p.req.version(), 10);
  EXPECT_FALSE(p.req.keep_alive());  // HTTP/1.0 without Connection: keep-alive
  EXPECT_EQ(p.head.framing, BodyFraming::none);
  // A method Beast does not know is still a method.
  p = parse("BREW /pot HTTP/1.1\r\n\r\n");
  ASSERT_EQ(p.status, ParseStatus::done);
  EXPECT_EQ(p.req.method_string(), "BREW");

  for (std::string_view bad : {"GET  / HTTP/1.1\r\n\r\n", "GET /\r\n\r\n", "GET / HTTP/1.1 \r\n\r\n",
                               "GET / http/1.1\r\n\r\n", "GET / HTTP/1.10\r\n\r\n", "G(T / HTTP/1.1\r\n\r\n",
                               "GET /a\x7f HTTP/1.1\r\n\r\n", " GET / HTTP/1.1\r\n\r\n", "\r\nGET / HTTP/1.1\r\n\r\n",
                               "GET / HTTP/1.1\r\r\n\r\n"})
    EXPECT_EQ(parse(bad).status, ParseStatus::bad_request) << bad;
  for (std::string_view v : {"HTTP/2.0", "HTTP/0.9", "HTTP/1.2", "HTTP/3.1"})
    EXPECT_EQ(parse("GET / " + std::string(v) + "\r\n\r\n").status, ParseStatus::version_not_supported) << v;
  // A method that is not a token is refused before the line ends (a TLS
  // handshake on this port).
  EXPECT_EQ(parse(std::string_view("\x16\x03\x01\x02", 4)).status, ParseStatus::bad_request);
  EXPECT_EQ(parse("GET / HTTP/1.1").status, ParseStatus::need_more);
}

TEST(HttpParser, Fields) {
  Parsed p = parse("GET / HTTP/1.1\r\nA:b\r\nC: \t d e \t\r\nEmpty:\r\nA: second\r\nX-High: caf\xc3\xa9\r\n\r\n");
  ASSERT_EQ(p.status, ParseStatus::done);
  EXPECT_EQ(p.req["A"], "b");  // the first of two
  EXPECT_EQ(p.req.count("a"), 2u);
  EXPECT_EQ(p.req["c"], "d e");
  EXPECT_EQ(p.req.count("Empty"), 1u);
  EXPECT_EQ(p.req["Empty"], "");
  EXPECT_EQ(p.req["x-high"], "caf\xc3\xa9");

  for (std::string_view bad : {
           "GET / HTTP/1.1\r\nHost : x\r\n\r\n",          // whitespace before the colon
           "GET / HTTP/1.1\r\nHost x\r\n\r\n",            // no colon
           "GET / HTTP/1.1\r\n: x\r\n\r\n",               // no name
           "GET / HTTP/1.1\r\nA(b: x\r\n\r\n",            // not a token
           "GET / HTTP/1.1\r\nA: x\r\n y\r\n\r\n",        // obs-fold
           "GET / HTTP/1.1\r\nA: x\r\n\ty\r\n\r\n",       // obs-fold
           "GET / HTTP/1.1\r\nA: x\ry\r\n\r\n",           // CR in a value
           "GET / HTTP/1.1\r\nConnection: a b\r\n\r\n",   // not a token list
       })
    EXPECT_EQ(parse(bad).status, ParseStatus::bad_request) << bad;
  // A control character anywhere in a long value (the check reads words).
  for (char bad : {'\0', '\x7f', '\x01', '\x1f', '\r'}) {
    for (std::size_t at = 0; at < 40; ++at) {
      std::string value(40, 'v');
      value[at] = bad;
      EXPECT_EQ(parse("GET / HTTP/1.1\r\nA: " + value + "\r\n\r\n").status, ParseStatus::bad_request) << at;
      value[at] = '\t';
      EXPECT_EQ(parse("GET / HTTP/1.1\r\nA: " + value + "\r\n\r\n").status, ParseStatus::done) << at;
    }
  }
  EXPECT_EQ(parse("GET / HTTP/1.1\r\nA: " + std::string(40, '\xff') + "\r\n\r\n").status, ParseStatus::done);
  static constexpr char kNul[] = "GET / HTTP/1.1\r\nA: a\0b\r\n\r\n";
  EXPECT_EQ(parse(std::string_view(kNul, sizeof kNul - 1)).status, ParseStatus::bad_request);
}

TEST(HttpParser, ConnectionAndExpect) {
  EXPECT_FALSE(parse("GET / HTTP/1.1\r\nConnection: close\r\n\r\n").req.keep_alive());
  EXPECT_FALSE(parse("GET / HTTP/1.1\r\nconnection: foo, Close\r\n\r\n").req.keep_alive());
  EXPECT_TRUE(parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").req.keep_alive());
  EXPECT_TRUE(parse("POST / HTTP/1.1\r\nExpect: 100-Continue\r\nContent-Length: 2\r\n\r\n").head.expect_continue);
  // HTTP/1.0 clients do not wait for 100 Continue.
  EXPECT_FALSE(parse("POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n").head.expect_continue);
}

TEST(HttpParser, ContentLength) {
  Parsed p = parse("POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
  ASSERT_EQ(p.status, ParseStatus::done);
  EXPECT_EQ(p.head.framing, BodyFraming::none);
  p = parse("POST / HTTP/1.1\r\nContent-Length: 7\r\ncontent-length: 7, 7\r\n\r\n");
  ASSERT_EQ(p.status, ParseStatus::done);
  EXPECT_EQ(p.head.content_length, 7u);
  EXPECT_EQ(parse("POST / HTTP/1.1\r\nContent-Length: 1000\r\n\r\n").status, ParseStatus::done);
  for (std::string_view bad : {"-2", "0x2", "2 3", "", "2,,2", "+2", "2, 3", "99999999999999999999999"})
    EXPECT_EQ(parse("POST / HTTP/1.1\r\nContent-Length: " + std::string(bad) + "\r\n\r\n").status,
              ParseStatus::bad_request)
        << bad;
  EXPECT_EQ(parse("POST / HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n").status,
            ParseStatus::bad_request);
}

TEST(HttpParser, TransferEncoding) {
  Parsed p = parse("POST / HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n");
  ASSERT_EQ(p.status, ParseStatus::done);
  EXPECT_EQ(p.head.framing, BodyFraming::chunked);
  for (std::string_view bad : {
           "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n",
           "POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
           "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
           "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n",
           "POST / HTTP/1.1\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n",
       })
    EXPECT_EQ(parse(bad).status, ParseStatus::bad_request) << bad;
}

TEST(HttpParser, HeaderLimit) {
  // The head may take exactly the limit, counting its empty line.
  std::string head = "GET / HTTP/1.1\r\nX: ";
  head += std::string(kHeaderLimit - head.size() - 4, 'a') + "\r\n\r\n";
  ASSERT_EQ(head.size(), kHeaderLimit);
  EXPECT_EQ(parse(head).status, ParseStatus::done);
  head.insert(20, "a");
  EXPECT_EQ(parse(head).status, ParseStatus::header_too_large);
  // Without an end in sight: more than the limit buffered is too much.
  const std::string partial = "GET / HTTP/1.1\r\nX: " + std::string(kHeaderLimit, 'a');
  EXPECT_EQ(parse(partial.substr(0, kHeaderLimit)).status, ParseStatus::need_more);
  EXPECT_EQ(parse(partial).status, ParseStatus::header_too_large);
  const std::string long_line = "GET /" + std::string(kHeaderLimit, 'a');
  EXPECT_EQ(parse(long_line).status, ParseStatus::header_too_large);
}

// Decodes `raw` fed in pieces ending at `cuts`, as the listener does (what
// a call leaves unconsumed is seen again with the next bytes).
std::pair<ParseStatus, std::string> decode(std::string_view raw, std::initializer_list<std::size_t> cuts = {},
                                           std::size_t limit = 100, std::size_t* rest = nullptr) {
  ChunkedDecoder d;
  std::string body;
  std::size_t consumed = 0;
  auto feed = [&](std::size_t end) {
    std::string_view in = raw.substr(consumed, end - consumed);
    const std::size_t before = in.size();
    ParseStatus s = d.feed(in, body, limit);
    consumed += before - in.size();
    return s;
  };
  for (std::size_t cut : cuts) {
    if (cut < consumed) continue;
    ParseStatus s = feed(cut);
    if (s != ParseStatus::need_more) return {s, body};
  }
  ParseStatus s = feed(raw.size());
  if (rest) *rest = raw.size() - consumed;
  return {s, body};
}

TEST(HttpParser, ChunkedBodies) {
  constexpr std::string_view raw = "4\r\n{\"a\"\r\nA;name=value\r\n:\"0123456\"\r\n1 \r\n}\r\n0\r\nX-T: 1\r\n\r\n";
  std::size_t rest = 99;
  auto [status, body] = decode(std::string(raw) + "GET", {}, 100, &rest);
  EXPECT_EQ(status, ParseStatus::done);
  EXPECT_EQ(body, R"({"a":"0123456"})");
  EXPECT_EQ(rest, 3u);  // the next request's bytes are left
  for (std::size_t i = 0; i <= raw.size(); ++i) {
    for (std::size_t j = i; j <= raw.size(); j += 5) {
      auto r = decode(raw, {i, j});
      ASSERT_EQ(r.first, ParseStatus::done) << i << ", " << j;
      ASSERT_EQ(r.second, body);
    }
  }
  EXPECT_EQ(decode("0\r\n\r\n").first, ParseStatus::done);
  EXPECT_EQ(decode("0\r\n").first, ParseStatus::need_more);
  EXPECT_EQ(decode("5\r\nab").first, ParseStatus::need_more);
  for (std::string_view bad : {"zz\r\n{}\r\n0\r\n\r\n", "\r\n", "2\r\n{}x\r\n0\r\n\r\n", "2\n{}\r\n0\r\n\r\n",
                               "2 x\r\n{}\r\n0\r\n\r\n", "0\r\nbad trailer\r\n\r\n",
                               "fffffffffffffffff\r\n"})
    EXPECT_EQ(decode(bad).first, ParseStatus::bad_request) << bad;
  EXPECT_EQ(decode("65\r\n").first, ParseStatus::body_too_large);
  EXPECT_EQ(decode("32\r\n" + std::string(50, 'a') + "\r\n33\r\n").first, ParseStatus::body_too_large);
  EXPECT_EQ(decode("32\r\n" + std::string(50, 'a') + "\r\n32\r\n").first, ParseStatus::need_more);
  // A chunk-size line without an end in kMaxLine bytes.
  EXPECT_EQ(decode("1;" + std::string(ChunkedDecoder::kMaxLine, 'x')).first, ParseStatus::bad_request);
}

// Mutated requests (bytes flipped, inserted, removed, lines duplicated):
// never a crash, and the same answer whether the bytes arrive at once or
// in random pieces.  A small fuzz run on every test run.
TEST(HttpParser, MutatedRequestsParseAlikeWhateverTheSplit) {
  std::mt19937 rnd(17);
  const std::string base(kSdkRequest.substr(0, kSdkRequest.find("\r\n\r\n") + 4));
  constexpr char kInteresting[] = {'\r', '\n', ' ', '\t', ':', ',', '\0', '\x7f', '\x80', 'a', '0', ';'};
  for (int iteration = 0; iteration < 3000; ++iteration) {
    std::string raw = base;
    const int edits = 1 + static_cast<int>(rnd() % 4);
    for (int e = 0; e < edits && !raw.empty(); ++e) {
      const std::size_t at = rnd() % raw.size();
      switch (rnd() % 4) {
        case 0:
          raw[at] = kInteresting[rnd() % sizeof kInteresting];
          break;
        case 1:
          raw.insert(at, 1, kInteresting[rnd() % sizeof kInteresting]);
          break;
        case 2:
          raw.erase(at, 1 + rnd() % 3);
          break;
        default: {
          const std::size_t line = raw.rfind('\n', at);
          const std::size_t start = line == std::string::npos ? 0 : line + 1;
          const std::size_t end = raw.find('\n', start);
          if (end != std::string::npos) raw.insert(start, raw.substr(start, end - start + 1));
        }
      }
    }
    const Parsed whole = parse(raw);
    const std::size_t a = raw.empty() ? 0 : rnd() % raw.size();
    const std::size_t b = a + (raw.size() > a ? rnd() % (raw.size() - a) : 0);
    const Parsed pieces = parse_in_pieces(raw, {a, b});
    ASSERT_EQ(whole.status, pieces.status) << iteration << ": " << raw;
    if (whole.status == ParseStatus::done) {
      EXPECT_EQ(whole.head.head_bytes, pieces.head.head_bytes);
      EXPECT_EQ(whole.head.content_length, pieces.head.content_length);
      EXPECT_EQ(std::distance(whole.req.begin(), whole.req.end()), std::distance(pieces.req.begin(), pieces.req.end()));
    }
  }
}

}  // namespace
}  // namespace ddbd::server
