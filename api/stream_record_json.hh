// The JSON of one DynamoDB Streams record, as GetRecords answers it and as
// Lambda delivers it inside its event (the Lambda poller adds
// eventSourceARN through the context).
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_Record.html
//
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "api/json_writer.hh"
#include "streams/stream_store.hh"

namespace ddbd::api {

struct StreamRecordContext {
  std::string region;      // awsRegion
  std::string stream_arn;  // the stream's ARN
  // Lambda's event instead of GetRecords' answer: adds "eventSourceARN":
  // stream_arn, writes ApproximateCreationDateTime as an integer, and
  // userIdentity with Lambda's member names {"type", "principalId"}.
  bool lambda_event = false;
};

// One record object: eventID, eventName, eventVersion "1.1", eventSource
// "aws:dynamodb", awsRegion, dynamodb{ApproximateCreationDateTime, Keys,
// NewImage, OldImage, SequenceNumber, SizeBytes, StreamViewType}, and
// userIdentity {"PrincipalId": "dynamodb.amazonaws.com", "Type": "Service"}
// for a change made by the server itself (TTL); for Lambda, see
// StreamRecordContext::lambda_event.
void write_stream_record(JsonWriter& w, const streams::StreamRecord& r, const StreamRecordContext& ctx);

// "INSERT", "MODIFY" or "REMOVE".
std::string_view event_name(storage::ChangeKind kind);

}  // namespace ddbd::api
