// command_line.cc — the table of commands and of each one's flags
// (command_line.h).

#include "harness/cli/command_line.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <memory>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "harness/base/json.h"
#include "harness/base/provenance.h"
#include "harness/cli/flags.h"
#include "harness/store/corpus_entry.h"


namespace openrace {
namespace {

using Positional = std::vector<std::string>;
// Called after the flags are parsed: checks the positional arguments and
// returns the command, whose fields the flags were bound to.
using Finish =
    std::function<absl::StatusOr<Invocation>(const Positional&, const FlagSet&)>;

struct CommandDef {
  const char* name;
  const char* summary;      // one line for `openrace help`
  const char* usage;        // after "openrace "
  const char* description;  // a paragraph for `openrace help NAME`
  const char* example;      // command lines, one a line
  bool hidden;              // campaign-worker: started by campaign only
  Finish (*declare)(FlagSet& flags);  // its flags, and how it is built
};

absl::Status Usage(absl::string_view command, absl::string_view message) {
  return absl::InvalidArgumentError(
      absl::StrCat("openrace ", command, ": ", message));
}

// --- the flags several commands share ----------------------------------------

void DirFlag(FlagSet& f, std::string* dir) {
  f.String("dir", dir, "DIR",
           "directory on the file system under test; openrace makes its "
           "sandbox inside it and removes it at the end");
}

void BackendFlag(FlagSet& f, std::string* backend) {
  f.Choice("backend", backend, {"posix", "nt", "win32"},
           "the file API the calls go through")
      .Default("posix on Linux, win32 on Windows");
}

void WatchdogFlag(FlagSet& f, absl::Duration* watchdog) {
  f.Duration("watchdog", watchdog, "report a call blocked this long as a hang",
             {kMinWatchdog, absl::InfiniteDuration(),
              "a shorter one reports slow calls as hangs"});
}

void JsonFlag(FlagSet& f, bool* json, const char* what) {
  f.Bool("json", json, absl::StrCat("print ", what, " as JSON on stdout"));
}

DurationBounds Positive(std::string why = "") {
  return {absl::Nanoseconds(1), absl::InfiniteDuration(), std::move(why)};
}

// run, campaign and campaign-worker: the campaign and its generator.
void CampaignFlags(FlagSet& f, CampaignOptions& c) {
  DirFlag(f, &c.dir);
  f.String("out", &c.out, "DIR",
           "where findings go: OUT/<signature>/, and OUT/summary.json");
  f.String("control-dir", &c.control_dir, "DIR",
           "a directory on another volume; each finding runs there too, as "
           "the bisection's control row");
  BackendFlag(f, &c.backend);
  f.Duration("time", &c.time, "stop after this long (e.g. 30s, 10m, 8h)",
             Positive("leave --time out for the default"))
      .Default("1m, or none when --scenarios is given");
  f.Uint("scenarios", &c.scenarios, "N", "stop after this many scenarios")
      .Default("no limit");
  f.Uint("seed", &c.seed, "N",
         "the campaign's seed: the same seed gives the same scenarios");
  f.Uint("rounds", &c.generator.rounds, "N",
         "rounds per generated scenario: after a 20-round probe a scenario "
         "gets from none to 4 times N, by how many of its calls meet "
         "another thread's", 1);
  f.Bool("minimize", &c.minimize, "minimize every new finding");
  f.Duration("minimize-time", &c.minimize_time,
             "time budget for minimizing one finding", Positive());
  WatchdogFlag(f, &c.watchdog);
  f.Int("max-threads", &c.generator.max_threads, "N",
        absl::StrCat("most threads in a generated scenario (2 to ",
                     kMaxThreads, ")"),
        2, static_cast<int>(kMaxThreads));
  f.Int("max-ops", &c.generator.max_ops_per_thread, "N",
        absl::StrCat("most calls per generated thread (1 to ",
                     kMaxGeneratedOps, ")"),
        1, kMaxGeneratedOps);
  f.Int("max-depth", &c.generator.max_depth, "N",
        absl::StrCat("most directory levels in a generated tree (0 to ",
                     kMaxGeneratedDepth, ")"),
        0, kMaxGeneratedDepth);
  f.Bool("mutations", &c.generator.mutations,
         "generate creates, mkdirs, deletes and renames");
}

// No --time and no --scenarios: a minute.
void DefaultBudget(CampaignOptions& c, const FlagSet& flags) {
  if (!flags.IsSet("time") && c.scenarios == 0) c.time = absl::Minutes(1);
}

absl::Status NoPositional(const FlagSet& flags, const Positional& args) {
  if (args.empty()) return absl::OkStatus();
  return Usage(flags.command(), absl::StrCat("takes no arguments (got '",
                                             args[0], "')"));
}

// --- one declaration per command ----------------------------------------------

Finish DeclareRun(FlagSet& f) {
  auto run = std::make_shared<RunCommand>();
  CampaignFlags(f, run->campaign);
  f.Uint("stop-after", &run->stop_after, "N",
         "stop after this many new findings (0: never; --demo: 1)");
  f.String("bind", &run->bind, "SRC:DST",
           "run through a bind mapping of SRC on DST (--dir defaults to DST), "
           "removed at the end; Linux: a bind mount in a private mount "
           "namespace, needs root; Windows: a bind-filter mapping");
  f.Bool("demo", &run->demo,
         "a short campaign with the planted-bug emulator loaded (Linux), "
         "which finds, minimizes and reports the seed bug");
  JsonFlag(f, &run->json, "the summary");
  return [run](const Positional& args, const FlagSet& flags)
             -> absl::StatusOr<Invocation> {
    if (absl::Status s = NoPositional(flags, args); !s.ok()) return s;
    DefaultBudget(run->campaign, flags);
    return Invocation(*run);
  };
}

void CampaignJobs(FlagSet& f, uint64_t* jobs, uint64_t min) {
  f.Uint("jobs", jobs, "N",
         absl::StrCat("worker processes, each a shard of one campaign (",
                      min, " to ", kMaxJobs, min == 0 ? "; 0: one per CPU)" : ")"),
         min, kMaxJobs);
}

void PinCpusFlag(FlagSet& f, bool* pin_cpus) {
  f.Bool("pin-cpus", pin_cpus,
         "each worker keeps to its own share of the CPUs (worker K of N on "
         "C CPUs: C/N of them; CPU K mod C when N > C). On 2 CPUs and tmpfs "
         "two pinned workers made 1.9x the calls of one worker and 1.4x the "
         "calls that met another thread's; unpinned, 1.1x and 0.8x "
         "(ci/bench_throughput.sh). --no-pin-cpus for nodes shared with "
         "other work")
      .Default("true");
}

Finish DeclareCampaign(FlagSet& f) {
  auto campaign = std::make_shared<CampaignCommand>();
  campaign->jobs = 0;
  CampaignFlags(f, campaign->campaign);
  CampaignJobs(f, &campaign->jobs, 0);
  f.Size("worker-rss-limit", &campaign->worker_rss_limit,
         "a worker resident above this (e.g. 512M, 2G) is killed, its "
         "scenario recorded in OUT/crashes/, and it is restarted")
      .Default("2G");
  PinCpusFlag(f, &campaign->pin_cpus);
  f.Duration("worker-timeout", &campaign->worker_timeout,
             "a worker that shows no progress for this long is killed and "
             "restarted (more than twice --watchdog)",
             Positive());
  JsonFlag(f, &campaign->json, "the summary");
  return [campaign](const Positional& args, const FlagSet& flags)
             -> absl::StatusOr<Invocation> {
    if (absl::Status s = NoPositional(flags, args); !s.ok()) return s;
    DefaultBudget(campaign->campaign, flags);
    if (campaign->jobs == 0) {
      campaign->jobs = std::clamp<uint64_t>(std::thread::hardware_concurrency(),
                                            1, kMaxJobs);
    }
    return Invocation(*campaign);
  };
}

Finish DeclareCampaignWorker(FlagSet& f) {
  auto worker = std::make_shared<CampaignWorkerCommand>();
  CampaignFlags(f, worker->campaign);
  CampaignJobs(f, &worker->jobs, 1);
  f.Uint("shard", &worker->shard, "K", "the shard this worker runs");
  PinCpusFlag(f, &worker->pin_cpus);
  return [worker](const Positional& args, const FlagSet& flags)
             -> absl::StatusOr<Invocation> {
    if (absl::Status s = NoPositional(flags, args); !s.ok()) return s;
    if (worker->shard >= worker->jobs) {
      return Usage(flags.command(), absl::StrCat("--shard ", worker->shard,
                                                 " is not below --jobs ",
                                                 worker->jobs));
    }
    DefaultBudget(worker->campaign, flags);
    return Invocation(*worker);
  };
}

Finish DeclareReplay(FlagSet& f) {
  auto replay = std::make_shared<ReplayCommand>();
  DirFlag(f, &replay->dir);
  BackendFlag(f, &replay->backend);
  f.Uint("rounds", &replay->rounds, "N", "rounds per scenario")
      .Default("the scenario's own");
  WatchdogFlag(f, &replay->watchdog);
  JsonFlag(f, &replay->json, "the outcomes and findings");
  f.Bool("check", &replay->check,
         "check each file's `# expect:` lines; exit 1 on a mismatch");
  f.String("emulator", &replay->emulator, "LIB",
           "--check: the planted-bug emulator library, for `# expect: "
           "finding ... under emulator rule R`")
      .Default("OPENRACE_EMULATOR_LIB, or libopenrace_emulator.so beside "
               "openrace or in its lib/");
  f.String("junit", &replay->junit, "FILE",
           "write a JUnit XML report: a test case per scenario file");
  f.String("sarif", &replay->sarif, "FILE",
           "write a SARIF 2.1.0 report: a result per failure, at its line");
  return [replay](const Positional& args, const FlagSet& flags)
             -> absl::StatusOr<Invocation> {
    if (args.empty()) {
      return Usage(flags.command(), "needs at least one scenario FILE");
    }
    replay->files = args;
    return Invocation(*replay);
  };
}

Finish DeclareMinimize(FlagSet& f) {
  auto minimize = std::make_shared<MinimizeCommand>();
  DirFlag(f, &minimize->dir);
  BackendFlag(f, &minimize->backend);
  f.String("out", &minimize->out, "FILE", "the minimized scenario file")
      .Default("minimized.scn beside FILE");
  f.String("signature", &minimize->signature, "S",
           "the signature to keep, like open-invalid_parameter-EINVAL-"
           "transient-cwd")
      .Default("the first finding FILE shows");
  f.Duration("time", &minimize->time, "the time budget", Positive());
  f.Uint("rounds", &minimize->search_rounds, "N",
         "rounds to look for the first finding")
      .Default("the scenario's own");
  return [minimize](const Positional& args, const FlagSet& flags)
             -> absl::StatusOr<Invocation> {
    if (args.size() != 1) {
      return Usage(flags.command(), "needs exactly one scenario FILE");
    }
    minimize->file = args[0];
    return Invocation(*minimize);
  };
}

Finish DeclareBisect(FlagSet& f) {
  auto bisect = std::make_shared<BisectCommand>();
  DirFlag(f, &bisect->dir);
  f.String("control-dir", &bisect->control_dir, "DIR",
           "a directory on another volume, for the control row")
      .Default("no control row");
  BackendFlag(f, &bisect->backend);
  f.String("signature", &bisect->signature, "S", "the signature to keep")
      .Default("the first finding FILE shows");
  f.Uint("rounds", &bisect->rounds, "N", "rounds per variation")
      .Default("enough to see a quarter of the as-found rate");
  WatchdogFlag(f, &bisect->watchdog);
  JsonFlag(f, &bisect->json, "the table");
  return [bisect](const Positional& args, const FlagSet& flags)
             -> absl::StatusOr<Invocation> {
    if (args.size() != 1) {
      return Usage(flags.command(), "needs exactly one scenario FILE");
    }
    bisect->file = args[0];
    return Invocation(*bisect);
  };
}

Finish DeclareEmit(FlagSet& f) {
  auto emit = std::make_shared<EmitCommand>();
  f.Choice("lang", &emit->lang, {"c-posix", "c-win32", "c-nt"},
           "the C flavour: POSIX calls, CreateFileW, or NtCreateFile");
  f.String("out", &emit->out, "FILE", "the C file").Default("stdout");
  return [emit](const Positional& args, const FlagSet& flags)
             -> absl::StatusOr<Invocation> {
    if (args.size() != 1) {
      return Usage(flags.command(), "needs exactly one scenario FILE");
    }
    emit->file = args[0];
    return Invocation(*emit);
  };
}

Finish DeclareReport(FlagSet&) {
  return [](const Positional& args, const FlagSet& flags)
             -> absl::StatusOr<Invocation> {
    if (args.size() != 1) {
      return Usage(flags.command(),
                   "needs exactly one FINDING_DIR (OUT/<signature>)");
    }
    return Invocation(ReportCommand{args[0]});
  };
}

Finish DeclareDoctor(FlagSet& f) {
  auto doctor = std::make_shared<DoctorCommand>();
  DirFlag(f, &doctor->dir);
  JsonFlag(f, &doctor->json, "the findings");
  return [doctor](const Positional& args, const FlagSet& flags)
             -> absl::StatusOr<Invocation> {
    if (absl::Status s = NoPositional(flags, args); !s.ok()) return s;
    return Invocation(*doctor);
  };
}

Finish DeclareBind(FlagSet& f) {
  auto bind = std::make_shared<BindCommand>();
  f.Duration("time", &bind->time, "how long to keep the mapping",
             Positive("leave --time out to keep it until Ctrl-C"))
      .Default("until Ctrl-C");
  return [bind](const Positional& args, const FlagSet& flags)
             -> absl::StatusOr<Invocation> {
    if (args.size() != 2) {
      return Usage(flags.command(),
                   "needs exactly two directories: SRC (the real one) and "
                   "DST (where it should show)");
    }
    bind->source = args[0];
    bind->target = args[1];
    return Invocation(*bind);
  };
}

Finish DeclareMerge(FlagSet& f) {
  auto merge = std::make_shared<MergeCommand>();
  f.String("out", &merge->out, "MERGED",
           "the directory the merged findings go to (required)");
  JsonFlag(f, &merge->json, "MERGED/summary.json");
  return [merge](const Positional& args, const FlagSet& flags)
             -> absl::StatusOr<Invocation> {
    if (args.empty()) {
      return Usage(flags.command(),
                   "needs at least one campaign output OUT and --out MERGED");
    }
    if (merge->out.empty()) {
      return Usage(flags.command(),
                   "needs --out MERGED, a directory for the merged findings");
    }
    merge->inputs = args;
    return Invocation(*merge);
  };
}

Finish DeclareDashboard(FlagSet& f) {
  auto dashboard = std::make_shared<DashboardCommand>();
  f.String("out", &dashboard->out, "SITE",
           "the directory the HTML site goes to (required)");
  return [dashboard](const Positional& args, const FlagSet& flags)
             -> absl::StatusOr<Invocation> {
    if (args.empty()) {
      return Usage(flags.command(),
                   "needs at least one campaign output OUT and --out SITE");
    }
    if (dashboard->out.empty()) {
      return Usage(flags.command(),
                   "needs --out SITE, a directory for the HTML site");
    }
    dashboard->outputs = args;
    return Invocation(*dashboard);
  };
}

Finish DeclareCorpus(FlagSet& f) {
  auto add = std::make_shared<CorpusAddCommand>();
  f.String("corpus", &add->corpus_dir, "DIR",
           "the corpus directory the scenario file goes to");
  f.String("name", &add->name, "NAME", "the file name, without .scn")
      .Default("from the signature");
  f.String("emulator-rule", &add->emulator_rule, "RULE",
           absl::StrCat("the finding was planted by this emulator rule (",
                        EmulatorRuleList(), ")"))
      .Default("none: a real bug, whose scenario must replay clean");
  return [add](const Positional& args, const FlagSet& flags)
             -> absl::StatusOr<Invocation> {
    if (args.size() != 2 || args[0] != "add") {
      return Usage(flags.command(),
                   "usage: openrace corpus add FINDING_DIR [--corpus DIR] "
                   "[--name NAME] [--emulator-rule RULE]");
    }
    add->finding_dir = args[1];
    return Invocation(*add);
  };
}

// --- the table -------------------------------------------------------------------

const std::vector<CommandDef>& Commands() {
  static const auto* commands = new std::vector<CommandDef>{
      {"run", "generate and run scenarios until the budget is spent",
       "run --dir DIR [flags]",
       "Generates scenarios and runs each one many rounds until --time or "
       "--scenarios is spent. Every new finding is written to "
       "OUT/<signature>/ at once, then minimized, drawn, emitted as C and "
       "bisected (with --control-dir on another volume as the control). A "
       "live progress line on a terminal; a summary at the end and in "
       "OUT/summary.json.",
       "openrace run --dir /mnt/volume-under-test --time 10m --out findings\n"
       "openrace run --demo",
       false, &DeclareRun},
      {"campaign", "`run` for hours, in worker processes a supervisor restarts",
       "campaign --dir DIR [flags]",
       "One campaign in --jobs worker processes under a supervisor that "
       "restarts a worker that crashes, hangs or grows too big, minimizes "
       "each new signature once across workers, keeps OUT/summary.json "
       "current, and resumes from OUT when run again with the same --seed "
       "and --jobs.",
       "openrace campaign --dir /mnt/volume-under-test --out findings --jobs 4 "
       "--time 8h",
       false, &DeclareCampaign},
      {"campaign-worker", "one shard of a campaign (started by campaign)",
       "campaign-worker --shard K --jobs N --dir DIR [flags]",
       "One shard of `openrace campaign`, started by its supervisor.", "",
       true, &DeclareCampaignWorker},
      {"replay", "run scenario files as written and count the outcomes",
       "replay FILE... --dir DIR [flags]",
       "Runs scenario files as written and prints, per operation, the count "
       "of each outcome, and the findings.",
       "openrace replay findings/<signature>/found.scn --dir "
       "/mnt/volume-under-test --rounds 100000",
       false, &DeclareReplay},
      {"minimize", "shrink a failing scenario, keeping its failure",
       "minimize FILE --dir DIR [flags]",
       "Shrinks a failing scenario to minimized.scn (and stats.json) beside "
       "it, keeping the signature it fails with.",
       "openrace minimize findings/<signature>/found.scn --dir "
       "/mnt/volume-under-test --time 10m",
       false, &DeclareMinimize},
      {"bisect", "the failure rate as found and under variations",
       "bisect FILE --dir DIR [flags]",
       "Measures the failure rate as found and under variations (absolute "
       "path, directory handle or cwd anchor, a control directory on "
       "another volume, one thread, no held handle, each flag reset), as a "
       "\"what it is and is not\" table.",
       "openrace bisect findings/<signature>/minimized.scn --dir "
       "/mnt/volume-under-test --control-dir /tmp/control",
       false, &DeclareBisect},
      {"emit", "the scenario as a standalone C reproducer",
       "emit FILE [flags]",
       "Writes the scenario as a standalone C program; a found.scn or "
       "minimized.scn gives its signature and failing call.",
       "openrace emit findings/<signature>/minimized.scn --lang c-posix --out "
       "repro.c",
       false, &DeclareEmit},
      {"report", "rebuild a finding's report.md without running anything",
       "report FINDING_DIR",
       "Rebuilds report.md (and timeline.svg, bisect.svg) from the files of a "
       "finding directory; a directory that lacks pieces gets a report of the "
       "rest that names what is missing.",
       "openrace report findings/<signature>", false, &DeclareReport},
      {"doctor", "the OS, the file system of DIR and whether it can be used",
       "doctor [--dir DIR] [flags]",
       "Prints the OS, kernel, the file system and mount options of DIR, "
       "openat2, the CPU count, and whether DIR can hold a sandbox (exit 2 "
       "when it cannot).",
       "openrace doctor --dir /mnt/volume-under-test", false, &DeclareDoctor},
      {"merge", "merge campaign outputs by signature",
       "merge OUT... --out MERGED [flags]",
       "Merges campaign outputs (several nights, the shards of a Kubernetes "
       "Indexed Job) by signature into MERGED: the most complete copy of "
       "each finding, occurrences and summary.json totals summed; "
       "idempotent.",
       "openrace merge night-1 night-2 --out merged", false, &DeclareMerge},
      {"dashboard", "a static HTML site of the findings of campaign outputs",
       "dashboard OUT... --out SITE",
       "Writes a static HTML site (no server, no script) over campaign and "
       "merged outputs: a table of findings, a page per finding (its report, "
       "timeline, bisection chart, reproducer and scenarios) and a page per "
       "output with its progress over time.",
       "openrace dashboard night-1 merged --out site", false,
       &DeclareDashboard},
      {"corpus", "add a finding's scenario to the corpus",
       "corpus add FINDING_DIR [flags]",
       "Copies the finding's minimized scenario (found.scn if never "
       "minimized), validated, into CORPUS/<name>.scn with its provenance "
       "and what a replay expects; never overwrites.",
       "openrace corpus add findings/<signature> --name held_relative_open",
       false, &DeclareCorpus},
      {"bind", "keep a bind mapping of SRC on DST until Ctrl-C (Windows)",
       "bind SRC DST [flags]",
       "Windows: makes a global bind-filter mapping of SRC on DST, prints "
       "it, keeps it until Ctrl-C (or the end of --time), then removes it. "
       "On Linux it exits 2 and names `mount --bind` and `run --bind` "
       "instead.",
       "openrace bind C:\\real D:\\mapped --time 1h", false, &DeclareBind},
  };
  return *commands;
}

const CommandDef* FindCommand(absl::string_view name) {
  for (const CommandDef& def : Commands()) {
    if (def.name == name) return &def;
  }
  return nullptr;
}

bool IsHelpFlag(absl::string_view word) {
  return word == "--help" || word == "-help" || word == "-h" ||
         word == "--helpfull" || word == "--helpshort";
}

constexpr char kExitStatus[] =
    "exit status: 0 ran and found nothing (merge, corpus add: done); 1 found\n"
    "(or reproduced) a failure; 2 bad usage, bad input or an unusable\n"
    "environment, with one line that says why; 130 interrupted (Ctrl-C,\n"
    "SIGTERM) before the end.\n";

std::string Overview() {
  std::string out = absl::StrCat(
      "openrace ", OpenraceVersion(),
      " — find file-system bugs that only show under concurrency.\n\n"
      "usage: openrace COMMAND [FLAGS] [ARGS]\n\n"
      "commands:\n");
  for (const CommandDef& def : Commands()) {
    if (def.hidden) continue;
    absl::StrAppend(&out, "  ", def.name,
                    std::string(10 - std::min<size_t>(9, strlen(def.name)), ' '),
                    def.summary, "\n");
  }
  absl::StrAppend(
      &out, "  version   print the version\n",
      "  help      this list; `openrace help COMMAND` (or `openrace COMMAND "
      "--help`)\n            shows the command's flags and an example\n\n",
      "Flags come after the command, as --flag=value or --flag value; a\n"
      "boolean is --flag or --no-flag; dashes and underscores are the same\n"
      "(--control-dir, --control_dir); -- ends the flags. Durations take a\n"
      "unit: 30s, 10m, 1h30m, 250ms.\n\n",
      kExitStatus,
      "\nTry `openrace run --demo` to watch it find, shrink and report a "
      "planted bug.\n");
  return out;
}

std::string CommandHelp(const CommandDef& def) {
  FlagSet flags(def.name);
  def.declare(flags);
  std::string out = absl::StrCat("usage: openrace ", def.usage, "\n\n",
                                 Wrap(def.description, 78, ""));
  if (!flags.flags().empty()) {
    absl::StrAppend(&out, "\nflags:\n", flags.Help());
  }
  if (*def.example) {
    absl::StrAppend(&out, "\nexample:\n");
    for (absl::string_view line : absl::StrSplit(def.example, '\n')) {
      absl::StrAppend(&out, "  ", line, "\n");
    }
  }
  absl::StrAppend(&out, "\n", kExitStatus);
  return out;
}

std::string HelpJson() {
  JsonWriter json;
  json.BeginDocument();
  json.Key("version").String(OpenraceVersion());
  json.Key("commands").BeginArray();
  for (const CommandDef& def : Commands()) {
    if (def.hidden) continue;
    FlagSet flags(def.name);
    def.declare(flags);
    json.BeginObject();
    json.Key("name").String(def.name);
    json.Key("summary").String(def.summary);
    json.Key("usage").String(absl::StrCat("openrace ", def.usage));
    json.Key("example").String(def.example);
    json.Key("flags").BeginArray();
    for (const Flag& flag : flags.flags()) {
      if (flag.hidden) continue;
      json.BeginObject();
      json.Key("name").String(flag.name);
      json.Key("type").String(FlagTypeName(flag.type));
      json.Key("value").String(flag.value_name);
      json.Key("default").String(flag.default_text);
      json.Key("help").String(flag.help);
      json.EndObject();
    }
    json.EndArray();
    json.EndObject();
  }
  json.EndArray();
  json.EndObject();
  return json.Take();
}

std::string CommandNames() {
  std::vector<std::string> names;
  for (const CommandDef& def : Commands()) {
    if (!def.hidden) names.push_back(def.name);
  }
  return absl::StrJoin(names, ", ");
}

absl::Status UnknownCommand(absl::string_view name) {
  std::string nearest;
  int best = 3;
  for (const CommandDef& def : Commands()) {
    const int distance = EditDistance(name, def.name);
    if (!def.hidden && distance < best) {
      best = distance;
      nearest = def.name;
    }
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "openrace: unknown command '", name, "'",
      nearest.empty() ? "" : absl::StrCat("; did you mean ", nearest, "?"),
      " (expected ", CommandNames(), ", help or version)"));
}

CommandLine Text(CommandLine::Kind kind, std::string text) {
  CommandLine line;
  line.kind = kind;
  line.text = std::move(text);
  return line;
}

absl::StatusOr<CommandLine> Help(const std::vector<std::string>& words) {
  // words[0] is "help" (or --help).
  if (words.size() == 1) return Text(CommandLine::kHelp, Overview());
  if (words.size() == 2 && words[1] == "--json") {
    return Text(CommandLine::kHelp, HelpJson());
  }
  if (words.size() == 2) {
    const CommandDef* def = FindCommand(words[1]);
    if (def == nullptr) return UnknownCommand(words[1]);
    return Text(CommandLine::kHelp, CommandHelp(*def));
  }
  return absl::InvalidArgumentError(
      "openrace help: takes one COMMAND or --json (openrace help lists the "
      "commands)");
}

}  // namespace


