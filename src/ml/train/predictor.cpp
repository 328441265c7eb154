#include "ml/train/predictor.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numeric>

#include "core/error.h"
#include "ml/model/atft_gat_fan.h"

namespace gogooku3::ml {

namespace fs = std::filesystem;

ModelInfo read_model_info(const fs::path& dir) {
  const fs::path path = dir / "model.json";
  std::ifstream in(path);
  if (!in || !fs::exists(dir / "model.pt")) {
    throw not_found(
        "{} holds no trained model (model.json and model.pt): train one with "
        "`gogooku3 train --out {}`",
        dir.string(), dir.string());
  }
  try {
    const nlohmann::json j = nlohmann::json::parse(in);
    ModelInfo info;
    info.name = j.at("name").get<std::string>();
    info.manifest_hash = j.at("manifest_hash").get<std::string>();
    info.feature_names = j.at("feature_names").get<std::vector<std::string>>();
    info.config = ModelConfig::from_json(j.at("config"));
    const nlohmann::json& d = j.at("dataset");
    info.dataset.lookback = d.at("lookback").get<int>();
    info.dataset.clip = d.at("clip").get<double>();
    info.dataset.min_stocks = d.at("min_stocks").get<int>();
    const nlohmann::json& g = j.at("graph");
    info.graph.window = g.at("window").get<int>();
    info.graph.halflife = g.at("halflife").get<double>();
    info.graph.min_observations = g.at("min_observations").get<int>();
    info.graph.shrinkage = g.at("shrinkage").get<double>();
    info.graph.threshold = g.at("threshold").get<double>();
    info.graph.top_k = g.at("top_k").get<int>();
    info.trained_through = j.at("trained_through").get<std::string>();
    return info;
  } catch (const nlohmann::json::exception& error) {
    throw corruption("{} is not a model description ({}): train the model again", path.string(),
                     error.what());
  }
}

std::string predictions_dataset(const std::string& model_name) {
  return "predictions/" + model_name;
}

Table predict_day(const fs::path& dir, const Dataset& dataset, size_t day_index) {
  const ModelInfo info = read_model_info(dir);
  const Panel& panel = dataset.panel();
  if (panel.feature_names != info.feature_names) {
    throw invalid_input(
        "model {} was trained on {} features (manifest {}) and the lake's features have {}: "
        "score with the manifest the model was trained on, or train a new model",
        info.name, info.feature_names.size(), info.manifest_hash, panel.feature_names.size());
  }
  if (day_index >= panel.num_days()) {
    throw invalid_input("day index {} is outside the panel ({} days)", day_index, panel.num_days());
  }
  AtftGatFan model(info.config);
  torch::load(model, (dir / "model.pt").string());
  model->eval();
  torch::NoGradGuard no_grad;

  const DayBatch batch = dataset.batch(day_index);
  const StockGraph graph = build_stock_graph(panel, day_index, batch.codes, info.graph);
  const auto b = static_cast<int64_t>(batch.codes.size());
  const int64_t t = batch.lookback;
  const int64_t f = batch.num_features;
  const auto e = static_cast<int64_t>(graph.num_edges());
  auto tensor = [](const std::vector<float>& v, std::vector<int64_t> sizes) {
    return torch::from_blob(const_cast<float*>(v.data()), sizes, torch::kFloat).clone();
  };
  std::vector<int64_t> index(graph.source);
  index.insert(index.end(), graph.target.begin(), graph.target.end());
  const torch::Tensor edge_index = torch::from_blob(index.data(), {2, e}, torch::kLong).clone();
  const ModelOutput out = model->forward(tensor(batch.x, {b, t, f}), tensor(batch.mask, {b, t, f}),
                                         edge_index, tensor(graph.edge_attr, {e, 3}));
  const torch::Tensor q = out.quantiles.to(torch::kCPU).contiguous();  // [B, H, Q]
  const float* values = q.data_ptr<float>();
  const size_t horizons = info.config.horizons.size();
  const size_t quantiles = info.config.quantiles.size();
  const auto median = static_cast<size_t>(info.config.median_index());

  // Rank of each stock's median within each horizon (1 = highest; ties by code order).
  std::vector<std::vector<int32_t>> ranks(horizons, std::vector<int32_t>(batch.codes.size()));
  for (size_t h = 0; h < horizons; ++h) {
    std::vector<size_t> order(batch.codes.size());
    std::iota(order.begin(), order.end(), 0);
    auto value = [&](size_t row) { return values[(row * horizons + h) * quantiles + median]; };
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t c) { return value(a) > value(c); });
    for (size_t r = 0; r < order.size(); ++r) ranks[h][order[r]] = static_cast<int32_t>(r + 1);
  }

  Column code = Column::of<std::string>("code", {});
  Column date = Column::of<Date>("date", {});
  Column horizon = Column::of<int32_t>("horizon", {});
  std::vector<Column> qs;
  for (double level : info.config.quantiles) {
    qs.push_back(
        Column::of<float>(fmt::format("q{:02}", static_cast<int>(std::lround(level * 100))), {}));
  }
  Column rank = Column::of<int32_t>("rank", {});
  for (size_t row = 0; row < batch.codes.size(); ++row) {
    for (size_t h = 0; h < horizons; ++h) {
      code.append(panel.codes[static_cast<size_t>(batch.codes[row])]);
      date.append(batch.date);
      horizon.append(static_cast<int32_t>(info.config.horizons[h]));
      for (size_t k = 0; k < quantiles; ++k) {
        qs[k].append(values[(row * horizons + h) * quantiles + k]);
      }
      rank.append(ranks[h][row]);
    }
  }
  std::vector<Column> columns;
  columns.push_back(std::move(code));
  columns.push_back(std::move(date));
  columns.push_back(std::move(horizon));
  for (Column& c : qs) columns.push_back(std::move(c));
  columns.push_back(std::move(rank));
  return Table(std::move(columns));
}

}  // namespace gogooku3::ml
