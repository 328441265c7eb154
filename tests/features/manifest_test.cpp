#include "features/manifest.h"

#include <gtest/gtest.h>

#include <fstream>

#include "core/error.h"
#include "features/catalog/catalog.h"

namespace gogooku3::features {
namespace {

ErrorCategory category_of(const std::function<void()>& f, std::string* message = nullptr) {
  try {
    f();
  } catch (const Error& e) {
    if (message) *message = e.what();
    return e.category();
  }
  ADD_FAILURE() << "no error";
  return ErrorCategory::kInternal;
}

TEST(FeatureManifestTest, BuiltInHas127FeaturesCoveringEveryFamily) {
  const FeatureManifest m = FeatureManifest::built_in();
  EXPECT_EQ(m.features().size(), 127u);
  EXPECT_EQ(m.hash().size(), 12u);
  EXPECT_EQ(m.dataset(), "features/" + m.hash());
  std::set<std::string> families;
  for (const FeatureDef* f : m.features()) families.insert(f->family);
  // Every family but margin: the sample market has no margin data to choose margin features
  // on, so none is active (they stay in the catalog for J-Quants lakes).
  EXPECT_EQ(families.size() + 1, catalog().families().size());
  EXPECT_FALSE(families.contains("margin"));
  // The window covers the longest feature and is bounded (one new day reads < 2.6 years).
  int longest = 0;
  for (const FeatureDef* f : m.features()) longest = std::max(longest, history_business_days(*f));
  EXPECT_GT(m.window_business_days(), longest);
  EXPECT_LT(m.window_business_days(), 650);
}

TEST(FeatureManifestTest, RejectsLabelsUnknownNamesAndDuplicates) {
  std::string message;
  EXPECT_EQ(category_of(
                [] {
                  FeatureManifest::from_names({"ret_1d", "label_ret_5d"}, "t.yaml");
                },
                &message),
            ErrorCategory::kInvalidInput);
  EXPECT_NE(message.find("label_ret_5d"), std::string::npos);
  EXPECT_NE(message.find("look-ahead"), std::string::npos);
  EXPECT_EQ(category_of([] { FeatureManifest::from_names({"rsi_99"}, "t.yaml"); }, &message),
            ErrorCategory::kInvalidInput);
  EXPECT_NE(message.find("t.yaml"), std::string::npos);
  EXPECT_NE(message.find("rsi_14"), std::string::npos) << message;
  EXPECT_EQ(category_of([] {
              FeatureManifest::from_names({"ret_1d", "ret_1d"}, "t.yaml");
            }),
            ErrorCategory::kInvalidInput);
  EXPECT_EQ(category_of([] { FeatureManifest::from_names({}, "t.yaml"); }),
            ErrorCategory::kInvalidInput);
}

TEST(FeatureManifestTest, HashDependsOnTheNamesAndTheirOrder) {
  const auto a = FeatureManifest::from_names({"ret_1d", "rsi_14"}, "a");
  const auto b = FeatureManifest::from_names({"ret_1d", "rsi_14"}, "b");
  const auto c = FeatureManifest::from_names({"rsi_14", "ret_1d"}, "c");
  EXPECT_EQ(a.hash(), b.hash());
  EXPECT_NE(a.hash(), c.hash());
}

TEST(FeatureManifestTest, LoadsYamlAndNamesTheFileInErrors) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "manifest_test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "ok.yaml") << "features:\n  - ret_1d  # reversal\n  - cs_rank_ret_1d\n";
  const FeatureManifest m = FeatureManifest::load(dir / "ok.yaml");
  EXPECT_EQ(m.names(), (std::vector<std::string>{"ret_1d", "cs_rank_ret_1d"}));
  std::ofstream(dir / "bad.yaml") << "feature:\n  - ret_1d\n";
  std::string message;
  EXPECT_EQ(category_of([&] { FeatureManifest::load(dir / "bad.yaml"); }, &message),
            ErrorCategory::kInvalidInput);
  EXPECT_NE(message.find("bad.yaml"), std::string::npos);
  EXPECT_EQ(category_of([&] { FeatureManifest::load(dir / "missing.yaml"); }),
            ErrorCategory::kNotFound);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace gogooku3::features
