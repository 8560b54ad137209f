// A thin RAII adapter over the XGBoost C API (the only file that includes it).
//
// Matrix: a dense float matrix, NaN = missing, optional labels and weights.
// Booster: training one round at a time (so that the caller runs early
// stopping), evaluation, slicing to the best round, prediction of
// probabilities, margins (log-odds) and TreeSHAP contributions, and the model
// as XGBoost JSON bytes (what the model artifact stores).
//
// Errors from XGBoost become absl::InternalError / InvalidArgumentError with
// XGBoost's message. Thread-safety: an object is used by one thread at a time;
// XGBoost itself parallelizes with `nthread`.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace vigil::ai {

class Matrix {
 public:
  // REQUIRES: values.size() == rows * cols; labels empty or rows long.
  static absl::StatusOr<Matrix> Create(std::span<const float> values, size_t rows, size_t cols,
                                       std::span<const float> labels = {},
                                       std::span<const float> weights = {});
  Matrix(Matrix&&) noexcept;
  Matrix& operator=(Matrix&&) noexcept;
  ~Matrix();
  size_t rows() const { return rows_; }
  void* handle() const { return handle_; }

 private:
  Matrix() = default;
  void* handle_ = nullptr;
  size_t rows_ = 0;
};

class Booster {
 public:
  // A new booster for training on `train` (and evaluating on `eval`).
  static absl::StatusOr<Booster> Create(const std::vector<const Matrix*>& cache);
  // A trained booster from XGBoost JSON model bytes.
  static absl::StatusOr<Booster> Load(std::string_view model_json);
  Booster(Booster&&) noexcept;
  Booster& operator=(Booster&&) noexcept;
  ~Booster();

  // InvalidArgument when XGBoost cannot use the value (checked at once, not at
  // the first round); the booster then keeps the bad value and must be discarded.
  // Names XGBoost does not know are only warned about on stderr, by XGBoost.
  absl::Status SetParam(const std::string& name, const std::string& value);
  absl::Status UpdateOneIter(int iteration, const Matrix& train);
  // The eval metrics after `iteration`: {"valid-aucpr": 0.41, ...}.
  absl::StatusOr<std::map<std::string, double>> Eval(int iteration, const Matrix& data,
                                                     const std::string& name);
  // A booster holding rounds [0, rounds).
  absl::StatusOr<Booster> Slice(int rounds) const;
  absl::StatusOr<int> Rounds() const;

  // Probability (type 0), margin = log-odds (type 1), or per-feature TreeSHAP
  // contributions with the bias last (type 2: rows × (features + 1)).
  absl::StatusOr<std::vector<float>> PredictProbability(const Matrix& m) const;
  absl::StatusOr<std::vector<float>> PredictMargin(const Matrix& m) const;
  absl::StatusOr<std::vector<float>> PredictContributions(const Matrix& m) const;

  absl::StatusOr<std::string> SaveJson() const;

 private:
  Booster() = default;
  absl::StatusOr<std::vector<float>> Predict(const Matrix& m, int type) const;
  void* handle_ = nullptr;
};

// "1.7.4"
std::string XgboostVersion();

}  // namespace vigil::ai
