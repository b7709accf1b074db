// stats.h — the little statistics that every judgement of a rare, random
// failure rests on.

#ifndef OPENRACE_HARNESS_REPRO_STATS_H_
#define OPENRACE_HARNESS_REPRO_STATS_H_

#include <cstdint>

namespace openrace {

struct RateInterval {
  double low = 0;
  double high = 1;
};

// The Wilson score interval for `failures` in `rounds` at normal quantile z
// (1.96: 95 %). With no rounds it is [0, 1]; with no failures, low is 0 and
// high is the rule-of-three-like upper bound.
RateInterval WilsonInterval(uint64_t failures, uint64_t rounds,
                            double z = 1.96);

// Rounds needed so that a scenario failing at `rate` per round shows at
// least one failure with probability `confidence`:
// ceil(log(1 - confidence) / log(1 - rate)). Rates <= 0 give `cap`.
uint64_t RoundsToDetect(double rate, double confidence, uint64_t cap);

}  // namespace openrace

#endif  // OPENRACE_HARNESS_REPRO_STATS_H_
