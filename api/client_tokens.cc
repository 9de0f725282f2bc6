#include "api/client_tokens.hh"

#include "api/context.hh"
#include "api/errors.hh"
#include "storage/clock.hh"
#include "storage/digest.hh"

namespace ddbd::api {

namespace {
// Entries examined per lock hold by sweep().
constexpr std::size_t kSweepChunk = 256;
}  // namespace

ClientTokenCache::ClientTokenCache(const storage::Clock& clock, double lifetime_seconds,
                                   std::chrono::milliseconds sweep_interval)
    : clock_(clock), lifetime_(lifetime_seconds), sweep_interval_(sweep_interval) {}

// The namespace's length first, so no (ns, token) pair can spell another's.
std::string ClientTokenCache::key(std::string_view ns, std::string_view token) {
  std::string k = std::to_string(ns.size());
  k += ':';
  k += ns;
  k += token;
  return k;
}

ClientTokenCache::Claim ClientTokenCache::claim(const std::string& key, const std::string& digest,
                                                std::string* response) {
  const double now = clock_.now_seconds();
  std::lock_guard lock(mu_);
  auto it = map_.find(key);
  if (it == map_.end() || expired(it->second, now)) {
    map_.insert_or_assign(key, Entry{digest, {}, 0, true});
    return Claim::claimed;
  }
  if (it->second.digest != digest) return Claim::mismatch;
  if (it->second.in_progress) return Claim::in_progress;
  *response = it->second.response;
  return Claim::replay;
}

void ClientTokenCache::complete(const std::string& key, std::string response) {
  const double expires = clock_.now_seconds() + lifetime_;
  std::lock_guard lock(mu_);
  auto& e = map_[key];
  e.response = std::move(response);
  e.expires = expires;
  e.in_progress = false;
}

void ClientTokenCache::release(const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = map_.find(key);
  if (it != map_.end() && it->second.in_progress) map_.erase(it);
}

std::size_t ClientTokenCache::sweep(std::stop_token stop) {
  const double now = clock_.now_seconds();
  std::size_t removed = 0;
  std::string resume;  // the first key of the next chunk
  for (bool more = true; more && !stop.stop_requested();) {
    std::lock_guard lock(mu_);
    auto it = map_.lower_bound(resume);
    for (std::size_t n = 0; it != map_.end() && n < kSweepChunk; ++n) {
      if (expired(it->second, now)) {
        it = map_.erase(it);
        ++removed;
      } else {
        ++it;
      }
    }
    more = it != map_.end();
    if (more) resume = it->first;
  }
  return removed;
}

std::size_t ClientTokenCache::size() const {
  std::lock_guard lock(mu_);
  return map_.size();
}

void ClientTokenCache::run(const ServiceContext&, std::stop_token stop) { sweep(stop); }

std::string request_digest(std::string_view s) {
  const storage::Sha256Digest md = storage::sha256(s);
  return std::string(reinterpret_cast<const char*>(md.data()), md.size());
}

ClientTokenClaim::ClientTokenClaim(RequestContext& ctx, const std::optional<std::string>& token,
                                   const std::string& digest) {
  if (!token) return;
  tokens_ = ctx.config.client_tokens;
  if (!tokens_) throw ApiError::internal("ClientRequestToken memory is not configured");
  std::string key = ClientTokenCache::key(ctx.ns, *token);
  switch (tokens_->claim(key, digest, &previous_)) {
    case ClientTokenCache::Claim::claimed: key_ = std::move(key); break;
    case ClientTokenCache::Claim::replay: replay_ = true; break;
    case ClientTokenCache::Claim::in_progress:
      throw ApiError(ErrorCode::TransactionInProgressException,
                     "The transaction with the given request token is already in progress.");
    case ClientTokenCache::Claim::mismatch:
      throw ApiError(ErrorCode::IdempotentParameterMismatchException,
                     "Request parameters do not match the previous request with the same client token");
  }
}

ClientTokenClaim::~ClientTokenClaim() {
  if (!key_.empty()) tokens_->release(key_);
}

void ClientTokenClaim::complete(const std::string& response) {
  if (key_.empty()) return;
  tokens_->complete(key_, response);
  key_.clear();
}

}  // namespace ddbd::api
