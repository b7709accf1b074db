// internal/backends.h — the factory of each platform's backend, for the
// registry in backend.cc. Each is defined in its backend_<name>.cc, which is
// compiled only on its platform; everyone else goes through MakeBackend().

#ifndef OPENRACE_HARNESS_INTERNAL_BACKENDS_H_
#define OPENRACE_HARNESS_INTERNAL_BACKENDS_H_

#include <memory>

#include "harness/backend.h"

namespace openrace {
namespace internal {

std::unique_ptr<Backend> MakePosixBackend();  // backend_posix.cc
std::unique_ptr<Backend> MakeWin32Backend();  // backend_win32.cc
std::unique_ptr<Backend> MakeNtBackend();     // backend_nt.cc

}  // namespace internal
}  // namespace openrace

#endif  // OPENRACE_HARNESS_INTERNAL_BACKENDS_H_
