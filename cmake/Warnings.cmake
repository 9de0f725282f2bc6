# Warning flags in one place. DDBD_WERROR=ON (CI) turns them into errors.
option(DDBD_WERROR "Treat warnings as errors" OFF)
function(ddbd_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-missing-field-initializers)
  # (designated initializers leave members at their defaults on purpose)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC 12 reports -Wrestrict on std::string concatenation inside
    # libstdc++ (GCC bug 105329), a false positive.
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
  if(DDBD_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
