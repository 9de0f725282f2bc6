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
  // Write "eventSourceARN": stream_arn (Lambda's event; GetRecords has none).
  bool event_source_arn = false;
};

// One record object: eventID, eventName, eventVersion "1.1", eventSource
// "aws:dynamodb", awsRegion, dynamodb{ApproximateCreationDateTime, Keys,
// NewImage, OldImage, SequenceNumber, SizeBytes, StreamViewType}, and
// userIdentity {"PrincipalId": "dynamodb.amazonaws.com", "Type": "Service"}
// for a change made by the server itself (TTL).
void write_stream_record(JsonWriter& w, const streams::StreamRecord& r, const StreamRecordContext& ctx);

// "INSERT", "MODIFY" or "REMOVE".
std::string_view event_name(storage::ChangeKind kind);

}  // namespace ddbd::api
