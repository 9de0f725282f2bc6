// Event source mapping requests: Lambda's validation, FunctionName forms,
// defaults, and the stored form's round trip.
#include "api/lambda/mapping.hh"

#include <gtest/gtest.h>

namespace ddbd::api::lambda {
namespace {

constexpr const char* kArn = "arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/2026-12-01T00:00:00.000";

LambdaError create_error(const std::string& body) {
  Mapping m;
  try {
    apply_request(m, body, true, "us-east-1", "000000000000");
  } catch (const LambdaException& e) {
    return e.error;
  }
  return {0, "", ""};
}

std::string with(const std::string& extra) {
  return std::string(R"({"FunctionName":"f","EventSourceArn":")") + kArn + R"(","StartingPosition":"LATEST")" + extra + "}";
}

TEST(LambdaMapping, DefaultsOfAStreamMapping) {
  Mapping m;
  auto enabled = apply_request(m, with(""), true, "us-east-1", "000000000000");
  EXPECT_FALSE(enabled.has_value());
  EXPECT_EQ(m.batch_size, 100);
  EXPECT_EQ(m.max_retries, -1);
  EXPECT_EQ(m.max_record_age, -1);
  EXPECT_EQ(m.function_arn, "arn:aws:lambda:us-east-1:000000000000:function:f");
  EXPECT_EQ(m.starting_position, "LATEST");
}

TEST(LambdaMapping, RangesAreModelConstraints) {
  auto e = create_error(with(R"(,"BatchSize":0)"));
  EXPECT_EQ(e.type, "ValidationException");
  EXPECT_EQ(e.message, "1 validation error detected: Value '0' at 'batchSize' failed to satisfy constraint: Member must "
                       "have value greater than or equal to 1");
  EXPECT_EQ(create_error(with(R"(,"BatchSize":10001)")).type, "ValidationException");
  EXPECT_EQ(create_error(with(R"(,"BatchSize":10000)")).type, "");
  EXPECT_EQ(create_error(with(R"(,"MaximumBatchingWindowInSeconds":301)")).type, "ValidationException");
  EXPECT_EQ(create_error(with(R"(,"MaximumRetryAttempts":-2)")).type, "ValidationException");
  EXPECT_EQ(create_error(with(R"(,"MaximumRecordAgeInSeconds":604801)")).type, "ValidationException");
  auto two = create_error(with(R"(,"BatchSize":0,"MaximumRetryAttempts":10001)"));
  EXPECT_TRUE(two.message.starts_with("2 validation errors detected: ")) << two.message;
}

TEST(LambdaMapping, ServiceRules) {
  EXPECT_EQ(create_error(with(R"(,"MaximumRecordAgeInSeconds":59)")).type, "InvalidParameterValueException");
  EXPECT_EQ(create_error(with(R"(,"MaximumRecordAgeInSeconds":60)")).type, "");
  EXPECT_EQ(create_error(with(R"(,"MaximumRecordAgeInSeconds":-1)")).type, "");
  EXPECT_EQ(create_error(std::string(R"({"FunctionName":"f","EventSourceArn":")") + kArn + "\"}").type,
            "InvalidParameterValueException")
      << "StartingPosition is required for a stream";
  EXPECT_EQ(create_error(R"({"FunctionName":"f","EventSourceArn":"arn:aws:sqs:us-east-1:000000000000:q"})").type,
            "InvalidParameterValueException");
  EXPECT_EQ(create_error(std::string(R"({"FunctionName":"f","EventSourceArn":")") + kArn +
                         R"(","StartingPosition":"SOMEWHERE"})").type,
            "ValidationException");
  EXPECT_EQ(create_error(with(R"(,"FilterCriteria":{"Filters":[{"Pattern":"nope"}]})")).type,
            "InvalidParameterValueException");
  EXPECT_EQ(create_error(with(R"(,"FunctionResponseTypes":["Other"])")).type, "ValidationException");
  EXPECT_EQ(create_error(with(R"(,"BatchSize":"ten")")).type, "InvalidRequestContentException");
  EXPECT_EQ(create_error("{").type, "InvalidRequestContentException");
  EXPECT_EQ(create_error(R"({"EventSourceArn":"x"})").type, "ValidationException") << "FunctionName is required";
}

TEST(LambdaMapping, FunctionNameForms) {
  EXPECT_EQ(parse_function_name("my-fn", "eu-west-1", "000000000000").arn,
            "arn:aws:lambda:eu-west-1:000000000000:function:my-fn");
  EXPECT_EQ(parse_function_name("123456789012:function:my-fn", "eu-west-1", "000000000000").arn,
            "arn:aws:lambda:eu-west-1:123456789012:function:my-fn");
  FunctionRef full = parse_function_name("arn:aws:lambda:us-west-2:123456789012:function:my-fn:prod", "x", "y");
  EXPECT_EQ(full.arn, "arn:aws:lambda:us-west-2:123456789012:function:my-fn:prod");
  EXPECT_EQ(full.name, "my-fn");
  EXPECT_THROW(parse_function_name("bad name!", "r", "a"), LambdaException);
  EXPECT_THROW(parse_function_name(std::string(141, 'a'), "r", "a"), LambdaException);
}

TEST(LambdaMapping, StoredFormRoundTrips) {
  Mapping m;
  apply_request(m, with(R"(,"BatchSize":7,"BisectBatchOnFunctionError":true,"FunctionResponseTypes":["ReportBatchItemFailures"],
      "FilterCriteria":{"Filters":[{"Pattern":"{\"eventName\":[\"INSERT\"]}"}]},
      "DestinationConfig":{"OnFailure":{"Destination":"arn:aws:sqs:us-east-1:000000000000:dlq"}})"),
                true, "us-east-1", "000000000000");
  m.uuid = new_uuid();
  m.ns = "ns";
  m.region = "us-east-1";
  auto back = from_stored_json(to_stored_json(m));
  ASSERT_TRUE(back);
  EXPECT_EQ(to_stored_json(*back), to_stored_json(m));
  EXPECT_EQ(back->filters.size(), 1u);
  EXPECT_TRUE(back->report_item_failures);
  EXPECT_EQ(back->on_failure, "arn:aws:sqs:us-east-1:000000000000:dlq");
  EXPECT_EQ(m.uuid.size(), 36u);
}

TEST(LambdaMapping, UpdateKeepsWhatItDoesNotName) {
  Mapping m;
  apply_request(m, with(R"(,"BatchSize":7)"), true, "us-east-1", "000000000000");
  auto enabled = apply_request(m, R"({"Enabled":false,"MaximumRetryAttempts":3})", false, "us-east-1", "000000000000");
  EXPECT_EQ(enabled, false);
  EXPECT_EQ(m.batch_size, 7);
  EXPECT_EQ(m.max_retries, 3);
}

}  // namespace
}  // namespace ddbd::api::lambda
