// Ridge regression on standardised columns with missing indicators; see ridge.h.
#include "ml/baselines/ridge.h"

#include <Eigen/Dense>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>

#include "core/error.h"

namespace gogooku3::ml {
namespace {

constexpr int kFormatVersion = 1;

void check_matrix(std::span<const float> X, size_t rows, size_t cols, const char* what) {
  if (cols == 0) throw invalid_input("ridge {}: cols must be at least 1, got 0", what);
  if (X.size() != rows * cols) {
    throw invalid_input(
        "ridge {}: X has {} values but rows x cols = {} x {} = {}; pass X row-major [rows, cols]",
        what, X.size(), rows, cols, rows * cols);
  }
  for (size_t i = 0; i < X.size(); ++i) {
    if (std::isinf(X[i])) {
      throw invalid_input(
          "ridge {}: X[row {}, col {}] is {}; only finite values or NaN (missing) "
          "are accepted",
          what, i / cols, i % cols, X[i]);
    }
  }
}

template <typename T>
std::vector<T> read_vector(const nlohmann::json& json, const char* key, size_t expected) {
  std::vector<T> values = json.at(key).get<std::vector<T>>();
  if (values.size() != expected) {
    throw invalid_input("ridge from_json: '{}' has {} entries, expected {}", key, values.size(),
                        expected);
  }
  return values;
}

}  // namespace

void RidgeRegression::fit(std::span<const float> X, size_t rows, size_t cols,
                          std::span<const float> y, const RidgeOptions& options) {
  check_matrix(X, rows, cols, "fit");
  if (y.size() != rows) {
    throw invalid_input("ridge fit: y has {} values but X has {} rows", y.size(), rows);
  }
  if (!std::isfinite(options.lambda) || options.lambda < 0) {
    throw invalid_input("ridge fit: lambda must be a finite number >= 0, got {}", options.lambda);
  }
  std::vector<size_t> usable;
  for (size_t r = 0; r < rows; ++r) {
    if (std::isnan(y[r])) continue;
    if (std::isinf(y[r])) {
      throw invalid_input(
          "ridge fit: y[{}] is {}; only finite values or NaN (skipped) are "
          "accepted",
          r, y[r]);
    }
    usable.push_back(r);
  }
  if (usable.size() < 2) {
    throw invalid_input(
        "ridge fit: needs at least 2 rows with a known (non-NaN) y, got {} of {} "
        "rows; pass more training data",
        usable.size(), rows);
  }

  RidgeRegression model;
  model.lambda_ = options.lambda;
  model.cols_ = cols;
  std::vector<bool> has_nan(cols, false);
  for (size_t r : usable) {
    for (size_t c = 0; c < cols; ++c) {
      if (std::isnan(X[r * cols + c])) has_nan[c] = true;
    }
  }
  for (size_t c = 0; c < cols; ++c) {
    if (has_nan[c]) model.indicator_features_.push_back(c);
  }
  const size_t width = cols + model.indicator_features_.size();
  const auto n = static_cast<Eigen::Index>(usable.size());
  const auto p = static_cast<Eigen::Index>(width);

  // Raw expanded design first (identity standardisation), then centre and scale in place.
  model.mean_.assign(width, 0.0);
  model.scale_.assign(width, 1.0);
  // Row-major so that standardise_row can write one contiguous row.
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> Z(n, p);
  Eigen::VectorXd target(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const size_t r = usable[static_cast<size_t>(i)];
    model.standardise_row(&X[r * cols], &Z(i, 0));
    target(i) = y[r];
  }
  for (Eigen::Index j = 0; j < p; ++j) {
    const double mean = Z.col(j).mean();
    Z.col(j).array() -= mean;
    const double sd = std::sqrt(Z.col(j).squaredNorm() / static_cast<double>(n));
    const double scale = sd > 1e-12 ? sd : 1.0;
    Z.col(j) /= scale;
    model.mean_[static_cast<size_t>(j)] = mean;
    model.scale_[static_cast<size_t>(j)] = scale;
  }
  model.y_mean_ = target.mean();
  target.array() -= model.y_mean_;

  Eigen::MatrixXd gram = Z.transpose() * Z;
  gram.diagonal().array() += options.lambda * static_cast<double>(n);
  const Eigen::LDLT<Eigen::MatrixXd> ldlt(gram);
  if (ldlt.info() != Eigen::Success) {
    throw invalid_input(
        "ridge fit: the normal equations could not be factorised ({} rows, {} "
        "columns, lambda {}); use lambda > 0",
        n, p, options.lambda);
  }
  const Eigen::VectorXd w = ldlt.solve(Z.transpose() * target);
  if (!w.allFinite()) {
    throw invalid_input(
        "ridge fit: the solution is not finite ({} rows, {} columns, lambda {}); "
        "columns are collinear, use lambda > 0",
        n, p, options.lambda);
  }
  model.weights_.assign(w.data(), w.data() + w.size());
  model.fitted_ = true;
  *this = std::move(model);
}

void RidgeRegression::standardise_row(const float* row, double* out) const {
  for (size_t c = 0; c < cols_; ++c) {
    const float value = row[c];
    out[c] = ((std::isnan(value) ? 0.0 : static_cast<double>(value)) - mean_[c]) / scale_[c];
  }
  for (size_t k = 0; k < indicator_features_.size(); ++k) {
    const size_t j = cols_ + k;
    const double indicator = std::isnan(row[indicator_features_[k]]) ? 1.0 : 0.0;
    out[j] = (indicator - mean_[j]) / scale_[j];
  }
}

void RidgeRegression::require_fitted(const char* what) const {
  if (!fitted_) throw invalid_input("ridge {}: the model is not fitted; call fit() first", what);
}

std::vector<float> RidgeRegression::predict(std::span<const float> X, size_t rows) const {
  require_fitted("predict");
  if (X.size() != rows * cols_) {
    throw invalid_input(
        "ridge predict: X has {} values but rows x cols = {} x {} = {}; the "
        "model was fitted on {} columns",
        X.size(), rows, cols_, rows * cols_, cols_);
  }
  check_matrix(X, rows, cols_, "predict");
  std::vector<double> z(weights_.size());
  std::vector<float> predictions(rows);
  for (size_t r = 0; r < rows; ++r) {
    standardise_row(&X[r * cols_], z.data());
    double sum = y_mean_;
    for (size_t j = 0; j < z.size(); ++j) sum += weights_[j] * z[j];
    predictions[r] = static_cast<float>(sum);
  }
  return predictions;
}

std::vector<double> RidgeRegression::coefficients() const {
  require_fitted("coefficients");
  std::vector<double> coefficients(weights_.size());
  for (size_t j = 0; j < weights_.size(); ++j) coefficients[j] = weights_[j] / scale_[j];
  return coefficients;
}

double RidgeRegression::intercept() const {
  require_fitted("intercept");
  double intercept = y_mean_;
  for (size_t j = 0; j < weights_.size(); ++j) intercept -= weights_[j] / scale_[j] * mean_[j];
  return intercept;
}

nlohmann::json RidgeRegression::to_json() const {
  require_fitted("to_json");
  return nlohmann::json{{"model", "ridge"},
                        {"version", kFormatVersion},
                        {"lambda", lambda_},
                        {"cols", cols_},
                        {"indicator_features", indicator_features_},
                        {"mean", mean_},
                        {"scale", scale_},
                        {"weights", weights_},
                        {"y_mean", y_mean_}};
}

RidgeRegression RidgeRegression::from_json(const nlohmann::json& json) {
  RidgeRegression model;
  try {
    if (!json.is_object() || json.value("model", std::string()) != "ridge") {
      throw invalid_input(
          "ridge from_json: not a saved ridge model (expected an object with "
          "\"model\": \"ridge\")");
    }
    const int version = json.at("version").get<int>();
    if (version != kFormatVersion) {
      throw invalid_input(
          "ridge from_json: format version {} is not supported (this build reads "
          "version {})",
          version, kFormatVersion);
    }
    model.lambda_ = json.at("lambda").get<double>();
    model.cols_ = json.at("cols").get<size_t>();
    model.indicator_features_ = json.at("indicator_features").get<std::vector<size_t>>();
    if (model.cols_ == 0) throw invalid_input("ridge from_json: 'cols' must be at least 1");
    for (size_t k = 0; k < model.indicator_features_.size(); ++k) {
      const size_t feature = model.indicator_features_[k];
      if (feature >= model.cols_ || (k > 0 && feature <= model.indicator_features_[k - 1])) {
        throw invalid_input(
            "ridge from_json: 'indicator_features' must be ascending feature "
            "indices below cols = {}, got {} at position {}",
            model.cols_, feature, k);
      }
    }
    const size_t width = model.cols_ + model.indicator_features_.size();
    model.mean_ = read_vector<double>(json, "mean", width);
    model.scale_ = read_vector<double>(json, "scale", width);
    model.weights_ = read_vector<double>(json, "weights", width);
    model.y_mean_ = json.at("y_mean").get<double>();
    for (size_t j = 0; j < width; ++j) {
      if (!(model.scale_[j] > 0) || !std::isfinite(model.scale_[j])) {
        throw invalid_input("ridge from_json: scale[{}] must be a positive number, got {}", j,
                            model.scale_[j]);
      }
    }
  } catch (const nlohmann::json::exception& e) {
    throw invalid_input("ridge from_json: malformed model document: {}", e.what());
  }
  model.fitted_ = true;
  return model;
}

}  // namespace gogooku3::ml
