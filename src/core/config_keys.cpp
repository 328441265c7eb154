// The table of every configuration key. Adding a key here is the whole job: defaults,
// validation, `config show` and the example-file test all read this table. Keep
// config/gogooku3.example.yaml in step (tests/core/config_test.cpp checks it).
#include <array>

#include "core/config.h"

namespace gogooku3 {
namespace {

constexpr std::array kKeys = {
    ConfigKey{"metadata.url", ConfigKind::kString, "sqlite:${GOGOOKU3_HOME}/gogooku3.db",
              "GOGOOKU3_DB_URL", false,
              "Metadata database (runs, events, partition status, checks): sqlite:PATH"},
    ConfigKey{"log.level", ConfigKind::kString, "info", "GOGOOKU3_LOG_LEVEL", false,
              "Console and file log level: trace, debug, info, warn, error"},
    ConfigKey{"log.file", ConfigKind::kPath, "${GOGOOKU3_HOME}/logs/gogooku3.jsonl",
              "GOGOOKU3_LOG_FILE", false,
              "JSON-lines log file (one object per line); empty turns the file sink off"},
    ConfigKey{"calendar.overrides_file", ConfigKind::kPath, "", "", false,
              "YAML file correcting single days of the TSE calendar; empty: rules only"},
};

}  // namespace

std::span<const ConfigKey> config_keys() { return kKeys; }

const ConfigKey* find_config_key(std::string_view name) {
  for (const ConfigKey& key : kKeys) {
    if (key.name == name) return &key;
  }
  return nullptr;
}

}  // namespace gogooku3
