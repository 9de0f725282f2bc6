// Authorization header parsing tests (server/auth): how the parameters of
// "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=..." are
// read, the credential scope's shape, and the X-Amz-Date format (AWS General
// Reference, "Signature Version 4"; messages as DynamoDB words them).
// Signature verification itself is covered in sigv4_test.cc.
#include "server/auth.hh"

#include <gtest/gtest.h>

#include <deque>
#include <string>

namespace ddbd::server {
namespace {

constexpr double kNow = 1763942400;  // 20251124T000000Z

// authenticate() at kNow of an unverifying Authenticator on a POST carrying
// `authorization` and, unless empty, X-Amz-Date `date`.
std::variant<Principal, AuthError> check(const std::string& authorization, const std::string& date = "20251124T000000Z") {
  static const Authenticator open(std::nullopt);
  // A Principal views the request's Authorization header: keep each request.
  static std::deque<HttpRequest> requests;
  HttpRequest& req = requests.emplace_back(http::verb::post, "/", 11);
  if (!date.empty()) req.set("X-Amz-Date", date);
  req.set(http::field::authorization, authorization);
  return open.authenticate(AuthRequest{req, ""}, kNow);
}

std::string error_of(const std::variant<Principal, AuthError>& r) {
  if (std::holds_alternative<Principal>(r)) return "principal";
  return std::string(api::error_info(std::get<AuthError>(r).code).name) + ": " + std::get<AuthError>(r).message;
}

TEST(AuthHeader, ReadsParametersInAnyOrderWithSpaces) {
  auto r = check("AWS4-HMAC-SHA256  Signature=abc ,SignedHeaders=host;x-amz-date,  "
                 "Credential=AKID/20251124/ap-south-1/dynamodb/aws4_request");
  ASSERT_TRUE(std::holds_alternative<Principal>(r)) << error_of(r);
  EXPECT_EQ(std::get<Principal>(r).access_key_id, "AKID");
  EXPECT_EQ(std::get<Principal>(r).region, "ap-south-1");
}

TEST(AuthHeader, ComponentsSeparatedBySpacesOnlyOrCommasOnly) {
  for (const char* h : {"AWS4-HMAC-SHA256 Credential=AKID/20251124/eu-west-1/dynamodb/aws4_request "
                        "SignedHeaders=host;x-amz-date Signature=abc",
                        "AWS4-HMAC-SHA256 Credential=AKID/20251124/eu-west-1/dynamodb/aws4_request,"
                        "SignedHeaders=host;x-amz-date,Signature=abc"}) {
    auto r = check(h);
    ASSERT_TRUE(std::holds_alternative<Principal>(r)) << h << ": " << error_of(r);
    EXPECT_EQ(std::get<Principal>(r).region, "eu-west-1");
  }
}

// DynamoDB checks the request time before the rest of the header, in every
// mode: a malformed header with an expired date is "Signature expired".
TEST(AuthHeader, TimeWindowCheckedFirst) {
  const std::string malformed = "AWS4-HMAC-SHA256 Credential=x/2/3/4/aws4_request SignedHeaders=host Signature=1";
  EXPECT_EQ(error_of(check(malformed, "20251123T234459Z")),
            "InvalidSignatureException: Signature expired: 20251123T234459Z is now earlier than 20251123T234500Z "
            "(20251124T000000Z - 15 min.)");
  EXPECT_EQ(error_of(check(malformed, "20251124T001501Z")),
            "InvalidSignatureException: Signature not yet current: 20251124T001501Z is still later than "
            "20251124T001500Z (20251124T000000Z + 15 min.)");
  EXPECT_EQ(error_of(check("AWS4-HMAC-SHA256 Signature=1", "20170101T010101Z")).substr(0, 45),
            "InvalidSignatureException: Signature expired:");
  // At the edges of the window the request passes.
  EXPECT_EQ(error_of(check(malformed, "20251123T234500Z")), "principal");
  EXPECT_EQ(error_of(check(malformed, "20251124T001500Z")), "principal");
  // An unparsable date is not judged here (no verification: accepted).
  EXPECT_EQ(error_of(check(malformed, "yesterday")), "principal");
}

TEST(AuthHeader, NonAws4SchemeIsNoAuthentication) {
  EXPECT_EQ(error_of(check("Basic dXNlcjpwYXNz")),
            "MissingAuthenticationTokenException: Request is missing Authentication Token");
}

TEST(AuthHeader, EachMissingParameterIsNamed) {
  const std::string h = "AWS4-HMAC-SHA256 Credential=AKID/20251124/us-east-1/dynamodb/aws4_request";
  EXPECT_EQ(error_of(check(h)),
            "IncompleteSignatureException: Authorization header requires 'Signature' parameter. Authorization "
            "header requires 'SignedHeaders' parameter. Authorization=" + h);
  const std::string full = h + ", SignedHeaders=host, Signature=abc";
  EXPECT_EQ(error_of(check(full, "")),
            "IncompleteSignatureException: Authorization header requires existence of either a 'X-Amz-Date' or a "
            "'Date' header. Authorization=" + full);
}

TEST(AuthHeader, CredentialScopeShape) {
  EXPECT_EQ(error_of(check("AWS4-HMAC-SHA256 Credential=AKID/20251124/us-east-1, SignedHeaders=host, Signature=a")),
            "IncompleteSignatureException: Credential must have exactly 5 slash-delimited elements, e.g. "
            "keyid/date/region/service/term, got 'AKID/20251124/us-east-1'");
  EXPECT_EQ(error_of(check("AWS4-HMAC-SHA256 Credential=AKID/20251124/us-east-1/dynamodb/aws4, SignedHeaders=host, "
                           "Signature=a")),
            "IncompleteSignatureException: Credential should be scoped with a valid terminator: 'aws4_request', "
            "not 'aws4'.");
  EXPECT_NE(error_of(check("AWS4-HMAC-SHA256 Credential=/20251124/us-east-1/dynamodb/aws4_request, "
                           "SignedHeaders=host, Signature=a")),
            "principal");
}

TEST(AmzDate, ParsesAndFormatsTheBasicFormat) {
  EXPECT_EQ(parse_amz_date("19700101T000000Z"), 0);
  EXPECT_EQ(parse_amz_date("20251124T000000Z"), 1763942400);
  EXPECT_EQ(parse_amz_date("20000229T235959Z"), 951868799);  // leap day
  EXPECT_EQ(format_amz_date(1763942400), "20251124T000000Z");
  for (long long t : {0LL, 951868799LL, 1764000000LL, 4102444799LL}) EXPECT_EQ(parse_amz_date(format_amz_date(t)), t);
}

TEST(AmzDate, CivilArithmeticMatchesFormatting) {
  // Every day from 1900 to 2200 (at varying times of day) round-trips.
  for (long long t = -2208988800LL; t < 7258118400LL; t += 86400 + 3607)
    ASSERT_EQ(parse_amz_date(format_amz_date(t)), t) << format_amz_date(t);
}

TEST(AmzDate, RejectsOtherFormats) {
  EXPECT_FALSE(parse_amz_date("20251324T000000Z"));  // month 13
  EXPECT_FALSE(parse_amz_date("20251100T000000Z"));  // day 0
  EXPECT_FALSE(parse_amz_date(""));
  EXPECT_FALSE(parse_amz_date("2025-11-24T00:00:00Z"));
  EXPECT_FALSE(parse_amz_date("20251124T000000"));
  EXPECT_FALSE(parse_amz_date("20251124X000000Z"));
  EXPECT_FALSE(parse_amz_date("2025112AT000000Z"));
}

}  // namespace
}  // namespace ddbd::server
