// The shorthand the families_*.cpp files register features with.
//
//   FamilyBuilder f(catalog, "momentum");
//   f.stock(fmt::format("rsi_{}", n), fmt::format("period={}", n), "Wilder RSI of the close",
//           {"adj_close"}, rsi_lookback(n), wilder_memory(n),
//           [n](const PriceSeries& s, Output out) { rsi(s.close, n, out); });
// Each call adds one FeatureDef; the family name is written once.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "features/catalog/catalog.h"

namespace gogooku3::features {

class FamilyBuilder {
 public:
  FamilyBuilder(Catalog& catalog, std::string family)
      : catalog_(catalog), family_(std::move(family)) {}

  void stock(std::string name, std::string parameters, std::string description,
             std::vector<std::string> inputs, int lookback, int memory, PriceFunction price) {
    add_price(FeatureStage::kStock, std::move(name), std::move(parameters), std::move(description),
              std::move(inputs), lookback, memory, std::move(price));
  }
  void market(std::string name, std::string parameters, std::string description, int lookback,
              int memory, PriceFunction price) {
    add_price(FeatureStage::kMarket, std::move(name), std::move(parameters), std::move(description),
              {"topix"}, lookback, memory, std::move(price));
  }
  void flow(std::string name, std::string parameters, std::string description, int weeks,
            FlowFunction flow) {
    FeatureDef def;
    def.name = std::move(name);
    def.family = family_;
    def.parameters = std::move(parameters);
    def.description = std::move(description);
    def.inputs = {"investor_types", "market_code"};
    def.stage = FeatureStage::kFlow;
    def.lookback = weeks;
    def.flow = std::move(flow);
    catalog_.add(std::move(def));
  }
  void margin(std::string name, std::string parameters, std::string description, int weeks,
              MarginFunction margin) {
    FeatureDef def;
    def.name = std::move(name);
    def.family = family_;
    def.parameters = std::move(parameters);
    def.description = std::move(description);
    def.inputs = {"margin_interest"};
    def.stage = FeatureStage::kMargin;
    def.lookback = weeks;
    def.margin = std::move(margin);
    catalog_.add(std::move(def));
  }
  void cross_section(std::string name, const std::string& base, CrossSectionOp op,
                     std::string description) {
    const FeatureDef& base_def = catalog_.get(base);
    FeatureDef def;
    def.name = std::move(name);
    def.family = family_;
    def.parameters = "base=" + base;
    def.description = std::move(description);
    def.inputs = {base};
    if (op == CrossSectionOp::kSectorRelative) def.inputs.emplace_back("sector33_code");
    def.stage = FeatureStage::kCrossSection;
    def.lookback = base_def.lookback;
    def.memory = base_def.memory;
    def.base = base;
    def.op = op;
    catalog_.add(std::move(def));
  }

 private:
  void add_price(FeatureStage stage, std::string name, std::string parameters,
                 std::string description, std::vector<std::string> inputs, int lookback, int memory,
                 PriceFunction price) {
    FeatureDef def;
    def.name = std::move(name);
    def.family = family_;
    def.parameters = std::move(parameters);
    def.description = std::move(description);
    def.inputs = std::move(inputs);
    def.stage = stage;
    def.lookback = lookback;
    def.memory = memory;
    def.price = std::move(price);
    catalog_.add(std::move(def));
  }

  Catalog& catalog_;
  std::string family_;
};

}  // namespace gogooku3::features
