// scenario.cc — the few questions every consumer asks of a Scenario.

#include "harness/scenario/scenario.h"

namespace openrace {

bool MutatesTree(const Op& op) {
  switch (op.kind) {
    case OpKind::kOpen:
      // Every disposition but a plain open may create, truncate or replace.
      return op.flags.disposition != Disposition::kOpen;
    case OpKind::kMkdir:
    case OpKind::kDelete:
    case OpKind::kRename:
      return true;
    case OpKind::kStat:
    case OpKind::kClose:
    case OpKind::kBarrier:
      return false;
  }
  return false;
}

bool MutatesTree(const Scenario& scenario) {
  for (const ThreadProgram& thread : scenario.threads) {
    for (const Op& op : thread.ops) {
      if (MutatesTree(op)) return true;
    }
  }
  return false;
}

size_t CountCalls(const Scenario& scenario) {
  size_t calls = 0;
  for (const ThreadProgram& thread : scenario.threads) {
    for (const Op& op : thread.ops) {
      if (op.kind != OpKind::kBarrier) ++calls;
    }
  }
  return calls;
}

bool IsCall(OpKind kind) {
  return kind != OpKind::kClose && kind != OpKind::kBarrier;
}

absl::string_view OpKindName(OpKind kind) {
  switch (kind) {
    case OpKind::kOpen: return "open";
    case OpKind::kMkdir: return "mkdir";
    case OpKind::kStat: return "stat";
    case OpKind::kDelete: return "delete";
    case OpKind::kRename: return "rename";
    case OpKind::kClose: return "close";
    case OpKind::kBarrier: return "barrier";
  }
  return "invalid-op";
}

absl::string_view AnchorName(Anchor anchor) {
  switch (anchor) {
    case Anchor::kCwd: return "cwd";
    case Anchor::kHandle: return "handle";
    case Anchor::kAbsolute: return "abs";
    case Anchor::kWin32Device: return "dev";
    case Anchor::kNtObject: return "nt";
  }
  return "invalid-anchor";
}

}  // namespace openrace
