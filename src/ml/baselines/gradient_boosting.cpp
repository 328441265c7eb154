// XGBoost regression baseline through the C API; see gradient_boosting.h.
#include "ml/baselines/gradient_boosting.h"

#include <xgboost/c_api.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <limits>
#include <memory>
#include <string>
#include <utility>

#include "core/error.h"

namespace gogooku3::ml {
namespace {

constexpr char kBestIterationAttr[] = "best_iteration";
constexpr char kColsAttr[] = "gogooku3_cols";

void check_call(int rc, const char* call) {
  if (rc != 0) throw internal_error("gradient boosting: {} failed: {}", call, XGBGetLastError());
}

// Owns one DMatrixHandle.
class DMatrix {
 public:
  DMatrix(const std::vector<float>& X, size_t rows, size_t cols, const std::vector<float>& y) {
    check_call(XGDMatrixCreateFromMat(X.data(), rows, cols, std::numeric_limits<float>::quiet_NaN(),
                                      &handle_),
               "XGDMatrixCreateFromMat");
    if (!y.empty()) {
      check_call(XGDMatrixSetFloatInfo(handle_, "label", y.data(), y.size()),
                 "XGDMatrixSetFloatInfo(label)");
    }
  }
  ~DMatrix() {
    if (handle_ != nullptr) XGDMatrixFree(handle_);
  }
  DMatrix(const DMatrix&) = delete;
  DMatrix& operator=(const DMatrix&) = delete;
  DMatrixHandle get() const { return handle_; }

 private:
  DMatrixHandle handle_ = nullptr;
};

// Owns a BoosterHandle until release().
class BoosterOwner {
 public:
  explicit BoosterOwner(BoosterHandle handle) : handle_(handle) {}
  ~BoosterOwner() {
    if (handle_ != nullptr) XGBoosterFree(handle_);
  }
  BoosterOwner(const BoosterOwner&) = delete;
  BoosterOwner& operator=(const BoosterOwner&) = delete;
  BoosterHandle get() const { return handle_; }
  BoosterHandle release() { return std::exchange(handle_, nullptr); }

