#include "cli/training_report.h"

#include <fmt/format.h>

#include <cmath>
#include <iostream>

#include "market/ingest/market_source.h"

namespace gogooku3::cli {
namespace {

std::string number(double value) {
  return std::isfinite(value) ? fmt::format("{:+.4f}", value) : "-";
}

double rank_ic_of(const nlohmann::json& overall, const std::string& horizon) {
  if (!overall.contains(horizon) || overall[horizon]["rank_ic"].is_null()) return NAN;
  return overall[horizon]["rank_ic"].get<double>();
}

}  // namespace

void print_training_progress(const ml::TrainProgress& p) {
  if (p.phase == "validate") {
    std::cout << fmt::format(
        "  fold {}/{} epoch {}/{}: loss {:.4f}, validation RankIC {:+.4f}, lr {:.2e}, {:.0f} "
        "samples/s, ETA {:.0f} s\n",
        p.fold + 1, p.folds, p.epoch + 1, p.epochs, p.loss, p.val_rank_ic, p.learning_rate,
        p.samples_per_second, p.eta_seconds);
  } else if (p.phase == "baselines") {
    std::cout << fmt::format("  fold {}/{}: baselines (ridge, xgboost)\n", p.fold + 1, p.folds);
  }
  std::cout.flush();
}

void print_training_summary(const nlohmann::json& metrics, const ml::TrainOptions& options) {
  std::vector<std::pair<std::string, const nlohmann::json*>> rows = {
      {"ATFT-GAT-FAN", &metrics["model"]["overall"]}};
  if (metrics.contains("baselines")) {
    rows.emplace_back("ridge", &metrics["baselines"]["ridge"]["overall"]);
    rows.emplace_back("xgboost", &metrics["baselines"]["xgboost"]["overall"]);
  }
  std::cout << fmt::format("  out-of-sample RankIC, {} of {} walk-forward folds:\n",
                           metrics["folds_completed"].get<int>(),
                           metrics["folds_planned"].get<int>());
  std::cout << fmt::format("  {:<14}", "");
  for (int h : options.model.horizons) std::cout << fmt::format(" {:>8}", ml::horizon_key(h));
  std::cout << "\n";
  for (const auto& [name, overall] : rows) {
    std::cout << fmt::format("  {:<14}", name);
    for (int h : options.model.horizons) {
      std::cout << fmt::format(" {:>8}", number(rank_ic_of(*overall, ml::horizon_key(h))));
    }
    std::cout << "\n";
  }
  if (metrics.contains("oracle_rank_ic")) {
    const nlohmann::json& oracle = metrics["oracle_rank_ic"];
    std::cout << fmt::format("  {:<14}", "oracle");
    for (int h : options.model.horizons) {
      const std::string key = ml::horizon_key(h);
      std::cout << fmt::format(" {:>8}",
                               oracle.contains(key) ? number(oracle[key].get<double>()) : "-");
    }
    std::cout << "\n";
  }
}

std::unique_ptr<ml::SampleOracle> sample_oracle_for(CommandContext& context,
                                                    const ml::Dataset& dataset,
                                                    const ml::TrainOptions& options,
                                                    std::optional<int> stocks) {
  market::sample::SampleOptions sample = market::sample_options_from_config(context.config());
  if (stocks) sample.stocks = *stocks;
  const std::vector<Date> days = ml::test_days(dataset, options);
  return std::make_unique<ml::SampleOracle>(sample, context.calendar(), days);
}

void attach_oracle(ml::TrainContext& train_context, const ml::SampleOracle& oracle,
                   const ml::TrainOptions& options) {
  const std::vector<int> horizons = options.model.horizons;
  const ml::SampleOracle* pointer = &oracle;
  train_context.oracle = [pointer, horizons](ml::DayPredictions& day) {
    pointer->fill(day, horizons);
  };
}

}  // namespace gogooku3::cli
