// bind_mapping.h — a directory SRC made visible at DST for the life of a
// command, so a campaign can run through the same kind of mapping as a
// Kubernetes emptyDir or a Docker bind mount without either:
//
//   Windows  a bind-filter mapping, BfSetupFilter from bindfltapi.dll
//            (loaded at run time: Wine and older Windows lack it), global
//            to the machine, removed again with BfRemoveMapping;
//   Linux    a bind mount in a private mount namespace of this process
//            (unshare(CLONE_NEWNS), `/` made recursively a slave, then
//            mount --bind), which nobody else sees and which dies with the
//            process; needs root (CAP_SYS_ADMIN).
//
// Implemented in bind_mapping_posix.cc and bind_mapping_windows.cc, each
// wrapped whole; bind_mapping.cc holds the pure parts both use, which the
// unit tests check on either platform.
//
// Example:
//   absl::StatusOr<BindSpec> spec = ParseBindSpec(flag, NativeBindPathStyle());
//   absl::StatusOr<std::unique_ptr<BindMapping>> mapping =
//       BindMapping::Create(*spec);   // before any thread is started
//   ...  // the campaign, under spec->target
//   mapping->reset();                 // or let it go out of scope

#ifndef OPENRACE_HARNESS_BASE_BIND_MAPPING_H_
#define OPENRACE_HARNESS_BASE_BIND_MAPPING_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace openrace {

// SRC (the real directory) and DST (where it shows), both as given.
struct BindSpec {
  std::string source;
  std::string target;

  friend bool operator==(const BindSpec&, const BindSpec&) = default;
};

// How `SRC:DST` is split. On Windows a path may start with a drive letter
// (`C:\src:D:\dst`), whose colon is not the separator; on POSIX every colon
// could be, so exactly one is allowed.
enum class BindPathStyle { kPosix, kWindows };

// The style of this platform (posix or windows file).
BindPathStyle NativeBindPathStyle();

// OK where `openrace bind SRC DST` (a mapping others see, kept until
// Ctrl-C) makes sense: Windows. On Linux a private mount namespace's mount
// is useless to everyone else, so it says what to use instead.
absl::Status CheckStandaloneBindSupported();

// Parses `SRC:DST`. Errors say what was wrong and what a spec looks like.
absl::StatusOr<BindSpec> ParseBindSpec(absl::string_view text,
                                       BindPathStyle style);

// What BfSetupFilter's failure means, in one line, from its HRESULT, the
// system's text for it and whether this process runs in a server silo (a
// process-isolated or HostProcess container). Access denied in a silo gets
// the cause and the workaround in plain words.
std::string ExplainBindFilterFailure(uint32_t hresult,
                                     absl::string_view system_text,
                                     bool in_server_silo,
                                     const BindSpec& spec);

inline constexpr uint32_t kHresultAccessDenied = 0x80070005;  // E_ACCESSDENIED

// One live mapping; the destructor removes it (and says so on stderr when
// it cannot). Create it before the process starts threads: on Linux the
// private mount namespace can only be made by a single-threaded process.
class BindMapping {
 public:
  static absl::StatusOr<std::unique_ptr<BindMapping>> Create(
      const BindSpec& spec);
  virtual ~BindMapping() = default;

  // "C:\src on C:\dst (bind filter, global)", for the log.
  virtual std::string Describe() const = 0;
};

}  // namespace openrace

#endif  // OPENRACE_HARNESS_BASE_BIND_MAPPING_H_
