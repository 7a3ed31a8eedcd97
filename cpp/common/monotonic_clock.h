// The monotonic clock libuv's uv_hrtime() reads, so a time taken on a native
// thread compares with process.hrtime.bigint() on the main thread.
#pragma once

#include <cstdint>

namespace servicehost {

// Any thread.
uint64_t MonotonicNs();

}  // namespace servicehost