 private:
  BoosterHandle handle_;
};

void check_matrix(std::span<const float> X, size_t rows, size_t cols, const char* what) {
  if (X.size() != rows * cols) {
    throw invalid_input(
        "gradient boosting: {} has {} values but rows x cols = {} x {} = {}; pass "
        "it row-major [rows, cols]",
        what, X.size(), rows, cols, rows * cols);
  }
  for (size_t i = 0; i < X.size(); ++i) {
    if (std::isinf(X[i])) {
      throw invalid_input(
          "gradient boosting: {}[row {}, col {}] is {}; only finite values or NaN "
          "(missing) are accepted",
          what, i / cols, i % cols, X[i]);
    }
  }
}

// The rows of X whose y is known, and those y; rejects y of +-Inf.
std::pair<std::vector<float>, std::vector<float>> labelled_rows(std::span<const float> X,
                                                                size_t cols,
                                                                std::span<const float> y,
                                                                const char* what) {
  std::vector<float> kept_X;
  std::vector<float> kept_y;
  for (size_t r = 0; r < y.size(); ++r) {
    if (std::isnan(y[r])) continue;
    if (std::isinf(y[r])) {
      throw invalid_input(
          "gradient boosting: {}[{}] is {}; only finite values or NaN (dropped) "
          "are accepted",
          what, r, y[r]);
    }
    kept_X.insert(kept_X.end(), X.begin() + static_cast<std::ptrdiff_t>(r * cols),
                  X.begin() + static_cast<std::ptrdiff_t>((r + 1) * cols));
    kept_y.push_back(y[r]);
  }
  return {std::move(kept_X), std::move(kept_y)};
}

void check_options(const GradientBoostingOptions& o) {
  const auto fraction = [](const char* name, double value) {
    if (!(value > 0 && value <= 1)) {
      throw invalid_input("gradient boosting: {} must be in (0, 1], got {}", name, value);
    }
  };
  const auto non_negative = [](const char* name, double value) {
    if (!(value >= 0) || !std::isfinite(value)) {
      throw invalid_input("gradient boosting: {} must be a finite number >= 0, got {}", name,
                          value);
    }
  };
  if (o.rounds < 1) throw invalid_input("gradient boosting: rounds must be >= 1, got {}", o.rounds);
  if (o.max_depth < 1) {
    throw invalid_input("gradient boosting: max_depth must be >= 1, got {}", o.max_depth);
  }
  fraction("learning_rate", o.learning_rate);
  fraction("subsample", o.subsample);
  fraction("colsample_bytree", o.colsample_bytree);
  non_negative("min_child_weight", o.min_child_weight);
  non_negative("lambda", o.lambda);
  if (o.threads < 0) {
    throw invalid_input("gradient boosting: threads must be >= 0 (0 = all cores), got {}",
                        o.threads);
  }
  if (o.early_stopping_rounds < 0) {
    throw invalid_input("gradient boosting: early_stopping_rounds must be >= 0 (0 = off), got {}",
                        o.early_stopping_rounds);
  }
  if (o.seed > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    throw invalid_input("gradient boosting: seed must fit in int64, got {}", o.seed);
  }
}

void set_param(BoosterHandle booster, const char* name, const std::string& value) {
  const int rc = XGBoosterSetParam(booster, name, value.c_str());
  if (rc != 0) {
    throw internal_error("gradient boosting: XGBoosterSetParam({}={}) failed: {}", name, value,
                         XGBGetLastError());
  }
}

// Predictions of trees [0, iteration_end) (0 = all) for a DMatrix.
std::vector<float> predict_matrix(BoosterHandle booster, DMatrixHandle matrix, int iteration_end) {
  const std::string config =
      "{\"type\": 0, \"training\": false, \"iteration_begin\": 0, "
      "\"iteration_end\": " +
      std::to_string(iteration_end) + ", \"strict_shape\": false}";
  const bst_ulong* shape = nullptr;
  bst_ulong dim = 0;
  const float* result = nullptr;
  check_call(XGBoosterPredictFromDMatrix(booster, matrix, config.c_str(), &shape, &dim, &result),
             "XGBoosterPredictFromDMatrix");
  size_t count = 1;
  for (bst_ulong d = 0; d < dim; ++d) count *= shape[d];
  return std::vector<float>(result, result + count);
}

std::string get_attr(BoosterHandle booster, const char* key) {
  const char* value = nullptr;
  int success = 0;
  check_call(XGBoosterGetAttr(booster, key, &value, &success), "XGBoosterGetAttr");
  return success != 0 && value != nullptr ? std::string(value) : std::string();
}

}  // namespace

GradientBoosting::~GradientBoosting() {
  if (booster_ != nullptr) XGBoosterFree(booster_);
}

GradientBoosting::GradientBoosting(GradientBoosting&& other) noexcept
    : booster_(std::exchange(other.booster_, nullptr)),
      cols_(std::exchange(other.cols_, 0)),
      best_iteration_(std::exchange(other.best_iteration_, -1)),
      validation_rmse_(std::move(other.validation_rmse_)) {}

GradientBoosting& GradientBoosting::operator=(GradientBoosting&& other) noexcept {
  if (this != &other) {
    if (booster_ != nullptr) XGBoosterFree(booster_);
    booster_ = std::exchange(other.booster_, nullptr);
    cols_ = std::exchange(other.cols_, 0);
    best_iteration_ = std::exchange(other.best_iteration_, -1);
    validation_rmse_ = std::move(other.validation_rmse_);
  }
  return *this;
}

void GradientBoosting::fit(std::span<const float> X, size_t rows, size_t cols,
                           std::span<const float> y, const GradientBoostingOptions& options,
                           std::span<const float> X_valid, size_t valid_rows,
                           std::span<const float> y_valid) {
  check_options(options);
  if (cols == 0) throw invalid_input("gradient boosting fit: cols must be at least 1, got 0");
  check_matrix(X, rows, cols, "X");
  if (y.size() != rows) {
    throw invalid_input("gradient boosting fit: y has {} values but X has {} rows", y.size(), rows);
  }
  check_matrix(X_valid, valid_rows, cols, "X_valid");
  if (y_valid.size() != valid_rows) {
    throw invalid_input("gradient boosting fit: y_valid has {} values but X_valid has {} rows",
                        y_valid.size(), valid_rows);
  }
  auto [train_X, train_y] = labelled_rows(X, cols, y, "y");
  if (train_y.size() < 2) {
    throw invalid_input(
        "gradient boosting fit: needs at least 2 rows with a known (non-NaN) y, "
        "got {} of {} rows; pass more training data",
        train_y.size(), rows);
  }
  const bool has_validation = valid_rows > 0;
  auto [valid_X, valid_y] = labelled_rows(X_valid, cols, y_valid, "y_valid");
  if (has_validation && valid_y.empty()) {
    throw invalid_input(
        "gradient boosting fit: all {} validation rows have NaN y; pass labelled "
        "validation rows or no validation set",
        valid_rows);
  }

  const DMatrix train(train_X, train_y.size(), cols, train_y);
  std::vector<DMatrixHandle> cached = {train.get()};
  std::unique_ptr<DMatrix> valid;
  if (has_validation) {
    valid = std::make_unique<DMatrix>(valid_X, valid_y.size(), cols, valid_y);
    cached.push_back(valid->get());
  }
  BoosterHandle created = nullptr;
  check_call(XGBoosterCreate(cached.data(), cached.size(), &created), "XGBoosterCreate");
  BoosterOwner booster(created);
  set_param(booster.get(), "verbosity", "0");
  set_param(booster.get(), "objective", "reg:squarederror");
  set_param(booster.get(), "eval_metric", "rmse");
  set_param(booster.get(), "tree_method", "hist");
  set_param(booster.get(), "max_depth", std::to_string(options.max_depth));
  set_param(booster.get(), "eta", fmt::format("{}", options.learning_rate));
  set_param(booster.get(), "subsample", fmt::format("{}", options.subsample));
  set_param(booster.get(), "colsample_bytree", fmt::format("{}", options.colsample_bytree));
  set_param(booster.get(), "min_child_weight", fmt::format("{}", options.min_child_weight));
  set_param(booster.get(), "lambda", fmt::format("{}", options.lambda));
  set_param(booster.get(), "seed", std::to_string(options.seed));
  if (options.threads > 0) set_param(booster.get(), "nthread", std::to_string(options.threads));

  std::vector<double> rmse_by_round;
  int best = options.rounds - 1;
  double best_rmse = std::numeric_limits<double>::infinity();
  for (int round = 0; round < options.rounds; ++round) {
    check_call(XGBoosterUpdateOneIter(booster.get(), round, train.get()), "XGBoosterUpdateOneIter");
    if (!has_validation) continue;
    const std::vector<float> predicted = predict_matrix(booster.get(), valid->get(), 0);
    double sum = 0;
    for (size_t i = 0; i < valid_y.size(); ++i) {
      const double error = static_cast<double>(predicted[i]) - valid_y[i];
      sum += error * error;
    }
    const double rmse = std::sqrt(sum / static_cast<double>(valid_y.size()));
    rmse_by_round.push_back(rmse);
    if (options.early_stopping_rounds == 0) continue;
    if (rmse < best_rmse) {
      best_rmse = rmse;
      best = round;
    } else if (round - best >= options.early_stopping_rounds) {
      break;
    }
  }
  check_call(XGBoosterSetAttr(booster.get(), kBestIterationAttr, std::to_string(best).c_str()),
             "XGBoosterSetAttr(best_iteration)");
  check_call(XGBoosterSetAttr(booster.get(), kColsAttr, std::to_string(cols).c_str()),
             "XGBoosterSetAttr(cols)");

  if (booster_ != nullptr) XGBoosterFree(booster_);
  booster_ = booster.release();
  cols_ = cols;
  best_iteration_ = best;
  validation_rmse_ = std::move(rmse_by_round);
}

void GradientBoosting::require_fitted(const char* what) const {
  if (booster_ == nullptr) {
    throw invalid_input("gradient boosting {}: the model is not fitted; call fit() or load() first",
                        what);
  }
}

std::vector<float> GradientBoosting::predict(std::span<const float> X, size_t rows) const {
  require_fitted("predict");
  if (X.size() != rows * cols_) {
    throw invalid_input(
        "gradient boosting predict: X has {} values but rows x cols = {} x {} = "
        "{}; the model was fitted on {} columns",
        X.size(), rows, cols_, rows * cols_, cols_);
  }
  check_matrix(X, rows, cols_, "X");
  if (rows == 0) return {};
  const DMatrix matrix(std::vector<float>(X.begin(), X.end()), rows, cols_, {});
  return predict_matrix(booster_, matrix.get(), best_iteration_ + 1);
}

int GradientBoosting::best_iteration() const {
  require_fitted("best_iteration");
  return best_iteration_;
}

void GradientBoosting::save(const std::filesystem::path& path) const {
  require_fitted("save");
  bst_ulong length = 0;
  const char* bytes = nullptr;
  check_call(XGBoosterSaveModelToBuffer(booster_, "{\"format\": \"json\"}", &length, &bytes),
             "XGBoosterSaveModelToBuffer");
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes, static_cast<std::streamsize>(length));
  out.close();
  if (!out) {
    throw invalid_input(
        "gradient boosting save: cannot write {}; check that the directory exists "
        "and is writable",
        path.string());
  }
}

