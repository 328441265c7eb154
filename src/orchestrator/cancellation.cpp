#include "orchestrator/cancellation.h"

#include <algorithm>
#include <csignal>

namespace gogooku3::orchestrator {
namespace {

// Written by the handler, read by the watcher thread: a lock-free atomic int is the one thing a
// signal handler may touch.
std::atomic<int> g_signal{0};
static_assert(std::atomic<int>::is_always_lock_free);

extern "C" void on_cancel_signal(int signal_number) {
  if (g_signal.exchange(signal_number) != 0) {
    std::signal(SIGINT, SIG_DFL);  // a second signal: the next one is not caught
    std::signal(SIGTERM, SIG_DFL);
  }
}

}  // namespace

void CancelToken::cancel() {
  {
    const std::lock_guard lock(mutex_);
    canceled_.store(true, std::memory_order_release);
  }
  wakeup_.notify_all();
}

bool CancelToken::wait_for(std::chrono::milliseconds duration) const {
  const auto deadline = std::chrono::steady_clock::now() + duration;
  // A parent's cancel does not notify this token's waiters: wake in slices to look at it.
  const auto slice = parent_ == nullptr ? duration : std::chrono::milliseconds(50);
  std::unique_lock lock(mutex_);
  while (!canceled()) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return false;
    wakeup_.wait_until(lock, std::min(deadline, now + slice), [this] { return canceled(); });
  }
  return true;
}

SignalCancelScope::SignalCancelScope(CancelToken& token) : token_(token) {
  g_signal.store(0);
  std::signal(SIGINT, on_cancel_signal);
  std::signal(SIGTERM, on_cancel_signal);
  watcher_ = std::thread([this] {
    while (!stop_.load()) {
      if (g_signal.load() != 0 && !token_.canceled()) token_.cancel();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
}

SignalCancelScope::~SignalCancelScope() {
  stop_.store(true);
  watcher_.join();
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}

int SignalCancelScope::signal_received() const { return g_signal.load(); }

}  // namespace gogooku3::orchestrator
