// The statistics of cohort comparisons: proportions with Wilson score
// intervals, the difference of two proportions with Newcombe's hybrid score
// interval, a mean with its Student-t interval, the difference of two means
// with Welch's interval, and the median.
//
// Every interval is two-sided at 95% (z = 1.959964, t at 0.975). Functions
// return nullopt when the interval is undefined (no observations, fewer than
// two values for a variance).
//
//   Interval ci = *WilsonInterval(8, 10);  // [0.4902, 0.9433]
//
// References: Wilson (1927); Newcombe, Stat Med 17:873-890 (1998), method 10;
// Welch (1947) with the Welch-Satterthwaite degrees of freedom.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace vigil::cohort {

inline constexpr double kZ95 = 1.959963984540054;

struct Interval {
  double low = 0;
  double high = 0;
};

// Wilson score interval for events/n. nullopt when n == 0.
// REQUIRES: 0 <= events <= n.
std::optional<Interval> WilsonInterval(int64_t events, int64_t n);

// Newcombe's hybrid score interval for p1 - p2 (p1 = e1/n1, p2 = e2/n2),
// built from the two Wilson intervals. nullopt when n1 or n2 is 0.
std::optional<Interval> NewcombeDifference(int64_t e1, int64_t n1, int64_t e2, int64_t n2);

// Student-t cumulative distribution function with df > 0 degrees of freedom.
double StudentTCdf(double t, double df);
// The t with StudentTCdf(t, df) == p, for 0 < p < 1.
double StudentTQuantile(double p, double df);

// Summary of a sample; median of an even count is the mean of the middle two.
struct Sample {
  int64_t n = 0;
  double mean = 0;
  double variance = 0;  // unbiased (n - 1); 0 when n < 2
  double median = 0;
};
// nullopt for an empty sample.
std::optional<Sample> Summarize(std::vector<double> values);

// mean ± t(0.975, n-1) · s/√n. nullopt when n < 2.
std::optional<Interval> MeanInterval(const Sample& s);

// Welch interval for mean(a) - mean(b). nullopt when either has n < 2 or both
// variances are 0.
std::optional<Interval> WelchDifference(const Sample& a, const Sample& b);

}  // namespace vigil::cohort
