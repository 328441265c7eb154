// CancelToken: how a run learns it should stop. SIGINT and SIGTERM (install_signal_cancel) or a
// caller (cancel()) set it; the executor then starts no new step, running steps see it through
// StepContext::cancelled() between partitions, and the run ends as canceled. Since every lake
// partition is published whole or not at all, stopping between partitions leaves nothing
// half-written. A second signal while canceling restores the default action, so a third
// Ctrl-C kills the process outright.
//
// wait_for() sleeps until the token is canceled or the time is up, so a scheduler or a retry
// delay wakes at once on Ctrl-C (within 50 ms when it is the parent that is canceled). Thread-safe;
// the signal handler only stores an atomic.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace gogooku3::orchestrator {

class CancelToken {
 public:
  CancelToken() = default;
  // A token that is also canceled when `parent` is (a run's token under the process's).
  explicit CancelToken(const CancelToken* parent) : parent_(parent) {}
  CancelToken(const CancelToken&) = delete;
  CancelToken& operator=(const CancelToken&) = delete;

  void cancel();
  bool canceled() const {
    return canceled_.load(std::memory_order_acquire) || (parent_ != nullptr && parent_->canceled());
  }
  // Returns true when canceled (before or during the wait).
  bool wait_for(std::chrono::milliseconds duration) const;

 private:
  const CancelToken* parent_ = nullptr;
  std::atomic<bool> canceled_{false};
  mutable std::mutex mutex_;
  mutable std::condition_variable wakeup_;
};

// Routes SIGINT and SIGTERM to `token` for the life of the returned guard (one at a time per
// process). A watcher thread turns the handler's flag into token.cancel().
class SignalCancelScope {
 public:
  explicit SignalCancelScope(CancelToken& token);
  ~SignalCancelScope();
  SignalCancelScope(const SignalCancelScope&) = delete;
  SignalCancelScope& operator=(const SignalCancelScope&) = delete;
  // The signal that canceled the token, 0 when none did.
  int signal_received() const;

 private:
  CancelToken& token_;
  std::atomic<bool> stop_{false};
  std::thread watcher_;
};

}  // namespace gogooku3::orchestrator
