// Body codings: inflating request bodies within a limit (gzip, concatenated
// members, zlib-wrapped and raw deflate, broken streams, bombs), reading
// Accept-Encoding, compressing answers, and the Date header's format.
#include "server/http_compression.hh"

#include <gtest/gtest.h>

#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <sstream>
#include <zlib.h>

#include <random>
#include <string>

#include "server/http_headers.hh"

namespace ddbd::server {
namespace {

// `in` deflated by zlib with `window` bits (31: gzip, 15: zlib, -15: raw).
std::string deflated(std::string_view in, int window, int level = 6) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, level, Z_DEFLATED, window, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&zs, in.size()) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(::deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

std::string random_text(std::size_t n, unsigned seed = 3) {
  std::mt19937 rng(seed);
  std::string s(n, ' ');
  for (auto& c : s) c = static_cast<char>('a' + rng() % 26);
  return s;
}

constexpr std::size_t kLimit = 16 * 1024 * 1024;

InflateStatus run(std::string_view in, BodyCoding c, std::string& out, std::size_t limit = kLimit) {
  return inflate_body(in, c, limit, 64, out);
}

TEST(HttpCompressionTest, ParsesContentEncoding) {
  EXPECT_EQ(parse_content_encoding(""), BodyCoding::identity);
  EXPECT_EQ(parse_content_encoding("identity"), BodyCoding::identity);
  EXPECT_EQ(parse_content_encoding("gzip"), BodyCoding::gzip);
  EXPECT_EQ(parse_content_encoding(" GZip "), BodyCoding::gzip);
  EXPECT_EQ(parse_content_encoding("deflate"), BodyCoding::deflate);
  EXPECT_EQ(parse_content_encoding("br"), std::nullopt);
  EXPECT_EQ(parse_content_encoding("x-gzip"), std::nullopt);
  EXPECT_EQ(parse_content_encoding("gzip, deflate"), std::nullopt);
}

TEST(HttpCompressionTest, InflatesEachCoding) {
  const std::string text = R"({"TableName":"t","Item":{"pk":{"S":")" + random_text(50000) + R"("}}})";
  for (int window : {31, 15, -15}) {
    const BodyCoding c = window == 31 ? BodyCoding::gzip : BodyCoding::deflate;
    std::string out;
    ASSERT_EQ(run(deflated(text, window), c, out), InflateStatus::ok) << window;
    EXPECT_EQ(out, text);
    EXPECT_GE(out.capacity(), out.size() + 64);
  }
}

TEST(HttpCompressionTest, HighlyCompressedBodyGrowsItsBuffer) {
  const std::string text(3'000'000, 'x');
  std::string out;
  ASSERT_EQ(run(deflated(text, 31, 9), BodyCoding::gzip, out), InflateStatus::ok);
  EXPECT_EQ(out, text);
}

TEST(HttpCompressionTest, ConcatenatedGzipMembersAndTrailingJunk) {
  std::string out;
  ASSERT_EQ(run(deflated("hello, ", 31) + deflated("world", 31), BodyCoding::gzip, out), InflateStatus::ok);
  EXPECT_EQ(out, "hello, world");
  ASSERT_EQ(run(deflated("hello", 31) + "junk", BodyCoding::gzip, out), InflateStatus::ok);
  EXPECT_EQ(out, "hello");
  ASSERT_EQ(run(deflated("hello", 15) + "junk", BodyCoding::deflate, out), InflateStatus::ok);
  EXPECT_EQ(out, "hello");
  // A second member that starts like gzip but is broken is an error.
  std::string broken = deflated("world", 31);
  broken[12] = static_cast<char>(broken[12] ^ 0x55);
  EXPECT_EQ(run(deflated("hello", 31) + broken.substr(0, 14), BodyCoding::gzip, out), InflateStatus::corrupt);
  EXPECT_TRUE(out.empty());
}

TEST(HttpCompressionTest, BrokenStreamsAreCorrupt) {
  const std::string gz = deflated(random_text(2000), 31);
  std::string out;
  EXPECT_EQ(run("", BodyCoding::gzip, out), InflateStatus::corrupt);
  EXPECT_EQ(run("", BodyCoding::deflate, out), InflateStatus::corrupt);
  EXPECT_EQ(run("{\"plain\":1}", BodyCoding::gzip, out), InflateStatus::corrupt);
  for (std::size_t cut : {1ul, 4ul, 8ul, gz.size() / 2, gz.size() - 11})
    EXPECT_EQ(run(std::string_view(gz).substr(0, gz.size() - cut), BodyCoding::gzip, out), InflateStatus::corrupt)
        << cut;
  std::string bad_crc = gz;
  bad_crc[bad_crc.size() - 6] = static_cast<char>(bad_crc[bad_crc.size() - 6] ^ 1);
  EXPECT_EQ(run(bad_crc, BodyCoding::gzip, out), InflateStatus::corrupt);
  EXPECT_EQ(run(gz, BodyCoding::deflate, out), InflateStatus::corrupt);  // gzip under "deflate"
  EXPECT_EQ(run("\xff\xff\xff\xff", BodyCoding::deflate, out), InflateStatus::corrupt);
  EXPECT_TRUE(out.empty());
}

TEST(HttpCompressionTest, LimitIsExactAndBombsStopEarly) {
  const std::string at_limit(1000, 'a');
  std::string out;
  EXPECT_EQ(run(deflated(at_limit, 31), BodyCoding::gzip, out, 1000), InflateStatus::ok);
  EXPECT_EQ(out.size(), 1000u);
  EXPECT_EQ(run(deflated(at_limit, 31), BodyCoding::gzip, out, 999), InflateStatus::too_large);
  EXPECT_TRUE(out.empty());
  // 64 MB of zeros (~64 KB compressed) against a 1 MB limit: refused, and
  // the buffer never grew past the limit.
  const std::string bomb = deflated(std::string(64 * 1024 * 1024, '\0'), 31, 9);
  ASSERT_LT(bomb.size(), 100'000u);
  EXPECT_EQ(run(bomb, BodyCoding::gzip, out, 1024 * 1024), InflateStatus::too_large);
  EXPECT_EQ(run(bomb, BodyCoding::gzip, out), InflateStatus::too_large);
  EXPECT_EQ(out.capacity() < 1024 * 1024, true);
}

TEST(HttpCompressionTest, CompressRoundTrips) {
  const std::string text = random_text(100000) + std::string(100000, 'z');
  for (BodyCoding c : {BodyCoding::gzip, BodyCoding::deflate}) {
    const std::string z = compress(text, c);
    EXPECT_LT(z.size(), text.size());
    std::string out;
    ASSERT_EQ(run(z, c, out), InflateStatus::ok);
    EXPECT_EQ(out, text);
  }
  // HTTP's deflate is zlib-wrapped: a zlib header, not raw deflate.
  const std::string z = compress("abc", BodyCoding::deflate);
  EXPECT_EQ(static_cast<unsigned char>(z[0]) & 0x0f, 8);
  EXPECT_EQ(((static_cast<unsigned char>(z[0]) << 8) | static_cast<unsigned char>(z[1])) % 31, 0);
  EXPECT_EQ(compress("abc", BodyCoding::gzip).substr(0, 2), "\x1f\x8b");
  EXPECT_EQ(coding_name(BodyCoding::gzip), "gzip");
  EXPECT_EQ(coding_name(BodyCoding::deflate), "deflate");
}

TEST(HttpCompressionTest, ChoosesTheResponseCodingAsDynamoDB) {
  struct Case {
    const char* header;
    BodyCoding want;
  };
  const BodyCoding none = BodyCoding::identity, gz = BodyCoding::gzip, df = BodyCoding::deflate;
  const Case cases[] = {
      {"", none},
      {"identity", none},
      {"br", none},
      {"x-gzip", none},
      {"gzip", gz},
      {"deflate", df},
      {"gzip, deflate", gz},
      {"br, identity, deflate, gzip", df},
      {"GZIP, identity", gz},
      {"dog, gzip ,, cat", gz},
      {"gzip;q=0.8, deflate;q=0.5", gz},
      {"br, gzip;q=0, deflate; q = 0.5 , identity;q=0", df},
      {"*", gz},
      {"*, deflate;q=0.5", gz},
      {"*, deflate", df},
      {"*, identity", gz},
      {"*, gzip;q=0.5", df},
      {"gzip ;q=0", none},
      {"*;q=0", none},
      {"*;q=0.5,identity", gz},
      {"gzip;q=0.5,identity;q=0.8", gz},
      {"br;q=0.8,identity;q=0.5,*;q=0", none},
      {"\"gzip\"", none},
      {"gzip br", none},
      {"gzip:q=1", none},
      {"deflate;q=0.5, gzip;q=31", gz},
      {"gzip;q=31,deflate;q=51", gz},
      {"deflate;q=0.5, gzip;q=0.2", df},
      {"deflate;q=0.5, gzip;q=1;q=0.2", gz},
      {"deflate;q=0.5,gzip;q=0.", df},
      {"deflate;q=0.5,gzip;q=0.x", gz},
      {"deflate;q=-0.5,gzip;q=0.2", gz},
      {"gzip;nq=1;q=0 ", none},
      {"gzip;q=0, gzip;q=1, gzip;q=0", gz},
      {"br,identity;q=0.5,gzip;q=0.0001", gz},
      {"gzip;q=0, deflate;q=0, *", none},
  };
  for (const Case& c : cases) EXPECT_EQ(choose_response_coding(c.header), c.want) << "'" << c.header << "'";
}

TEST(HttpHeadersTest, DateIsImfFixdate) {
  EXPECT_EQ(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(http_date(1636214997), "Sat, 06 Nov 2021 16:09:57 GMT");
  EXPECT_EQ(current_http_date().size(), 29u);
  EXPECT_TRUE(current_http_date().ends_with(" GMT"));
}

TEST(HttpHeadersTest, HeadIsWhatBeastWouldWritePlusServerAndDate) {
  namespace http = boost::beast::http;
  auto make = [](bool server) {
    http::response<http::string_body, HttpFields> res{http::status::not_found, 11};
    if (server) res.set(http::field::server, "Server");
    res.set(http::field::content_type, "text/xml");
    res.set("x-amzn-RequestId", "ABC");
    res.body() = "<UnknownOperationException/>\n";
    res.keep_alive(false);
    res.prepare_payload();
    return res;
  };
  std::string head = "left over from the last answer";
  serialize_head(make(false).base(), head);
  const std::string date(current_http_date());
  EXPECT_EQ(head, "HTTP/1.1 404 Not Found\r\nServer: Server\r\nDate: " + date +
                      "\r\nContent-Type: text/xml\r\nx-amzn-RequestId: ABC\r\nConnection: close\r\n"
                      "Content-Length: 29\r\n\r\n");
  // Beast's own serializer writes the same bytes, Date aside.
  std::ostringstream beast_head;
  beast_head << make(true).base();
  std::string ours = head;
  ours.erase(ours.find("Date: "), 6 + date.size() + 2);
  EXPECT_EQ(ours, beast_head.str());

  http::response<http::string_body, HttpFields> ok{http::status::ok, 10};
  serialize_head(ok.base(), head);
  EXPECT_TRUE(head.starts_with("HTTP/1.0 200 OK\r\nServer: Server\r\n")) << head;
}

}  // namespace
}  // namespace ddbd::server
