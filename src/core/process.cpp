#include "core/process.h"

#include <signal.h>
#include <sys/types.h>

#include <cerrno>
#include <limits>

namespace gogooku3 {

bool process_is_gone(std::int64_t pid) {
  if (pid <= 0) return false;
  if (pid > std::numeric_limits<pid_t>::max()) return true;
  return kill(static_cast<pid_t>(pid), 0) == -1 && errno == ESRCH;
}

}  // namespace gogooku3