bool InterruptMeansIncomplete(const std::string& command) {
  return command == "run" || command == "campaign" || command == "replay" ||
         command == "minimize" || command == "bisect";
}

absl::StatusOr<CommandLine> ParseCommandLine(const std::vector<std::string>& words) {
  if (words.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "openrace: which command? ", CommandNames(),
        " (openrace help says what each does)"));
  }
  const std::string& first = words[0];
  if (first == "help" || IsHelpFlag(first)) return Help(words);
  if (first == "version" || first == "--version") {
    if (words.size() > 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("openrace ", first, ": takes no arguments"));
    }
    return Text(CommandLine::kVersion,
                absl::StrCat("openrace ", OpenraceVersion(), "\n"));
  }
  if (first.size() > 1 && first[0] == '-') {
    return absl::InvalidArgumentError(absl::StrCat(
        "openrace: the command comes first: openrace COMMAND [FLAGS] (got ", first,
        "; openrace help lists the commands)"));
  }
  const CommandDef* def = FindCommand(first);
  if (def == nullptr) return UnknownCommand(first);
  const std::vector<std::string> rest(words.begin() + 1, words.end());
  for (const std::string& word : rest) {
    if (word == "--") break;
    if (IsHelpFlag(word)) return Text(CommandLine::kHelp, CommandHelp(*def));
    if (word == "--version") {
      return Text(CommandLine::kVersion,
                  absl::StrCat("openrace ", OpenraceVersion(), "\n"));
    }
  }
  FlagSet flags(def->name);
  const Finish finish = def->declare(flags);
  std::vector<std::string> positional;
  if (absl::Status status = flags.Parse(rest, &positional); !status.ok()) {
    return status;
  }
  absl::StatusOr<Invocation> invocation = finish(positional, flags);
  if (!invocation.ok()) return invocation.status();
  CommandLine line;
  line.kind = CommandLine::kRun;
  line.command = def->name;
  line.invocation = *std::move(invocation);
  return line;
}

}  // namespace openrace
