// command_run.cc — `openrace run`: a campaign, with a live progress line on
// a terminal, a summary at the end and OUT/summary.json beside the
// findings.

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "harness/base/bind_mapping.h"
#include "harness/cli/commands.h"
#include "harness/cli/demo.h"
#include "harness/base/file_util.h"
#include "harness/base/json.h"
#include "harness/base/platform.h"

namespace openrace {
namespace {

std::string Human(double n) {
  if (n >= 1e6) return absl::StrFormat("%.1fM", n / 1e6);
  if (n >= 1e4) return absl::StrFormat("%.0fk", n / 1e3);
  return absl::StrFormat("%.0f", n);
}

std::string ProgressLine(const CampaignProgress& p) {
  const double seconds = absl::ToDoubleSeconds(p.elapsed);
  return absl::StrFormat(
      "[%5.0fs] scenarios %s | calls %s (%s/s) | findings %d | %s", seconds,
      Human(p.scenarios), Human(p.calls),
      Human(seconds > 0 ? p.calls / seconds : 0), p.findings, p.activity);
}

std::string SummaryJson(const CampaignOptions& options,
                        const CampaignResult& r, const std::string& out) {
  JsonWriter json;
  json.BeginObject();
  json.Key("seed").Number(options.seed);
  json.Key("scenarios").Number(r.scenarios);
  json.Key("rounds").Number(r.rounds);
  json.Key("calls").Number(r.calls);
  json.Key("seconds").Double(absl::ToDoubleSeconds(r.elapsed));
  json.Key("calls_per_second")
      .Double(r.calls / std::max(1e-9, absl::ToDoubleSeconds(r.elapsed)));
  json.Key("interrupted").Bool(r.interrupted);
  json.Key("out").String(out);
  json.Key("new_findings").BeginArray();
  for (const std::string& s : r.new_signatures) json.String(s);
  json.EndArray();
  json.Key("findings").BeginObject();
  for (const auto& [signature, n] : r.occurrences) json.Key(signature).Number(n);
  json.EndObject();
  json.Key("new_variants").BeginArray();
  for (const std::string& s : r.new_variants) json.String(s);
  json.EndArray();
  json.Key("variants").BeginObject();
  for (const auto& [variant, finding] : r.variants) json.Key(variant).String(finding);
  json.EndObject();
  json.EndObject();
  return json.Take();
}

}  // namespace

int RunRun(RunCommand command) {
  CampaignOptions& c = command.campaign;
  if (command.demo && !command.bind.empty()) {
    return UsageError(absl::InvalidArgumentError(
        "--demo and --bind do not go together (the demo's child would run "
        "outside the mapping)"));
  }
  if (command.demo) {
    // Re-runs this command in a child with the emulator loaded.
    return RunDemo(c);
  }
  // The mapping lives until this function returns: through the campaign,
  // an interrupted one too. Made first, before any thread exists.
  std::unique_ptr<BindMapping> mapping;
  if (!command.bind.empty()) {
    absl::StatusOr<BindSpec> spec =
        ParseBindSpec(command.bind, NativeBindPathStyle());
    if (!spec.ok()) return UsageError(spec.status());
    absl::StatusOr<std::unique_ptr<BindMapping>> made =
        BindMapping::Create(*spec);
    if (!made.ok()) return UsageError(made.status());
    mapping = *std::move(made);
    if (c.dir.empty()) c.dir = spec->target;
    std::fprintf(stderr, "openrace: bind: %s\n", mapping->Describe().c_str());
  }
  if (c.dir.empty()) {
    return UsageError(absl::InvalidArgumentError(
        "run needs --dir DIR, a directory on the file system under test "
        "(or try --demo)"));
  }
  if (command.stop_after) c.stop_after_new = command.stop_after;
  const bool tty = StderrIsTerminal();
  absl::Time last_line = absl::Now();
  c.progress = [&](const CampaignProgress& p) {
    if (tty) {
      std::fprintf(stderr, "\r\033[K%s", ProgressLine(p).c_str());
      if (p.activity == "done") std::fputc('\n', stderr);
    } else if (absl::Now() - last_line >= absl::Seconds(10) ||
               p.activity == "done") {
      last_line = absl::Now();
      std::fprintf(stderr, "%s\n", ProgressLine(p).c_str());
    }
    std::fflush(stderr);
  };
  c.log = [&](const std::string& line) {
    if (tty) std::fputs("\r\033[K", stderr);
    std::fprintf(stderr, "%s\n", line.c_str());
  };
  const std::string out = AbsolutePath(c.out);
  absl::StatusOr<CampaignResult> result = RunCampaign(c);
  if (!result.ok()) return UsageError(result.status());

  const std::string summary = SummaryJson(c, *result, out);
  absl::Status written = WriteFileAtomically(out + "/summary.json", summary);
  if (!written.ok()) return UsageError(written);
  if (command.json) {
    std::fputs(summary.c_str(), stdout);
  } else {
    const double seconds = absl::ToDoubleSeconds(result->elapsed);
    std::printf("openrace: %llu scenarios, %llu calls in %.1fs (%s calls/s), "
                "seed %llu%s\n",
                static_cast<unsigned long long>(result->scenarios),
                static_cast<unsigned long long>(result->calls), seconds,
                Human(seconds > 0 ? result->calls / seconds : 0).c_str(),
                static_cast<unsigned long long>(c.seed),
                result->interrupted ? " (interrupted)" : "");
    if (result->occurrences.empty()) {
      std::printf("no findings.\n");
    } else {
      std::printf("findings in %s:\n", out.c_str());
      for (const auto& [signature, n] : result->occurrences) {
        const bool is_new =
            std::find(result->new_signatures.begin(),
                      result->new_signatures.end(),
                      signature) != result->new_signatures.end();
        std::printf("  %s  %s%llu occurrence(s)  %s/%s/report.md\n",
                    signature.c_str(), is_new ? "new, " : "",
                    static_cast<unsigned long long>(n), out.c_str(),
                    signature.c_str());
        for (const auto& [variant, finding] : result->variants) {
          if (finding == signature) {
            std::printf("    variant %s\n", variant.c_str());
          }
        }
      }
    }
  }
  return result->finding_events > 0 ? kExitFound : kExitClean;
}

}  // namespace openrace
