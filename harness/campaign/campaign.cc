// campaign.cc — see campaign.h.

#include "harness/campaign/campaign.h"

#include <algorithm>
#include <cstdio>
#include <random>
#include <set>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "harness/run/backend.h"
#include "harness/repro/bisect.h"
#include "harness/report/emit_c.h"
#include "harness/base/file_util.h"
#include "harness/store/finding_store.h"
#include "harness/repro/minimizer.h"
#include "harness/base/platform.h"
#include "harness/base/provenance.h"
#include "harness/run/sandbox.h"
#include "harness/scenario/scenario_text.h"
#include "harness/report/timeline.h"
#include "harness/judge/trial.h"
#include "harness/scenario/validate.h"

namespace openrace {
namespace {

// The campaign's schedule of rounds (Campaign::RunScheduled).
constexpr uint64_t kProbeRounds = 20;
constexpr double kMaxBoost = 4;

ExecutorOptions ExecutorFor(const CampaignOptions& options) {
  ExecutorOptions executor;
  executor.watchdog = options.watchdog;
  executor.retry_failures = true;
  executor.cpus = options.cpus;
  return executor;
}

class Campaign {
 public:
  Campaign(const CampaignOptions& options, const Backend& backend,
           Sandbox& sandbox, FindingStore& store)
      : options_(options), backend_(backend), sandbox_(sandbox),
        store_(store),
        prober_(backend, sandbox, SemanticsOf(backend), ExecutorFor(options)),
        start_(Now()),
        start_cpu_ns_(ProcessCpuNanos()),
        tallied_cpu_ns_(start_cpu_ns_),
        deadline_(options.time > absl::ZeroDuration()
                      ? start_ + options.time
                      : absl::InfiniteFuture()) {
    SetTrialDeadline(deadline_);
  }

  absl::StatusOr<CampaignResult> Run() {
    Report("fuzzing", /*force=*/true);
    if (Sharded()) {
      absl::Status status = store_.ResetOwnOccurrences(options_.own_occurrences);
      if (status.ok()) status = FinishUnfinished();
      if (!status.ok()) return status;
    }
    const uint64_t step = std::max<uint64_t>(options_.shards, 1);
    for (uint64_t index = options_.first_index; !Done(index); index += step) {
      absl::Status status = RunOneScenario(index);
      if (!status.ok()) return status;
      Report("fuzzing", /*force=*/false);
    }
    // The counts of now in the documents of the findings this run saw
    // again or gave variants.
    for (const std::string& name : touched_) {
      absl::optional<Signature> signature = ParseSignature(name);
      if (!signature) continue;
      absl::Status status = store_.RefreshDocuments(*signature);
      if (!status.ok()) return status;
    }
    result_.elapsed = Now() - start_;
    result_.cpu_ns = static_cast<uint64_t>(std::max<int64_t>(0, ProcessCpuNanos() - start_cpu_ns_));
    result_.interrupted = InterruptRequested();
    result_.occurrences = store_.occurrences();
    result_.variants = store_.variant_of();
    Report("done", /*force=*/true);
    return result_;
  }

 private:
  bool Done(uint64_t index) const {
    if (InterruptRequested()) return true;
    if (options_.scenarios && index >= options_.scenarios) return true;
    if (options_.stop_after_new &&
        result_.new_signatures.size() >= options_.stop_after_new) {
      return true;
    }
    return Now() >= deadline_;
  }

  absl::Time Now() const {
    return options_.clock ? options_.clock() : absl::Now();
  }

  // Trials stop at `deadline` on the real clock; an injected clock keeps
  // the budget alone.
  void SetTrialDeadline(absl::Time deadline) {
    if (!options_.clock) prober_.set_deadline(deadline);
  }

  Provenance MakeProvenance(absl::optional<uint64_t> index) const {
    Provenance p;
    p.version = OpenraceVersion();
    p.command = CommandLineText();
    p.seed = options_.seed;
    p.scenario_index = index;
    const EmulatorInfo emulator = DetectEmulator();
    p.emulator = emulator.loaded;
    p.emulator_settings = emulator.settings;
    return p;
  }

  bool Sharded() const { return !options_.writer.empty(); }

