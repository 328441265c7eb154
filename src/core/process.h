// Whether a process on this machine still exists — how leases, runs and temporary files left
// by a kill -9 are recognised as abandoned.
#pragma once

#include <cstdint>

namespace gogooku3 {

// True only when the process certainly does not exist: EPERM means it exists under another
// user, and pids 0 and below would address whole process groups rather than one process.
bool process_is_gone(std::int64_t pid);

}  // namespace gogooku3
