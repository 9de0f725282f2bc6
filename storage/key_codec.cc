#include "storage/key_codec.hh"

#include "storage/digest.hh"
#include "storage/number.hh"

namespace ddbd::storage {

namespace {

// FNV-1a over the bytes, finished with MurmurHash3's fmix64 so that short
// keys spread over the whole 64-bit range (segments are hash ranges).
uint64_t hash_bytes(std::string_view s) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

void append_sha256(std::string& out, std::string_view s) {
  const Sha256Digest md = sha256(s);
  out.append(reinterpret_cast<const char*>(md.data()), md.size());
}

}  // namespace

void put_u64_be(std::string& out, uint64_t v) {
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::string table_prefix(uint64_t table_id) {
  std::string p;
  put_u64_be(p, table_id);
  return p;
}

uint64_t get_u64_be(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

uint64_t partition_hash(const AttributeValue& pk) { return hash_bytes(pk.str); }

namespace {

// The partition part of table and index keys (on disk: frozen):
//   hash(pk) u64 BE | len(pk) u16 BE | pk bytes if len <= inline_max, else SHA-256(pk)
void append_partition(const AttributeValue& pk, std::size_t inline_max, std::string& out) {
  put_u64_be(out, partition_hash(pk));
  const std::string& b = pk.str;
  out.push_back(static_cast<char>((b.size() >> 8) & 0xff));
  out.push_back(static_cast<char>(b.size() & 0xff));
  if (b.size() <= inline_max)
    out.append(b);
  else
    append_sha256(out, b);
}

}  // namespace

void encode_partition_prefix(uint64_t table_id, const AttributeValue& pk, std::string& out) {
  put_u64_be(out, table_id);
  append_partition(pk, kPkInline, out);
}

void encode_sort_component(const AttributeValue& sk, std::string& out) {
  if (sk.type == AttrType::N) {
    auto n = Number::parse(sk.str);
    (n ? *n : Number()).encode_ordered(out);
    return;
  }
  const std::string& b = sk.str;
  if (b.size() <= kSkInline) {
    out.append(b);
  } else {
    out.append(b.data(), kSkInline);
    append_sha256(out, b);
  }
}

void encode_primary_key(uint64_t table_id, const PrimaryKey& key, std::string& out) {
  encode_partition_prefix(table_id, key.hash, out);
  if (key.range) encode_sort_component(*key.range, out);
}

namespace {

void put_u32_be(std::string& out, uint32_t v) {
  for (int i = 3; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

}  // namespace

void encode_index_prefix(uint64_t table_id, uint32_t index_id, std::string& out) {
  put_u64_be(out, table_id);
  put_u32_be(out, index_id);
}

void encode_index_partition_prefix(uint64_t table_id, uint32_t index_id, const AttributeValue& pk, std::string& out) {
  encode_index_prefix(table_id, index_id, out);
  append_partition(pk, kIndexPkInline, out);
}

void encode_index_sort_body(const AttributeValue& sk, std::string& out) {
  std::string raw;
  if (sk.type == AttrType::N) {
    auto n = Number::parse(sk.str);
    (n ? *n : Number()).encode_ordered(raw);
  } else {
    raw = sk.str;
  }
  if (raw.size() > kIndexSkInline) {
    std::string cut = raw.substr(0, kIndexSkInline);
    append_sha256(cut, raw);
    raw = std::move(cut);
  }
  for (char c : raw) {
    out.push_back(c);
    if (c == '\0') out.push_back(static_cast<char>(0xff));
  }
}

void encode_index_key(uint64_t table_id, uint32_t index_id, const PrimaryKey& index_key, const PrimaryKey& base_key,
                      std::string& out) {
  encode_index_partition_prefix(table_id, index_id, index_key.hash, out);
  if (index_key.range) {
    encode_index_sort_body(*index_key.range, out);
    out.push_back('\0');
    out.push_back('\0');
  }
  std::string base;
  encode_primary_key(0, base_key, base);
  append_sha256(out, base);
}

void encode_index_key(uint64_t table_id, const IndexDef& index, const PrimaryKey& index_key, const PrimaryKey& base_key,
                      std::string& out) {
  if (index.key.multi())
    encode_multi_index_key(table_id, index.index_id, index_key, base_key, out);
  else
    encode_index_key(table_id, index.index_id, index_key, base_key, out);
}

namespace {

void append_escaped(std::string_view raw, std::string& out) {
  for (char c : raw) {
    out.push_back(c);
    if (c == '\0') out.push_back(static_cast<char>(0xff));
  }
}

}  // namespace

void append_tuple_component(const AttributeValue& v, std::string& out) {
  if (v.type == AttrType::N) {
    std::string raw;
    auto n = Number::parse(v.str);
    (n ? *n : Number()).encode_ordered(raw);
    append_escaped(raw, out);
  } else {
    append_escaped(v.str, out);
  }
  out.push_back('\0');
  out.push_back('\0');
}

void append_tuple_prefix(std::string_view prefix, std::string& out) { append_escaped(prefix, out); }

void encode_multi_index_key(uint64_t table_id, uint32_t index_id, const PrimaryKey& index_key,
                            const PrimaryKey& base_key, std::string& out) {
  encode_index_partition_prefix(table_id, index_id, index_key.hash, out);
  if (index_key.range) {
    const std::string& t = index_key.range->str;
    if (t.size() <= kMultiSkInline) {
      out.append(t);
    } else {
      out.append(t.data(), kMultiSkInline);
      append_sha256(out, t);
    }
  }
  std::string base;
  encode_primary_key(0, base_key, base);
  append_sha256(out, base);
}

std::optional<uint64_t> segment_start(uint32_t segment, uint32_t total) {
  if (segment >= total) return std::nullopt;
  unsigned __int128 span = (static_cast<unsigned __int128>(1) << 64);
  return static_cast<uint64_t>(span * segment / total);
}

}  // namespace ddbd::storage
