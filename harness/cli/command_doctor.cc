// command_doctor.cc — `openrace doctor`: what a bug report needs to say
// about the machine, and whether --dir can hold a sandbox.

#include <cstdio>

#include "harness/cli/commands.h"
#include "harness/base/json.h"
#include "harness/base/platform.h"
#include "harness/run/sandbox.h"

namespace openrace {

int RunDoctor(const std::string& dir, bool json) {
  std::vector<std::pair<std::string, std::string>> rows =
      DescribeSystem(dir.empty() ? "." : dir);
  bool usable = true;
  if (!dir.empty()) {
    absl::StatusOr<std::unique_ptr<Sandbox>> sandbox = Sandbox::Create(dir);
    usable = sandbox.ok();
    rows.push_back({"sandbox", usable ? "ok: a sandbox can be made in --dir"
                                      : std::string(sandbox.status().message())});
  }
  if (json) {
    JsonWriter out;
    out.BeginDocument();
    for (const auto& [name, value] : rows) out.Key(name).String(value);
    out.EndObject();
    std::fputs(out.Take().c_str(), stdout);
  } else {
    size_t width = 0;
    for (const auto& row : rows) width = std::max(width, row.first.size());
    for (const auto& [name, value] : rows) {
      std::printf("%-*s  %s\n", static_cast<int>(width), name.c_str(),
                  value.c_str());
    }
  }
  return usable ? kExitClean : kExitUsage;
}

}  // namespace openrace
