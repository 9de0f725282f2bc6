#include "api/lambda/event_json.hh"

#include "api/json_writer.hh"

namespace ddbd::api::lambda {

namespace {

std::string_view event_name(storage::ChangeKind k) {
  switch (k) {
    case storage::ChangeKind::insert: return "INSERT";
    case storage::ChangeKind::modify: return "MODIFY";
    case storage::ChangeKind::remove: return "REMOVE";
  }
  return "MODIFY";
}

}  // namespace

std::string record_json(const streams::StreamRecord& r, std::string_view stream_arn, std::string_view region) {
  JsonWriter w;
  w.begin_object();
  w.key("eventID"); w.string(r.event_id);
  w.key("eventName"); w.string(event_name(r.kind));
  w.key("eventVersion"); w.string("1.1");
  w.key("eventSource"); w.string("aws:dynamodb");
  w.key("awsRegion"); w.string(region);
  w.key("dynamodb"); w.begin_object();
  w.key("ApproximateCreationDateTime"); w.number(static_cast<int64_t>(r.created));
  w.key("Keys"); w.item(r.keys);
  if (r.new_image) { w.key("NewImage"); w.item(*r.new_image); }
  if (r.old_image) { w.key("OldImage"); w.item(*r.old_image); }
  w.key("SequenceNumber"); w.string(r.sequence_number);
  w.key("SizeBytes"); w.number(r.size_bytes);
  w.key("StreamViewType"); w.string(r.view_type);
  w.end_object();
  w.key("eventSourceARN"); w.string(stream_arn);
  if (r.origin == storage::Origin::service) {
    w.key("userIdentity"); w.begin_object();
    w.key("type"); w.string("Service");
    w.key("principalId"); w.string("dynamodb.amazonaws.com");
    w.end_object();
  }
  w.end_object();
  return w.take();
}

std::string event_json(const std::vector<std::string>& records) {
  std::string out = "{\"Records\":[";
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (i) out.push_back(',');
    out += records[i];
  }
  out += "]}";
  return out;
}

std::string arn_region(std::string_view arn) {
  // arn:partition:service:region:...
  std::size_t pos = 0;
  for (int i = 0; i < 3; ++i) {
    pos = arn.find(':', pos);
    if (pos == std::string_view::npos) return {};
    ++pos;
  }
  auto end = arn.find(':', pos);
  return end == std::string_view::npos ? std::string() : std::string(arn.substr(pos, end - pos));
}

}  // namespace ddbd::api::lambda