  // Findings a dead worker claimed and did not finish: minimized now, by
  // this worker, once. One whose minimization crashed its worker
  // kMaxMinimizerCrashes times (the supervisor counts them,
  // finding_store.h) is given up on; one whose worker was only stopped
  // (its supervisor killed, an interrupt) is resumed.
  absl::Status FinishUnfinished() {
    for (const std::string& name : store_.Unfinished()) {
      if (InterruptRequested()) break;
      absl::optional<Signature> signature = ParseSignature(name);
      if (!signature) continue;
      absl::StatusOr<FindingStore::Claim> claim = store_.TryClaim(*signature);
      if (!claim.ok()) return claim.status();
      if (*claim == FindingStore::Claim::kTaken) continue;
      const std::string dir = store_.DirectoryOf(*signature);
      const uint64_t crashes = store_.MinimizerCrashes(*signature);
      if (crashes >= kMaxMinimizerCrashes) {
        Log(absl::StrCat("giving up on minimizing ", name, ": its "
                         "minimization crashed ", crashes, " workers"));
        absl::Status status = store_.MarkDone(
            *signature, absl::StrCat("given up: its minimization crashed ",
                                     crashes, " workers"));
        if (!status.ok()) return status;
        continue;
      }
      absl::StatusOr<FindingSummary> summary = LoadFound(*signature, dir);
      if (!summary.ok()) {
        Log(absl::StrCat("cannot take over ", name, ": ",
                         summary.status().message()));
        absl::Status status =
            store_.MarkDone(*signature, "given up: found.scn unreadable");
        if (!status.ok()) return status;
        continue;
      }
      Log(absl::StrCat("taking over ", name, ", left unminimized by a worker "
                       "that ended"));
      absl::Status status = MinimizeAndExplain(*summary);
      if (!status.ok()) return status;
      // Stopped halfway: the claim stays, and the next supervisor releases
      // it for a worker to resume.
      if (InterruptRequested()) break;
      status = store_.MarkDone(*signature, "minimized after a takeover");
      if (!status.ok()) return status;
    }
    return absl::OkStatus();
  }

  // found.scn as AddNew wrote it: its header names the failing call.
  absl::StatusOr<FindingSummary> LoadFound(const Signature& signature,
                                           const std::string& dir) {
    absl::StatusOr<std::string> text = ReadFile(dir + "/found.scn");
    if (!text.ok()) return text.status();
    absl::StatusOr<Scenario> scenario = ParseScenario(*text);
    if (!scenario.ok()) return scenario.status();
    FindingSummary summary;
    summary.signature = signature;
    summary.found = *std::move(scenario);
    const FindingHeader header = ParseFindingHeader(*text, summary.found);
    if (!header.failing) {
      return absl::DataLossError("found.scn does not name its failing call");
    }
    summary.found_thread = header.failing->thread;
    summary.found_op = header.failing->op;
    summary.occurrences = store_.Occurrences(signature);
    summary.backend = std::string(backend_.name());
    summary.environment = DescribeSystem(sandbox_.root());
    // The provenance of the worker that found it, when it wrote one.
    absl::StatusOr<FindingSummary> on_disk = ReadFindingDirectory(dir);
    summary.provenance = on_disk.ok() && !on_disk->provenance.version.empty()
                             ? on_disk->provenance
                             : MakeProvenance(absl::nullopt);
    return summary;
  }

  absl::Status RunOneScenario(uint64_t index) {
    if (options_.scenario_started) options_.scenario_started(index);
    Scenario scenario = CampaignScenario(options_.generator, options_.seed, index);
    absl::Status valid = ValidateScenario(scenario);
    if (!valid.ok()) {  // a generator bug: say so, never run it
      return absl::InternalError(absl::StrCat(
          "generated scenario ", index, " is invalid: ", valid.message()));
    }
    absl::StatusOr<TrialResult> trial = RunScheduled(scenario);
    if (!trial.ok()) return trial.status();
    ++result_.scenarios;
    result_.rounds += trial->rounds;
    result_.calls += trial->calls;
    result_.contended += trial->contended;
    result_.call_cpu_ns += trial->call_cpu_ns;
    result_.judge.Merge(trial->judge);
    // One finding per signature per scenario.
    std::vector<Signature> seen;
    for (const Finding& finding : trial->first) {
      bool dup = false;
      for (const Signature& s : seen) dup |= s == finding.signature;
      if (dup) continue;
      seen.push_back(finding.signature);
      absl::Status status = HandleFinding(scenario, index, finding);
      if (!status.ok()) return status;
    }
    if (options_.scenario_finished) {
      ScenarioTally tally;
      tally.rounds = trial->rounds;
      tally.calls = trial->calls;
      tally.contended = trial->contended;
      tally.call_cpu_ns = trial->call_cpu_ns;
      const int64_t cpu = ProcessCpuNanos();
      tally.cpu_ns = static_cast<uint64_t>(std::max<int64_t>(0, cpu - tallied_cpu_ns_));
      tallied_cpu_ns_ = cpu;
      tally.outcomes = &trial->outcomes;
      tally.own_occurrences = &store_.own_occurrences();
      options_.scenario_finished(index, tally);
    }
    return absl::OkStatus();
  }

