// Shared by the orchestrator and pipeline tests: a fresh SQLite metadata database in a
// temporary directory, the TSE calendar, and a thread-safe log of what compute functions did.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/trading_calendar.h"
#include "storage/metadata/sqlite_metadata_store.h"

namespace gogooku3::testing {

class TempHome {
 public:
  TempHome() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "gogooku3-orchestrator-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempHome() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempHome(const TempHome&) = delete;
  TempHome& operator=(const TempHome&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// What the compute functions of a test did, in the order they did it.
class CallLog {
 public:
  void add(std::string entry) {
    const std::lock_guard lock(mutex_);
    entries_.push_back(std::move(entry));
  }
  std::vector<std::string> entries() const {
    const std::lock_guard lock(mutex_);
    return entries_;
  }
  // Position of `entry`, or -1.
  int index_of(const std::string& entry) const {
    const std::lock_guard lock(mutex_);
    for (size_t i = 0; i < entries_.size(); ++i) {
      if (entries_[i] == entry) return static_cast<int>(i);
    }
    return -1;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> entries_;
};

class OrchestratorTest : public ::testing::Test {
 protected:
  OrchestratorTest()
      : calendar_(std::make_shared<const TradingCalendar>()),
        store_(std::make_unique<storage::SqliteMetadataStore>(home_.path() / "gogooku3.db")) {}

  TempHome home_;
  std::shared_ptr<const TradingCalendar> calendar_;
  std::unique_ptr<storage::SqliteMetadataStore> store_;
};

}  // namespace gogooku3::testing
