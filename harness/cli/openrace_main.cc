// openrace_main.cc — the `openrace` command: flags, usage, dispatch.
//
// Flags are Abseil flags. Names may be written with dashes or underscores
// (`--control-dir` and `--control_dir` are the same flag); `--no-minimize`
// is the negation of `--minimize`.

#include <algorithm>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "harness/run/backend.h"
#include "harness/campaign/campaign_state.h"
#include "harness/cli/commands.h"
#include "harness/base/platform.h"
#include "harness/base/provenance.h"

ABSL_FLAG(std::string, dir, "",
          "directory on the file system under test; openrace makes its "
          "sandbox inside it and removes it at the end");
ABSL_FLAG(std::string, out, "openrace-out",
          "where findings go: OUT/<signature>/ (run); the minimized scenario "
          "file (minimize; default minimized.scn beside FILE); the C file "
          "(emit; default stdout); the merged output (merge)");
ABSL_FLAG(std::string, backend, "",
          "posix, nt or win32 (default: posix on Linux, win32 on Windows)");
ABSL_FLAG(absl::Duration, time, absl::ZeroDuration(),
          "run: stop after this long (e.g. 30s, 10m; default 1m unless "
          "--scenarios is given); minimize: the time budget (default 5m); "
          "bind: how long to keep the mapping (default: until Ctrl-C)");
ABSL_FLAG(uint64_t, scenarios, 0, "run: stop after this many scenarios");
ABSL_FLAG(uint64_t, seed, 1, "run: the campaign's seed; same seed, same scenarios");
ABSL_FLAG(uint64_t, rounds, 0,
          "replay: rounds per scenario (default: the scenario's own); run: "
          "rounds per generated scenario (default 200); bisect: rounds per "
          "variation (default: enough to see a quarter of the as-found rate)");
ABSL_FLAG(bool, minimize, true,
          "run: minimize every new finding (--no-minimize to skip)");
ABSL_FLAG(absl::Duration, minimize_time, absl::Minutes(5),
          "run: time budget for minimizing one finding");
ABSL_FLAG(absl::Duration, watchdog, absl::Seconds(10),
          "report a call blocked this long as a hang");
ABSL_FLAG(bool, json, false, "print the result as JSON on stdout");
ABSL_FLAG(bool, demo, false,
          "run: a short campaign with the planted-bug emulator loaded "
          "(Linux), which finds, minimizes and reports the seed bug");
ABSL_FLAG(uint64_t, stop_after, 0,
          "run: stop after this many new findings (0: never; --demo: 1)");
ABSL_FLAG(int, max_threads, 4, "run: most threads in a generated scenario");
ABSL_FLAG(int, max_ops, 6, "run: most calls per generated thread");
ABSL_FLAG(int, max_depth, 3, "run: most directory levels in a generated tree");
ABSL_FLAG(bool, mutations, true,
          "run: generate creates, mkdirs, deletes and renames");
ABSL_FLAG(std::string, signature, "",
          "minimize, bisect: the signature to keep (default: the first "
          "finding the scenario shows)");
ABSL_FLAG(std::string, lang, "c-posix", "emit: c-posix, c-win32 or c-nt");
ABSL_FLAG(uint64_t, jobs, 0,
          "campaign: worker processes, each a shard of one campaign (0: one "
          "per CPU)");
ABSL_FLAG(std::string, worker_rss_limit, "2G",
          "campaign: a worker resident above this (e.g. 512M, 2G) is killed, "
          "its scenario recorded in OUT/crashes/, and it is restarted");
ABSL_FLAG(absl::Duration, worker_timeout, absl::Seconds(60),
          "campaign: a worker that shows no progress for this long is killed "
          "and restarted (more than twice --watchdog)");
ABSL_FLAG(std::string, control_dir, "",
          "run, bisect: a directory on another volume; each finding runs "
          "there too, as the bisection's control row");
