#include "ml/train/trainer.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <limits>
#include <numeric>
#include <random>
#include <thread>

#include "core/error.h"
#include "ml/cv/purged_walk_forward.h"
#include "ml/dataset/stock_graph.h"
#include "ml/metrics/correlation.h"
#include "ml/model/atft_gat_fan.h"
#include "ml/model/loss.h"
#include "ml/train/baseline_runner.h"
#include "ml/watchdog/variance_watchdog.h"

namespace gogooku3::ml {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// splitmix64: one well-mixed 64-bit value from (seed, a, b, c), for seeding each step.
uint64_t mix(uint64_t seed, uint64_t a, uint64_t b = 0, uint64_t c = 0) {
  uint64_t z = seed ^ (a * 0x9E3779B97F4A7C15ULL) ^ (b * 0xC2B2AE3D27D4EB4FULL) ^
               (c * 0x165667B19E3779F9ULL);
  z += 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

void write_text_atomically(const fs::path& path, const std::string& text) {
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) throw transient("cannot write {}: disk full or not writable", tmp.string());
  }
  fs::rename(tmp, path);
}

json read_json(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw not_found("cannot read {}", path.string());
  try {
    return json::parse(in);
  } catch (const json::exception& error) {
    throw corruption("{} is not valid JSON ({}): delete the run directory and train again",
                     path.string(), error.what());
  }
}

struct DeviceBatch {
  torch::Tensor x, mask, edge_index, edge_attr, target, target_mask;
};

torch::Tensor float_tensor(const std::vector<float>& values, std::vector<int64_t> sizes,
                           const torch::Device& device) {
  return torch::from_blob(const_cast<float*>(values.data()), sizes, torch::kFloat)
      .to(device, torch::kFloat, /*non_blocking=*/false, /*copy=*/true);
}

DeviceBatch to_device(const DayBatch& batch, const StockGraph& graph, size_t horizons,
                      const torch::Device& device) {
  const auto b = static_cast<int64_t>(batch.codes.size());
  const int64_t t = batch.lookback;
  const int64_t f = batch.num_features;
  const auto e = static_cast<int64_t>(graph.num_edges());
  const auto h = static_cast<int64_t>(horizons);
  DeviceBatch out;
  out.x = float_tensor(batch.x, {b, t, f}, device);
  out.mask = float_tensor(batch.mask, {b, t, f}, device);
  out.target = float_tensor(batch.target, {b, h}, device);
  out.target_mask = float_tensor(batch.target_mask, {b, h}, device);
  std::vector<int64_t> index(graph.source);
  index.insert(index.end(), graph.target.begin(), graph.target.end());
  out.edge_index =
      torch::from_blob(index.data(), {2, e}, torch::kLong).to(device, torch::kLong, false, true);
  out.edge_attr = float_tensor(graph.edge_attr, {e, 3}, device);
  return out;
}

// One fold's split of day indices (into the panel).
struct FoldDays {
  std::vector<size_t> train, valid, test;
};

std::vector<FoldDays> make_folds(const Dataset& dataset, const TrainOptions& options,
                                 const std::vector<size_t>& labelled) {
  std::vector<Date> dates;
  dates.reserve(labelled.size());
  for (size_t d : labelled) dates.push_back(dataset.panel().days[d]);
  const std::vector<cv::Fold> folds = cv::purged_walk_forward(dates, options.cv);
  const int longest =
      *std::max_element(options.model.horizons.begin(), options.model.horizons.end());
  std::vector<FoldDays> out;
  for (const cv::Fold& fold : folds) {
    FoldDays days;
    const auto n = fold.train_days.size();
    const auto valid = std::max<size_t>(
        1, static_cast<size_t>(std::lround(static_cast<double>(n) * options.validation_fraction)));
    if (n < valid + static_cast<size_t>(longest) + 10) {
      throw invalid_input(
          "fold {} has {} training days: too few for a validation tail of {} days, a gap of {} "
          "and 10 days to train on; give more history (--from earlier) or fewer folds",
          fold.index, n, valid, longest);
    }
    for (size_t i = 0; i < n - valid - static_cast<size_t>(longest); ++i) {
      days.train.push_back(labelled[static_cast<size_t>(fold.train_days[i])]);
    }
    for (size_t i = n - valid; i < n; ++i) {
      days.valid.push_back(labelled[static_cast<size_t>(fold.train_days[i])]);
    }
    for (int d : fold.test_days) days.test.push_back(labelled[static_cast<size_t>(d)]);
    out.push_back(std::move(days));
  }
  return out;
}

