// stats.cc — see stats.h.

#include "harness/repro/stats.h"

#include <algorithm>
#include <cmath>

namespace openrace {

RateInterval WilsonInterval(uint64_t failures, uint64_t rounds, double z) {
  if (rounds == 0) return {0, 1};
  const double n = static_cast<double>(rounds);
  const double p = static_cast<double>(failures) / n;
  const double z2 = z * z;
  const double center = (p + z2 / (2 * n)) / (1 + z2 / n);
  const double half =
      z * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n);
  RateInterval interval{std::max(0.0, center - half),
                        std::min(1.0, center + half)};
  if (failures == 0) interval.low = 0;
  return interval;
}

uint64_t RoundsToDetect(double rate, double confidence, uint64_t cap) {
  if (rate <= 0) return cap;
  if (rate >= 1) return 1;
  const double rounds = std::log(1 - confidence) / std::log1p(-rate);
  if (!(rounds < static_cast<double>(cap))) return cap;
  return std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(rounds)));
}

}  // namespace openrace
