# AddressSanitizer + UBSan for the second build tree (build-asan/).
if(DDBD_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# ThreadSanitizer for the third build tree (build-tsan/, `make stress`).
# LMDB orders its readers through its reader table, which TSan cannot see:
# tests/tsan.supp suppresses exactly those reports.
option(DDBD_TSAN "Build with ThreadSanitizer" OFF)
if(DDBD_TSAN)
  if(DDBD_SANITIZE)
    message(FATAL_ERROR "DDBD_TSAN and DDBD_SANITIZE cannot be combined")
  endif()
  # -Wno-tsan: GCC warns that TSan does not model atomic_thread_fence (Asio
  # uses it); a report that comes from a fence shows in `make stress`.
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer -Wno-tsan)
  add_link_options(-fsanitize=thread)
endif()
