// provenance.cc — see provenance.h.

#include "harness/base/provenance.h"

#include <cstdlib>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

#ifndef OPENRACE_VERSION
#define OPENRACE_VERSION "unknown"
#endif

namespace openrace {
namespace {

std::string& StoredCommandLine() {
  static std::string* line = new std::string;
  return *line;
}

// An argument as a POSIX shell reads it back: bare when it holds only safe
// characters, else in single quotes.
std::string Quote(const std::string& arg) {
  const bool safe =
      !arg.empty() &&
      arg.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                            "0123456789-_=./:,+@%") == std::string::npos;
  if (safe) return arg;
  std::string quoted = "'";
  for (char c : arg) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

constexpr const char* kEmulatorSettings[] = {
    "OPENRACE_EMULATOR_ROOT",  "OPENRACE_EMULATOR_RULES",
    "OPENRACE_EMULATOR_P",     "OPENRACE_EMULATOR_ANCHORS",
    "OPENRACE_EMULATOR_SEED",  "OPENRACE_EMULATOR_TRANSIENT",
    "OPENRACE_EMULATOR_LOG"};

}  // namespace

const char* OpenraceVersion() { return OPENRACE_VERSION; }

void SetCommandLine(int argc, char** argv) {
  std::vector<std::string> args;
  for (int i = 0; i < argc; ++i) args.push_back(Quote(argv[i]));
  StoredCommandLine() = absl::StrJoin(args, " ");
}

const std::string& CommandLineText() { return StoredCommandLine(); }

std::string EmulatorInfo::Describe() const {
  if (!loaded) return "";
  std::vector<std::string> parts;
  for (const auto& [name, value] : settings) {
    parts.push_back(absl::StrCat(name, "=", value));
  }
  return parts.empty() ? "loaded" : absl::StrJoin(parts, " ");
}

EmulatorInfo DetectEmulator() {
  EmulatorInfo info;
  if (const char* preload = std::getenv("LD_PRELOAD");
      preload != nullptr && absl::StrContains(preload, "openrace_emulator")) {
    info.loaded = true;
    info.settings.emplace_back("LD_PRELOAD", preload);
  }
  for (const char* name : kEmulatorSettings) {
    if (const char* value = std::getenv(name); value != nullptr) {
      info.loaded = true;
      info.settings.emplace_back(name, value);
    }
  }
  return info;
}

}  // namespace openrace