  // A scenario's rounds, given by how well its calls overlap: a probe of
  // kProbeRounds rounds, then, until the first round with a finding, as
  // many more as make its share scenario.rounds x (calls that contended per
  // round, contention.h), at most kMaxBoost x scenario.rounds. A scenario
  // whose calls never met another thread's stops after the probe; one
  // whose every round holds several contending calls runs longest.
  absl::StatusOr<TrialResult> RunScheduled(const Scenario& scenario) {
    const uint64_t probe = std::min<uint64_t>(scenario.rounds, kProbeRounds);
    absl::StatusOr<TrialResult> trial =
        prober_.Run(scenario, absl::nullopt, probe, 1);
    if (!trial.ok() || trial->failures > 0 || trial->rounds == 0) return trial;
    const double per_round =
        static_cast<double>(trial->contended) / static_cast<double>(trial->rounds);
    const uint64_t share = static_cast<uint64_t>(
        static_cast<double>(scenario.rounds) * std::min(kMaxBoost, per_round));
    if (share <= trial->rounds || InterruptRequested()) return trial;
    absl::StatusOr<TrialResult> rest =
        prober_.Run(scenario, absl::nullopt, share - trial->rounds, 1);
    if (!rest.ok()) return rest.status();
    rest->rounds += trial->rounds;
    rest->calls += trial->calls;
    rest->contended += trial->contended;
    rest->call_cpu_ns += trial->call_cpu_ns;
    rest->outcomes.Merge(trial->outcomes);
    return rest;
  }

  absl::Status HandleFinding(const Scenario& scenario, uint64_t index,
                             const Finding& finding) {
    ++result_.finding_events;
    if (Sharded() && !store_.Known(finding.signature)) store_.Rescan();
    if (store_.Known(finding.signature)) {
      Touch(finding.signature);
      return store_.CountOccurrence(finding.signature);
    }
    // Another signature of a bug already found: a variant of its finding.
    if (absl::optional<Signature> of = store_.FindingFor(finding.signature)) {
      FindingStore::Variant variant;
      variant.signature = finding.signature;
      variant.found = scenario;
      variant.failing = OpRef{finding.thread, finding.op};
      variant.scenario_index = index;
      absl::Status status = store_.AddVariant(*of, variant);
      if (!status.ok()) return status;
      Touch(finding.signature);
      result_.new_variants.push_back(finding.signature.ToString());
      Log(absl::StrCat("variant ", finding.signature.ToString(), " of ",
                       of->ToString(), " (the same op, status and native "
                       "code) in scenario ", index, ", round ", finding.round,
                       ": ", store_.DirectoryOf(*of), "/variant-",
                       finding.signature.ToString(), ".scn"));
      return absl::OkStatus();
    }
    if (Sharded()) {
      // Of several workers that see a new signature at once, the one whose
      // claim lands minimizes it; the others count it.
      absl::StatusOr<FindingStore::Claim> claim =
          store_.TryClaim(finding.signature);
      if (!claim.ok()) return claim.status();
      if (*claim == FindingStore::Claim::kTaken) {
        return store_.CountOccurrence(finding.signature);
      }
    }
    FindingSummary summary;
    summary.signature = finding.signature;
    summary.found = scenario;
    summary.found_thread = finding.thread;
    summary.found_op = finding.op;
    summary.backend = std::string(backend_.name());
    summary.environment = DescribeSystem(sandbox_.root());
    summary.provenance = MakeProvenance(index);
    const std::string dir = store_.DirectoryOf(finding.signature);
    absl::Status status = store_.AddNew(summary);
    if (!status.ok()) return status;
    result_.new_signatures.push_back(finding.signature.ToString());
    Log(absl::StrCat("new finding ", finding.signature.ToString(),
                     " in scenario ", index, " (seed ", options_.seed,
                     "), round ", finding.round, ": ", dir, "/found.scn"));
    status = MinimizeAndExplain(summary);
    if (!status.ok() || !Sharded()) return status;
    // Stopped halfway: not done; the next supervisor resumes it.
    if (InterruptRequested()) return absl::OkStatus();
    return store_.MarkDone(finding.signature, options_.minimize
                                                  ? "minimized"
                                                  : "not minimized (--no-minimize)");
  }

