// The symbolic name of an errno value (EACCES), as Node's own errors carry it.
#pragma once

#include <string>

namespace servicehost {

// Any thread.
std::string ErrnoName(int errnum);

}  // namespace servicehost
