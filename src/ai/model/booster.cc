#include "ai/model/booster.h"

#include <xgboost/c_api.h>

#include <charconv>
#include <limits>
#include <utility>

#include "base/str.h"

namespace vigil::ai {
namespace {

absl::Status Check(int rc, std::string_view what) {
  if (rc == 0) return absl::OkStatus();
  return absl::InternalError(StrCat("xgboost: ", what, ": ", XGBGetLastError()));
}

// "[0]\ttrain-aucpr:0.51\tvalid-aucpr:0.42" -> {"train-aucpr": 0.51, "valid-aucpr": 0.42}
std::map<std::string, double> ParseEval(std::string_view text) {
  std::map<std::string, double> out;
  size_t pos = 0;
  while ((pos = text.find('\t', pos)) != std::string_view::npos) {
    size_t end = text.find('\t', pos + 1);
    std::string_view item = text.substr(pos + 1, end == std::string_view::npos ? end : end - pos - 1);
    size_t colon = item.rfind(':');
    if (colon != std::string_view::npos) {
      double v = 0;
      std::string_view num = item.substr(colon + 1);
      if (std::from_chars(num.data(), num.data() + num.size(), v).ec == std::errc()) {
        out[std::string(item.substr(0, colon))] = v;
      }
    }
    pos = pos + 1;
  }
  return out;
}

}  // namespace

absl::StatusOr<Matrix> Matrix::Create(std::span<const float> values, size_t rows, size_t cols,
                                      std::span<const float> labels, std::span<const float> weights) {
  if (values.size() != rows * cols) return absl::InvalidArgumentError("matrix size mismatch");
  Matrix m;
  m.rows_ = rows;
  DMatrixHandle h = nullptr;
  if (int rc = XGDMatrixCreateFromMat(values.data(), rows, cols, std::numeric_limits<float>::quiet_NaN(), &h);
      rc != 0) {
    return Check(rc, "create matrix");
  }
  m.handle_ = h;
  if (!labels.empty()) {
    if (labels.size() != rows) return absl::InvalidArgumentError("label count mismatch");
    if (auto s = Check(XGDMatrixSetFloatInfo(h, "label", labels.data(), rows), "set labels"); !s.ok()) return s;
  }
  if (!weights.empty()) {
    if (weights.size() != rows) return absl::InvalidArgumentError("weight count mismatch");
    if (auto s = Check(XGDMatrixSetFloatInfo(h, "weight", weights.data(), rows), "set weights"); !s.ok()) {
      return s;
    }
  }
  return m;
}

Matrix::Matrix(Matrix&& o) noexcept : handle_(std::exchange(o.handle_, nullptr)), rows_(o.rows_) {}
Matrix& Matrix::operator=(Matrix&& o) noexcept {
  std::swap(handle_, o.handle_);
  std::swap(rows_, o.rows_);
  return *this;
}
Matrix::~Matrix() {
  if (handle_ != nullptr) XGDMatrixFree(handle_);
}

absl::StatusOr<Booster> Booster::Create(const std::vector<const Matrix*>& cache) {
  std::vector<DMatrixHandle> handles;
  for (const Matrix* m : cache) handles.push_back(m->handle());
  Booster b;
  if (auto s = Check(XGBoosterCreate(handles.data(), handles.size(), &b.handle_), "create booster");
      !s.ok()) {
    return s;
  }
  return b;
}

absl::StatusOr<Booster> Booster::Load(std::string_view model_json) {
  Booster b;
  if (auto s = Check(XGBoosterCreate(nullptr, 0, &b.handle_), "create booster"); !s.ok()) return s;
  if (XGBoosterLoadModelFromBuffer(b.handle_, model_json.data(), model_json.size()) != 0) {
    return absl::InvalidArgumentError(StrCat("xgboost: cannot load model: ", XGBGetLastError()));
  }
  return b;
}

Booster::Booster(Booster&& o) noexcept : handle_(std::exchange(o.handle_, nullptr)) {}
Booster& Booster::operator=(Booster&& o) noexcept {
  std::swap(handle_, o.handle_);
  return *this;
}
Booster::~Booster() {
  if (handle_ != nullptr) XGBoosterFree(handle_);
}

absl::Status Booster::SetParam(const std::string& name, const std::string& value) {
  // XGBoost stores a parameter unchecked and parses it when it next configures
  // itself (the first training round); configuring now reports a bad value here.
  bst_ulong len = 0;
  const char* config = nullptr;
  if (XGBoosterSetParam(handle_, name.c_str(), value.c_str()) != 0 ||
      XGBoosterSaveJsonConfig(handle_, &len, &config) != 0) {
    return absl::InvalidArgumentError(
        StrCat("xgboost parameter ", name, "=", value, ": ", XGBGetLastError()));
  }
  return absl::OkStatus();
}

absl::Status Booster::UpdateOneIter(int iteration, const Matrix& train) {
  return Check(XGBoosterUpdateOneIter(handle_, iteration, train.handle()), "training round");
}

absl::StatusOr<std::map<std::string, double>> Booster::Eval(int iteration, const Matrix& data,
                                                            const std::string& name) {
  DMatrixHandle h = data.handle();
  const char* names[] = {name.c_str()};
  const char* out = nullptr;
  if (auto s = Check(XGBoosterEvalOneIter(handle_, iteration, &h, names, 1, &out), "evaluate");
      !s.ok()) {
    return s;
  }
  return ParseEval(out);
}

absl::StatusOr<Booster> Booster::Slice(int rounds) const {
  Booster b;
  if (auto s = Check(XGBoosterSlice(handle_, 0, rounds, 1, &b.handle_), "slice"); !s.ok()) return s;
  return b;
}

absl::StatusOr<int> Booster::Rounds() const {
  int rounds = 0;
  if (auto s = Check(XGBoosterBoostedRounds(handle_, &rounds), "rounds"); !s.ok()) return s;
  return rounds;
}

absl::StatusOr<std::vector<float>> Booster::Predict(const Matrix& m, int type) const {
  const std::string config = StrCat(R"({"type": )", type,
                                    R"(, "training": false, "iteration_begin": 0, "iteration_end": 0, "strict_shape": false})");
  const bst_ulong* shape = nullptr;
  bst_ulong dim = 0;
  const float* result = nullptr;
  if (auto s = Check(XGBoosterPredictFromDMatrix(handle_, m.handle(), config.c_str(), &shape, &dim, &result),
                     "predict");
      !s.ok()) {
    return s;
  }
  size_t n = 1;
  for (bst_ulong i = 0; i < dim; ++i) n *= shape[i];
  return std::vector<float>(result, result + n);
}

absl::StatusOr<std::vector<float>> Booster::PredictProbability(const Matrix& m) const { return Predict(m, 0); }
absl::StatusOr<std::vector<float>> Booster::PredictMargin(const Matrix& m) const { return Predict(m, 1); }
absl::StatusOr<std::vector<float>> Booster::PredictContributions(const Matrix& m) const {
  return Predict(m, 2);
}

absl::StatusOr<std::string> Booster::SaveJson() const {
  bst_ulong len = 0;
  const char* data = nullptr;
  if (auto s = Check(XGBoosterSaveModelToBuffer(handle_, R"({"format": "json"})", &len, &data), "save");
      !s.ok()) {
    return s;
  }
  return std::string(data, len);
}

std::string XgboostVersion() {
  int major = 0, minor = 0, patch = 0;
  XGBoostVersion(&major, &minor, &patch);
  return StrCat(major, ".", minor, ".", patch);
}

}  // namespace vigil::ai
