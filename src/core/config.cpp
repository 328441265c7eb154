#include "core/config.h"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include "core/error.h"

extern char** environ;

namespace gogooku3 {

std::map<std::string, std::string> process_environment() {
  std::map<std::string, std::string> environment;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    const size_t eq = text.find('=');
    if (eq == std::string_view::npos) continue;
    environment.emplace(std::string(text.substr(0, eq)), std::string(text.substr(eq + 1)));
  }
  return environment;
}

namespace {

std::string known_keys_list() {
  std::string list;
  for (const ConfigKey& key : config_keys()) {
    if (!list.empty()) list += ", ";
    list += key.name;
  }
  return list;
}

// Flattens nested maps into dotted keys; scalars keep their text as written.
void flatten(const YAML::Node& node, const std::string& prefix, std::string_view origin,
             std::map<std::string, std::string>& out) {
  if (node.IsMap()) {
    for (const auto& entry : node) {
      const std::string name = entry.first.as<std::string>();
      flatten(entry.second, prefix.empty() ? name : fmt::format("{}.{}", prefix, name), origin,
              out);
    }
  } else if (node.IsScalar()) {
    out[prefix] = node.Scalar();
  } else if (node.IsNull()) {
    out[prefix] = "";
  } else {
    throw invalid_input("{}: key '{}' must be a single value, not a list", origin, prefix);
  }
}

void validate_kind(const ConfigKey& key, const std::string& text, std::string_view origin) {
  auto fail = [&](std::string_view expected) {
    return invalid_input("{}: key '{}' must be {}, got '{}'", origin, key.name, expected, text);
  };
  switch (key.kind) {
    case ConfigKind::kInteger: {
      int64_t value = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (ec != std::errc() || end != text.data() + text.size()) throw fail("an integer");
      break;
    }
    case ConfigKind::kNumber: {
      char* end = nullptr;
      errno = 0;
      std::strtod(text.c_str(), &end);
      if (text.empty() || errno != 0 || end != text.c_str() + text.size()) throw fail("a number");
      break;
    }
    case ConfigKind::kBoolean:
      if (text != "true" && text != "false") throw fail("true or false");
      break;
    case ConfigKind::kString:
    case ConfigKind::kPath:
      break;
  }
}

std::string quote_yaml(const std::string& text) {
  YAML::Emitter emitter;
  emitter << YAML::DoubleQuoted << text;
  return emitter.c_str();
}

}  // namespace

std::string_view source_name(ConfigSource source) {
  switch (source) {
    case ConfigSource::kDefault:
      return "default";
    case ConfigSource::kFile:
      return "file";
    case ConfigSource::kEnvironment:
      return "environment";
  }
  return "default";
}

std::string interpolate_env(std::string_view text, std::string_view what,
                            const std::map<std::string, std::string>& environment) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    if (text.compare(i, 3, "$${") == 0) {
      out += "${";
      i += 3;
      continue;
    }
    if (text.compare(i, 2, "${") != 0) {
      out += text[i++];
      continue;
    }
    const size_t close = text.find('}', i + 2);
    if (close == std::string_view::npos) {
      throw invalid_input("{}: unterminated '${{' in '{}'; write ${{NAME}} or $${{ for a literal",
                          what, text);
    }
    std::string_view body = text.substr(i + 2, close - i - 2);
    std::string_view name = body;
    std::optional<std::string_view> fallback;
    if (const size_t sep = body.find(":-"); sep != std::string_view::npos) {
      name = body.substr(0, sep);
      fallback = body.substr(sep + 2);
    }
    if (name.empty()) throw invalid_input("{}: empty variable name in '{}'", what, text);
    const auto found = environment.find(std::string(name));
    if (found != environment.end() && !found->second.empty()) {
      out += found->second;
    } else if (fallback) {
      out += *fallback;
    } else {
      throw invalid_input(
          "{}: environment variable {} is not set (referenced as ${{{}}}); set it or write "
          "${{{}:-default}}",
          what, name, name, name);
    }
    i = close + 1;
  }
  return out;
}

std::string mask_url_password(std::string_view text) {
  const size_t scheme = text.find("://");
  if (scheme == std::string_view::npos) return std::string(text);
  const size_t at = text.find('@', scheme + 3);
  if (at == std::string_view::npos) return std::string(text);
  const size_t colon = text.find(':', scheme + 3);
  if (colon == std::string_view::npos || colon > at) return std::string(text);
  return fmt::format("{}****{}", text.substr(0, colon + 1), text.substr(at));
}

std::string mask_secret(std::string_view secret) {
  if (secret.empty()) return "";
  if (secret.size() < 12) return "****";
  return "****" + std::string(secret.substr(secret.size() - 2));
}

