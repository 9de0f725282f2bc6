#include "api/lambda/event_json.hh"

#include "api/json_writer.hh"
#include "api/stream_record_json.hh"

namespace ddbd::api::lambda {

std::string record_json(const streams::StreamRecord& r, std::string_view stream_arn, std::string_view region) {
  JsonWriter w;
  write_stream_record(w, r, StreamRecordContext{std::string(region), std::string(stream_arn), true});
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
