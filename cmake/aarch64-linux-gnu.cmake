# Cross-compiles the linux-arm64 addon on an x86-64 Linux host.
# Debian: apt-get install g++-aarch64-linux-gnu
# Load-test the result with qemu-aarch64-static (package qemu-user-static) and
# QEMU_LD_PREFIX=/usr/aarch64-linux-gnu, running the arm64 Node from npm.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(SERVICEHOST_CROSS_PREFIX aarch64-linux-gnu)

find_program(CMAKE_C_COMPILER NAMES ${SERVICEHOST_CROSS_PREFIX}-gcc REQUIRED)
find_program(CMAKE_CXX_COMPILER NAMES ${SERVICEHOST_CROSS_PREFIX}-g++ REQUIRED)

set(CMAKE_FIND_ROOT_PATH /usr/${SERVICEHOST_CROSS_PREFIX})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
