// libddbd_alloc_count.so: an LD_PRELOAD library that counts heap
// allocations, for tests/e2e/test_http_allocs.py.
//
// Every malloc, calloc, realloc, memalign, posix_memalign, aligned_alloc
// and valloc of the process (operator new included: libstdc++'s calls
// malloc) adds one to a counter and goes on to glibc's allocator.  When
// DDBD_ALLOC_COUNT_FILE names a file, each SIGUSR2 rewrites it with
// "<signals so far> <allocations so far>\n", so a test can read the count
// before and after a run of requests.  Not for sanitizer builds, which
// replace malloc themselves (CMake builds it only outside them).
//
// Thread-safety: the counter is atomic; the handler only formats and
// writes (async-signal-safe).
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstddef>
#include <cstdlib>

extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void* __libc_memalign(std::size_t, std::size_t);
void* __libc_valloc(std::size_t);
}

namespace {

std::atomic<unsigned long> g_allocations{0};
std::atomic<unsigned long> g_reports{0};
int g_fd = -1;

void count() { g_allocations.fetch_add(1, std::memory_order_relaxed); }

// Decimal digits of `v` written backwards from `end`; returns the start.
char* put_number(char* end, unsigned long v) {
  do {
    *--end = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v);
  return end;
}

void report(int) {
  const unsigned long n = g_allocations.load(std::memory_order_relaxed);
  const unsigned long r = g_reports.fetch_add(1, std::memory_order_relaxed) + 1;
  char buf[64];
  char* end = buf + sizeof buf;
  *--end = '\n';
  char* p = put_number(end, n);
  *--p = ' ';
  p = put_number(p, r);
  // One write at offset 0 of a file whose content only grows or keeps its
  // length (the counts only grow), so a reader never sees a mix.
  if (pwrite(g_fd, p, static_cast<std::size_t>(buf + sizeof buf - p), 0) < 0) return;
}

__attribute__((constructor)) void install() {
  const char* path = getenv("DDBD_ALLOC_COUNT_FILE");
  if (!path) return;
  g_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (g_fd < 0) return;
  struct sigaction sa {};
  sa.sa_handler = report;
  sa.sa_flags = SA_RESTART;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGUSR2, &sa, nullptr);
}

}  // namespace

extern "C" {

void* malloc(std::size_t n) {
  count();
  return __libc_malloc(n);
}

void* calloc(std::size_t n, std::size_t size) {
  count();
  return __libc_calloc(n, size);
}

void* realloc(void* p, std::size_t n) {
  count();
  return __libc_realloc(p, n);
}

void* memalign(std::size_t align, std::size_t n) {
  count();
  return __libc_memalign(align, n);
}

void* aligned_alloc(std::size_t align, std::size_t n) {
  count();
  return __libc_memalign(align, n);
}

int posix_memalign(void** out, std::size_t align, std::size_t n) {
  if (align % sizeof(void*) != 0 || (align & (align - 1)) != 0) return 22;  // EINVAL
  count();
  void* p = __libc_memalign(align, n);
  if (!p) return 12;  // ENOMEM
  *out = p;
  return 0;
}

void* valloc(std::size_t n) {
  count();
  return __libc_valloc(n);
}

}  // extern "C"