  absl::Status MinimizeAndExplain(FindingSummary& summary) {
    if (!options_.minimize) return absl::OkStatus();
    const std::string dir = store_.DirectoryOf(summary.signature);
    const std::string name = summary.signature.ToString();
    const FindingBudget budget =
        BudgetForFinding(Now(), deadline_, options_.minimize_time);
    Report(absl::StrCat("minimizing ", name), true);
    MinimizeOptions minimize;
    minimize.deadline = budget.minimize_until;
    minimize.budget = options_.minimize_time;
    minimize.clock = options_.clock;
    minimize.log = [this, name](const std::string& line) {
      Log("  " + line);
      Report(absl::StrCat("minimizing ", name), false);
    };
    SetTrialDeadline(budget.minimize_until);
    absl::StatusOr<MinimizeResult> minimized =
        Minimize(summary.found, summary.signature, prober_, minimize);
    SetTrialDeadline(deadline_);
    // An interrupt cut the minimization short: what it has proves nothing,
    // and found.scn stays as it is (a resumed campaign minimizes it again).
    if (InterruptRequested()) return absl::OkStatus();
    if (IsEnvironmentError(minimized.status())) return minimized.status();
    if (!minimized.ok()) {
      // A finding too rare to measure again stays as found; say so.
      Log(absl::StrCat("  not minimized: ", minimized.status().message()));
      return absl::OkStatus();
    }
    summary.RecordMinimized(*minimized);
    absl::Status status = store_.Update(summary);
    if (!status.ok()) return status;
    if (!minimized->unusable.empty()) {
      // Written as far as it got; nothing more can be judged here.
      return EnvironmentError(absl::StrCat(
          "the file system under test became unusable while minimizing ",
          name, ": ", minimized->unusable, "; ", dir,
          "/minimized.scn is the best scenario so far (partial)"));
    }
    if (!minimized->one_minimal) {
      Log(absl::StrCat("  partial: ", dir, "/minimized.scn is the best "
                       "scenario so far (see its report)"));
    }
    SetTrialDeadline(std::min(budget.explain_until, deadline_));
    status = Explain(summary, *minimized, budget.explain_until);
    SetTrialDeadline(deadline_);
    if (!status.ok()) return status;
    Log(absl::StrCat("  report: ", dir, "/report.md"));
    return absl::OkStatus();
  }

