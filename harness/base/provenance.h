// provenance.h — where a finding came from: this openrace's version, the
// command line that ran it, and whether the planted-bug emulator
// (emulator/README.md) was loaded into the process.
//
// A finding made with the emulator loaded is a planted bug, not a bug of
// the file system; report.md says so at the top and `openrace corpus add`
// records it as planted. The emulator counts as loaded when LD_PRELOAD
// names it (a file name containing "openrace_emulator") or any of its
// settings (OPENRACE_EMULATOR_ROOT, _RULES, _P, _ANCHORS, _SEED,
// _TRANSIENT, _LOG) is in the environment: a false "loaded" only labels a
// real bug as possibly planted, a false "not loaded" would file a planted
// one upstream.
//
// Example:
//   int main(int argc, char** argv) {
//     SetCommandLine(argc, argv);
//     ...
//   }
//   EmulatorInfo emulator = DetectEmulator();
//   if (emulator.loaded) std::printf("planted: %s\n", emulator.Describe().c_str());

#ifndef OPENRACE_HARNESS_BASE_PROVENANCE_H_
#define OPENRACE_HARNESS_BASE_PROVENANCE_H_

#include <string>
#include <utility>
#include <vector>

namespace openrace {

// "0.1.0": the project version this binary was built from.
const char* OpenraceVersion();

// Records the process's command line (main calls it first); CommandLineText()
// gives it back as one line, each argument quoted when it needs to be
// (empty before SetCommandLine, as in unit tests).
void SetCommandLine(int argc, char** argv);
const std::string& CommandLineText();

struct EmulatorInfo {
  bool loaded = false;
  // LD_PRELOAD (when it names the emulator) and each OPENRACE_EMULATOR_*
  // setting present, as (name, value), in a fixed order.
  std::vector<std::pair<std::string, std::string>> settings;
  // "LD_PRELOAD=... OPENRACE_EMULATOR_P=0.01 ...", or "" when not loaded.
  std::string Describe() const;
};

// Reads the environment of this process.
EmulatorInfo DetectEmulator();

}  // namespace openrace

#endif  // OPENRACE_HARNESS_BASE_PROVENANCE_H_