ABSL_FLAG(std::string, bind, "",
          "run: SRC:DST, run the campaign through a bind mapping of SRC on "
          "DST (--dir defaults to DST), removed at the end; Windows: a "
          "bind-filter mapping (BfSetupFilter); Linux: a bind mount in a "
          "private mount namespace, needs root");
ABSL_FLAG(std::string, corpus, "corpus",
          "corpus add: the corpus directory the scenario file goes to");
ABSL_FLAG(std::string, name, "",
          "corpus add: the file name (default: from the signature)");
ABSL_FLAG(std::string, emulator_rule, "",
          "corpus add: the finding was planted by this emulator rule "
          "(held-relative, mkdir-relative, any-relative); default: a real "
          "bug, whose scenario must replay clean");

namespace {

constexpr char kUsage[] = R"(openrace — find file-system bugs that only show under concurrency.

usage:
  openrace run      --dir DIR [--control-dir DIR] [--time D | --scenarios N]
                    [--seed N] [--out DIR]
                    [--backend posix|nt|win32] [--no-minimize] [--demo]
                    [--bind SRC:DST]
  openrace campaign --dir DIR [--out DIR] [--jobs N] [--time D | --scenarios N]
                    [--seed N] [--control-dir DIR] [--backend B]
                    [--worker-rss-limit SIZE] [--worker-timeout D] [--json]
  openrace replay   FILE... --dir DIR [--rounds N] [--json]
  openrace minimize FILE --dir DIR [--time D] [--out FILE] [--signature S]
  openrace bisect   FILE --dir DIR [--control-dir DIR] [--signature S]
                    [--rounds N] [--json]
  openrace emit     FILE --lang c-posix|c-win32|c-nt [--out FILE]
  openrace report   FINDING_DIR
  openrace doctor   [--dir DIR] [--json]
  openrace bind     SRC DST [--time D]   (Windows: a bind-filter mapping,
                    kept until Ctrl-C or the end of --time)
  openrace merge    OUT... --out MERGED [--json]
  openrace corpus add FINDING_DIR [--corpus DIR] [--name NAME]
                    [--emulator-rule RULE]

`campaign` is `run` in --jobs worker processes that a supervisor restarts
when one crashes, hangs or grows too big; it resumes from OUT when run
again. It drives openrace's own generator: scenario i comes from (seed, i)
alone, so a campaign shards over workers and resumes exactly, and it runs
wherever openrace builds (Windows and gcc builds have no libFuzzer) at full
speed (no sanitizer or coverage instrumentation).

exit status: 0 ran and found nothing (merge, corpus add: done); 1 found (or
reproduced) a failure; 2 bad usage, bad input or an unusable environment.

Try `openrace run --demo` to watch it find, shrink and report a planted bug.)";

// "--control-dir=x" -> "--control_dir=x"; "--no-minimize" -> "--nominimize".
std::vector<std::string> NormalizeFlagNames(int argc, char** argv) {
  std::vector<std::string> args;
  for (int i = 0; i < argc; ++i) {
    std::string arg = argv[i];
    if (i > 0 && absl::StartsWith(arg, "--") && arg.size() > 2) {
      const size_t end = std::min(arg.find('='), arg.size());
      for (size_t j = 2; j < end; ++j) {
        if (arg[j] == '-') arg[j] = '_';
      }
      if (absl::StartsWith(arg, "--no_")) arg = "--no" + arg.substr(5);
    }
    args.push_back(std::move(arg));
  }
  return args;
}

// `--help`: the usage and every flag of openrace with its default, on
// stdout. (Abseil's own help exits with status 1, which scripts would read
// as "found a failure".)
void PrintHelp() {
  std::printf("%s\n\nflags (dashes and underscores are the same):\n", kUsage);
  std::vector<std::pair<std::string, const absl::CommandLineFlag*>> flags;
  for (const auto& [name, flag] : absl::GetAllFlags()) {
    if (absl::StrContains(flag->Filename(), "openrace_main")) {
      flags.push_back({std::string(name), flag});
    }
  }
  std::sort(flags.begin(), flags.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [name, flag] : flags) {
    std::printf("  --%s (default: %s)\n      %s\n", name.c_str(),
                flag->DefaultValue().empty() ? "\"\""
                                             : flag->DefaultValue().c_str(),
                flag->Help().c_str());
  }
}