// The state a checkpoint restores, besides the weights and the optimizer.
struct RunState {
  int fold = 0;
  int epoch = 0;
  size_t step = 0;  // next step within the epoch
  double learning_rate = 0;
  double best_score = -std::numeric_limits<double>::infinity();
  int best_epoch = -1;
  int epochs_since_best = 0;
  int plateau_count = 0;
  double loss_sum = 0;
  size_t loss_count = 0;
  json watchdog;                          // the current fold's VarianceWatchdog
  json watchdog_history = json::array();  // finished folds
  std::string early_stop_reason;

  json to_json() const {
    return {{"fold", fold},
            {"epoch", epoch},
            {"step", step},
            {"learning_rate", learning_rate},
            {"best_score", std::isfinite(best_score) ? json(best_score) : json(nullptr)},
            {"best_epoch", best_epoch},
            {"epochs_since_best", epochs_since_best},
            {"plateau_count", plateau_count},
            {"loss_sum", loss_sum},
            {"loss_count", loss_count},
            {"watchdog", watchdog},
            {"watchdog_history", watchdog_history},
            {"early_stop_reason", early_stop_reason}};
  }
  static RunState from_json(const json& j) {
    RunState s;
    s.fold = j.at("fold").get<int>();
    s.epoch = j.at("epoch").get<int>();
    s.step = j.at("step").get<size_t>();
    s.learning_rate = j.at("learning_rate").get<double>();
    s.best_score = j.at("best_score").is_null() ? -std::numeric_limits<double>::infinity()
                                                : j.at("best_score").get<double>();
    s.best_epoch = j.at("best_epoch").get<int>();
    s.epochs_since_best = j.at("epochs_since_best").get<int>();
    s.plateau_count = j.at("plateau_count").get<int>();
    s.loss_sum = j.at("loss_sum").get<double>();
    s.loss_count = j.at("loss_count").get<size_t>();
    s.watchdog = j.at("watchdog");
    s.watchdog_history = j.at("watchdog_history");
    s.early_stop_reason = j.at("early_stop_reason").get<std::string>();
    return s;
  }
};

// Checkpoints live in out/checkpoint; a new one is written to checkpoint.new and swapped in.
class Checkpoints {
 public:
  explicit Checkpoints(fs::path out)
      : dir_(out / "checkpoint"), new_(out / "checkpoint.new"), old_(out / "checkpoint.old") {}

  // Where the latest complete checkpoint is, if any (a kill between the two renames leaves it
  // in checkpoint.old).
  std::optional<fs::path> latest() const {
    if (fs::exists(dir_ / "state.json")) return dir_;
    if (fs::exists(old_ / "state.json")) return old_;
    return std::nullopt;
  }

  void save(const RunState& state, AtftGatFan& model, torch::optim::AdamW& optimizer,
            const std::optional<fs::path>& best_weights) {
    fs::remove_all(new_);
    fs::create_directories(new_);
    torch::save(model, (new_ / "model.pt").string());
    torch::save(optimizer, (new_ / "optimizer.pt").string());
    if (best_weights && fs::exists(*best_weights)) {
      fs::copy_file(*best_weights, new_ / "best.pt", fs::copy_options::overwrite_existing);
    }
    write_text_atomically(new_ / "state.json", state.to_json().dump(1));
    fs::remove_all(old_);
    if (fs::exists(dir_)) fs::rename(dir_, old_);
    fs::rename(new_, dir_);
    fs::remove_all(old_);
  }

