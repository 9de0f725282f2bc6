// Memory for the header fields of one connection's HTTP messages.
//
// Beast's basic_fields allocates each field (and the request target) on
// its own; with std::allocator that is a malloc and a free per header of
// every request and answer.  A FieldArena is a block owned by the
// connection: fields take memory from it by bumping an offset, freeing
// returns nothing, and the session resets it between requests, when no
// message that uses it is alive.  Requests with more header bytes than the
// block holds spill to the heap (freed as usual).  ArenaAllocator is the
// allocator those messages carry; one made without an arena (tests, the
// listener's refusals) uses the heap.
//
// Thread-safety: an arena belongs to one connection; the messages using it
// are touched by one thread at a time (the session, or the heavy pool while
// the session waits for it).
#pragma once

#include <boost/beast/http/fields.hpp>
#include <cstddef>
#include <new>
#include <type_traits>

namespace ddbd::server {

// The heap, for what does not fit an arena.
inline void* heap_allocate(std::size_t bytes, std::size_t align) {
  if (align <= __STDCPP_DEFAULT_NEW_ALIGNMENT__) return ::operator new(bytes);
  return ::operator new(bytes, std::align_val_t(align));
}
inline void heap_deallocate(void* p, std::size_t align) noexcept {
  if (align <= __STDCPP_DEFAULT_NEW_ALIGNMENT__) return ::operator delete(p);
  ::operator delete(p, std::align_val_t(align));
}

class FieldArena {
 public:
  // Room for a typical request's fields (an SDK sends 8-12 headers, a few
  // hundred bytes of them the signature) and the answer's.
  static constexpr std::size_t kBytes = 4096;

  FieldArena() = default;
  FieldArena(const FieldArena&) = delete;
  FieldArena& operator=(const FieldArena&) = delete;

  void* allocate(std::size_t bytes, std::size_t align) {
    std::size_t at = (used_ + align - 1) & ~(align - 1);
    if (at + bytes <= kBytes) {
      used_ = at + bytes;
      return block_ + at;
    }
    return heap_allocate(bytes, align);
  }

  void deallocate(void* p, std::size_t, std::size_t align) noexcept {
    if (owns(p)) return;  // reclaimed by reset()
    heap_deallocate(p, align);
  }

  // Forgets every allocation from the block.  Only when no message that
  // allocated from it is alive.
  void reset() { used_ = 0; }

 private:
  bool owns(const void* p) const {
    auto* c = static_cast<const char*>(p);
    return c >= block_ && c < block_ + kBytes;
  }

  alignas(std::max_align_t) char block_[kBytes];
  std::size_t used_ = 0;
};

template <class T>
class ArenaAllocator {
 public:
  using value_type = T;
  // Copies of a message's fields (and moves into other messages) keep the
  // arena: they are answers and requests of the same connection.
  using propagate_on_container_copy_assignment = std::true_type;
  using propagate_on_container_move_assignment = std::true_type;
  using propagate_on_container_swap = std::true_type;
  using is_always_equal = std::false_type;

  ArenaAllocator() noexcept = default;
  explicit ArenaAllocator(FieldArena* arena) noexcept : arena_(arena) {}
  template <class U>
  ArenaAllocator(const ArenaAllocator<U>& other) noexcept : arena_(other.arena()) {}

  T* allocate(std::size_t n) {
    if (!arena_) return static_cast<T*>(heap_allocate(n * sizeof(T), alignof(T)));
    return static_cast<T*>(arena_->allocate(n * sizeof(T), alignof(T)));
  }
  void deallocate(T* p, std::size_t n) noexcept {
    if (!arena_) return heap_deallocate(p, alignof(T));
    arena_->deallocate(p, n * sizeof(T), alignof(T));
  }

  FieldArena* arena() const noexcept { return arena_; }

  template <class U>
  bool operator==(const ArenaAllocator<U>& other) const noexcept {
    return arena_ == other.arena();
  }

 private:
  FieldArena* arena_ = nullptr;
};

// The header fields of every HTTP message the server reads or writes.
using HttpFields = boost::beast::http::basic_fields<ArenaAllocator<char>>;

}  // namespace ddbd::server
