// generators.cc — see generators.h.

#include "harness/rapidcheck/generators.h"

#include <algorithm>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "harness/scenario/scenario_text.h"
#include "harness/scenario/simplify.h"

namespace openrace {

void showValue(const Scenario& scenario, std::ostream& os) {
  // On its own lines, so the counterexample can be pasted into a .scn file.
  os << "\n" << PrintScenario(scenario);
}

void showValue(const Path& path, std::ostream& os) { os << PrintPath(path); }

void showValue(const OpenFlags& flags, std::ostream& os) {
  Op op;
  op.flags = flags;
  op.path.components = {"x"};
  os << PrintOp(op);
}

namespace rapidcheck {
namespace {

// A number in [lo, hi], scaled by RapidCheck's size (0..100): small sizes
// keep it near lo.
int Scaled(rc::Random& random, int size, int lo, int hi) {
  const int top = lo + (hi - lo) * std::clamp(size, 0, 100) / 100;
  return lo + static_cast<int>(random.next() % static_cast<uint64_t>(top - lo + 1));
}

}  // namespace

rc::Gen<GeneratorOptions> GenGeneratorOptions(ScenarioShape shape) {
  return rc::gen::noShrink(rc::Gen<GeneratorOptions>(
      [shape](const rc::Random& seed, int size) {
        rc::Random random = seed;
        GeneratorOptions options;
        options.max_threads = Scaled(random, size, 2, std::max(2, shape.max_threads));
        options.max_ops_per_thread =
            Scaled(random, size, 1, std::max(1, shape.max_ops_per_thread));
        options.max_depth = Scaled(random, size, 1, 3);
        options.max_tree_entries = Scaled(random, size, 2, 10);
        options.rounds = shape.rounds;
        options.mutations = shape.mutations && random.next() % 2 == 0;
        options.detours = random.next() % 2 == 0;
        options.spellings = random.next() % 2 == 0;
        const uint64_t anchors = 1 + random.next() % 7;  // a non-empty subset
        options.anchors.clear();
        if (anchors & 1) options.anchors.push_back(Anchor::kCwd);
        if (anchors & 2) options.anchors.push_back(Anchor::kHandle);
        if (anchors & 4) options.anchors.push_back(Anchor::kAbsolute);
        return rc::shrinkable::just(std::move(options));
      }));
}

rc::Shrinkable<Scenario> ShrinkableScenario(Scenario scenario) {
  return rc::shrinkable::shrinkRecur(std::move(scenario), [](const Scenario& s) {
    // Like the minimizer, skip a candidate that prints like its parent: it
    // changes only what the text form does not show.
    const std::string text = PrintScenario(s);
    std::vector<Scenario> shrinks;
    for (Candidate& c : Simplifications(s)) {
      if (PrintScenario(c.scenario) != text) shrinks.push_back(std::move(c.scenario));
    }
    return rc::seq::fromContainer(std::move(shrinks));
  });
}

rc::Gen<Scenario> GenScenario(ScenarioShape shape) {
  const rc::Gen<GeneratorOptions> knobs = GenGeneratorOptions(shape);
  return rc::Gen<Scenario>([shape, knobs](const rc::Random& seed, int size) {
    rc::Random random = seed;
    GeneratorOptions options = knobs(random.split(), size).value();
    std::mt19937_64 bits(random.next());
    Scenario scenario = Generate(bits, options);
    scenario.rounds = shape.rounds;
    return ShrinkableScenario(std::move(scenario));
  });
}

rc::Gen<Scenario> GenOneThread(ScenarioShape shape) {
  return rc::gen::map(GenScenario(shape), [](Scenario s) {
    s.threads.resize(1);
    std::vector<Op>& ops = s.threads[0].ops;
    ops.erase(std::remove_if(ops.begin(), ops.end(),
                             [](const Op& op) { return op.kind == OpKind::kBarrier; }),
              ops.end());
    return s;
  });
}

rc::Gen<ThreadProgram> GenThreadProgram(ScenarioShape shape) {
  return rc::gen::map(GenOneThread(shape),
                      [](const Scenario& s) { return s.threads[0]; });
}

rc::Gen<Path> GenPath() {
  // Names the scenario generator also uses, so paths meet the tree.
  const rc::Gen<std::string> component = rc::gen::weightedOneOf<std::string>({
      {6, rc::gen::element<std::string>("src", "a", "b", "foo.h")},
      {2, rc::gen::just<std::string>(".")},
      {3, rc::gen::just<std::string>("..")},
  });
  return rc::gen::build<Path>(
      rc::gen::set(&Path::anchor, rc::gen::element(Anchor::kCwd, Anchor::kAbsolute)),
      rc::gen::set(&Path::components,
                   rc::gen::mapcat(rc::gen::inRange<size_t>(1, 7), [component](size_t n) {
                     return rc::gen::container<std::vector<std::string>>(n, component);
                   })),
      rc::gen::set(&Path::separator,
                   rc::gen::element(SeparatorStyle::kSlash, SeparatorStyle::kBackslash)),
      rc::gen::set(&Path::doubled_separators, rc::gen::arbitrary<bool>()),
      rc::gen::set(&Path::trailing_separator, rc::gen::arbitrary<bool>()));
}

rc::Gen<OpenFlags> GenOpenFlags() {
  // A subset of `bits`, shrinking towards fewer bits.
  auto subset = [](std::vector<uint32_t> bits) {
    return rc::gen::map(
        rc::gen::container<std::vector<bool>>(bits.size(), rc::gen::arbitrary<bool>()),
        [bits](const std::vector<bool>& on) {
          uint32_t value = 0;
          for (size_t i = 0; i < bits.size(); ++i) {
            if (on[i]) value |= bits[i];
          }
          return value;
        });
  };
  return rc::gen::build<OpenFlags>(
      rc::gen::set(&OpenFlags::access,
                   subset({access::kGenericRead, access::kGenericWrite, access::kDelete,
                           access::kReadAttributes, access::kSynchronize})),
      rc::gen::set(&OpenFlags::share,
                   subset({share::kRead, share::kWrite, share::kDelete})),
      rc::gen::set(&OpenFlags::disposition,
                   rc::gen::element(Disposition::kOpen, Disposition::kSupersede,
                                    Disposition::kCreate, Disposition::kOpenIf,
                                    Disposition::kOverwrite, Disposition::kOverwriteIf)),
      rc::gen::set(&OpenFlags::options,
                   subset({options::kDirectoryFile, options::kNonDirectoryFile,
                           options::kOpenForBackupIntent, options::kOpenReparsePoint})),
      rc::gen::set(&OpenFlags::attributes,
                   subset({attributes::kNormal, attributes::kReadonly,
                           attributes::kHidden})));
}

}  // namespace rapidcheck
}  // namespace openrace