  fs::path best_path() const { return dir_ / "best.pt"; }
  const fs::path& dir() const { return dir_; }

 private:
  fs::path dir_, new_, old_;
};

double mean_finite(const std::vector<double>& values) {
  double sum = 0;
  int n = 0;
  for (double v : values) {
    if (std::isfinite(v)) {
      sum += v;
      ++n;
    }
  }
  return n == 0 ? kNaN : sum / n;
}

// Standard deviation of the finite values of one horizon's column among valid targets.
double cross_section_std(const float* values, const float* valid, size_t rows, size_t stride,
                         size_t h) {
  double sum = 0, sum2 = 0;
  size_t n = 0;
  for (size_t b = 0; b < rows; ++b) {
    if (valid[b * stride + h] <= 0) continue;
    const double v = values[b * stride + h];
    sum += v;
    sum2 += v * v;
    ++n;
  }
  if (n < 2) return kNaN;
  const double mean = sum / static_cast<double>(n);
  return std::sqrt(std::max(0.0, sum2 / static_cast<double>(n) - mean * mean));
}

struct Trainer {
  const Dataset& dataset;
  const TrainOptions& options;
  const TrainContext& context;
  torch::Device device = torch::cuda::is_available() ? torch::kCUDA : torch::kCPU;
  StockGraphCache graphs;
  size_t horizons;
  size_t selection;  // index of the selection horizon
  Clock::time_point started = Clock::now();
  size_t steps_done = 0;     // in this process, for speed and ETA
  size_t steps_planned = 0;  // left in this process
  double stocks_done = 0;
  double step_seconds = 0;

  Trainer(const Dataset& d, const TrainOptions& o, const TrainContext& c)
      : dataset(d),
        options(o),
        context(c),
        graphs(d.panel(), o.graph),
        horizons(o.model.horizons.size()),
        selection(0) {
    for (size_t h = 0; h < horizons; ++h) {
      if (o.model.horizons[h] == o.selection_horizon) selection = h;
    }
  }

  DeviceBatch load(size_t day, DayBatch* keep = nullptr) {
    DayBatch batch = dataset.batch(day);
    const StockGraph& graph = graphs.get(day, batch.codes);
    DeviceBatch out = to_device(batch, graph, horizons, device);
    if (keep != nullptr) *keep = std::move(batch);
    return out;
  }

  std::vector<size_t> epoch_order(const std::vector<size_t>& train, int fold, int epoch) const {
    std::vector<size_t> order = train;
    std::mt19937_64 rng(
        mix(options.seed, 1, static_cast<uint64_t>(fold), static_cast<uint64_t>(epoch)));
    for (size_t i = order.size(); i > 1; --i) {
      std::uniform_int_distribution<size_t> pick(0, i - 1);
      std::swap(order[i - 1], order[pick(rng)]);
    }
    if (options.days_per_epoch > 0 && order.size() > static_cast<size_t>(options.days_per_epoch)) {
      order.resize(static_cast<size_t>(options.days_per_epoch));
    }
    return order;
  }

  void report(TrainProgress progress) {
    if (!context.on_progress) return;
    progress.samples_per_second = step_seconds > 0 ? stocks_done / step_seconds : 0;
    const double per_step = steps_done > 0 ? step_seconds / static_cast<double>(steps_done) : 0;
    progress.eta_seconds =
        per_step * static_cast<double>(steps_planned > steps_done ? steps_planned - steps_done : 0);
    context.on_progress(progress);
  }

  struct Validation {
    double rank_ic = kNaN;                           // mean daily RankIC of the selection horizon
    std::vector<double> prediction_std, target_std;  // per horizon, mean over days
    std::vector<double> feature_weights;
  };

