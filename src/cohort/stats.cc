#include "cohort/stats.h"

#include <algorithm>
#include <cmath>

namespace vigil::cohort {
namespace {

// Continued fraction of the regularized incomplete beta function (modified
// Lentz's method), converging quickly for x < (a + 1) / (a + b + 2).
double BetaContinuedFraction(double a, double b, double x) {
  constexpr double kTiny = 1e-300;
  constexpr double kEps = 1e-15;
  double c = 1;
  double d = 1 - (a + b) * x / (a + 1);
  d = 1 / (std::fabs(d) < kTiny ? kTiny : d);
  double h = d;
  for (int m = 1; m <= 500; ++m) {
    for (int step = 0; step < 2; ++step) {
      double num = step == 0 ? m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
                             : -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1));
      d = 1 + num * d;
      d = 1 / (std::fabs(d) < kTiny ? kTiny : d);
      c = 1 + num / c;
      if (std::fabs(c) < kTiny) c = kTiny;
      h *= d * c;
      if (step == 1 && std::fabs(d * c - 1) < kEps) return h;
    }
  }
  return h;
}

// I_x(a, b).
double RegularizedBeta(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  double front = std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) +
                          b * std::log1p(-x));
  if (x < (a + 1) / (a + b + 2)) return front * BetaContinuedFraction(a, b, x) / a;
  return 1 - front * BetaContinuedFraction(b, a, 1 - x) / b;
}

}  // namespace

std::optional<Interval> WilsonInterval(int64_t events, int64_t n) {
  if (n <= 0) return std::nullopt;
  const double z2 = kZ95 * kZ95;
  const double x = static_cast<double>(events);
  const double m = static_cast<double>(n);
  const double center = (x + z2 / 2) / (m + z2);
  const double half = kZ95 * std::sqrt(x * (m - x) / m + z2 / 4) / (m + z2);
  return Interval{std::max(0.0, center - half), std::min(1.0, center + half)};
}

std::optional<Interval> NewcombeDifference(int64_t e1, int64_t n1, int64_t e2, int64_t n2) {
  std::optional<Interval> w1 = WilsonInterval(e1, n1);
  std::optional<Interval> w2 = WilsonInterval(e2, n2);
  if (!w1 || !w2) return std::nullopt;
  const double p1 = static_cast<double>(e1) / static_cast<double>(n1);
  const double p2 = static_cast<double>(e2) / static_cast<double>(n2);
  const double d = p1 - p2;
  return Interval{d - std::hypot(p1 - w1->low, w2->high - p2),
                  d + std::hypot(w1->high - p1, p2 - w2->low)};
}

double StudentTCdf(double t, double df) {
  const double tail = 0.5 * RegularizedBeta(df / 2, 0.5, df / (df + t * t));
  return t >= 0 ? 1 - tail : tail;
}

double StudentTQuantile(double p, double df) {
  if (p == 0.5) return 0;
  if (p < 0.5) return -StudentTQuantile(1 - p, df);
  double low = 0;
  double high = 1;
  while (StudentTCdf(high, df) < p) high *= 2;
  for (int i = 0; i < 200 && high - low > 1e-12 * high; ++i) {
    double mid = (low + high) / 2;
    (StudentTCdf(mid, df) < p ? low : high) = mid;
  }
  return (low + high) / 2;
}

std::optional<Sample> Summarize(std::vector<double> values) {
  if (values.empty()) return std::nullopt;
  Sample s;
  s.n = static_cast<int64_t>(values.size());
  double sum = 0;
  for (double v : values) sum += v;
  s.mean = sum / static_cast<double>(s.n);
  if (s.n > 1) {
    double ss = 0;
    for (double v : values) ss += (v - s.mean) * (v - s.mean);
    s.variance = ss / static_cast<double>(s.n - 1);
  }
  std::sort(values.begin(), values.end());
  size_t mid = values.size() / 2;
  s.median = values.size() % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
  return s;
}

std::optional<Interval> MeanInterval(const Sample& s) {
  if (s.n < 2) return std::nullopt;
  const double half = StudentTQuantile(0.975, static_cast<double>(s.n - 1)) *
                      std::sqrt(s.variance / static_cast<double>(s.n));
  return Interval{s.mean - half, s.mean + half};
}

std::optional<Interval> WelchDifference(const Sample& a, const Sample& b) {
  if (a.n < 2 || b.n < 2) return std::nullopt;
  const double va = a.variance / static_cast<double>(a.n);
  const double vb = b.variance / static_cast<double>(b.n);
  if (va + vb <= 0) return std::nullopt;
  const double df =
      (va + vb) * (va + vb) /
      (va * va / static_cast<double>(a.n - 1) + vb * vb / static_cast<double>(b.n - 1));
  const double half = StudentTQuantile(0.975, df) * std::sqrt(va + vb);
  const double d = a.mean - b.mean;
  return Interval{d - half, d + half};
}

}  // namespace vigil::cohort
