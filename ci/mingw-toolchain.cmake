# mingw-toolchain.cmake — cross-compiling openrace (and its dependencies) for
# 64-bit Windows with Debian's mingw-w64, posix thread model (std::thread and
# std::mutex need it). Used by ci/windows.sh:
#   cmake -DCMAKE_TOOLCHAIN_FILE=ci/mingw-toolchain.cmake ...
# Everything is linked statically (libgcc, libstdc++, winpthread), so the
# executables need no mingw DLL under Wine or on Windows.

set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(CMAKE_C_COMPILER x86_64-w64-mingw32-gcc-posix)
set(CMAKE_CXX_COMPILER x86_64-w64-mingw32-g++-posix)
set(CMAKE_RC_COMPILER x86_64-w64-mingw32-windres)

# Libraries and headers come from the mingw sysroot; CMake packages from the
# prefixes ci/windows.sh names (absl_DIR, GTest_DIR: the cross-built Abseil and
# GoogleTest), never from the build machine's /usr/lib/cmake.
set(CMAKE_FIND_ROOT_PATH /usr/x86_64-w64-mingw32)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)

set(CMAKE_EXE_LINKER_FLAGS_INIT "-static -static-libgcc -static-libstdc++")

# A test executable runs under Wine when CTest or gtest_discover_tests runs it.
find_program(OPENRACE_WINE wine)
if(OPENRACE_WINE)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${OPENRACE_WINE})
endif()
