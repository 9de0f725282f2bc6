// Stand-ins for streams/stream_store.hh's readers while the streams/ folder
// has no implementation (its library is then an INTERFACE library; see
// CMakeLists.txt): no stream exists, so Lambda mappings cannot be created.
// Built only in that case; the real streams/*.cc replace it.
#include "streams/stream_store.hh"

namespace ddbd::streams {

std::optional<StreamDescription> describe_stream(const storage::ReadTxn&, std::string_view, std::string_view) {
  return std::nullopt;
}

std::vector<StreamDescription> list_streams(const storage::ReadTxn&, std::string_view, std::optional<std::string_view>) {
  return {};
}

ShardRead read_shard(const storage::ReadTxn&, uint64_t, std::string_view, const ShardPosition& from, std::size_t,
                     std::size_t, double) {
  ShardRead r;
  r.next = from;
  return r;
}

}  // namespace ddbd::streams