GradientBoosting GradientBoosting::load(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw not_found("gradient boosting load: cannot open model file {}; check the path",
                    path.string());
  }
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  BoosterHandle created = nullptr;
  check_call(XGBoosterCreate(nullptr, 0, &created), "XGBoosterCreate");
  BoosterOwner booster(created);
  if (XGBoosterLoadModelFromBuffer(booster.get(), bytes.data(), bytes.size()) != 0) {
    throw corruption(
        "gradient boosting load: {} is not a readable XGBoost model: "
        "XGBoosterLoadModelFromBuffer failed: {}",
        path.string(), XGBGetLastError());
  }
  const std::string best = get_attr(booster.get(), kBestIterationAttr);
  const std::string cols = get_attr(booster.get(), kColsAttr);
  int rounds = 0;
  check_call(XGBoosterBoostedRounds(booster.get(), &rounds), "XGBoosterBoostedRounds");
  GradientBoosting model;
  try {
    model.best_iteration_ = best.empty() ? rounds - 1 : std::stoi(best);
    model.cols_ = cols.empty() ? 0 : static_cast<size_t>(std::stoull(cols));
  } catch (const std::exception&) {
    throw corruption(
        "gradient boosting load: {} has malformed attributes best_iteration='{}' "
        "gogooku3_cols='{}'",
        path.string(), best, cols);
  }
  if (model.cols_ == 0) {
    bst_ulong features = 0;
    check_call(XGBoosterGetNumFeature(booster.get(), &features), "XGBoosterGetNumFeature");
    model.cols_ = features;
  }
  if (model.best_iteration_ < 0 || model.best_iteration_ >= rounds || model.cols_ == 0) {
    throw corruption(
        "gradient boosting load: {} has best_iteration {} for {} trained rounds and "
        "{} columns",
        path.string(), model.best_iteration_, rounds, model.cols_);
  }
  model.booster_ = booster.release();
  return model;
}

}  // namespace gogooku3::ml
