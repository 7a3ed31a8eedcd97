// The monotonic clock libuv's uv_hrtime() reads, so a time taken on a native
// thread compares with process.hrtime.bigint() on the main thread.
#pragma once

#include <cstdint>

namespace servicehost {

// Any thread.
uint64_t MonotonicNs();

// A time as JavaScript gets it: plain data (a BigInt would make an event fail
// JSON.stringify), in ms on the clock of Number(process.hrtime.bigint()) / 1e6.
// The same two roundings as that expression; a double keeps sub-microsecond
// precision for decades of uptime.
inline double MonotonicMs(uint64_t ns) { return static_cast<double>(ns) / 1e6; }

}  // namespace servicehost