Config Config::load(const std::filesystem::path& file, const std::filesystem::path& home) {
  std::string text;
  std::string origin = "defaults (no config file)";
  if (!file.empty()) {
    std::ifstream in(file);
    if (!in) {
      throw not_found("config file {} cannot be read; check --config / GOGOOKU3_CONFIG",
                      file.string());
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    text = buffer.str();
    origin = file.string();
  }
  return parse(text, origin, home, process_environment());
}

Config Config::parse(std::string_view yaml, std::string_view origin,
                     const std::filesystem::path& home,
                     const std::map<std::string, std::string>& environment) {
  Config config;
  config.home_ = home;
  config.origin_ = std::string(origin);

  std::map<std::string, std::string> from_file;
  if (!yaml.empty()) {
    YAML::Node root;
    try {
      root = YAML::Load(std::string(yaml));
    } catch (const YAML::Exception& e) {
      throw invalid_input("{}: not valid YAML at line {}, column {}: {}", origin, e.mark.line + 1,
                          e.mark.column + 1, e.msg);
    }
    if (!root.IsNull() && !root.IsMap()) {
      throw invalid_input("{}: the top level must be a mapping of keys", origin);
    }
    if (root.IsMap()) flatten(root, "", origin, from_file);
  }
  for (const auto& [name, text] : from_file) {
    if (find_config_key(name) == nullptr) {
      throw invalid_input("{}: unknown key '{}'; known keys: {}", origin, name, known_keys_list());
    }
  }

  std::map<std::string, std::string> interpolation_env = environment;
  interpolation_env["GOGOOKU3_HOME"] = home.string();

  for (const ConfigKey& key : config_keys()) {
    ConfigValue value{std::string(key.default_value), ConfigSource::kDefault};
    std::string what = fmt::format("default of '{}'", key.name);
    if (const auto it = from_file.find(std::string(key.name)); it != from_file.end()) {
      value = {it->second, ConfigSource::kFile};
      what = fmt::format("{}: key '{}'", origin, key.name);
    }
    if (!key.env.empty()) {
      if (const auto it = environment.find(std::string(key.env));
          it != environment.end() && !it->second.empty()) {
        value = {it->second, ConfigSource::kEnvironment};
        what = fmt::format("environment variable {} (for '{}')", key.env, key.name);
      }
    }
    value.text = interpolate_env(value.text, what, interpolation_env);
    validate_kind(key, value.text, what);
    config.values_.emplace(std::string(key.name), std::move(value));
  }
  return config;
}

const ConfigValue& Config::value(std::string_view key) const {
  const auto it = values_.find(key);
  if (it == values_.end()) {
    throw internal_error("config key '{}' is not declared in config_keys.cpp", key);
  }
  return it->second;
}

std::string Config::get_string(std::string_view key) const { return value(key).text; }

int64_t Config::get_integer(std::string_view key) const {
  const std::string& text = value(key).text;
  int64_t result = 0;
  std::from_chars(text.data(), text.data() + text.size(), result);
  return result;
}

double Config::get_number(std::string_view key) const {
  return std::strtod(value(key).text.c_str(), nullptr);
}

bool Config::get_bool(std::string_view key) const { return value(key).text == "true"; }

std::filesystem::path Config::get_path(std::string_view key) const {
  std::filesystem::path path(value(key).text);
  if (path.empty() || path.is_absolute()) return path;
  return home_ / path;
}

std::string Config::render_effective() const {
  std::string out =
      fmt::format("# effective configuration\n# file: {}\n# home: {}\n", origin_, home_.string());
  std::vector<std::string> open_sections;
  for (const ConfigKey& key : config_keys()) {
    std::vector<std::string> parts;
    for (size_t start = 0;;) {
      const size_t dot = key.name.find('.', start);
      parts.emplace_back(key.name.substr(start, dot - start));
      if (dot == std::string_view::npos) break;
      start = dot + 1;
    }
    // Reuse the sections already open, open the rest: nested YAML, keys in table order.
    size_t common = 0;
    while (common < open_sections.size() && common + 1 < parts.size() &&
           open_sections[common] == parts[common]) {
      ++common;
    }
    open_sections.resize(common);
    for (size_t depth = common; depth + 1 < parts.size(); ++depth) {
      out += fmt::format("{:{}}{}:\n", "", depth * 2, parts[depth]);
      open_sections.push_back(parts[depth]);
    }
    const ConfigValue& v = value(key.name);
    const std::string shown = key.secret ? mask_secret(v.text) : mask_url_password(v.text);
    const std::string source = v.source == ConfigSource::kEnvironment
                                   ? fmt::format("{} {}", source_name(v.source), key.env)
                                   : std::string(source_name(v.source));
    out += fmt::format("{:{}}{}: {}  # {}\n", "", (parts.size() - 1) * 2, parts.back(),
                       quote_yaml(shown), source);
  }
  return out;
}

}  // namespace gogooku3