  Validation validate(AtftGatFan& model, const std::vector<size_t>& days) {
    torch::NoGradGuard no_grad;
    model->eval();
    Validation v;
    std::vector<double> rank_ics;
    std::vector<std::vector<double>> pstd(horizons), tstd(horizons);
    torch::Tensor weight_sum;
    for (size_t day : days) {
      DayBatch batch;
      const DeviceBatch tensors = load(day, &batch);
      const ModelOutput out =
          model->forward(tensors.x, tensors.mask, tensors.edge_index, tensors.edge_attr);
      const torch::Tensor median = model->median(out).to(torch::kCPU).contiguous();
      weight_sum = weight_sum.defined() ? weight_sum + out.feature_weights.to(torch::kCPU)
                                        : out.feature_weights.to(torch::kCPU);
      const float* m = median.data_ptr<float>();
      const size_t rows = batch.codes.size();
      for (size_t h = 0; h < horizons; ++h) {
        pstd[h].push_back(cross_section_std(m, batch.target_mask.data(), rows, horizons, h));
        tstd[h].push_back(
            cross_section_std(batch.target.data(), batch.target_mask.data(), rows, horizons, h));
      }
      std::vector<double> p, t;
      for (size_t b = 0; b < rows; ++b) {
        if (batch.target_mask[b * horizons + selection] <= 0) continue;
        p.push_back(m[b * horizons + selection]);
        t.push_back(batch.target[b * horizons + selection]);
      }
      rank_ics.push_back(metrics::spearman(p, t));
    }
    model->train();
    v.rank_ic = mean_finite(rank_ics);
    for (size_t h = 0; h < horizons; ++h) {
      v.prediction_std.push_back(mean_finite(pstd[h]));
      v.target_std.push_back(mean_finite(tstd[h]));
    }
    if (weight_sum.defined()) {
      weight_sum = weight_sum / static_cast<double>(days.size());
      const float* w = weight_sum.data_ptr<float>();
      v.feature_weights.assign(w, w + weight_sum.numel());
    }
    return v;
  }

  std::vector<DayPredictions> predict(AtftGatFan& model, const std::vector<size_t>& days) {
    torch::NoGradGuard no_grad;
    model->eval();
    std::vector<DayPredictions> out;
    for (size_t day : days) {
      DayBatch batch;
      const DeviceBatch tensors = load(day, &batch);
      const ModelOutput result =
          model->forward(tensors.x, tensors.mask, tensors.edge_index, tensors.edge_attr);
      const torch::Tensor median = model->median(result).to(torch::kCPU).contiguous();
      const float* m = median.data_ptr<float>();
      DayPredictions p = empty_predictions(dataset, batch, horizons);
      for (size_t b = 0; b < batch.codes.size(); ++b) {
        for (size_t h = 0; h < horizons; ++h) p.prediction[h][b] = m[b * horizons + h];
      }
      out.push_back(std::move(p));
    }
    model->train();
    return out;
  }

  void set_learning_rate(torch::optim::AdamW& optimizer, double lr) {
    for (auto& group : optimizer.param_groups()) {
      static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
    }
  }
};

json fold_file_json(int fold, const std::vector<DayPredictions>& model,
                    const BaselinePredictions& baselines, const json& extra) {
  auto days = [](const std::vector<DayPredictions>& list) {
    json array = json::array();
    for (const DayPredictions& d : list) array.push_back(to_json(d));
    return array;
  };
  return {{"fold", fold},
          {"model", days(model)},
          {"ridge", days(baselines.ridge)},
          {"xgboost", days(baselines.xgboost)},
          {"info", extra}};
}

std::vector<DayPredictions> days_from(const json& array) {
  std::vector<DayPredictions> out;
  for (const json& d : array) out.push_back(day_predictions_from_json(d));
  return out;
}

}  // namespace

