// generator.h — random scenarios from a seed.
//
// Generate() draws a whole valid scenario: a small tree, shared directory
// handles, and threads whose operations target overlapping entries (the
// same file, siblings under one parent, a parent and its child) through
// every anchor and path spelling, with barriers, holds and spin offsets that
// make the calls overlap. The same seed and options give the same scenario.
// Every generated scenario passes ValidateScenario.

#ifndef OPENRACE_HARNESS_SCENARIO_GENERATOR_H_
#define OPENRACE_HARNESS_SCENARIO_GENERATOR_H_

#include <cstdint>
#include <vector>

#include "absl/random/bit_gen_ref.h"
#include "harness/scenario/scenario.h"

namespace openrace {

struct GeneratorOptions {
  int max_threads = 4;           // at least 2 are drawn
  int max_ops_per_thread = 6;    // calls, barriers excluded
  int max_depth = 3;             // directory levels in the tree
  int max_tree_entries = 10;
  uint64_t rounds = 200;
  bool mutations = true;         // create / mkdir / delete / rename ops
  bool detours = true;           // `.` and `..` components
  bool spellings = true;         // separator styles, doubled, trailing
  std::vector<Anchor> anchors = {Anchor::kCwd, Anchor::kHandle,
                                 Anchor::kAbsolute};
};

Scenario Generate(absl::BitGenRef gen, const GeneratorOptions& options);

}  // namespace openrace

#endif  // OPENRACE_HARNESS_SCENARIO_GENERATOR_H_