bool WantsHelp(const std::vector<std::string>& args) {
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--") break;
    if (args[i] == "--help" || args[i] == "-help" || args[i] == "-h" ||
        args[i] == "--helpfull" || args[i] == "--helpshort") {
      return true;
    }
  }
  return false;
}

// Every `--name[=value]` names a known flag with a value it accepts.
absl::Status CheckFlags(const std::vector<std::string>& args) {
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") break;
    if (!absl::StartsWith(arg, "-") || arg == "-") continue;
    std::string body = arg.substr(arg[1] == '-' ? 2 : 1);
    const size_t eq = body.find('=');
    const std::string name = body.substr(0, eq);
    // Abseil's own usage flags are not in the flag registry.
    constexpr absl::string_view kUsageFlags[] = {
        "help", "helpfull", "helpshort", "helppackage", "helpon",
        "helpmatch", "version", "only_check_args"};
    if (std::find(std::begin(kUsageFlags), std::end(kUsageFlags), name) !=
        std::end(kUsageFlags)) {
      continue;
    }
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    if (flag == nullptr && absl::StartsWith(name, "no")) {
      absl::CommandLineFlag* positive = absl::FindCommandLineFlag(name.substr(2));
      if (positive != nullptr && positive->IsOfType<bool>() &&
          eq == std::string::npos) {
        continue;
      }
    }
    if (flag == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          "unknown flag --", name, " (openrace --help lists every flag)"));
    }
    std::string value;
    if (eq != std::string::npos) {
      value = body.substr(eq + 1);
    } else if (flag->IsOfType<bool>()) {
      continue;
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("flag --", name, " needs a value"));
    }
    std::string error;
    if (!flag->ParseFrom(value, &error)) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad value '", value, "' for --", name, ": ", error));
    }
  }
  return absl::OkStatus();
}

// The flags `run`, `campaign` and `campaign-worker` share.
openrace::CampaignOptions CampaignOptionsFromFlags() {
  openrace::CampaignOptions c;
  c.dir = absl::GetFlag(FLAGS_dir);
  c.out = absl::GetFlag(FLAGS_out);
  c.backend = absl::GetFlag(FLAGS_backend);
  c.control_dir = absl::GetFlag(FLAGS_control_dir);
  c.time = absl::GetFlag(FLAGS_time);
  c.scenarios = absl::GetFlag(FLAGS_scenarios);
  c.seed = absl::GetFlag(FLAGS_seed);
  c.minimize = absl::GetFlag(FLAGS_minimize);
  c.minimize_time = absl::GetFlag(FLAGS_minimize_time);
  c.watchdog = absl::GetFlag(FLAGS_watchdog);
  c.generator.max_threads = absl::GetFlag(FLAGS_max_threads);
  c.generator.max_ops_per_thread = absl::GetFlag(FLAGS_max_ops);
  c.generator.max_depth = absl::GetFlag(FLAGS_max_depth);
  c.generator.mutations = absl::GetFlag(FLAGS_mutations);
  if (absl::GetFlag(FLAGS_rounds)) {
    c.generator.rounds = absl::GetFlag(FLAGS_rounds);
  }
  if (c.time == absl::ZeroDuration() && c.scenarios == 0) {
    c.time = absl::Minutes(1);
  }
  return c;
}

