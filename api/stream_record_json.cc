#include "api/stream_record_json.hh"

namespace ddbd::api {

std::string_view event_name(storage::ChangeKind kind) {
  switch (kind) {
    case storage::ChangeKind::insert: return "INSERT";
    case storage::ChangeKind::modify: return "MODIFY";
    case storage::ChangeKind::remove: return "REMOVE";
  }
  return "MODIFY";
}

namespace {

void write_dynamodb(JsonWriter& w, const streams::StreamRecord& r, bool lambda_event) {
  w.begin_object();
  w.key("ApproximateCreationDateTime");
  if (lambda_event)
    w.number(static_cast<int64_t>(r.created));
  else
    w.number_double(r.created);
  w.key("Keys");
  w.item(r.keys);
  if (r.new_image) {
    w.key("NewImage");
    w.item(*r.new_image);
  }
  if (r.old_image) {
    w.key("OldImage");
    w.item(*r.old_image);
  }
  w.key("SequenceNumber");
  w.string(r.sequence_number);
  w.key("SizeBytes");
  w.number(r.size_bytes);
  w.key("StreamViewType");
  w.string(r.view_type);
  w.end_object();
}

}  // namespace

void write_stream_record(JsonWriter& w, const streams::StreamRecord& r, const StreamRecordContext& ctx) {
  w.begin_object();
  w.key("eventID");
  w.string(r.event_id);
  w.key("eventName");
  w.string(event_name(r.kind));
  w.key("eventVersion");
  w.string("1.1");
  w.key("eventSource");
  w.string("aws:dynamodb");
  w.key("awsRegion");
  w.string(ctx.region);
  w.key("dynamodb");
  write_dynamodb(w, r, ctx.lambda_event);
  if (ctx.lambda_event) {
    w.key("eventSourceARN");
    w.string(ctx.stream_arn);
  }
  if (r.origin == storage::Origin::service) {
    w.key("userIdentity");
    w.begin_object();
    w.key(ctx.lambda_event ? "principalId" : "PrincipalId");
    w.string("dynamodb.amazonaws.com");
    w.key(ctx.lambda_event ? "type" : "Type");
    w.string("Service");
    w.end_object();
  }
  w.end_object();
}

}  // namespace ddbd::api
