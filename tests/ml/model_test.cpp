// Tests for src/ml/model: the ATFT-GAT-FAN blocks, the assembled model, its loss and config.
//
// Each property is checked against its definition, so that the predecessor's mistakes would
// fail here: FAN must reconstruct a sum of K sinusoids exactly from its top-K frequencies (a
// FAN that normalises something else leaves a residual); attention must be causal (perturbing
// step t may not move outputs before t); GATv2 coefficients must sum to 1 over each node's
// incoming edges and the layer must not depend on node or edge order; every parameter and
// every quantile output must receive gradient (the predecessor trained only the median);
// quantiles never cross; masked targets never change the loss. Sizes are tiny (the whole
// binary runs in seconds on CPU); fixed seeds make every run identical.
#include <gtest/gtest.h>
#include <torch/torch.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <functional>
#include <numbers>
#include <string>
#include <vector>

#include "core/error.h"
#include "ml/model/atft_gat_fan.h"
#include "ml/model/blocks.h"
#include "ml/model/loss.h"
#include "ml/model/model_config.h"

namespace gogooku3::ml {
namespace {

ModelConfig tiny_config() {
  ModelConfig config;
  config.features = 6;
  config.lookback = 8;
  config.hidden = 8;
  config.attention_heads = 2;
  config.gat_heads = 2;
  config.fan_top_k = 2;
  return config;
}

struct Day {
  torch::Tensor x, mask, edge_index, edge_attr, target, target_mask;
};

// B stocks with a self-loop each and a bidirectional ring, so every node has 3 incoming edges
// (with one edge only, attention would be constant and its parameters untrainable).
Day make_day(const ModelConfig& config, int64_t stocks, uint64_t seed) {
  torch::manual_seed(seed);
  Day day;
  day.mask = (torch::rand({stocks, config.lookback, config.features}) > 0.2).to(torch::kFloat);
  day.x = torch::randn({stocks, config.lookback, config.features}).clamp(-5, 5) * day.mask;
  std::vector<int64_t> source;
  std::vector<int64_t> target;
  for (int64_t i = 0; i < stocks; ++i) {
    const int64_t next = (i + 1) % stocks;
    source.insert(source.end(), {i, i, next});
    target.insert(target.end(), {i, next, i});
  }
  day.edge_index = torch::stack({torch::tensor(source), torch::tensor(target)});
  day.edge_attr = torch::randn({static_cast<int64_t>(source.size()), config.edge_dim});
  const auto horizons = static_cast<int64_t>(config.horizons.size());
  day.target = torch::randn({stocks, horizons});
  day.target_mask = (torch::rand({stocks, horizons}) > 0.1).to(torch::kFloat);
  return day;
}

ModelOutput run(AtftGatFan& model, const Day& day) {
  return model(day.x, day.mask, day.edge_index, day.edge_attr);
}

std::string invalid_input_message(const std::function<void()>& call) {
  try {
    call();
  } catch (const Error& error) {
    EXPECT_EQ(error.category(), ErrorCategory::kInvalidInput) << error.what();
    return error.what();
  }
  ADD_FAILURE() << "expected InvalidInput, nothing was thrown";
  return "";
}

double max_abs(const torch::Tensor& t) { return t.abs().max().item<double>(); }

// Every registered parameter has a defined, nonzero gradient; failures name the parameter.
void expect_gradient_everywhere(torch::nn::Module& module) {
  for (const auto& item : module.named_parameters()) {
    const torch::Tensor& grad = item.value().grad();
    ASSERT_TRUE(grad.defined()) << item.key() << " got no gradient";
    EXPECT_GT(grad.abs().sum().item<double>(), 0.0) << item.key() << " got a zero gradient";
  }
}

// ---------------------------------------------------------------------------------------------
// Config

TEST(ModelConfigTest, ProfilesAreValid) {
  const ModelConfig cpu = ModelConfig::cpu_profile();
  const ModelConfig gpu = ModelConfig::gpu_profile();
  cpu.validate();
  gpu.validate();
  EXPECT_EQ(cpu.hidden, 32);
  EXPECT_EQ(cpu.lookback, 10);
  EXPECT_EQ(cpu.vsn_feature_hidden, 4);
  EXPECT_EQ(gpu.vsn_feature_hidden, 16);
  EXPECT_EQ(gpu.hidden, 256);
  EXPECT_EQ(gpu.lookback, 60);
  EXPECT_EQ(gpu.attention_heads, 8);
  EXPECT_EQ(gpu.gat_heads, 4);
  EXPECT_EQ(cpu.median_index(), 2);
}

TEST(ModelConfigTest, JsonRoundTripKeepsEveryField) {
  ModelConfig config = ModelConfig::gpu_profile();
  config.features = 90;
  config.dropout = 0.25;
  config.fan_enabled = false;
  config.fan_top_k = 7;
  config.vsn_weights = "sigmoid";
  config.gat_enabled = false;
  config.edge_dim = 2;
  config.horizons = {1, 3};
  config.quantiles = {0.1, 0.5, 0.9};
  const nlohmann::json json = config.to_json();
  const ModelConfig back = ModelConfig::from_json(json);
  EXPECT_EQ(back.to_json(), json);
  EXPECT_EQ(back.features, 90);
  EXPECT_EQ(back.vsn_weights, "sigmoid");
  EXPECT_EQ(back.quantiles, (std::vector<double>{0.1, 0.5, 0.9}));
  EXPECT_EQ(back.median_index(), 1);

  LossConfig loss;
  loss.horizon_weights = {2.0, 1.0};
  loss.correlation_weight = 0.3;
  EXPECT_EQ(LossConfig::from_json(loss.to_json()).to_json(), loss.to_json());
}

TEST(ModelConfigTest, FromJsonKeepsDefaultsForAbsentKeys) {
  const ModelConfig config = ModelConfig::from_json({{"hidden", 16}});
  EXPECT_EQ(config.hidden, 16);
  EXPECT_EQ(config.features, 127);
}

TEST(ModelConfigTest, FromJsonRefusesUnknownKeysAndWrongKinds) {
  EXPECT_NE(invalid_input_message([] {
              ModelConfig::from_json({{"hiden", 16}});
            }).find("hiden"),
            std::string::npos);
  EXPECT_NE(invalid_input_message([] {
              ModelConfig::from_json({{"hidden", "big"}});
            }).find("hidden"),
            std::string::npos);
  EXPECT_NE(invalid_input_message([] {
              ModelConfig::from_json({{"horizons", {1, 2.5}}});
            }).find("horizons"),
            std::string::npos);
  EXPECT_NE(invalid_input_message([] {
              LossConfig::from_json({{"sharpe_weight", 1.0}});
            }).find("sharpe_weight"),
            std::string::npos);
}

TEST(ModelConfigTest, ValidateNamesTheBadField) {
  struct Case {
    std::function<void(ModelConfig&)> change;
    std::string field;
  };
  const std::vector<Case> cases = {
      {[](ModelConfig& c) { c.hidden = 30; }, "hidden"},
      {[](ModelConfig& c) { c.attention_heads = 0; }, "attention_heads"},
      {[](ModelConfig& c) { c.gat_heads = 3; }, "hidden"},
      {[](ModelConfig& c) { c.features = 0; }, "features"},
      {[](ModelConfig& c) { c.dropout = 1.0; }, "dropout"},
      {[](ModelConfig& c) { c.fan_top_k = 12; }, "fan_top_k"},  // lookback 20: at most 11
      {[](ModelConfig& c) { c.fan_top_k = 0; }, "fan_top_k"},
      {[](ModelConfig& c) { c.vsn_weights = "relu"; }, "vsn_weights"},
      {[](ModelConfig& c) { c.edge_dim = 0; }, "edge_dim"},
      {[](ModelConfig& c) {
         c.horizons = {5, 1};
       },
       "horizons"},
      {[](ModelConfig& c) { c.horizons = {}; }, "horizons"},
      {[](ModelConfig& c) {
         c.quantiles = {0.1, 0.9};
       },
       "quantiles"},
      {[](ModelConfig& c) {
         c.quantiles = {0.5, 0.25};
       },
       "quantiles"},
      {[](ModelConfig& c) {
         c.quantiles = {0.0, 0.5};
       },
       "quantiles"},
  };
  for (const Case& test_case : cases) {
    ModelConfig config;
    test_case.change(config);
    const std::string message = invalid_input_message([&] { config.validate(); });
    EXPECT_NE(message.find(test_case.field), std::string::npos) << message;
  }
  ModelConfig config;
  config.fan_top_k = 11;
  config.validate();  // the boundary itself is allowed
}

TEST(ModelConfigTest, LossConfigNeedsOneWeightPerHorizon) {
  LossConfig loss;
  loss.horizon_weights = {1.0, 0.5};
  EXPECT_NE(invalid_input_message([&] { loss.validate(ModelConfig{}); }).find("horizon_weights"),
            std::string::npos);
  loss.horizon_weights = {1.0, -0.5, 0.1, 0.1};
  invalid_input_message([&] { loss.validate(ModelConfig{}); });
  loss.horizon_weights = {0.0, 0.0, 0.0, 0.0};
  invalid_input_message([&] { loss.validate(ModelConfig{}); });
  LossConfig{}.validate(ModelConfig{});
}

// ---------------------------------------------------------------------------------------------
// FAN

// series[b, t, f] = sum_i amplitude_i cos(2 pi k_i t / T + phase_i), with per-(b, f) phases.
torch::Tensor sinusoids(int64_t stocks, int64_t steps, int64_t features,
                        const std::vector<std::pair<int, double>>& components) {
  torch::manual_seed(3);
  const torch::Tensor t = torch::arange(steps, torch::kDouble).view({1, steps, 1});
  torch::Tensor series = torch::zeros({stocks, steps, features}, torch::kDouble);
  for (const auto& [bin, amplitude] : components) {
    const torch::Tensor phase = torch::rand({stocks, 1, features}, torch::kDouble) * 6.28;
    series = series + amplitude * torch::cos(2 * std::numbers::pi * bin * t / steps + phase);
  }
  return series.to(torch::kFloat);
}

TEST(FanTest, ShapesAndContribution) {
  FrequencyAdaptiveNorm fan(8, 5, 12, 3);
  const torch::Tensor x = torch::randn({4, 8, 5});
  const FanOutput out = fan(x);
  EXPECT_EQ(out.residual.sizes(), x.sizes());
  EXPECT_EQ(out.main_contribution.sizes(), (std::vector<int64_t>{4, 12}));
  EXPECT_GT(max_abs(out.main_contribution), 0.0);
  EXPECT_TRUE(torch::allclose(out.residual + fan->main_signal(x), x, 1e-5, 1e-5));
}

TEST(FanTest, ReconstructsKSinusoidsExactly) {
  const torch::Tensor x = sinusoids(3, 16, 4, {{1, 1.0}, {3, 2.5}, {6, 0.7}});
  FrequencyAdaptiveNorm fan(16, 4, 8, 3);
  EXPECT_LT(max_abs(fan(x).residual), 1e-5);
  // With one frequency fewer than the signal has, the weakest component is left over.
  FrequencyAdaptiveNorm fan2(16, 4, 8, 2);
  const torch::Tensor weakest = sinusoids(3, 16, 4, {{1, 1.0}, {3, 2.5}, {6, 0.7}}) -
                                sinusoids(3, 16, 4, {{1, 1.0}, {3, 2.5}});
  // sinusoids() reseeds, so the phases of the shared components agree.
  EXPECT_TRUE(torch::allclose(fan2(x).residual, weakest, 1e-4, 1e-4));
  EXPECT_GT(max_abs(weakest), 0.1);
}

TEST(FanTest, KeepsTheStrongestFrequencyPerSeries) {
  // Series 0 is dominated by bin 2, series 1 by bin 5: top_k is per instance and feature.
  const torch::Tensor t = torch::arange(16, torch::kFloat);
  const torch::Tensor strong2 = 3 * torch::sin(2 * std::numbers::pi * 2 * t / 16);
  const torch::Tensor weak5 = 0.5 * torch::sin(2 * std::numbers::pi * 5 * t / 16);
  const torch::Tensor strong5 = 3 * torch::sin(2 * std::numbers::pi * 5 * t / 16);
  const torch::Tensor weak2 = 0.5 * torch::sin(2 * std::numbers::pi * 2 * t / 16);
  const torch::Tensor x = torch::stack({strong2 + weak5, strong5 + weak2}).view({2, 16, 1});
  FrequencyAdaptiveNorm fan(16, 1, 4, 1);
  const torch::Tensor residual = fan(x).residual;
  EXPECT_TRUE(torch::allclose(residual[0].view({16}), weak5, 1e-5, 1e-5));
  EXPECT_TRUE(torch::allclose(residual[1].view({16}), weak2, 1e-5, 1e-5));
}

TEST(FanTest, DisabledKeepsXAndContributesZeros) {
  FrequencyAdaptiveNorm fan(8, 5, 12, 3, /*enabled=*/false);
  const torch::Tensor x = torch::randn({4, 8, 5});
  const FanOutput out = fan(x);
  EXPECT_TRUE(torch::equal(out.residual, x));
  EXPECT_TRUE(torch::equal(out.main_contribution, torch::zeros({4, 12})));
  EXPECT_TRUE(fan->parameters().empty());
}

TEST(FanTest, RefusesWrongShapesAndTopK) {
  FrequencyAdaptiveNorm fan(8, 5, 12, 3);
  EXPECT_NE(invalid_input_message([&] {
              fan(torch::randn({4, 7, 5}));
            }).find("x has shape"),
            std::string::npos);
  invalid_input_message([] { FrequencyAdaptiveNorm(8, 5, 12, 6); });  // 8/2 + 1 = 5 bins
}

// ---------------------------------------------------------------------------------------------
// GRN, VSN

TEST(GrnTest, ShapesWithAndWithoutContext) {
  GatedResidualNetwork projecting(6, 10, 4, 0.1);
  EXPECT_EQ(projecting(torch::randn({3, 5, 6})).sizes(), (std::vector<int64_t>{3, 5, 4}));
  GatedResidualNetwork same(4, 10, 4, 0.1, /*context=*/3);
  const torch::Tensor a = torch::randn({7, 4});
  const torch::Tensor out = same(a, torch::randn({7, 3}));
  EXPECT_EQ(out.sizes(), a.sizes());
  // LayerNorm at the end: each row has mean 0.
  EXPECT_LT(max_abs(out.mean(-1)), 1e-5);
  invalid_input_message([&] { same(a); });  // context required
  invalid_input_message([&] { projecting(torch::randn({3, 5})); });
}

TEST(VsnTest, ShapesAndSoftmaxWeights) {
  VariableSelection vsn(5, 2, 8, 8, "softmax", 0.0);
  const torch::Tensor x = torch::randn({3, 4, 5});
  const torch::Tensor mask = torch::ones({3, 4, 5});
  const VariableSelectionOutput out = vsn(x, mask);
  EXPECT_EQ(out.out.sizes(), (std::vector<int64_t>{3, 4, 8}));
  EXPECT_EQ(out.weights.sizes(), x.sizes());
  EXPECT_TRUE(torch::allclose(out.weights.sum(-1), torch::ones({3, 4}), 1e-5, 1e-5));
  EXPECT_TRUE(torch::equal(vsn->last_weights(), out.weights.detach()));
  invalid_input_message([&] { vsn(x, torch::ones({3, 4, 4})); });
  invalid_input_message([] { VariableSelection(5, 2, 8, 8, "relu", 0.0); });
}

TEST(VsnTest, SigmoidWeightsAreIndependent) {
  VariableSelection vsn(5, 2, 4, 8, "sigmoid", 0.0);
  const torch::Tensor weights = vsn(torch::randn({3, 4, 5}), torch::ones({3, 4, 5})).weights;
  EXPECT_GT(weights.min().item<double>(), 0.0);
  EXPECT_LT(weights.max().item<double>(), 1.0);
  EXPECT_GT(max_abs(weights.sum(-1) - 1.0), 1e-3);  // not normalised
}

TEST(VsnTest, EachFeatureGetsItsOwnGrn) {
  // With equal inputs on every feature, per-feature GRNs still embed them differently: the
  // batched parameters are not shared across features.
  VariableSelection vsn(3, 2, 4, 4, "softmax", 0.0);
  vsn->eval();
  const torch::Tensor x = torch::ones({1, 1, 3}) * 0.7;
  const torch::Tensor mask = torch::ones({1, 1, 3});
  const torch::Tensor base = vsn(x, mask).out;
  // Changing feature 0 alone moves the output; so does feature 2.
  torch::Tensor x0 = x.clone();
  x0.index_put_({0, 0, 0}, -1.0);
  torch::Tensor x2 = x.clone();
  x2.index_put_({0, 0, 2}, -1.0);
  const torch::Tensor out0 = vsn(x0, mask).out;
  const torch::Tensor out2 = vsn(x2, mask).out;
  EXPECT_GT(max_abs(out0 - base), 1e-4);
  EXPECT_GT(max_abs(out0 - out2), 1e-4);
}

// ---------------------------------------------------------------------------------------------
// Temporal block

TEST(TemporalBlockTest, Shapes) {
  TemporalBlock block(8, 2, 0.1);
  const torch::Tensor x = torch::randn({3, 6, 8});
  EXPECT_EQ(block(x).sizes(), (std::vector<int64_t>{3, 8}));
  EXPECT_EQ(block->sequence(x).sizes(), x.sizes());
  EXPECT_EQ(block->self_attention(x).sizes(), x.sizes());
  const torch::Tensor pe = TemporalBlockImpl::positional_encoding(6, 8, x.options());
  EXPECT_EQ(pe.sizes(), (std::vector<int64_t>{6, 8}));
  EXPECT_NEAR(pe[3][0].item<double>(), std::sin(3.0), 1e-6);
  EXPECT_NEAR(pe[3][1].item<double>(), std::cos(3.0), 1e-6);
  EXPECT_NEAR(pe[3][2].item<double>(), std::sin(3.0 / std::pow(10000.0, 2.0 / 8)), 1e-6);
  invalid_input_message([] { TemporalBlock(8, 3, 0.1); });
}

// Perturbing input step t leaves outputs before t unchanged and changes step t.
void expect_causal(const std::function<torch::Tensor(const torch::Tensor&)>& f) {
  torch::manual_seed(5);
  const torch::Tensor x = torch::randn({2, 6, 8});
  const torch::Tensor before = f(x);
  for (int64_t t = 1; t < 6; ++t) {
    torch::Tensor perturbed = x.clone();
    perturbed.select(1, t).add_(torch::randn({2, 8}));
    const torch::Tensor after = f(perturbed);
    EXPECT_TRUE(torch::allclose(after.narrow(1, 0, t), before.narrow(1, 0, t), 1e-6, 1e-6))
        << "steps before " << t << " saw step " << t;
    EXPECT_GT(max_abs(after.select(1, t) - before.select(1, t)), 1e-4);
  }
}

TEST(TemporalBlockTest, AttentionIsCausal) {
  TemporalBlock block(8, 2, 0.1);
  block->eval();
  expect_causal([&](const torch::Tensor& x) { return block->self_attention(x); });
  expect_causal([&](const torch::Tensor& x) { return block->sequence(x); });
}

// ---------------------------------------------------------------------------------------------
// GATv2

struct Graph {
  torch::Tensor x, edge_index, edge_attr;
};

Graph random_graph(int64_t nodes, int64_t in, int64_t edge_dim) {
  torch::manual_seed(9);
  const torch::Tensor self_loops = torch::arange(nodes, torch::kLong);
  const torch::Tensor extra_source = torch::randint(nodes, {3 * nodes}, torch::kLong);
  const torch::Tensor extra_target = torch::randint(nodes, {3 * nodes}, torch::kLong);
  Graph graph;
  graph.x = torch::randn({nodes, in});
  graph.edge_index = torch::stack(
      {torch::cat({self_loops, extra_source}), torch::cat({self_loops, extra_target})});
  graph.edge_attr = torch::randn({graph.edge_index.size(1), edge_dim});
  return graph;
}

TEST(GatV2Test, ShapesConcatAndMean) {
  const Graph g = random_graph(7, 6, 3);
  GatV2Layer concat(6, 4, 3, 3, true, 0.0);
  GatV2Layer mean(6, 4, 3, 3, false, 0.0);
  EXPECT_EQ(concat(g.x, g.edge_index, g.edge_attr).sizes(), (std::vector<int64_t>{7, 12}));
  EXPECT_EQ(mean(g.x, g.edge_index, g.edge_attr).sizes(), (std::vector<int64_t>{7, 4}));
  EXPECT_EQ(concat->last_attention().sizes(), (std::vector<int64_t>{g.edge_index.size(1), 3}));
  invalid_input_message([&] { concat(g.x, g.edge_index.to(torch::kInt), g.edge_attr); });
  invalid_input_message([&] { concat(g.x, g.edge_index, g.edge_attr.narrow(1, 0, 2)); });
}

TEST(GatV2Test, AttentionSumsToOneOverIncomingEdges) {
  const Graph g = random_graph(9, 6, 3);
  GatV2Layer layer(6, 4, 3, 3, true, 0.0);
  layer(g.x * 10, g.edge_index, g.edge_attr);  // large scores: the max shift must hold
  const torch::Tensor alpha = layer->last_attention();
  const torch::Tensor sums = torch::zeros({9, 3}).index_add(0, g.edge_index[1], alpha);
  EXPECT_TRUE(torch::allclose(sums, torch::ones({9, 3}), 1e-5, 1e-5));
  EXPECT_GT(alpha.min().item<double>(), 0.0);
  // Not uniform: the attention depends on the nodes.
  EXPECT_GT((alpha.max() - alpha.min()).item<double>(), 1e-3);
}

TEST(GatV2Test, PermutationEquivariant) {
  const Graph g = random_graph(9, 8, 3);
  GraphAttentionStack stack(8, 2, 3, 0.0);
  stack->eval();
  const torch::Tensor out = stack(g.x, g.edge_index, g.edge_attr);
  const torch::Tensor alpha = stack->first()->last_attention();

  torch::manual_seed(10);
  const torch::Tensor node_order = torch::randperm(9, torch::kLong);  // new row k = old row p[k]
  const torch::Tensor new_row_of = torch::argsort(node_order);
  const torch::Tensor edge_order = torch::randperm(g.edge_index.size(1), torch::kLong);
  const torch::Tensor edge_index =
      new_row_of.index_select(0, g.edge_index.flatten()).view({2, -1}).index_select(1, edge_order);
  const torch::Tensor permuted =
      stack(g.x.index_select(0, node_order), edge_index, g.edge_attr.index_select(0, edge_order));
  EXPECT_TRUE(torch::allclose(permuted, out.index_select(0, node_order), 1e-5, 1e-5));
  EXPECT_TRUE(torch::allclose(stack->first()->last_attention(), alpha.index_select(0, edge_order),
                              1e-5, 1e-5));
}

// ---------------------------------------------------------------------------------------------
// Fusion, heads

TEST(GatedFusionTest, ShapesGateBiasAndScale) {
  GatedFusion fusion(6);
  const torch::Tensor base = torch::randn({4, 6});
  EXPECT_EQ(fusion(base, torch::randn({4, 6})).sizes(), base.sizes());
  EXPECT_TRUE(torch::allclose(fusion(base, torch::zeros({4, 6})), base));
  for (const auto& item : fusion->named_parameters()) {
    if (item.key() == "gate.bias") {
      EXPECT_TRUE(torch::equal(item.value(), torch::full({6}, -0.5)));
    }
  }
  // The graph view moves each row by less than the row's own norm, however large g is.
  const torch::Tensor moved = fusion(base, torch::randn({4, 6}) * 1e4) - base;
  EXPECT_TRUE((moved.norm(2, -1) < base.norm(2, -1) + 1e-4).all().item<bool>());
}

TEST(QuantileHeadsTest, ShapesAndNeverCross) {
  QuantileHeads heads(8, 4, std::vector<double>{0.05, 0.25, 0.5, 0.75, 0.95}, 0.0);
  const torch::Tensor z = torch::randn({50, 8}) * 5;
  const torch::Tensor q = heads(z);
  EXPECT_EQ(q.sizes(), (std::vector<int64_t>{50, 4, 5}));
  EXPECT_TRUE((q.diff(1, 2) > 0).all().item<bool>());
  heads->perturb(20.0, 1);
  EXPECT_TRUE((heads(z).diff(1, 2) >= 0).all().item<bool>());
  invalid_input_message([] { QuantileHeads(8, 4, std::vector<double>{0.25, 0.75}, 0.0); });
}

TEST(QuantileHeadsTest, PerturbIsSeededAndChangesOnlyTheOutputWeight) {
  torch::manual_seed(1);
  QuantileHeads a(8, 2, std::vector<double>{0.25, 0.5, 0.75}, 0.0);
  torch::manual_seed(1);
  QuantileHeads b(8, 2, std::vector<double>{0.25, 0.5, 0.75}, 0.0);
  a->perturb(0.5, 42);
  b->perturb(0.5, 42);
  const auto pa = a->named_parameters();
  const auto pb = b->named_parameters();
  EXPECT_TRUE(torch::equal(pa["output.weight"], pb["output.weight"]));
  torch::manual_seed(1);
  QuantileHeads fresh(8, 2, std::vector<double>{0.25, 0.5, 0.75}, 0.0);
  const auto pf = fresh->named_parameters();
  EXPECT_FALSE(torch::equal(pa["output.weight"], pf["output.weight"]));
  EXPECT_TRUE(torch::equal(pa["trunk.weight"], pf["trunk.weight"]));
  EXPECT_TRUE(torch::equal(pa["output.bias"], pf["output.bias"]));
  b->perturb(0.5, 43);
  EXPECT_FALSE(torch::equal(pa["output.weight"], pb["output.weight"]));
}

// ---------------------------------------------------------------------------------------------
// Model

TEST(AtftGatFanTest, OutputShapes) {
  const ModelConfig config = tiny_config();
  AtftGatFan model(config);
  const Day day = make_day(config, 5, 1);
  const ModelOutput out = run(model, day);
  EXPECT_EQ(out.quantiles.sizes(), (std::vector<int64_t>{5, 4, 5}));
  EXPECT_EQ(out.feature_weights.sizes(), (std::vector<int64_t>{6}));
  EXPECT_NEAR(out.feature_weights.sum().item<double>(), 1.0, 1e-5);
  EXPECT_FALSE(out.feature_weights.requires_grad());
  EXPECT_TRUE(torch::equal(model->median(out), out.quantiles.select(2, 2)));
  EXPECT_TRUE((out.quantiles.diff(1, 2) > 0).all().item<bool>());
  // Predictions differ across stocks from the first step (no collapse by construction).
  EXPECT_GT(model->median(out).std(0).min().item<double>(), 1e-4);
}

TEST(AtftGatFanTest, RefusesBadInputsNamingTheTensor) {
  const ModelConfig config = tiny_config();
  AtftGatFan model(config);
  const Day day = make_day(config, 5, 1);
  EXPECT_NE(invalid_input_message([&] {
              model(day.x.narrow(2, 0, 5), day.mask.narrow(2, 0, 5), day.edge_index, day.edge_attr);
            }).find("x has 5 features, the model was built for 6"),
            std::string::npos);
  EXPECT_NE(invalid_input_message([&] {
              model(day.x.narrow(1, 0, 7), day.mask.narrow(1, 0, 7), day.edge_index, day.edge_attr);
            }).find("lookback of 8"),
            std::string::npos);
  EXPECT_NE(invalid_input_message([&] {
              model(day.x, day.mask.narrow(0, 0, 4), day.edge_index, day.edge_attr);
            }).find("mask"),
            std::string::npos);
  EXPECT_NE(invalid_input_message([&] {
              model(day.x, day.mask, day.edge_index, day.edge_attr.narrow(1, 0, 2));
            }).find("edge_attr"),
            std::string::npos);
  EXPECT_NE(invalid_input_message([&] {
              model(day.x, day.mask, day.edge_index + 1, day.edge_attr);
            }).find("0..4"),
            std::string::npos);
  EXPECT_NE(invalid_input_message([&] {
              model(day.x, day.mask, day.edge_index.to(torch::kInt), day.edge_attr);
            }).find("int64"),
            std::string::npos);
  ModelConfig bad = config;
  bad.hidden = 7;
  invalid_input_message([&] { AtftGatFan{bad}; });
}

TEST(AtftGatFanTest, RunsWithoutEdgesAndWithBlocksDisabled) {
  ModelConfig config = tiny_config();
  AtftGatFan model(config);
  const Day day = make_day(config, 5, 1);
  const ModelOutput out = model(day.x, day.mask, torch::zeros({2, 0}, torch::kLong),
                                torch::zeros({0, config.edge_dim}));
  EXPECT_EQ(out.quantiles.sizes(), (std::vector<int64_t>{5, 4, 5}));
  config.gat_enabled = false;
  config.fan_enabled = false;
  AtftGatFan plain(config);
  EXPECT_TRUE(plain->gat().is_empty());
  EXPECT_EQ(run(plain, day).quantiles.sizes(), (std::vector<int64_t>{5, 4, 5}));
}

TEST(AtftGatFanTest, GradientReachesEveryParameter) {
  for (const bool enabled : {true, false}) {
    ModelConfig config = tiny_config();
    config.fan_enabled = enabled;
    config.gat_enabled = enabled;
    config.vsn_weights = enabled ? "softmax" : "sigmoid";
    torch::manual_seed(2);
    AtftGatFan model(config);
    model->train();
    const Day day = make_day(config, 6, 2);
    const ModelOutput out = run(model, day);
    const LossTerms loss = atft_loss(out.quantiles, day.target, day.target_mask, config, {});
    loss.total.backward();
    SCOPED_TRACE(enabled ? "all blocks" : "no FAN, no GAT");
    expect_gradient_everywhere(*model);
  }
}

TEST(AtftGatFanTest, SameSeedSameOutput) {
  const ModelConfig config = tiny_config();
  const Day day = make_day(config, 5, 1);
  auto build_and_run = [&] {
    torch::manual_seed(11);
    AtftGatFan model(config);
    model->train();  // dropout draws from the same seeded generator
    return run(model, day).quantiles;
  };
  EXPECT_TRUE(torch::equal(build_and_run(), build_and_run()));
  torch::manual_seed(11);
  AtftGatFan model(config);
  model->eval();
  EXPECT_TRUE(torch::equal(run(model, day).quantiles, run(model, day).quantiles));
}

TEST(AtftGatFanTest, SaveLoadRoundTrip) {
  const ModelConfig config = tiny_config();
  const Day day = make_day(config, 5, 1);
  torch::manual_seed(21);
  AtftGatFan saved(config);
  torch::manual_seed(22);
  AtftGatFan loaded(config);
  saved->eval();
  loaded->eval();
  const torch::Tensor expected = run(saved, day).quantiles;
  ASSERT_FALSE(torch::equal(run(loaded, day).quantiles, expected));
  const std::filesystem::path path = std::filesystem::temp_directory_path() /
                                     ("gogooku3_model_test_" + std::to_string(::getpid()) + ".pt");
  torch::save(saved, path.string());
  torch::load(loaded, path.string());
  std::filesystem::remove(path);
  EXPECT_TRUE(torch::equal(run(loaded, day).quantiles, expected));
}

// ---------------------------------------------------------------------------------------------
// Loss

TEST(LossTest, EveryQuantileGetsGradientFromPinball) {
  const ModelConfig config = tiny_config();
  LossConfig loss_config;
  loss_config.correlation_weight = 0.0;
  torch::manual_seed(4);
  const torch::Tensor quantiles = std::get<0>(torch::randn({6, 4, 5}).sort(2)).requires_grad_(true);
  const torch::Tensor target = torch::randn({6, 4});
  atft_loss(quantiles, target, torch::ones({6, 4}), config, loss_config).total.backward();
  const torch::Tensor per_output = quantiles.grad().abs().sum(0);  // [H, Q]
  EXPECT_GT(per_output.min().item<double>(), 0.0) << per_output;
}

TEST(LossTest, PerfectMedianWithSmallSpreadIsSmall) {
  const ModelConfig config = tiny_config();
  torch::manual_seed(6);
  const torch::Tensor target = torch::randn({20, 4});
  const torch::Tensor spread = torch::tensor({-0.02, -0.01, 0.0, 0.01, 0.02});
  const LossTerms good =
      atft_loss(target.unsqueeze(-1) + spread, target, torch::ones({20, 4}), config, LossConfig{});
  EXPECT_LT(good.total.item<double>(), 0.01);
  for (double c : good.correlation) EXPECT_NEAR(c, 0.0, 1e-5);
  const LossTerms bad = atft_loss((-target).unsqueeze(-1) + spread, target, torch::ones({20, 4}),
                                  config, LossConfig{});
  EXPECT_GT(bad.total.item<double>(), 0.5);
  for (double c : bad.correlation) EXPECT_NEAR(c, 2.0, 1e-5);  // Pearson -1
}

TEST(LossTest, CorrelationTermIsZeroForScaledTarget) {
  const ModelConfig config = tiny_config();
  torch::manual_seed(7);
  const torch::Tensor quantiles = std::get<0>(torch::randn({10, 4, 5}).sort(2));
  const torch::Tensor target = quantiles.select(2, 2) * 2;
  const LossTerms terms = atft_loss(quantiles, target, torch::ones({10, 4}), config, {});
  ASSERT_EQ(terms.correlation.size(), 4u);
  for (double c : terms.correlation) EXPECT_NEAR(c, 0.0, 1e-5);
  for (double p : terms.pinball) EXPECT_GT(p, 0.0);
  // Total = weighted pinball only.
  const std::vector<double> w = LossConfig{}.horizon_weights;
  double expected = 0.0;
  for (std::size_t h = 0; h < 4; ++h) expected += w[h] * terms.pinball[h];
  EXPECT_NEAR(terms.total.item<double>(), expected / (1.0 + 0.8 + 0.5 + 0.3), 1e-5);
}

TEST(LossTest, MaskedTargetsDoNotAffectTheLoss) {
  const ModelConfig config = tiny_config();
  torch::manual_seed(8);
  const torch::Tensor quantiles = std::get<0>(torch::randn({10, 4, 5}).sort(2));
  const torch::Tensor target = torch::randn({10, 4});
  const torch::Tensor mask = (torch::rand({10, 4}) > 0.3).to(torch::kFloat);
  ASSERT_GT((mask == 0).sum().item<int64_t>(), 0);
  const torch::Tensor garbage = torch::where(mask > 0, target, torch::full({10, 4}, std::nan("")));
  auto loss_and_grad = [&](const torch::Tensor& t) {
    const torch::Tensor q = quantiles.clone().requires_grad_(true);
    const LossTerms terms = atft_loss(q, t, mask, config, {});
    terms.total.backward();
    return std::make_pair(terms.total.detach(), q.grad());
  };
  const auto [clean_loss, clean_grad] = loss_and_grad(target);
  const auto [garbage_loss, garbage_grad] = loss_and_grad(garbage);
  EXPECT_TRUE(std::isfinite(garbage_loss.item<double>()));
  EXPECT_TRUE(torch::allclose(clean_loss, garbage_loss));
  EXPECT_TRUE(torch::allclose(clean_grad, garbage_grad));
  // Predictions of masked (stock, horizon) pairs get no gradient.
  EXPECT_EQ(clean_grad.index({mask == 0}).abs().sum().item<double>(), 0.0);
}

TEST(LossTest, HorizonWithFewStocksKeepsOnlyPinball) {
  const ModelConfig config = tiny_config();
  torch::manual_seed(9);
  const torch::Tensor quantiles = std::get<0>(torch::randn({6, 4, 5}).sort(2)).requires_grad_(true);
  torch::Tensor mask = torch::ones({6, 4});
  mask.select(1, 1).narrow(0, 2, 4).zero_();  // horizon 1: 2 valid stocks
  mask.select(1, 3).zero_();                  // horizon 3: none
  const LossTerms terms =
      atft_loss(quantiles, torch::zeros({6, 4}) + 0.3, mask, config, {});  // constant target
  EXPECT_TRUE(std::isfinite(terms.total.item<double>()));
  EXPECT_EQ(terms.correlation[1], 0.0);
  EXPECT_EQ(terms.correlation[3], 0.0);
  EXPECT_EQ(terms.pinball[3], 0.0);
  EXPECT_NEAR(terms.correlation[0], 1.0, 1e-5);  // constant target: no correlation to reward
  terms.total.backward();
  EXPECT_TRUE(torch::isfinite(quantiles.grad()).all().item<bool>());
}

TEST(LossTest, RefusesMismatchedShapes) {
  const ModelConfig config = tiny_config();
  const torch::Tensor q = torch::randn({6, 4, 5});
  EXPECT_NE(invalid_input_message([&] {
              atft_loss(q.narrow(2, 0, 3), torch::zeros({6, 4}), torch::ones({6, 4}), config, {});
            }).find("quantiles"),
            std::string::npos);
  EXPECT_NE(invalid_input_message([&] {
              atft_loss(q, torch::zeros({5, 4}), torch::ones({5, 4}), config, {});
            }).find("target"),
            std::string::npos);
  EXPECT_NE(invalid_input_message([&] {
              atft_loss(q, torch::zeros({6, 4}), torch::ones({6, 3}), config, {});
            }).find("target_mask"),
            std::string::npos);
  LossConfig three;
  three.horizon_weights = {1, 1, 1};
  EXPECT_NE(invalid_input_message([&] {
              atft_loss(q, torch::zeros({6, 4}), torch::ones({6, 4}), config, three);
            }).find("horizon_weights"),
            std::string::npos);
}

}  // namespace
}  // namespace gogooku3::ml