std::vector<size_t> labelled_days(const Dataset& dataset, const TrainOptions& options) {
  const Panel& panel = dataset.panel();
  const int longest_h =
      *std::max_element(options.model.horizons.begin(), options.model.horizons.end());
  size_t longest = 0;
  for (size_t h = 0; h < options.model.horizons.size(); ++h) {
    if (options.model.horizons[h] == longest_h) longest = h;
  }
  std::vector<size_t> days;
  for (size_t d : dataset.usable_days()) {
    int count = 0;
    for (size_t c = 0; c < panel.num_codes(); ++c) {
      if (std::isfinite(panel.label(d, c, longest))) ++count;
    }
    if (count >= options.dataset.min_stocks) days.push_back(d);
  }
  return days;
}

std::vector<Date> test_days(const Dataset& dataset, const TrainOptions& options) {
  std::vector<Date> days;
  for (const FoldDays& fold : make_folds(dataset, options, labelled_days(dataset, options))) {
    for (size_t d : fold.test) days.push_back(dataset.panel().days[d]);
  }
  return days;
}

TrainResult train_model(const Dataset& dataset, const TrainOptions& options,
                        const TrainContext& context) {
  options.validate();
  const Panel& panel = dataset.panel();
  if (static_cast<int>(panel.num_features()) != options.model.features) {
    throw invalid_input(
        "the panel has {} features and the model is configured for {}: set "
        "model.features to the manifest's feature count",
        panel.num_features(), options.model.features);
  }
  const int threads = options.threads > 0
                          ? options.threads
                          : static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  at::set_num_threads(threads);

  fs::create_directories(context.out / "folds");
  const fs::path options_path = context.out / "options.json";
  const json options_json = options.to_json();
  Checkpoints checkpoints(context.out);
  RunState state;
  std::optional<fs::path> resume_from;
  if (context.resume) {
    resume_from = checkpoints.latest();
    if (!resume_from) {
      throw not_found("{} has no checkpoint to resume from: train without --resume",
                      context.out.string());
    }
    if (read_json(options_path) != options_json) {
      throw invalid_input(
          "{} was trained with other options than this run's: resume with the same options "
          "(see {}) or train into a new --out directory",
          context.out.string(), options_path.string());
    }
    state = RunState::from_json(read_json(*resume_from / "state.json"));
  } else {
    if (checkpoints.latest() || fs::exists(context.out / "metrics.json")) {
      throw invalid_input(
          "{} already holds a training run: use --resume to continue it, or a new --out "
          "directory",
          context.out.string());
    }
    write_text_atomically(options_path, options_json.dump(2));
  }

  Trainer trainer(dataset, options, context);
  const std::vector<size_t> labelled = labelled_days(dataset, options);
  const std::vector<FoldDays> folds = make_folds(dataset, options, labelled);
  const int fold_count = static_cast<int>(folds.size());
  {
    size_t planned = 0;
    for (int f = state.fold; f < fold_count; ++f) {
      const size_t per_epoch =
          options.days_per_epoch > 0
              ? std::min(folds[f].train.size(), static_cast<size_t>(options.days_per_epoch))
              : folds[f].train.size();
      planned += per_epoch * static_cast<size_t>(options.epochs);
    }
    trainer.steps_planned = planned;
  }
  const size_t horizons = options.model.horizons.size();
  std::vector<double> last_feature_weights;
  const fs::path model_path = context.out / "model.pt";

  for (int f = state.fold; f < fold_count; ++f) {
    // A fold is resumed when the checkpoint was written inside it (its watchdog is set);
    // a checkpoint written between folds starts the next one afresh.
    const bool resuming_fold =
        resume_from.has_value() && f == state.fold && !state.watchdog.is_null();
    if (!state.early_stop_reason.empty() && !resuming_fold) break;
    const FoldDays& days = folds[f];
    torch::manual_seed(mix(options.seed, 2, static_cast<uint64_t>(f)));
    AtftGatFan model(options.model);
    model->to(trainer.device);
    model->train();
    torch::optim::AdamW optimizer(
        model->parameters(),
        torch::optim::AdamWOptions(options.learning_rate).weight_decay(options.weight_decay));
    std::optional<VarianceWatchdog> watchdog;
    if (resuming_fold) {
      torch::load(model, (*resume_from / "model.pt").string());
      torch::load(optimizer, (*resume_from / "optimizer.pt").string());
      watchdog.emplace(VarianceWatchdog::from_json(state.watchdog));
      trainer.set_learning_rate(optimizer, state.learning_rate);
    } else {
      state.epoch = 0;
      state.step = 0;
      state.learning_rate = options.learning_rate;
      state.best_score = -std::numeric_limits<double>::infinity();
      state.best_epoch = -1;
      state.epochs_since_best = 0;
      state.plateau_count = 0;
      state.loss_sum = 0;
      state.loss_count = 0;
      std::vector<std::string> names;
      for (int h : options.model.horizons) names.push_back(horizon_key(h));
      watchdog.emplace(names, options.watchdog);
    }
    // The best epoch's weights: in the checkpoint being resumed, else written when found.
    const fs::path best_path = context.out / "folds" / fmt::format("fold-{}-best.pt", f);
    if (resuming_fold && fs::exists(*resume_from / "best.pt")) {
      fs::copy_file(*resume_from / "best.pt", best_path, fs::copy_options::overwrite_existing);
    }
    resume_from.reset();
    // A fold that had already stopped (early stopping, the watchdog) goes straight to testing.
    bool stop_fold = resuming_fold && (state.epochs_since_best >= options.early_stopping_patience ||
                                       !state.early_stop_reason.empty());
    Trainer::Validation last_validation;

    for (int epoch = state.epoch; epoch < options.epochs && !stop_fold; ++epoch) {
      const std::vector<size_t> order = trainer.epoch_order(days.train, f, epoch);
      for (size_t step = state.step; step < order.size(); ++step) {
        const auto step_start = Clock::now();
        torch::manual_seed(mix(options.seed, 3, static_cast<uint64_t>(f) * 100000 + epoch, step));
        DayBatch batch;
        const DeviceBatch tensors = trainer.load(order[step], &batch);
        const ModelOutput out =
            model->forward(tensors.x, tensors.mask, tensors.edge_index, tensors.edge_attr);
        const LossTerms loss = atft_loss(out.quantiles, tensors.target, tensors.target_mask,
                                         options.model, options.loss);
        optimizer.zero_grad();
        loss.total.backward();
        torch::nn::utils::clip_grad_norm_(model->parameters(), options.gradient_clip);
        optimizer.step();
        state.loss_sum += loss.total.item<double>();
        state.loss_count += 1;
        state.step = step + 1;
        trainer.steps_done += 1;
        trainer.stocks_done += static_cast<double>(batch.codes.size());
        trainer.step_seconds += std::chrono::duration<double>(Clock::now() - step_start).count();
        if (state.step % static_cast<size_t>(options.checkpoint_every) == 0 &&
            state.step < order.size()) {
          state.watchdog = watchdog->to_json();
          checkpoints.save(state, model, optimizer, best_path);
        }
        trainer.report({.phase = "train",
                        .fold = f,
                        .folds = fold_count,
                        .epoch = epoch,
                        .epochs = options.epochs,
                        .step = state.step,
                        .steps = order.size(),
                        .loss = state.loss_sum / static_cast<double>(state.loss_count),
                        .val_rank_ic = std::isfinite(state.best_score) ? state.best_score : 0,
                        .learning_rate = state.learning_rate});
      }

      // End of epoch: validation, watchdog, best epoch, plateau, early stopping.
      last_validation = trainer.validate(model, days.valid);
      const WatchdogAction action =
          watchdog->observe(epoch, last_validation.prediction_std, last_validation.target_std);
      if (action == WatchdogAction::kPerturb) {
        model->perturb_heads(
            0.5, mix(options.seed, 4, static_cast<uint64_t>(f), static_cast<uint64_t>(epoch)));
        spdlog::warn("fold {} epoch {}: prediction variance collapsed; heads perturbed", f, epoch);
      }
      const double score = last_validation.rank_ic;
      if (std::isfinite(score) && score > state.best_score + 1e-6) {
        state.best_score = score;
        state.best_epoch = epoch;
        state.epochs_since_best = 0;
        state.plateau_count = 0;
        const fs::path tmp = best_path.string() + ".tmp";
        torch::save(model, tmp.string());
        fs::rename(tmp, best_path);
      } else {
        state.epochs_since_best += 1;
        state.plateau_count += 1;
        if (state.plateau_count >= options.plateau_patience) {
          state.learning_rate *= options.plateau_factor;
          state.plateau_count = 0;
          trainer.set_learning_rate(optimizer, state.learning_rate);
        }
      }
      trainer.report({.phase = "validate",
                      .fold = f,
                      .folds = fold_count,
                      .epoch = epoch,
                      .epochs = options.epochs,
                      .step = order.size(),
                      .steps = order.size(),
                      .loss = state.loss_count > 0
                                  ? state.loss_sum / static_cast<double>(state.loss_count)
                                  : 0,
                      .val_rank_ic = std::isfinite(score) ? score : 0,
                      .learning_rate = state.learning_rate});
      state.epoch = epoch + 1;
      state.step = 0;
      state.loss_sum = 0;
      state.loss_count = 0;
      if (action == WatchdogAction::kStop) {
        state.early_stop_reason = watchdog->early_stop_reason();
        stop_fold = true;
      } else if (state.epochs_since_best >= options.early_stopping_patience) {
        stop_fold = true;
      }
      state.watchdog = watchdog->to_json();
      checkpoints.save(state, model, optimizer, best_path);
    }
    if (fs::exists(best_path)) torch::load(model, best_path.string());
    const std::vector<DayPredictions> predictions = trainer.predict(model, days.test);
    if (!last_validation.feature_weights.empty())
      last_feature_weights = last_validation.feature_weights;
    trainer.report({.phase = "baselines", .fold = f, .folds = fold_count});
    BaselinePredictions baselines;
    if (options.baselines) {
      baselines = run_baselines(dataset, days.train, days.valid, days.test, options);
    }
    const json info = {{"train_days", days.train.size()},
                       {"valid_days", days.valid.size()},
                       {"test_from", panel.days[days.test.front()].to_string()},
                       {"test_to", panel.days[days.test.back()].to_string()},
                       {"best_epoch", state.best_epoch},
                       {"best_valid_rank_ic",
                        std::isfinite(state.best_score) ? json(state.best_score) : json(nullptr)},
                       {"watchdog", watchdog->to_json()}};
    write_text_atomically(context.out / "folds" / fmt::format("fold-{}.json", f),
                          fold_file_json(f, predictions, baselines, info).dump());
    torch::save(model, model_path.string() + ".tmp");
    fs::rename(model_path.string() + ".tmp", model_path);
    state.watchdog_history.push_back(watchdog->to_json());
    state.fold = f + 1;
    state.epoch = 0;
    state.step = 0;
    state.watchdog = json();
    checkpoints.save(state, model, optimizer, std::nullopt);
  }

  // Metrics over the finished folds.
  TrainResult result;
  result.early_stop_reason = state.early_stop_reason;
  const std::vector<int>& hs = options.model.horizons;
  json model_folds = json::array(), ridge_folds = json::array(), boost_folds = json::array();
  std::vector<DayPredictions> all_model, all_ridge, all_boost;
  for (int f = 0; f < fold_count; ++f) {
    const fs::path file = context.out / "folds" / fmt::format("fold-{}.json", f);
    if (!fs::exists(file)) break;
    const json fold = read_json(file);
    std::vector<DayPredictions> m = days_from(fold.at("model"));
    model_folds.push_back(
        {{"fold", f}, {"info", fold.at("info")}, {"metrics", metrics_json(evaluate(m, hs), hs)}});
    all_model.insert(all_model.end(), m.begin(), m.end());
    if (options.baselines) {
      std::vector<DayPredictions> r = days_from(fold.at("ridge"));
      std::vector<DayPredictions> x = days_from(fold.at("xgboost"));
      ridge_folds.push_back({{"fold", f}, {"metrics", metrics_json(evaluate(r, hs), hs)}});
      boost_folds.push_back({{"fold", f}, {"metrics", metrics_json(evaluate(x, hs), hs)}});
      all_ridge.insert(all_ridge.end(), r.begin(), r.end());
      all_boost.insert(all_boost.end(), x.begin(), x.end());
    }
    result.folds_completed = f + 1;
  }
  json metrics = {
      {"model", {{"overall", metrics_json(evaluate(all_model, hs), hs)}, {"folds", model_folds}}},
      {"manifest_hash", context.manifest_hash},
      {"folds_completed", result.folds_completed},
      {"folds_planned", fold_count},
      {"early_stop_reason",
       state.early_stop_reason.empty() ? json(nullptr) : json(state.early_stop_reason)},
      {"watchdog", state.watchdog_history}};
  if (options.baselines) {
    metrics["baselines"] = {
        {"ridge", {{"overall", metrics_json(evaluate(all_ridge, hs), hs)}, {"folds", ridge_folds}}},
        {"xgboost",
         {{"overall", metrics_json(evaluate(all_boost, hs), hs)}, {"folds", boost_folds}}}};
  }
  if (context.oracle && !all_model.empty()) {
    std::vector<DayPredictions> oracle = all_model;
    for (DayPredictions& day : oracle) {
      for (auto& p : day.prediction) std::fill(p.begin(), p.end(), kNaN);
      context.oracle(day);
    }
    const std::vector<metrics::HorizonMetrics> scored = evaluate(oracle, hs);
    json oracle_json = json::object();
    for (size_t h = 0; h < hs.size(); ++h) {
      if (scored[h].ic_days > 0) oracle_json[horizon_key(hs[h])] = scored[h].rank_ic;
    }
    metrics["oracle_rank_ic"] = oracle_json;
  }
  write_text_atomically(context.out / "metrics.json", metrics.dump(2));
  write_text_atomically(context.out / "watchdog.json", state.watchdog_history.dump(2));
  if (!last_feature_weights.empty()) {
    json weights = json::object();
    for (size_t i = 0; i < last_feature_weights.size() && i < panel.feature_names.size(); ++i) {
      weights[panel.feature_names[i]] = last_feature_weights[i];
    }
    write_text_atomically(context.out / "feature_weights.json", weights.dump(2));
  }
  const json model_json = {
      {"name", context.model_name.empty() ? context.out.filename().string() : context.model_name},
      {"config", options.model.to_json()},
      {"dataset",
       {{"lookback", options.dataset.lookback},
        {"clip", options.dataset.clip},
        {"min_stocks", options.dataset.min_stocks}}},
      {"graph", options.to_json().at("graph")},
      {"manifest_hash", context.manifest_hash},
      {"feature_names", panel.feature_names},
      {"trained_through",
       panel.days[folds[std::max(0, result.folds_completed - 1)].train.back()].to_string()},
      {"folds_completed", result.folds_completed}};
  if (fs::exists(model_path)) write_text_atomically(context.out / "model.json", model_json.dump(2));
  result.metrics = std::move(metrics);
  result.seconds = std::chrono::duration<double>(Clock::now() - trainer.started).count();
  (void)horizons;
  return result;
}

}  // namespace gogooku3::ml
