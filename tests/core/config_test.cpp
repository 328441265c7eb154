#include "core/config.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

#include "core/error.h"

namespace gogooku3 {
namespace {

using Env = std::map<std::string, std::string>;

std::string error_of(std::string_view yaml, const Env& env = {}) {
  try {
    Config::parse(yaml, "test.yaml", "/h", env);
  } catch (const Error& e) {
    EXPECT_EQ(e.category(), ErrorCategory::kInvalidInput);
    return e.what();
  }
  return "";
}

TEST(ConfigTest, DefaultsWorkWithNoFile) {
  const Config config = Config::parse("", "none", "/srv/g3", {});
  EXPECT_EQ(config.get_string("metadata.url"), "sqlite:/srv/g3/gogooku3.db");
  EXPECT_EQ(config.get_string("log.level"), "info");
  EXPECT_EQ(config.get_path("log.file"), "/srv/g3/logs/gogooku3.jsonl");
  EXPECT_TRUE(config.get_path("calendar.overrides_file").empty());
  EXPECT_EQ(config.value("log.level").source, ConfigSource::kDefault);
}

TEST(ConfigTest, FileThenEnvironmentPrecedence) {
  const std::string yaml = "log:\n  level: debug\nmetadata:\n  url: sqlite:/a.db\n";
  const Config from_file = Config::parse(yaml, "t.yaml", "/h", {});
  EXPECT_EQ(from_file.get_string("log.level"), "debug");
  EXPECT_EQ(from_file.value("log.level").source, ConfigSource::kFile);
  const Config from_env =
      Config::parse(yaml, "t.yaml", "/h", {{"GOGOOKU3_DB_URL", "sqlite:/b.db"}});
  EXPECT_EQ(from_env.get_string("metadata.url"), "sqlite:/b.db");
  EXPECT_EQ(from_env.value("metadata.url").source, ConfigSource::kEnvironment);
  // An empty variable does not override: `export GOGOOKU3_DB_URL=` is "unset" to users.
  const Config empty_env = Config::parse(yaml, "t.yaml", "/h", {{"GOGOOKU3_DB_URL", ""}});
  EXPECT_EQ(empty_env.get_string("metadata.url"), "sqlite:/a.db");
}

TEST(ConfigTest, RelativePathsResolveAgainstHome) {
  const Config config =
      Config::parse("calendar:\n  overrides_file: cal/overrides.yaml\n", "t", "/h", {});
  EXPECT_EQ(config.get_path("calendar.overrides_file"), "/h/cal/overrides.yaml");
}

TEST(ConfigTest, InterpolatesEnvironmentWithFallbacks) {
  const Env env = {{"DB_DIR", "/data"}, {"EMPTY", ""}};
  EXPECT_EQ(interpolate_env("sqlite:${DB_DIR}/g.db", "k", env), "sqlite:/data/g.db");
  EXPECT_EQ(interpolate_env("${MISSING:-/tmp}/x", "k", env), "/tmp/x");
  EXPECT_EQ(interpolate_env("${EMPTY:-fallback}", "k", env), "fallback");
  EXPECT_EQ(interpolate_env("price $${HOME}", "k", env), "price ${HOME}");
  EXPECT_EQ(interpolate_env("no variables", "k", env), "no variables");
  const Config config = Config::parse("metadata:\n  url: sqlite:${DB_DIR}/g.db\n", "t", "/h", env);
  EXPECT_EQ(config.get_string("metadata.url"), "sqlite:/data/g.db");
}

TEST(ConfigTest, UnsetVariableNamesKeyAndVariable) {
  const std::string message = error_of("metadata:\n  url: ${NO_SUCH_VAR}\n");
  EXPECT_NE(message.find("test.yaml"), std::string::npos) << message;
  EXPECT_NE(message.find("metadata.url"), std::string::npos) << message;
  EXPECT_NE(message.find("NO_SUCH_VAR"), std::string::npos) << message;
  EXPECT_NE(error_of("log:\n  level: ${UNTERMINATED\n").find("unterminated"), std::string::npos);
}

TEST(ConfigTest, UnknownKeysAndBadYamlAreNamed) {
  const std::string unknown = error_of("log:\n  levle: debug\n");
  EXPECT_NE(unknown.find("unknown key 'log.levle'"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("log.level"), std::string::npos) << unknown;  // lists known keys
  const std::string bad = error_of("log: [unclosed\n");
  EXPECT_NE(bad.find("not valid YAML at line"), std::string::npos) << bad;
  EXPECT_NE(error_of("- a\n- b\n").find("top level must be a mapping"), std::string::npos);
  EXPECT_NE(error_of("log:\n  level: [a, b]\n").find("single value"), std::string::npos);
}

TEST(ConfigTest, RenderShowsSourcesAndMasksPasswords) {
  const Config config = Config::parse("log:\n  level: warn\n", "t.yaml", "/h",
                                      {{"GOGOOKU3_DB_URL", "postgresql://me:s3cret@db/g3"}});
  const std::string shown = config.render_effective();
  EXPECT_EQ(shown.find("s3cret"), std::string::npos) << shown;
  EXPECT_NE(shown.find("postgresql://me:****@db/g3"), std::string::npos) << shown;
  EXPECT_NE(shown.find("level: \"warn\"  # file"), std::string::npos) << shown;
  EXPECT_NE(shown.find("# environment GOGOOKU3_DB_URL"), std::string::npos) << shown;
  // What config show prints is itself a valid config file.
  EXPECT_NO_THROW(YAML::Load(shown));
}

TEST(ConfigTest, MaskSecretKeepsOnlyATail) {
  EXPECT_EQ(mask_secret(""), "");
  EXPECT_EQ(mask_secret("short"), "****");
  EXPECT_EQ(mask_secret("abcdefghijklmnop"), "****op");
}

// The example file documents every key with its real default: the two cannot drift apart.
TEST(ConfigTest, ExampleFileListsEveryKeyWithItsDefault) {
  const std::string path = std::string(GOGOOKU3_SOURCE_DIR) + "/config/gogooku3.example.yaml";
  std::ifstream in(path);
  ASSERT_TRUE(in) << path;
  std::stringstream text;
  text << in.rdbuf();
  const YAML::Node root = YAML::Load(text.str());
  size_t documented = 0;
  for (const ConfigKey& key : config_keys()) {
    YAML::Node node = YAML::Clone(root);
    std::string name(key.name);
    for (size_t start = 0;;) {
      const size_t dot = name.find('.', start);
      node = node[name.substr(start, dot - start)];
      ASSERT_TRUE(node.IsDefined()) << key.name << " missing from " << path;
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    EXPECT_EQ(node.Scalar(), key.default_value) << key.name;
    if (!key.env.empty()) {
      EXPECT_NE(text.str().find("env: " + std::string(key.env)), std::string::npos) << key.env;
    }
    ++documented;
  }
  EXPECT_EQ(documented, config_keys().size());
  // And the example file loads as a config.
  EXPECT_NO_THROW(Config::parse(text.str(), path, "/h", {}));
}

}  // namespace
}  // namespace gogooku3
