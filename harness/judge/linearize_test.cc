// linearize_test.cc — properties of the exact oracle over histories the
// model itself makes.
//
// Simulate runs a generated scenario through the namespace model in a
// random order (each thread's calls in program order, a failed call retried
// once, handles bound as the executor binds them) and gives every call a
// random time window around its place in that order. Such a history is
// explained by construction, so:
//   soundness     the oracle finds nothing in it;
//   completeness  a call flipped to EINVAL — which no order gives a stat,
//                 a mkdir, an unlink or a plain open — is found, and named;
//   exactness     on small histories with any one outcome flipped, the
//                 oracle (partitions, kept orders, search, reductions)
//                 agrees with trying every order one by one.
// Seeded loops, so every run checks the same histories.

#include <algorithm>
#include <cerrno>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/types/optional.h"
#include "gtest/gtest.h"
#include "harness/judge/fs_model.h"
#include "harness/judge/linearize.h"
#include "harness/judge/oracle.h"
#include "harness/scenario/generator.h"
#include "harness/scenario/scenario_text.h"
#include "harness/scenario/validate.h"

namespace openrace {
namespace {

int ErrnoOf(StatusClass s) {
  switch (s) {
    case StatusClass::kNotFound: return ENOENT;
    case StatusClass::kExists: return EEXIST;
    case StatusClass::kInvalidParameter: return EINVAL;
    case StatusClass::kInvalidName: return ENAMETOOLONG;
    case StatusClass::kNotADirectory: return ENOTDIR;
    case StatusClass::kIsADirectory: return EISDIR;
    case StatusClass::kNotEmpty: return ENOTEMPTY;
    case StatusClass::kBusy: return EBUSY;
    case StatusClass::kAccessDenied: return EACCES;
    default: return 0;
  }
}

Outcome OutcomeWith(StatusClass s) {
  return Outcome{s, ErrnoOf(s), NativeKind::kErrno};
}

// One call of a simulated round: which op, whether the retry, its place.
struct Event {
  size_t thread, op;
  bool retry;
  int64_t point;  // its linearization point
  StatusClass status;
};

// The id the oracle gives what call (thread, op, retry) creates.
InodeId NewId(const Scenario& s, size_t thread, size_t op, bool retry) {
  uint32_t flat = 0;
  for (size_t t = 0; t < s.threads.size(); ++t) {
    for (size_t i = 0; i < s.threads[t].ops.size(); ++i) {
      if (!IsCall(s.threads[t].ops[i].kind)) continue;
      if (t == thread && i == op) return kFirstCreatedInode + 2 * flat + retry;
      ++flat;
    }
  }
  return kFirstCreatedInode;
}

bool Bound(const FsState& st, const ModelPath& p) {
  return p.base != ModelPath::Base::kLocal || st.handles[p.slot] != kNoInode;
}

// A round of `s` as the model would run it; nullopt when some call is one
// the model cannot predict.
absl::optional<RoundTrace> Simulate(const Scenario& s, std::mt19937_64& gen,
                                    std::vector<Event>* events_out = nullptr) {
  const FsModel model(s);
  FsState st = model.initial();
  std::vector<Event> events;
  std::vector<size_t> next(s.threads.size(), 0);
  std::vector<bool> retrying(s.threads.size(), false);
  int64_t clock = 0;
  for (;;) {
    std::vector<size_t> ready;
    for (size_t t = 0; t < s.threads.size(); ++t) {
      if (next[t] < s.threads[t].ops.size()) ready.push_back(t);
    }
    if (ready.empty()) break;
    const size_t t = ready[gen() % ready.size()];
    const size_t i = next[t];
    const Op& op = s.threads[t].ops[i];
    const ModelOp& mop = model.op(t, i);
    if (!IsCall(op.kind) || !Bound(st, mop.path) ||
        (op.kind == OpKind::kRename && !Bound(st, mop.to))) {
      ++next[t];  // a barrier, a close, or a call on a handle never opened
      continue;
    }
    const bool retry = retrying[t];
    const Prediction p = model.Predict(st, mop, NewId(s, t, i, retry));
    if (p.unknown != Unjudged::kNone && !p.exact_if_status) return absl::nullopt;
    if (p.status == StatusClass::kOk) FsModel::Apply(p.effect, &st);
    clock += 100;
    events.push_back({t, i, retry, clock, p.status});
    if (p.status != StatusClass::kOk && !retry) {
      retrying[t] = true;
    } else {
      retrying[t] = false;
      ++next[t];
    }
  }
  // Windows around each point, within the thread's neighbours' points.
  RoundTrace trace;
  for (const ThreadProgram& thread : s.threads) {
    trace.records.emplace_back(thread.ops.size());
  }
  std::uniform_int_distribution<int64_t> spread(0, 400);
  for (size_t t = 0; t < s.threads.size(); ++t) {
    std::vector<const Event*> mine;
    for (const Event& e : events) {
      if (e.thread == t) mine.push_back(&e);
    }
    int64_t previous_end = -1;
    for (size_t k = 0; k < mine.size(); ++k) {
      const Event& e = *mine[k];
      const int64_t limit =
          k + 1 < mine.size() ? mine[k + 1]->point - 1 : e.point + 400;
      const int64_t start = std::max(previous_end + 1, e.point - spread(gen));
      const int64_t end = std::min(limit, e.point + spread(gen));
      OpRecord& r = trace.records[t][e.op];
      r.ran = true;
      if (!e.retry) {
        r.start_ns = start;
        r.end_ns = end;
        r.outcome = OutcomeWith(e.status);
      } else {
        // The executor's retry starts where the try ended.
        r.retry = OutcomeWith(e.status);
        r.retry_end_ns = end;
      }
      previous_end = end;
    }
  }
  if (events_out) *events_out = events;
  // The state the round left, read back.
  trace.end_read = true;
  trace.end_tree = model.Tree(st);
  return trace;
}

GeneratorOptions Small() {
  GeneratorOptions o;
  o.max_threads = 3;
  o.max_ops_per_thread = 2;
  o.max_depth = 2;
  o.max_tree_entries = 4;
  return o;
}

GeneratorOptions Large() {
  GeneratorOptions o;
  o.max_threads = 8;
  o.max_ops_per_thread = 12;
  o.max_depth = 4;
  return o;
}

std::string Describe(const Scenario& s, const RoundTrace& trace) {
  std::string out = PrintScenario(s);
  if (trace.end_read) {
    out += "end:";
    for (const TreeEntry& e : trace.end_tree) {
      absl::StrAppend(&out, " ", e.kind == EntryKind::kDirectory ? "dir " : "file ",
                      e.path);
    }
    out += "\n";
  }
  for (size_t t = 0; t < trace.records.size(); ++t) {
    for (size_t i = 0; i < trace.records[t].size(); ++i) {
      const OpRecord& r = trace.records[t][i];
      if (!r.ran) continue;
      absl::StrAppend(&out, t + 1, ".", i + 1, " ", r.start_ns, " ", r.end_ns,
                      " ", OutcomeName(r.outcome));
      if (r.retry) {
        absl::StrAppend(&out, " retry ", OutcomeName(*r.retry), " ",
                        r.retry_end_ns);
      }
      out += "\n";
    }
  }
  return out;
}

TEST(LinearizeProperty, HistoriesTheModelMadeAreExplained) {
  int checked = 0;
  for (const GeneratorOptions& options : {GeneratorOptions{}, Large()}) {
    for (uint64_t seed = 0; seed < 300; ++seed) {
      std::mt19937_64 gen(seed);
      const Scenario s = Generate(gen, options);
      ASSERT_TRUE(ValidateScenario(s).ok());
      SCOPED_TRACE(seed);
      Oracle oracle(s, Semantics::kPosix);
      // Several rounds: the later ones may be explained by a kept order.
      for (int round = 0; round < 4; ++round) {
        const absl::optional<RoundTrace> trace = Simulate(s, gen);
        if (!trace) break;
        std::vector<Finding> findings;
        oracle.Judge(*trace, &findings);
        ASSERT_TRUE(findings.empty())
            << findings[0].signature.ToString() << " at thread "
            << findings[0].thread + 1 << " op " << findings[0].op + 1
            << " in\n" << Describe(s, *trace);
        ++checked;
      }
      EXPECT_EQ(oracle.stats().unjudged[static_cast<int>(Unjudged::kSearchBound)],
                0u)
          << PrintScenario(s);
    }
  }
  EXPECT_GT(checked, 1000);
}

// Calls to which no order can give EINVAL.
bool NeverInvalid(const Op& op) {
  switch (op.kind) {
    case OpKind::kStat:
    case OpKind::kMkdir:
      return true;
    case OpKind::kDelete:
      return !(op.flags.options & options::kDirectoryFile);
    case OpKind::kOpen:
      return !(op.flags.options & options::kDirectoryFile);
    default:
      return false;
  }
}

TEST(LinearizeProperty, AnInvalidParameterNoOrderAllowsIsFound) {
  int checked = 0;
  for (const GeneratorOptions& options : {GeneratorOptions{}, Large()}) {
    for (uint64_t seed = 0; seed < 300; ++seed) {
      std::mt19937_64 gen(seed);
      const Scenario s = Generate(gen, options);
      absl::optional<RoundTrace> trace = Simulate(s, gen);
      if (!trace) continue;
      std::vector<std::pair<size_t, size_t>> eligible;
      for (size_t t = 0; t < trace->records.size(); ++t) {
        for (size_t i = 0; i < trace->records[t].size(); ++i) {
          if (trace->records[t][i].ran && NeverInvalid(s.threads[t].ops[i])) {
            eligible.push_back({t, i});
          }
        }
      }
      if (eligible.empty()) continue;
      const auto [t, i] = eligible[gen() % eligible.size()];
      trace->records[t][i].outcome = OutcomeWith(StatusClass::kInvalidParameter);
      Oracle oracle(s, Semantics::kPosix);
      std::vector<Finding> findings;
      oracle.Judge(*trace, &findings);
      ASSERT_EQ(findings.size(), 1u)
          << "flipped thread " << t + 1 << " op " << i + 1 << " in\n"
          << Describe(s, *trace);
      EXPECT_EQ(findings[0].thread, t);
      EXPECT_EQ(findings[0].op, i);
      EXPECT_EQ(findings[0].signature.outcome.status,
                StatusClass::kInvalidParameter);
      ++checked;
    }
  }
  EXPECT_GT(checked, 400);
}

// The naive check: every permutation of the calls.
bool LinearizableByEveryOrder(const Scenario& s, const RoundTrace& trace) {
  const FsModel model(s);
  struct Call {
    size_t thread, op;
    bool retry;
    int64_t start, end;
    StatusClass status;
  };
  std::vector<Call> calls;
  for (size_t t = 0; t < trace.records.size(); ++t) {
    for (size_t i = 0; i < trace.records[t].size(); ++i) {
      const OpRecord& r = trace.records[t][i];
      if (!r.ran || !IsCall(s.threads[t].ops[i].kind)) continue;
      calls.push_back({t, i, false, r.start_ns, r.end_ns, r.outcome.status});
      if (r.retry) {
        calls.push_back({t, i, true, r.end_ns, r.retry_end_ns, r.retry->status});
      }
    }
  }
  std::vector<size_t> order(calls.size());
  for (size_t k = 0; k < order.size(); ++k) order[k] = k;
  do {
    bool ok = true;
    for (size_t a = 0; a < order.size() && ok; ++a) {
      for (size_t b = a + 1; b < order.size() && ok; ++b) {
        const Call& x = calls[order[a]];
        const Call& y = calls[order[b]];
        // y placed after x, but y ended before x began; or program order.
        if (y.end < x.start) ok = false;
        if (x.thread == y.thread && order[b] < order[a]) ok = false;
      }
    }
    FsState st = model.initial();
    for (size_t k = 0; k < order.size() && ok; ++k) {
      const Call& c = calls[order[k]];
      const Prediction p = model.Predict(st, model.op(c.thread, c.op),
                                         NewId(s, c.thread, c.op, c.retry));
      const bool exact = p.unknown == Unjudged::kNone ||
                         (p.exact_if_status && p.status == c.status);
      if (!exact) ADD_FAILURE() << "an unpredictable call in a small history";
      if (p.status != c.status) ok = false;
      if (ok && c.status == StatusClass::kOk) FsModel::Apply(p.effect, &st);
    }
    if (ok && trace.end_read && model.Tree(st) != trace.end_tree) ok = false;
    if (ok) return true;
  } while (std::next_permutation(order.begin(), order.end()));
  return false;
}

TEST(LinearizeProperty, AgreesWithEveryOrderTriedOneByOne) {
  const StatusClass kStatuses[] = {
      StatusClass::kOk,           StatusClass::kNotFound,
      StatusClass::kExists,       StatusClass::kNotADirectory,
      StatusClass::kIsADirectory, StatusClass::kNotEmpty};
  int found = 0, clean = 0;
  for (uint64_t seed = 0; seed < 4000; ++seed) {
    std::mt19937_64 gen(seed);
    const Scenario s = Generate(gen, Small());
    absl::optional<RoundTrace> trace = Simulate(s, gen);
    if (!trace) continue;
    std::vector<OpRecord*> ran;
    size_t calls = 0;
    for (auto& thread : trace->records) {
      for (OpRecord& r : thread) {
        if (!r.ran) continue;
        ran.push_back(&r);
        calls += r.retry ? 2 : 1;
      }
    }
    if (ran.empty() || calls > 8) continue;
    // Flip one outcome (a try or a retry) to a random status.
    OpRecord& r = *ran[gen() % ran.size()];
    const StatusClass flipped = kStatuses[gen() % std::size(kStatuses)];
    if (r.retry && gen() % 2) {
      r.retry = OutcomeWith(flipped);
    } else {
      r.outcome = OutcomeWith(flipped);
    }
    const bool linearizable = LinearizableByEveryOrder(s, *trace);
    Oracle oracle(s, Semantics::kPosix);
    std::vector<Finding> findings;
    oracle.Judge(*trace, &findings);
    ASSERT_EQ(findings.empty(), linearizable) << Describe(s, *trace);
    (linearizable ? clean : found)++;
  }
  // Both directions were exercised.
  EXPECT_GT(found, 300);
  EXPECT_GT(clean, 300);
}

// Changes the end state where some call acted: drops an entry a call made
// (one with nothing under it), or puts back an entry of the tree a call
// removed or moved (under a parent that is still there). False when there
// is no such entry.
bool ChangeEndState(const Scenario& s, std::mt19937_64& gen, RoundTrace* trace) {
  std::vector<TreeEntry>& end = trace->end_tree;
  auto present = [&](const std::string& path) {
    return std::any_of(end.begin(), end.end(),
                       [&](const TreeEntry& e) { return e.path == path; });
  };
  auto parent_of = [](const std::string& path) {
    const size_t slash = path.rfind('/');
    return slash == std::string::npos ? std::string() : path.substr(0, slash);
  };
  std::vector<size_t> made;
  for (size_t k = 0; k < end.size(); ++k) {
    const bool in_tree = std::any_of(
        s.tree.begin(), s.tree.end(),
        [&](const TreeEntry& e) { return e.path == end[k].path; });
    const bool leaf = std::none_of(end.begin(), end.end(), [&](const TreeEntry& e) {
      return absl::StartsWith(e.path, end[k].path + "/");
    });
    if (!in_tree && leaf) made.push_back(k);
  }
  std::vector<TreeEntry> removed;
  for (const TreeEntry& e : s.tree) {
    const std::string parent = parent_of(e.path);
    if (!present(e.path) && (parent.empty() || present(parent))) {
      removed.push_back(e);
    }
  }
  if (made.empty() && removed.empty()) return false;
  const size_t pick = gen() % (made.size() + removed.size());
  if (pick < made.size()) {
    end.erase(end.begin() + made[pick]);
  } else {
    end.push_back(removed[pick - made.size()]);
    std::sort(end.begin(), end.end(), [](const TreeEntry& a, const TreeEntry& b) {
      return a.path < b.path;
    });
  }
  return true;
}

TEST(LinearizeProperty, EndStatesAgreeWithEveryOrderTriedOneByOne) {
  // Every outcome as the model gave it; in half of the histories the state
  // left is changed, in the other half it is the model's own.
  int found = 0, clean = 0;
  for (uint64_t seed = 0; seed < 4000; ++seed) {
    std::mt19937_64 gen(seed);
    const Scenario s = Generate(gen, Small());
    absl::optional<RoundTrace> trace = Simulate(s, gen);
    if (!trace) continue;
    size_t calls = 0;
    for (auto& thread : trace->records) {
      for (OpRecord& r : thread) calls += r.ran ? (r.retry ? 2 : 1) : 0;
    }
    if (calls > 8 || (gen() % 2 && !ChangeEndState(s, gen, &*trace))) continue;
    const bool linearizable = LinearizableByEveryOrder(s, *trace);
    Oracle oracle(s, Semantics::kPosix);
    std::vector<Finding> findings;
    oracle.Judge(*trace, &findings);
    const JudgeStats& stats = oracle.stats();
    const bool judged_clean =
        findings.empty() &&
        stats.unjudged[static_cast<int>(Unjudged::kNoSmallExplanation)] == 0;
    ASSERT_EQ(judged_clean, linearizable) << Describe(s, *trace);
    if (!findings.empty()) {
      EXPECT_EQ(findings[0].signature.verdict, Verdict::kLost)
          << findings[0].signature.ToString() << " in\n" << Describe(s, *trace);
    }
    (linearizable ? clean : found)++;
  }
  EXPECT_GT(found, 300);
  EXPECT_GT(clean, 300);
}

}  // namespace
}  // namespace openrace
