// progress.cc — see progress.h.

#include "harness/cli/progress.h"

#include <algorithm>
#include <cstdio>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "harness/base/platform.h"

namespace openrace {

std::string HumanCount(double n) {
  if (n >= 1e6) return absl::StrFormat("%.1fM", n / 1e6);
  if (n >= 1e4) return absl::StrFormat("%.0fk", n / 1e3);
  return absl::StrFormat("%.0f", n);
}

std::string ProgressLine(const ProgressNumbers& p) {
  return absl::StrFormat(
      "[%5.0fs] scenarios %s | calls %s (%s/s) | findings %d | %s", p.seconds,
      HumanCount(p.scenarios), HumanCount(p.calls),
      HumanCount(p.seconds > 0 ? p.calls / p.seconds : 0), p.findings, p.detail);
}

ProgressPrinter::ProgressPrinter()
    : tty_(StderrIsTerminal()), last_line_(absl::Now()) {}

void ProgressPrinter::Update(const ProgressNumbers& p, bool done) {
  if (tty_) {
    std::fprintf(stderr, "\r\033[K%s", ProgressLine(p).c_str());
    if (done) std::fputc('\n', stderr);
  } else if (done || absl::Now() - last_line_ >= absl::Seconds(10)) {
    last_line_ = absl::Now();
    std::fprintf(stderr, "%s\n", ProgressLine(p).c_str());
  }
  std::fflush(stderr);
}

void ProgressPrinter::Log(const std::string& line) {
  if (tty_) std::fputs("\r\033[K", stderr);
  std::fprintf(stderr, "%s\n", line.c_str());
  std::fflush(stderr);
}

void PrintRunSummary(const RunSummary& s) {
  std::printf("openrace: %llu scenarios, %llu calls in %.1fs (%s calls/s), "
              "seed %llu%s%s\n",
              static_cast<unsigned long long>(s.scenarios),
              static_cast<unsigned long long>(s.calls), s.seconds,
              HumanCount(s.seconds > 0 ? s.calls / s.seconds : 0).c_str(),
              static_cast<unsigned long long>(s.seed), s.extra.c_str(),
              s.interrupted ? " (interrupted)" : "");
  if (s.findings.empty()) {
    std::printf("no findings.\n");
    return;
  }
  std::printf("findings in %s:\n", s.out.c_str());
  for (const auto& [signature, n] : s.findings) {
    const bool is_new = std::find(s.new_findings.begin(), s.new_findings.end(),
                                  signature) != s.new_findings.end();
    std::printf("  %s  %s%llu occurrence(s)  %s/%s/report.md\n",
                signature.c_str(), is_new ? "new, " : "",
                static_cast<unsigned long long>(n), s.out.c_str(),
                signature.c_str());
    for (const auto& [variant, finding] : s.variants) {
      if (finding == signature) std::printf("    variant %s\n", variant.c_str());
    }
  }
}

}  // namespace openrace