  // What a maintainer needs beside the minimized scenario: the failing
  // round drawn, the C reproducer, and the table of what triggers it and
  // what does not. Each is written as soon as it is ready; one that cannot
  // be made is logged and left out, never fatal.
  absl::Status Explain(FindingSummary& summary, const MinimizeResult& minimized,
                       absl::Time until) {
    const Scenario& min = *summary.minimized;
    const std::string name = summary.signature.ToString();
    Report(absl::StrCat("bisecting ", name), true);
    CurrentDirectoryProber main(prober_, sandbox_.root());
    // The failing round the minimizer's last measurement kept, else one
    // found again.
    absl::StatusOr<FirstFailure> first = absl::NotFoundError("");
    if (minimized.failing_round && minimized.failing) {
      FirstFailure kept;
      kept.where = *minimized.failing;
      kept.trace = *minimized.failing_round;
      first = std::move(kept);
    } else {
      first = FindFirstFailure(min, summary.signature, main,
                               std::max<uint64_t>(20 * min.rounds, 1000));
    }
    if (IsEnvironmentError(first.status())) return first.status();
    if (!first.ok()) {
      Log(absl::StrCat("  no failing round to draw or bisect: ",
                       first.status().message()));
      return absl::OkStatus();
    }
    const OpRef failing{first->where.thread, first->where.op};
    summary.failing_call = PrintOp(min.threads[failing.thread].ops[failing.op]);
    summary.timeline_svg =
        TimelineSvg(min, first->trace, failing, summary.signature.ToString());
    summary.timeline_ascii = TimelineAscii(min, first->trace, failing);
    summary.failing_round = first->trace;
    summary.failing_op = failing;

    absl::StatusOr<EmitLanguage> language = ParseEmitLanguage(
        backend_.name() == "posix" ? "c-posix" : absl::StrCat("c-", backend_.name()));
    EmitOptions emit;
    emit.title = absl::StrCat(
        OpKindName(summary.signature.op),
        summary.signature.verdict == Verdict::kLost
            ? " succeeds but its effect is lost"
        : summary.signature.outcome.ok()
            ? " succeeds where no order allows it"
            : absl::StrCat(" fails with ", OutcomeName(summary.signature.outcome)));
    emit.signature = summary.signature.ToString();
    emit.focus = failing;
    // A success is wrong only against the other calls and the state left.
    emit.check_orders = summary.signature.outcome.ok();
    absl::StatusOr<std::string> c =
        language.ok() ? EmitC(min, *language, emit) : language.status();
    if (c.ok()) {
      summary.repro_c = *std::move(c);
      summary.repro_c_name = "repro.c";
    } else {
      Log(absl::StrCat("  no C reproducer: ", c.status().message()));
    }
    absl::Status status = store_.Update(summary);
    if (!status.ok()) return status;

    // The control directory's sandbox becomes the current directory while
    // it lives; each prober sets its own before every trial.
    std::unique_ptr<Sandbox> control_sandbox;
    if (!options_.control_dir.empty()) {
      absl::StatusOr<std::unique_ptr<Sandbox>> made =
          Sandbox::Create(options_.control_dir);
      if (!made.ok()) return made.status();
      control_sandbox = *std::move(made);
    }
    absl::optional<RealProber> control_real;
    absl::optional<CurrentDirectoryProber> control;
    if (control_sandbox) {
      control_real.emplace(backend_, *control_sandbox, SemanticsOf(backend_),
                           ExecutorFor(options_));
      control.emplace(*control_real, control_sandbox->root());
    }
    BisectOptions bisect;
    bisect.backend = std::string(backend_.name());
    bisect.log = [this](const std::string& line) { Log("  " + line); };
    bisect.row_done = [this, name](const BisectRow&) {
      Report(absl::StrCat("bisecting ", name), false);
    };
    bisect.deadline = until;
    bisect.clock = options_.clock;
    // The report's rate is the "as found" row: one measurement.
    if (summary.rounds > 0 && summary.failures > 0) {
      bisect.as_found = BisectRow{"as found", summary.failures, summary.rounds};
    }
    absl::StatusOr<std::vector<BisectRow>> rows =
        Bisect(min, first->where, summary.signature, main,
               control ? &*control : nullptr, bisect);
    if (IsEnvironmentError(rows.status())) return rows.status();
    if (control_sandbox) {
      control.reset();
      control_real.reset();
      absl::Status removed = control_sandbox->Remove();
      if (!removed.ok()) {
        return absl::FailedPreconditionError(absl::StrCat(
            "cannot remove the control directory's sandbox: ",
            removed.message()));
      }
    }
    if (!rows.ok()) {
      Log(absl::StrCat("  not bisected: ", rows.status().message()));
      return absl::OkStatus();
    }
    summary.bisect = *std::move(rows);
    Log("  what it is and is not:");
    for (const BisectRow& row : summary.bisect) {
      Log(absl::StrCat("    ", row.variation, ": ", row.failures, "/",
                       row.rounds));
    }
    return store_.Update(summary);
  }

  void Log(const std::string& line) {
    if (options_.log) options_.log(line);
  }

  void Touch(const Signature& signature) {
    auto finding = store_.variant_of().find(signature.ToString());
    touched_.insert(finding == store_.variant_of().end()
                        ? signature.ToString()
                        : finding->second);
  }

  void Report(const std::string& activity, bool force) {
    if (!options_.progress) return;
    const absl::Time now = Now();
    if (!force && now - last_report_ < absl::Milliseconds(500)) return;
    last_report_ = now;
    CampaignProgress p;
    p.elapsed = now - start_;
    p.scenarios = result_.scenarios;
    p.calls = result_.calls;
    p.findings = store_.occurrences().size();
    p.activity = activity;
    options_.progress(p);
  }

