// scenario_input.cc — see scenario_input.h.

#include "fuzz/scenario_input.h"

#include <algorithm>
#include <bit>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "harness/scenario/scenario_text.h"
#include "harness/scenario/validate.h"

namespace openrace::fuzz {
namespace {

uint64_t Mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// FNV-1a: stable across processes and builds (absl::Hash is salted).
uint64_t StableHash(const uint8_t* data, size_t size) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (size_t i = 0; i < size; ++i) {
    h ^= data[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}

void Clamp(Scenario& scenario, uint64_t max_rounds) {
  scenario.rounds = std::clamp<uint64_t>(scenario.rounds, 1, max_rounds);
  for (ThreadProgram& thread : scenario.threads) {
    for (Op& op : thread.ops) {
      op.spin_ns = std::min(op.spin_ns, kMaxFuzzSpinNs);
    }
  }
}

}  // namespace

InputBitGen::InputBitGen(const uint8_t* data, size_t size)
    : data_(data), size_(size), state_(Mix64(StableHash(data, size))) {}

InputBitGen::result_type InputBitGen::operator()() {
  state_ += 0x9e3779b97f4a7c15ULL;
  uint32_t word = static_cast<uint32_t>(Mix64(state_));
  // The input's bytes come first; a partial last word keeps the stream's
  // low bytes, so every input byte still matters.
  for (int i = 0; i < 4 && pos_ < size_; ++i, ++pos_) {
    word = (word & ~(0xffu << (8 * i))) | (uint32_t{data_[pos_]} << (8 * i));
  }
  return word;
}

GeneratorOptions DrawGeneratorOptions(InputBitGen& gen) {
  GeneratorOptions options;
  const uint32_t a = gen();
  const uint32_t b = gen();
  options.max_threads = 2 + static_cast<int>(a % 3);          // 2..4
  options.max_ops_per_thread = 1 + static_cast<int>((a >> 8) % 6);  // 1..6
  options.max_depth = 1 + static_cast<int>((a >> 16) % 3);    // 1..3
  options.max_tree_entries = 2 + static_cast<int>((a >> 24) % 9);  // 2..10
  options.mutations = (b & 1) != 0;
  options.detours = (b & 2) != 0;
  options.spellings = (b & 4) != 0;
  // Which anchors: a non-empty subset of cwd, handle, abs.
  int anchors = static_cast<int>((b >> 3) % 7) + 1;  // 1..7
  options.anchors.clear();
  if (anchors & 1) options.anchors.push_back(Anchor::kCwd);
  if (anchors & 2) options.anchors.push_back(Anchor::kHandle);
  if (anchors & 4) options.anchors.push_back(Anchor::kAbsolute);
  return options;
}

ScenarioInput DecodeScenarioInput(const uint8_t* data, size_t size,
                                  uint64_t max_rounds) {
  ScenarioInput input;
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  if (absl::StatusOr<Scenario> parsed = ParseScenario(text);
      parsed.ok() && ValidateScenario(*parsed).ok()) {
    input.kind = InputKind::kText;
    input.scenario = *std::move(parsed);
  } else {
    input.kind = InputKind::kBytes;
    InputBitGen gen(data, size);
    input.options = DrawGeneratorOptions(gen);
    input.options.rounds = max_rounds;
    input.scenario = Generate(gen, input.options);
  }
  Clamp(input.scenario, max_rounds);
  return input;
}

std::string InputToScn(const ScenarioInput& input, size_t input_size) {
  std::string header;
  if (input.kind == InputKind::kText) {
    absl::StrAppend(&header, "# scenario_fuzzer input: scenario text (",
                    input_size, " bytes), rounds and spins clamped\n");
  } else {
    const GeneratorOptions& o = input.options;
    std::vector<std::string> anchors;
    for (Anchor a : o.anchors) {
      anchors.push_back(a == Anchor::kCwd      ? "cwd"
                        : a == Anchor::kHandle ? "handle"
                                               : "abs");
    }
    absl::StrAppend(
        &header, "# scenario_fuzzer input: ", input_size,
        " bytes decoded by the generator: max_threads=", o.max_threads,
        " max_ops_per_thread=", o.max_ops_per_thread,
        " max_depth=", o.max_depth, " max_tree_entries=", o.max_tree_entries,
        "\n# mutations=", o.mutations ? 1 : 0, " detours=", o.detours ? 1 : 0,
        " spellings=", o.spellings ? 1 : 0,
        " anchors=", absl::StrJoin(anchors, ","), "\n");
  }
  return header + PrintScenario(input.scenario);
}

// --- behaviour feedback --------------------------------------------------

BehaviourMap::BehaviourMap(const Scenario& scenario) : scenario_(scenario) {
  std::vector<std::pair<std::string, std::vector<std::string>>> handles;
  for (const SharedHandle& h : scenario.shared) {
    absl::StatusOr<std::vector<std::string>> target = ResolvePath(h.path, handles);
    handles.push_back({h.name, target.ok() ? *target : std::vector<std::string>{}});
    if (target.ok()) shared_targets_.push_back(absl::StrJoin(*target, "/"));
  }
  info_.resize(scenario.threads.size());
  for (size_t t = 0; t < scenario.threads.size(); ++t) {
    const std::vector<Op>& ops = scenario.threads[t].ops;
    info_[t].resize(ops.size());
    for (size_t i = 0; i < ops.size(); ++i) {
      const Op& op = ops[i];
      OpInfo& info = info_[t][i];
      if (op.kind == OpKind::kClose) {
        for (size_t j = 0; j < i; ++j) {
          if (ops[j].kind == OpKind::kOpen && ops[j].result == op.handle) {
            info_[t][j].close_op = i;
          }
        }
        continue;
      }
      if (op.kind == OpKind::kBarrier) continue;
      absl::StatusOr<std::vector<std::string>> target = ResolvePath(op.path, handles);
      if (!target.ok()) continue;
      info.target = absl::StrJoin(*target, "/");
      std::vector<std::string> parent = *target;
      if (!parent.empty()) parent.pop_back();
      info.parent = absl::StrJoin(parent, "/");
      if (op.kind == OpKind::kOpen && !op.result.empty()) {
        info.holds = true;
        handles.push_back({op.result, *target});
      }
    }
  }
}

Overlap BehaviourMap::OverlapOf(const RoundTrace& trace, size_t thread,
                                size_t op) const {
  const OpRecord& x = trace.records[thread][op];
  const OpInfo& xi = info_[thread][op];
  if (!x.ran || xi.target.empty()) return Overlap::kNone;
  // A shared handle is held by the main thread for the whole run.
  if (std::find(shared_targets_.begin(), shared_targets_.end(), xi.target) !=
      shared_targets_.end()) {
    return Overlap::kHeld;
  }
  const int64_t x_start = x.start_ns;
  const int64_t x_end = x.retry ? x.retry_end_ns : x.end_ns;
  Overlap best = Overlap::kNone;
  auto raise = [&](Overlap o) { best = std::max(best, o); };
  for (size_t u = 0; u < trace.records.size(); ++u) {
    if (u == thread) continue;
    for (size_t k = 0; k < trace.records[u].size(); ++k) {
      const OpRecord& y = trace.records[u][k];
      const OpInfo& yi = info_[u][k];
      if (!y.ran || yi.target.empty()) continue;
      const int64_t y_end = y.retry ? y.retry_end_ns : y.end_ns;
      const bool concurrent = y.start_ns <= x_end && x_start <= y_end;
      if (yi.target == xi.target) {
        if (concurrent) raise(Overlap::kSameTarget);
        const bool opened = y.outcome.ok() || (y.retry && y.retry->ok());
        if (yi.holds && opened) {
          int64_t live_until = INT64_MAX;
          if (yi.close_op != SIZE_MAX && trace.records[u][yi.close_op].ran) {
            live_until = trace.records[u][yi.close_op].start_ns;
          }
          if (y_end <= x_end && x_start <= live_until) raise(Overlap::kHeld);
        }
      } else if (concurrent && yi.parent == xi.parent) {
        raise(Overlap::kSibling);
      }
    }
  }
  return best;
}

void BehaviourMap::Count(const RoundTrace& trace, uint8_t* counters,
                         unsigned which) const {
  auto bump = [&](size_t index) {
    if (counters[index] != 255) ++counters[index];
  };
  for (size_t t = 0; t < trace.records.size(); ++t) {
    for (size_t i = 0; i < trace.records[t].size(); ++i) {
      const OpRecord& r = trace.records[t][i];
      if (!r.ran) continue;
      const Op& op = scenario_.threads[t].ops[i];
      const size_t kind = static_cast<size_t>(op.kind) % kOpKinds;
      const size_t status = static_cast<size_t>(r.outcome.status);
      const size_t anchor = static_cast<size_t>(op.path.anchor) % kAnchors;
      if (which & tables::kOverlap) {
        const Overlap overlap = OverlapOf(trace, t, i);
        bump(((kind * kStatusClassCount + status) * kAnchors + anchor) *
                 kOverlapClasses +
             static_cast<size_t>(overlap));
      }
      if (which & tables::kLatency) {
        const int64_t us = std::max<int64_t>(0, r.end_ns - r.start_ns) / 1000;
        const size_t bucket = std::min<size_t>(
            kLatencyBuckets - 1, std::bit_width(static_cast<uint64_t>(us)));
        bump(kOverlapTable +
             (kind * kStatusClassCount + status) * kLatencyBuckets + bucket);
      }
      if ((which & tables::kRetry) && r.retry) {
        bump(kOverlapTable + kLatencyTable +
             (kind * kStatusClassCount + status) * kStatusClassCount +
             static_cast<size_t>(r.retry->status));
      }
    }
  }
}

}  // namespace openrace::fuzz
