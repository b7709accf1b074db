// props_util.cc — see props_util.h.

#include "props/props_util.h"

#include <stdlib.h>
#include <string.h>

#include <filesystem>
#include <system_error>

#include "absl/strings/str_join.h"
#include "harness/scenario/validate.h"

namespace openrace::props {
namespace {

// Removes the temporary parent at exit, when this process made it.
struct TempParent {
  std::string path;
  ~TempParent() {
    if (path.empty()) return;
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};

}  // namespace

const std::string& PropsDir() {
  static TempParent temp;
  static const std::string dir = [] {
    if (const char* d = getenv("OPENRACE_PROPS_DIR"); d != nullptr && *d) {
      return std::string(d);
    }
    std::string pattern =
        (std::filesystem::temp_directory_path() / "openrace-props-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      std::cerr << "openrace_props: mkdtemp " << pattern << ": " << strerror(errno)
                << "\n";
      abort();
    }
    temp.path = pattern;
    return pattern;
  }();
  return dir;
}

bool ExpectBug() {
  const char* v = getenv("OPENRACE_PROPS_EXPECT_BUG");
  return v != nullptr && strcmp(v, "1") == 0;
}

ResolvedPaths Resolve(const Scenario& scenario) {
  ResolvedPaths r;
  for (const SharedHandle& h : scenario.shared) {
    absl::StatusOr<std::vector<std::string>> t = ResolvePath(h.path, r.handles);
    r.handles.push_back({h.name, t.ok() ? *t : std::vector<std::string>{}});
  }
  r.targets.resize(scenario.threads.size());
  for (size_t t = 0; t < scenario.threads.size(); ++t) {
    for (const Op& op : scenario.threads[t].ops) {
      std::string target;
      if (op.kind != OpKind::kClose && op.kind != OpKind::kBarrier) {
        absl::StatusOr<std::vector<std::string>> c = ResolvePath(op.path, r.handles);
        if (c.ok()) {
          target = absl::StrJoin(*c, "/");
          if (op.kind == OpKind::kOpen && !op.result.empty()) {
            r.handles.push_back({op.result, *c});
          }
        }
      }
      r.targets[t].push_back(target);
    }
  }
  return r;
}

void ExpectCounterexample(const rc::detail::TestMetadata& metadata,
                          const rc::detail::TestResult& result,
                          int want_threads) {
  std::ostringstream message;
  rc::detail::printResultMessage(result, message);
  if (!result.template is<rc::detail::FailureResult>()) {
    ADD_FAILURE() << "expected the planted bug to falsify this property, but "
                     "RapidCheck found no counterexample:\n"
                  << message.str();
    return;
  }
  const auto& failure = result.template get<rc::detail::FailureResult>();
  rc::detail::Configuration reproduce;
  reproduce.reproduce[metadata.id] = failure.reproduce;
  std::cout << "expected counterexample found (the planted bug):\n"
            << message.str() << "\nreproduce with: RC_PARAMS=\""
            << rc::detail::configToMinimalString(reproduce) << "\"\n";
  const Scenario* found = nullptr;
  absl::StatusOr<Scenario> parsed;
  for (const auto& [type, value] : failure.counterExample) {
    parsed = ParseScenario(value);
    if (parsed.ok()) {
      found = &*parsed;
      break;
    }
  }
  ASSERT_NE(found, nullptr) << "no scenario in the counterexample:\n"
                            << message.str();
  // The threads that take part: the scenario's own, or one fewer of them
  // and the main thread, which holds the shared handles for the whole run.
  const size_t threads = found->threads.size();
  const bool small = threads == static_cast<size_t>(want_threads) ||
                     (threads + 1 == static_cast<size_t>(want_threads) &&
                      !found->shared.empty());
  EXPECT_TRUE(small) << "the counterexample did not shrink to " << want_threads
                     << " threads (the main thread counts when it holds a "
                        "shared handle):\n"
                     << PrintScenario(*found);
}

}  // namespace openrace::props
