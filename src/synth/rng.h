// A small deterministic random number generator for the synthetic hospital.
//
// std::mt19937_64's output sequence is fixed by the C++ standard, but the
// std::*_distribution classes are not: libstdc++ and libc++ turn the same bits
// into different numbers. The draws here are our own, so a seed gives the same
// hospital with every standard library (up to last-bit differences of libm's
// log/cos/exp, which rounding to charted precision hides).
//
// Each stay gets its own Rng seeded by SeedFor(seed, site, index), so a stay's
// content depends only on those three values: not on thread scheduling, chunk
// size or how many stays come before it.
//
// Thread-safety: an Rng is not thread-safe; give each thread its own.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <string_view>

namespace vigil::synth {

class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}

  // splitmix64 over (seed, FNV-1a of site, index): well-mixed, distinct streams.
  static uint64_t SeedFor(uint64_t seed, std::string_view site, uint64_t index) {
    uint64_t h = 1469598103934665603ull;
    for (char c : site) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    return Mix(Mix(Mix(seed) ^ h) ^ index);
  }

  uint64_t Bits() { return engine_(); }

  // Uniform in [0, 1): the top 53 bits.
  double Uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  // Uniform integer in [lo, hi]. REQUIRES: lo <= hi.
  int64_t UniformInt(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Uniform() * static_cast<double>(hi - lo + 1));
  }
  bool Bernoulli(double p) { return Uniform() < p; }

  // Box-Muller; the second value is discarded to keep the stream simple.
  double Normal(double mean, double sd) {
    double u = 1.0 - Uniform();  // (0, 1]
    double v = Uniform();
    return mean + sd * std::sqrt(-2.0 * std::log(u)) * std::cos(2.0 * M_PI * v);
  }
  double Exponential(double mean) { return -mean * std::log(1.0 - Uniform()); }
  // exp(N(log(median), sigma)).
  double LogNormal(double median, double sigma) { return median * std::exp(Normal(0.0, sigma)); }
  // Number of events of a Poisson process with this mean (Knuth; means are small here).
  int Poisson(double mean) {
    double limit = std::exp(-mean), p = Uniform();
    int k = 0;
    while (p > limit && k < 1000) {
      p *= Uniform();
      ++k;
    }
    return k;
  }

 private:
  static uint64_t Mix(uint64_t x) {
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
  }

  std::mt19937_64 engine_;
};

}  // namespace vigil::synth
