// The event Lambda sends a DynamoDB stream handler:
//   {"Records":[{"eventID","eventName","eventVersion":"1.1","eventSource":"aws:dynamodb","awsRegion",
//                "dynamodb":{"ApproximateCreationDateTime","Keys","NewImage","OldImage",
//                            "SequenceNumber","SizeBytes","StreamViewType"},
//                "eventSourceARN", "userIdentity" (TTL deletions only)}]}
// (Lambda Developer Guide, "Using AWS Lambda with Amazon DynamoDB", sample event).
//
// A record is api/stream_record_json.hh's, in its Lambda shape: Lambda's
// event differs from GetRecords' record in userIdentity's member names
// ("type"/"principalId" in the event, as Lambda's sample and Powertools'
// schema show; "Type"/"PrincipalId" in GetRecords) and adds eventSourceARN.
//
// Thread-safety: free functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "streams/stream_store.hh"

namespace ddbd::api::lambda {

// One record object as the handler receives it (also what filters match).
std::string record_json(const streams::StreamRecord& r, std::string_view stream_arn, std::string_view region);
// {"Records":[...]} from already-rendered record objects.
std::string event_json(const std::vector<std::string>& records);
// The region of an ARN ("arn:aws:dynamodb:<region>:..."), empty if none.
std::string arn_region(std::string_view arn);

}  // namespace ddbd::api::lambda
