// Config: gogooku3's settings, read from one YAML file with ${ENV} interpolation.
//
// Every key the program understands is declared once, in config_keys.cpp, with its default,
// its kind (string, integer, number, boolean, path), whether it is a secret and one line of
// documentation. That single table drives everything else: defaults (the program works with
// no file at all), validation of the file (an unknown key or a value of the wrong kind is an
// InvalidInput naming the file and the key), `gogooku3 config show` (effective values with
// their source, secrets masked) and config/gogooku3.example.yaml (checked against the table
// by a test, so the two cannot drift apart).
//
// Precedence, lowest first: the declared default, the YAML file, the key's environment
// variable (e.g. GOGOOKU3_DB_URL for metadata.url). Inside values, ${NAME} is replaced by the
// environment variable NAME and ${NAME:-fallback} falls back when NAME is unset or empty; an
// unset variable without fallback is an error naming the key, so a missing secret is caught
// at start-up, not halfway through a run. `$${` writes a literal `${`.
//
// A Config is an immutable value once loaded; const methods are safe from any thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace gogooku3 {

enum class ConfigKind { kString, kInteger, kNumber, kBoolean, kPath };

struct ConfigKey {
  std::string_view name;  // dotted path, e.g. "metadata.url"
  ConfigKind kind;
  std::string_view default_value;  // as it would be written in YAML; may reference ${GOGOOKU3_HOME}
  std::string_view env;            // environment variable that overrides the file, or empty
  bool secret;                     // masked in `config show` and in log lines
  std::string_view doc;            // one line for people
};

// The declared keys, in the order the example file documents them.
std::span<const ConfigKey> config_keys();
const ConfigKey* find_config_key(std::string_view name);

enum class ConfigSource { kDefault, kFile, kEnvironment };
std::string_view source_name(ConfigSource source);

struct ConfigValue {
  std::string text;  // after interpolation
  ConfigSource source;
};

class Config {
 public:
  // Loads `file` (may be empty: defaults only). `home` is the resolved --home directory; it is
  // exported to interpolation as ${GOGOOKU3_HOME} so defaults can live under it.
  static Config load(const std::filesystem::path& file, const std::filesystem::path& home);
  // For tests: `yaml` is the file's text, `origin` names it in errors, `environment` replaces
  // the process environment.
  static Config parse(std::string_view yaml, std::string_view origin,
                      const std::filesystem::path& home,
                      const std::map<std::string, std::string>& environment);

  std::string get_string(std::string_view key) const;
  int64_t get_integer(std::string_view key) const;
  double get_number(std::string_view key) const;
  bool get_bool(std::string_view key) const;
  std::filesystem::path get_path(std::string_view key) const;  // relative paths: against home
  const ConfigValue& value(std::string_view key) const;

  const std::filesystem::path& home() const { return home_; }
  const std::string& origin() const { return origin_; }

  // YAML of every key's effective value with its source as a comment; secrets masked.
  std::string render_effective() const;

 private:
  std::filesystem::path home_;
  std::string origin_;
  std::map<std::string, ConfigValue, std::less<>> values_;
};

// The variables of this process (environ) as a map: what Config::load interpolates with.
std::map<std::string, std::string> process_environment();

// Replaces ${NAME} and ${NAME:-fallback}; `what` names the value in errors.
std::string interpolate_env(std::string_view text, std::string_view what,
                            const std::map<std::string, std::string>& environment);

// Shows a secret as "****" plus its last 2 characters when long enough to be recognisable.
std::string mask_secret(std::string_view secret);
// Hides the password of a scheme://user:password@host URL ("postgresql://user:****@host/db");
// other text is returned as it is.
std::string mask_url_password(std::string_view text);

}  // namespace gogooku3