  const CampaignOptions& options_;
  const Backend& backend_;
  Sandbox& sandbox_;
  FindingStore& store_;
  RealProber prober_;
  const absl::Time start_;
  const int64_t start_cpu_ns_;  // ProcessCpuNanos at the start
  int64_t tallied_cpu_ns_;      // ... when the last scenario finished
  const absl::Time deadline_;  // InfiniteFuture: no time limit
  absl::Time last_report_ = absl::InfinitePast();
  CampaignResult result_;
  std::set<std::string> touched_;  // findings whose counts changed
};

}  // namespace

uint64_t SweepLeftSandboxes(const std::string& dir,
                            const std::function<void(const std::string&)>& log) {
  if (dir.empty()) return 0;
  absl::StatusOr<SweepResult> swept = SweepStaleSandboxes(dir);
  if (!swept.ok()) return 0;  // Sandbox::Create says what is wrong with dir
  if (log && swept->removed > 0) {
    log(absl::StrCat("removed ", swept->removed, " sandbox",
                     swept->removed == 1 ? "" : "es",
                     " left by killed runs in ", dir));
  }
  if (log) {
    for (const std::string& failure : swept->failures) {
      log(absl::StrCat("could not remove a sandbox left by a killed run: ",
                       failure));
    }
  }
  return swept->removed;
}

FindingBudget BudgetForFinding(absl::Time now, absl::Time deadline,
                               absl::Duration minimize_time) {
  if (deadline == absl::InfiniteFuture()) {
    return {now + minimize_time, absl::InfiniteFuture()};
  }
  const absl::Duration left = std::max(deadline - now, absl::ZeroDuration());
  return {now + std::min(minimize_time, left * kMinimizeShare),
          now + left * kExplainShare};
}

uint64_t ScenarioSeed(uint64_t seed, uint64_t index) {
  // splitmix64 of the pair: neighbouring indices give unrelated streams.
  uint64_t z = seed * 0x9E3779B97F4A7C15ull + index + 1;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

GeneratorOptions GeneratorFor(const GeneratorOptions& options,
                              absl::string_view backend) {
  // Windows: CreateFileW takes no directory handle, so the win32 backend
  // draws no handle anchors; each backend also spells its own verbatim
  // prefix (`\\?\` for win32, `\??\` for nt).
  GeneratorOptions adapted = options;
  std::vector<Anchor>& anchors = adapted.anchors;
  if (backend == "win32") {
    anchors.erase(std::remove(anchors.begin(), anchors.end(), Anchor::kHandle),
                  anchors.end());
    anchors.push_back(Anchor::kWin32Device);
  } else if (backend == "nt") {
    anchors.push_back(Anchor::kNtObject);
  }
  return adapted;
}

Scenario CampaignScenario(const GeneratorOptions& adapted, uint64_t seed,
                          uint64_t index) {
  std::mt19937_64 gen(ScenarioSeed(seed, index));
  return Generate(gen, adapted);
}

absl::StatusOr<CampaignResult> RunCampaign(const CampaignOptions& options) {
  absl::StatusOr<std::unique_ptr<Backend>> backend = MakeBackend(
      options.backend.empty() ? DefaultBackendName() : options.backend);
  if (!backend.ok()) return backend.status();
  absl::StatusOr<FindingStore> store = FindingStore::Open(options.out);
  if (!store.ok()) return store.status();
  if (!options.writer.empty()) store->SetWriter(options.writer);
  SweepLeftSandboxes(options.dir, options.log);
  if (options.control_dir != options.dir) {
    SweepLeftSandboxes(options.control_dir, options.log);
  }
  absl::StatusOr<std::unique_ptr<Sandbox>> sandbox =
      Sandbox::Create(options.dir);
  if (!sandbox.ok()) return sandbox.status();
  CampaignOptions adapted = options;
  adapted.generator = GeneratorFor(options.generator, (*backend)->name());
  absl::StatusOr<CampaignResult> result =
      Campaign(adapted, **backend, **sandbox, *store).Run();
  // A sandbox the file system will not let go of (rclone 1.60.1 answers
  // rmdir with EIO once its view and its backing directory disagree) is
  // the file system's doing, seen after the run: the run, its findings and
  // its summary stand, and the result says where the remains are. (It was
  // exit 2, which lost summary.json and made the soak report the stack as
  // not set up.)
  absl::Status removed = (*sandbox)->Remove();
  if (result.ok() && !removed.ok()) {
    result->sandbox_left = std::string(removed.message());
    if (options.log) {
      options.log(absl::StrCat(
          "the file system would not remove the sandbox: ", removed.message(),
          "; left where it is"));
    }
  }
  return result;
}

}  // namespace openrace
