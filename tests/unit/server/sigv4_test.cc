// SigV4 against AWS's published examples (the aws-sig-v4-test-suite and the
// IAM ListUsers example of the General Reference), plus the server's
// Authenticator on a signed request.
#include "server/sigv4.hh"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "server/auth.hh"
#include "server/crc32.hh"
#include "server/request_id.hh"

namespace ddbd::server {
namespace {

constexpr const char* kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

TEST(SigV4, GetVanilla) {
  sigv4::Headers h = {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}};
  std::string canonical = sigv4::canonical_request("GET", "/", "", h, sigv4::sha256_hex(""));
  EXPECT_EQ(canonical,
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sigv4::signature(kSecret, "20150830", "us-east-1", "service", "20150830T123600Z", canonical),
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST(SigV4, GetVanillaQueryOrderKeyCase) {
  sigv4::Headers h = {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}};
  std::string canonical = sigv4::canonical_request("GET", "/", "Param2=value2&Param1=value1", h, sigv4::sha256_hex(""));
  EXPECT_NE(canonical.find("\nParam1=value1&Param2=value2\n"), std::string::npos);
  EXPECT_EQ(sigv4::signature(kSecret, "20150830", "us-east-1", "service", "20150830T123600Z", canonical),
            "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
}

TEST(SigV4, IamListUsersExample) {
  sigv4::Headers h = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
                      {"Host", "iam.amazonaws.com"},
                      {"X-Amz-Date", "20150830T123600Z"}};
  sigv4::SigningParams p{"AKIDEXAMPLE", kSecret, "us-east-1", "iam", "20150830T123600Z"};
  EXPECT_EQ(sigv4::sign_request("GET", "/", "Action=ListUsers&Version=2010-05-08", h, "", p),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-date, "
            "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
}

TEST(SigV4, HeaderValuesAreTrimmedAndCollapsed) {
  sigv4::Headers a = {{"My-Header1", "  value1  "}, {"My-Header2", "\"a   b   c\""}};
  std::string c = sigv4::canonical_request("GET", "/", "", a, "x");
  EXPECT_NE(c.find("my-header1:value1\nmy-header2:\"a b c\"\n"), std::string::npos);
}

TEST(Crc32, MatchesZlib) {
  EXPECT_EQ(crc32(""), 0u);
  EXPECT_EQ(crc32("123456789"), 0xCBF43926u);
  EXPECT_EQ(crc32("{}"), 2745614147u);
}

TEST(RequestId, FiftyTwoUpperAlnum) {
  std::string a(new_request_id().view()), b(new_request_id().view());
  EXPECT_EQ(a.size(), 52u);
  EXPECT_NE(a, b);
  for (char c : a) EXPECT_TRUE((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) << a;
}

class AuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = ::testing::TempDir() + "ddbd_creds_" + std::to_string(::getpid());
    std::ofstream(path_) << "# comment\nAKIDGOOD goodsecret\n\n";
  }
  void TearDown() override { std::remove(path_.c_str()); }

  HttpRequest signed_request(const std::string& akid, const std::string& secret, long long when) {
    HttpRequest req{http::verb::post, "/", 11};
    std::string date = format_amz_date(when);
    req.set(http::field::host, "localhost:8000");
    req.set("X-Amz-Date", date);
    req.set("X-Amz-Target", "DynamoDB_20120810.ListTables");
    req.set(http::field::content_type, "application/x-amz-json-1.0");
    req.body() = "{}";
    sigv4::Headers h = {{"host", "localhost:8000"},
                        {"x-amz-date", date},
                        {"x-amz-target", "DynamoDB_20120810.ListTables"},
                        {"content-type", "application/x-amz-json-1.0"}};
    sigv4::SigningParams p{akid, secret, "eu-west-1", "dynamodb", date};
    req.set(http::field::authorization, sigv4::sign_request("POST", "/", "", h, "{}", p));
    return req;
  }

  std::string path_;
};

TEST_F(AuthTest, VerifiesSignatures) {
  Authenticator auth(path_);
  const long long now = 1764000000;
  {
    auto req = signed_request("AKIDGOOD", "goodsecret", now - 60);
    auto r = auth.authenticate(AuthRequest{req, req.body()}, double(now));
    ASSERT_TRUE(std::holds_alternative<Principal>(r)) << std::get<AuthError>(r).message;
    EXPECT_EQ(std::get<Principal>(r).access_key_id, "AKIDGOOD");
    EXPECT_EQ(std::get<Principal>(r).region, "eu-west-1");
  }
  {
    auto req = signed_request("AKIDGOOD", "badsecret", now);
    auto r = auth.authenticate(AuthRequest{req, req.body()}, double(now));
    ASSERT_TRUE(std::holds_alternative<AuthError>(r));
    EXPECT_EQ(std::get<AuthError>(r).code, api::ErrorCode::InvalidSignatureException);
  }
  {
    auto req = signed_request("AKIDGOOD", "goodsecret", now);
    req.body() = "{\"Limit\":1}";  // body changed after signing
    auto r = auth.authenticate(AuthRequest{req, req.body()}, double(now));
    ASSERT_TRUE(std::holds_alternative<AuthError>(r));
    EXPECT_EQ(std::get<AuthError>(r).code, api::ErrorCode::InvalidSignatureException);
  }
  {
    auto req = signed_request("AKIDOTHER", "goodsecret", now);
    auto r = auth.authenticate(AuthRequest{req, req.body()}, double(now));
    ASSERT_TRUE(std::holds_alternative<AuthError>(r));
    EXPECT_EQ(std::get<AuthError>(r).code, api::ErrorCode::UnrecognizedClientException);
  }
  {
    auto req = signed_request("AKIDGOOD", "goodsecret", now - 20 * 60);
    auto r = auth.authenticate(AuthRequest{req, req.body()}, double(now));
    ASSERT_TRUE(std::holds_alternative<AuthError>(r));
    EXPECT_EQ(std::get<AuthError>(r).code, api::ErrorCode::InvalidSignatureException);
    EXPECT_EQ(std::get<AuthError>(r).message, "Signature expired: " + format_amz_date(now - 1200) +
                                                  " is now earlier than " + format_amz_date(now - 900) + " (" +
                                                  format_amz_date(now) + " - 15 min.)");
  }
}

TEST_F(AuthTest, MissingAndIncomplete) {
  Authenticator open(std::nullopt);
  HttpRequest req{http::verb::post, "/", 11};
  auto r = open.authenticate(AuthRequest{req, ""}, 0);
  ASSERT_TRUE(std::holds_alternative<AuthError>(r));
  EXPECT_EQ(std::get<AuthError>(r).code, api::ErrorCode::MissingAuthenticationTokenException);
  req.set(http::field::authorization, "AWS4-HMAC-SHA256 Signature=abc");
  r = open.authenticate(AuthRequest{req, ""}, 0);
  ASSERT_TRUE(std::holds_alternative<AuthError>(r));
  EXPECT_EQ(std::get<AuthError>(r).code, api::ErrorCode::IncompleteSignatureException);
  EXPECT_EQ(std::get<AuthError>(r).message,
            "Authorization header requires 'Credential' parameter. Authorization header requires 'SignedHeaders' "
            "parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
            "Authorization=AWS4-HMAC-SHA256 Signature=abc");
  // Without a credentials file, any well-formed key is accepted (the
  // request time must still be within 15 minutes of ours).
  auto good = signed_request("ANYKEY", "anysecret", 1764000000);
  r = open.authenticate(AuthRequest{good, good.body()}, 1764000000);
  ASSERT_TRUE(std::holds_alternative<Principal>(r));
  EXPECT_EQ(std::get<Principal>(r).access_key_id, "ANYKEY");
}

}  // namespace
}  // namespace ddbd::server