int Dispatch(const std::vector<char*>& positional) {
  using namespace openrace;
  if (positional.size() < 2) {
    std::fprintf(stderr, "%s\n", kUsage);
    return kExitUsage;
  }
  const std::string command = positional[1];
  std::vector<std::string> files(positional.begin() + 2, positional.end());
  const std::string dir = absl::GetFlag(FLAGS_dir);
  const std::string backend = absl::GetFlag(FLAGS_backend);

  if (command == "run") {
    if (!files.empty()) {
      return UsageError(absl::InvalidArgumentError(
          absl::StrCat("run takes no files (got ", files[0], ")")));
    }
    RunCommand run;
    run.demo = absl::GetFlag(FLAGS_demo);
    run.json = absl::GetFlag(FLAGS_json);
    run.stop_after = absl::GetFlag(FLAGS_stop_after);
    run.bind = absl::GetFlag(FLAGS_bind);
    run.campaign = CampaignOptionsFromFlags();
    return RunRun(std::move(run));
  }
  if (command == "campaign" || command == "campaign-worker") {
    if (!files.empty()) {
      return UsageError(absl::InvalidArgumentError(
          absl::StrCat(command, " takes no files (got ", files[0], ")")));
    }
    uint64_t jobs = absl::GetFlag(FLAGS_jobs);
    if (jobs == 0) jobs = std::max(1u, std::thread::hardware_concurrency());
    if (command == "campaign-worker") {
      return RunCampaignWorker(CampaignOptionsFromFlags(), jobs);
    }
    CampaignCommand campaign;
    campaign.campaign = CampaignOptionsFromFlags();
    campaign.jobs = jobs;
    campaign.json = absl::GetFlag(FLAGS_json);
    campaign.worker_timeout = absl::GetFlag(FLAGS_worker_timeout);
    absl::StatusOr<uint64_t> limit =
        ParseByteSize(absl::GetFlag(FLAGS_worker_rss_limit));
    if (!limit.ok()) {
      return UsageError(absl::InvalidArgumentError(absl::StrCat(
          "--worker-rss-limit: ", limit.status().message())));
    }
    campaign.worker_rss_limit = *limit;
    return RunCampaignCommand(campaign);
  }
  if (command == "replay") {
    if (files.empty()) {
      return UsageError(absl::InvalidArgumentError(
          "replay needs at least one scenario FILE"));
    }
    ReplayCommand replay;
    replay.files = files;
    replay.dir = dir;
    replay.backend = backend;
    replay.rounds = absl::GetFlag(FLAGS_rounds);
    replay.json = absl::GetFlag(FLAGS_json);
    replay.watchdog = absl::GetFlag(FLAGS_watchdog);
    return RunReplay(replay);
  }
  if (command == "minimize") {
    if (files.size() != 1) {
      return UsageError(absl::InvalidArgumentError(
          "minimize needs exactly one scenario FILE"));
    }
    MinimizeCommand minimize;
    minimize.file = files[0];
    minimize.dir = dir;
    minimize.backend = backend;
    minimize.out = absl::GetFlag(FLAGS_out) == "openrace-out"
                       ? ""
                       : absl::GetFlag(FLAGS_out);
    minimize.signature = absl::GetFlag(FLAGS_signature);
    if (absl::GetFlag(FLAGS_time) > absl::ZeroDuration()) {
      minimize.time = absl::GetFlag(FLAGS_time);
    }
    minimize.search_rounds = absl::GetFlag(FLAGS_rounds);
    return RunMinimize(minimize);
  }
  if (command == "bisect") {
    if (files.size() != 1) {
      return UsageError(absl::InvalidArgumentError(
          "bisect needs exactly one scenario FILE"));
    }
    BisectCommand bisect;
    bisect.file = files[0];
    bisect.dir = dir;
    bisect.control_dir = absl::GetFlag(FLAGS_control_dir);
    bisect.backend = backend;
    bisect.signature = absl::GetFlag(FLAGS_signature);
    bisect.rounds = absl::GetFlag(FLAGS_rounds);
    bisect.json = absl::GetFlag(FLAGS_json);
    bisect.watchdog = absl::GetFlag(FLAGS_watchdog);
    return RunBisect(bisect);
  }
  if (command == "emit") {
    if (files.size() != 1) {
      return UsageError(absl::InvalidArgumentError(
          "emit needs exactly one scenario FILE"));
    }
    EmitCommand emit;
    emit.file = files[0];
    emit.lang = absl::GetFlag(FLAGS_lang);
    emit.out = absl::GetFlag(FLAGS_out) == "openrace-out"
                   ? ""
                   : absl::GetFlag(FLAGS_out);
    return RunEmit(emit);
  }
  if (command == "report") {
    if (files.size() != 1) {
      return UsageError(absl::InvalidArgumentError(
          "report needs exactly one FINDING_DIR (OUT/<signature>)"));
    }
    return RunReport(files[0]);
  }
  if (command == "bind") {
    if (files.size() != 2) {
      return UsageError(absl::InvalidArgumentError(
          "bind needs exactly two directories: SRC (the real one) and DST "
          "(where it should show)"));
    }
    return RunBind({files[0], files[1], absl::GetFlag(FLAGS_time)});
  }
  if (command == "doctor") {
    return RunDoctor(dir, absl::GetFlag(FLAGS_json));
  }
  if (command == "merge") {
    if (files.empty()) {
      return UsageError(absl::InvalidArgumentError(
          "merge needs at least one campaign output OUT and --out MERGED"));
    }
    if (absl::GetFlag(FLAGS_out) == "openrace-out") {
      return UsageError(absl::InvalidArgumentError(
          "merge needs --out MERGED, a directory for the merged findings"));
    }
    MergeCommand merge;
    merge.inputs = files;
    merge.out = absl::GetFlag(FLAGS_out);
    merge.json = absl::GetFlag(FLAGS_json);
    return RunMerge(merge);
  }
  if (command == "corpus") {
    if (files.size() != 2 || files[0] != "add") {
      return UsageError(absl::InvalidArgumentError(
          "usage: openrace corpus add FINDING_DIR [--corpus DIR] [--name "
          "NAME] [--emulator-rule RULE]"));
    }
    CorpusAddCommand add;
    add.finding_dir = files[1];
    add.corpus_dir = absl::GetFlag(FLAGS_corpus);
    add.name = absl::GetFlag(FLAGS_name);
    add.emulator_rule = absl::GetFlag(FLAGS_emulator_rule);
    return RunCorpusAdd(add);
  }
  return UsageError(absl::InvalidArgumentError(absl::StrCat(
      "unknown command '", command,
      "'; expected run, campaign, replay, minimize, bisect, emit, report, "
      "doctor, bind, merge or corpus (see --help)")));
}

}  // namespace

int main(int argc, char** argv) {
  openrace::SetCommandLine(argc, argv);  // for the findings' provenance
  absl::FlagsUsageConfig config;
  config.contains_help_flags = [](absl::string_view path) {
    return absl::StrContains(path, "openrace_main");
  };
  config.version_string = [] { return std::string("openrace 0.1.0\n"); };
  absl::SetFlagsUsageConfig(config);
  absl::SetProgramUsageMessage(kUsage);

  std::vector<std::string> normalized = NormalizeFlagNames(argc, argv);
  if (WantsHelp(normalized)) {
    PrintHelp();
    return openrace::kExitClean;
  }
  std::vector<char*> args;
  for (std::string& arg : normalized) args.push_back(arg.data());
  // Abseil exits with status 1 on an unknown flag or a bad value; check
  // them first, so bad usage exits 2 with one line like every other error.
  absl::Status checked = CheckFlags(normalized);
  if (!checked.ok()) return openrace::UsageError(checked);
  std::vector<char*> positional =
      absl::ParseCommandLine(static_cast<int>(args.size()), args.data());
  openrace::InstallInterruptHandler();
  return Dispatch(positional);
}
