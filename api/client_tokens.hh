// ClientTokenCache: the ClientRequestToken memory of TransactWriteItems and
// ExecuteTransaction, and the service that forgets expired tokens; and
// ClientTokenClaim, one request's hold on its token.
//
// "A client token is valid for 10 minutes after the first request that uses
// it is completed.  After 10 minutes, any request with the same client token
// is treated as a new request."  A token reused with different parameters
// within the window is IdempotentParameterMismatchException; one whose first
// request is still running is TransactionInProgressException.
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html
//
// A token is claimed before its request runs, so concurrent retries of one
// request cannot both apply it; a request that does not succeed releases its
// claim, so it may be retried with the same token.  An expired entry counts
// as absent the moment it expires; the periodic sweep (this service's run)
// only frees its memory.  Entries live in memory: a restart forgets them.
//
// Owned by main (with the other services) and reached by handlers through
// ApiConfig::client_tokens; it outlives every request.
//
// Thread-safety: every method of the cache may be called from any thread; a
// ClientTokenClaim belongs to one request.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "api/services.hh"

namespace ddbd::api {

struct RequestContext;

class ClientTokenCache final : public Service {
 public:
  // DynamoDB's idempotency window (see above).
  static constexpr double kLifetimeSeconds = 600;
  // How often expired entries are swept away.
  static constexpr std::chrono::milliseconds kSweepInterval = std::chrono::seconds(60);

  enum class Claim { claimed, replay, in_progress, mismatch };

  // `clock` (which outlives the cache) says when entries expire.
  explicit ClientTokenCache(const storage::Clock& clock, double lifetime_seconds = kLifetimeSeconds,
                            std::chrono::milliseconds sweep_interval = kSweepInterval);

  // The cache key of `token` in namespace `ns` (tokens are per namespace).
  static std::string key(std::string_view ns, std::string_view token);

  // Claims `key` for a new request whose parameters hash to `digest`, or
  // says why not: replay (the first request's answer is stored in
  // *response), in_progress, or mismatch (another digest within the window).
  Claim claim(const std::string& key, const std::string& digest, std::string* response);
  // The claimed request succeeded with `response`; the window starts now.
  void complete(const std::string& key, std::string response);
  // The claimed request failed: forgets the claim (no effect on a completed entry).
  void release(const std::string& key);

  // Forgets completed entries that have expired, a chunk at a time so that
  // claims are not held up; returns how many were removed.  Stops early
  // when `stop` is requested.
  std::size_t sweep(std::stop_token stop = {});
  // Entries held, expired or not (for tests).
  std::size_t size() const;

  std::string_view name() const override { return "client-request-tokens"; }
  std::chrono::milliseconds interval() const override { return sweep_interval_; }
  void run(const ServiceContext& ctx, std::stop_token stop) override;

 private:
  struct Entry {
    std::string digest;
    std::string response;
    double expires = 0;
    bool in_progress = true;
  };
  bool expired(const Entry& e, double now) const { return !e.in_progress && e.expires <= now; }

  const storage::Clock& clock_;
  const double lifetime_;
  const std::chrono::milliseconds sweep_interval_;
  mutable std::mutex mu_;
  std::map<std::string, Entry> map_;
};

// The digest a token remembers: SHA-256 of the request's minified JSON, so
// that the same token with another request is a mismatch.
std::string request_digest(std::string_view minified_json);

// One request's ClientRequestToken (none: `token` empty), claimed for the
// request's lifetime and released unless complete() stored the answer.
// Throws TransactionInProgressException (the first request with the token
// is still running) or IdempotentParameterMismatchException (another
// request used it within the window).
class ClientTokenClaim {
 public:
  ClientTokenClaim(RequestContext& ctx, const std::optional<std::string>& token, const std::string& digest);
  ClientTokenClaim(const ClientTokenClaim&) = delete;
  ClientTokenClaim& operator=(const ClientTokenClaim&) = delete;
  ~ClientTokenClaim();
  // The answer stored for this token when the request is a replay.
  const std::string* replay() const { return replay_ ? &previous_ : nullptr; }
  // The request succeeded with `response`: stored for replays.
  void complete(const std::string& response);

 private:
  ClientTokenCache* tokens_ = nullptr;
  std::string key_;  // claimed, not yet completed
  std::string previous_;
  bool replay_ = false;
};

}  // namespace ddbd::api
