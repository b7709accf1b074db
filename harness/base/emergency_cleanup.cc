// emergency_cleanup.cc — the registry of EmergencyCleanup (platform.h),
// shared by both platforms; platform_posix.cc and platform_windows.cc run
// it on a second interrupt.

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <utility>

#include "harness/base/platform.h"

namespace openrace {
namespace {

struct Registry {
  std::mutex mu;
  uint64_t next_id = 1;
  std::map<uint64_t, std::function<void()>> cleanups;
};

// Never destroyed: the interrupt's helper thread may use it while the
// process exits.
Registry& TheRegistry() {
  static Registry* registry = new Registry();
  return *registry;
}

}  // namespace

EmergencyCleanup::EmergencyCleanup(std::function<void()> cleanup) {
  Registry& registry = TheRegistry();
  std::lock_guard<std::mutex> lock(registry.mu);
  id_ = registry.next_id++;
  registry.cleanups.emplace(id_, std::move(cleanup));
}

EmergencyCleanup::~EmergencyCleanup() {
  Registry& registry = TheRegistry();
  // Blocks while RunEmergencyCleanups runs: the cleanup may be using what
  // its owner is about to destroy.
  std::lock_guard<std::mutex> lock(registry.mu);
  registry.cleanups.erase(id_);
}

void RunEmergencyCleanups() {
  Registry& registry = TheRegistry();
  std::lock_guard<std::mutex> lock(registry.mu);
  for (auto it = registry.cleanups.rbegin(); it != registry.cleanups.rend(); ++it) {
    it->second();
  }
  registry.cleanups.clear();
}

}  // namespace openrace
