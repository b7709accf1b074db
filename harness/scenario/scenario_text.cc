// scenario_text.cc — printing and parsing the canonical text form.
//
// scenario_text.h describes the format as a user sees it. The decisions a
// reader of this file needs besides:
// - Lines end at '\n'; one '\r' right before it is dropped (CRLF files).
//   Every other byte must be printable ASCII, a space or a tab, comments
//   included, so that NUL, a stray '\r' or non-ASCII text is reported where
//   it is instead of being misread.
// - '#' anywhere starts a comment; that is why names cannot hold '#'.
// - Tokens are separated by spaces and tabs; columns count bytes from 1 (a
//   tab is one column). `=` of a named open and `->` of a rename are tokens
//   of their own; a flag is one token, NAME=VALUE.
// - A line whose second token is `=` is a named open whatever its first
//   token, so only the anchor keywords are reserved as handle names.
// - Before the first `thread` line, `rounds`, `dir`, `file` and `shared`
//   lines may come in any order (printing orders them); after it, only
//   operations and further `thread` lines.
// - Numbers are decimal digits only (leading zeros accepted); a number
//   that does not fit its field is an error, never wrapped.
// - An error says what was found, then what was expected, at the column of
//   the offending token, or of the offending character inside a path.

#include "harness/scenario/scenario_text.h"

#include <cstdint>
#include <iterator>
#include <limits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/types/optional.h"
#include "absl/types/span.h"
#include "harness/base/file_util.h"
#include "harness/scenario/validate.h"

namespace openrace {
namespace {

// ---------------------------------------------------------------------------
// Vocabulary shared by the printer and the parser.

constexpr absl::string_view kHeaderKeyword = "openrace-scenario";

struct AnchorKeyword {
  Anchor anchor;
  absl::string_view name;
};
constexpr AnchorKeyword kAnchorKeywords[] = {
    {Anchor::kCwd, "cwd"},
    {Anchor::kAbsolute, "abs"},
    {Anchor::kWin32Device, "dev"},
    {Anchor::kNtObject, "nt"},
};

struct OpKeyword {
  OpKind kind;
  absl::string_view name;
};
constexpr OpKeyword kOpKeywords[] = {
    {OpKind::kOpen, "open"},       {OpKind::kMkdir, "mkdir"},
    {OpKind::kStat, "stat"},       {OpKind::kDelete, "delete"},
    {OpKind::kRename, "rename"},   {OpKind::kClose, "close"},
    {OpKind::kBarrier, "barrier"},
};

// One named bit of a bit-set flag. Tables list names in printing order.
struct BitName {
  absl::string_view name;
  uint32_t bit;
};
constexpr BitName kAccessNames[] = {
    {"read", access::kGenericRead},
    {"write", access::kGenericWrite},
    {"delete", access::kDelete},
    {"read_attributes", access::kReadAttributes},
    {"synchronize", access::kSynchronize},
};
constexpr BitName kShareNames[] = {
    {"read", share::kRead},
    {"write", share::kWrite},
    {"delete", share::kDelete},
};
constexpr BitName kOptionsNames[] = {
    {"directory", options::kDirectoryFile},
    {"non_directory", options::kNonDirectoryFile},
    {"backup", options::kOpenForBackupIntent},
    {"open_reparse_point", options::kOpenReparsePoint},
};
// `delete` only distinguishes unlink from rmdir.
constexpr BitName kDeleteOptionsNames[] = {
    {"directory", options::kDirectoryFile},
};
constexpr BitName kAttributeNames[] = {
    {"normal", attributes::kNormal},
    {"readonly", attributes::kReadonly},
    {"hidden", attributes::kHidden},
};
constexpr absl::string_view kNoBits = "none";

// Indexed by Disposition.
constexpr absl::string_view kDispositionNames[] = {
    "supersede", "open", "create", "open_if", "overwrite", "overwrite_if",
};

// The flags, indexed by Flag; a set of them is a bit mask of 1 << Flag.
enum Flag {
  kAccessFlag,
  kShareFlag,
  kDispFlag,
  kOptionsFlag,
  kAttrsFlag,
  kSpinFlag,
  kFlagCount
};
constexpr absl::string_view kFlagNames[kFlagCount] = {
    "access", "share", "disp", "options", "attrs", "spin",
};
constexpr unsigned FlagBit(Flag flag) { return 1u << flag; }
constexpr unsigned kOpenFlagsOnly = FlagBit(kAccessFlag) | FlagBit(kShareFlag) |
                                    FlagBit(kDispFlag) | FlagBit(kOptionsFlag) |
                                    FlagBit(kAttrsFlag);
constexpr unsigned kSpinOnly = FlagBit(kSpinFlag);

bool IsNameChar(char c) {
  if (c <= ' ' || c > '~') return false;  // control, space, non-ASCII
  return absl::string_view("/\\:*?\"<>|#").find(c) == absl::string_view::npos;
}
constexpr absl::string_view kNameCharsExpected =
    "printable ASCII other than space and / \\ : * ? \" < > | #";

bool IsIdentifier(absl::string_view text) {
  if (text.empty() || (text[0] >= '0' && text[0] <= '9')) return false;
  for (char c : text) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                       (c >= '0' && c <= '9');
    if (!alnum && c != '_') return false;
  }
  return true;
}

const AnchorKeyword* FindAnchorKeyword(absl::string_view name) {
  for (const AnchorKeyword& keyword : kAnchorKeywords) {
    if (keyword.name == name) return &keyword;
  }
  return nullptr;
}

const OpKeyword* FindOpKeyword(absl::string_view name) {
  for (const OpKeyword& keyword : kOpKeywords) {
    if (keyword.name == name) return &keyword;
  }
  return nullptr;
}

// ---------------------------------------------------------------------------
// Printing.

// Bits without a name make a scenario invalid; they are shown in hex rather
// than hidden, so that a log of an invalid scenario does not lie.
std::string PrintBits(uint32_t value, absl::Span<const BitName> names) {
  if (value == 0) return std::string(kNoBits);
  std::vector<std::string> parts;
  uint32_t unnamed = value;
  for (const BitName& name : names) {
    if (value & name.bit) {
      parts.emplace_back(name.name);
      unnamed &= ~name.bit;
    }
  }
  if (unnamed != 0) parts.push_back(absl::StrFormat("0x%X", unnamed));
  return absl::StrJoin(parts, "|");
}

std::string PrintDisposition(Disposition disposition) {
  const auto index = static_cast<size_t>(disposition);
  if (index < std::size(kDispositionNames)) {
    return std::string(kDispositionNames[index]);
  }
  return absl::StrCat(index);  // out of range: invalid, shown as is
}

void AppendFlag(Flag flag, absl::string_view value, std::string* out) {
  absl::StrAppend(out, " ", kFlagNames[flag], "=", value);
}

void AppendOpenFlags(const OpenFlags& flags, std::string* out) {
  const OpenFlags defaults;
  if (flags.access != defaults.access) {
    AppendFlag(kAccessFlag, PrintBits(flags.access, kAccessNames), out);
  }
  if (flags.share != defaults.share) {
    AppendFlag(kShareFlag, PrintBits(flags.share, kShareNames), out);
  }
  if (flags.disposition != defaults.disposition) {
    AppendFlag(kDispFlag, PrintDisposition(flags.disposition), out);
  }
  if (flags.options != defaults.options) {
    AppendFlag(kOptionsFlag, PrintBits(flags.options, kOptionsNames), out);
  }
  if (flags.attributes != defaults.attributes) {
    AppendFlag(kAttrsFlag, PrintBits(flags.attributes, kAttributeNames), out);
  }
}

void AppendSpin(uint32_t spin_ns, std::string* out) {
  if (spin_ns != 0) AppendFlag(kSpinFlag, absl::StrCat(spin_ns), out);
}

// The anchor as the text form spells it: a keyword, or the handle's name.
std::string AnchorText(const Path& path) {
  if (path.anchor == Anchor::kHandle) return path.handle;
  return std::string(AnchorName(path.anchor));
}

// ---------------------------------------------------------------------------
// Parsing.

// A token, or a piece of one, and where it starts.
struct Token {
  absl::string_view text;
  int line = 0;
  int column = 0;

  Token Sub(size_t pos, size_t length = absl::string_view::npos) const {
    return {text.substr(pos, length), line, column + static_cast<int>(pos)};
  }
};

template <typename... Pieces>
absl::Status SyntaxError(const Token& at, const Pieces&... pieces) {
  return absl::InvalidArgumentError(
      absl::StrCat("line ", at.line, ":", at.column, ": ", pieces...));
}

struct Line {
  std::vector<Token> tokens;
  Token end;  // empty, just past the last token: where a missing one goes
};

// Checks the bytes of one line (without its '\n') and splits it into tokens.
absl::Status SplitLine(absl::string_view text, int number, Line* line) {
  for (size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte != '\t' && (byte < ' ' || byte > '~')) {
      return SyntaxError(Token{text, number, static_cast<int>(i) + 1},
                         absl::StrFormat("byte 0x%02X", byte),
                         "; expected printable ASCII, spaces and tabs");
    }
  }
  const Token whole{text.substr(0, text.find('#')), number, 1};
  size_t pos = 0;
  while (true) {
    pos = whole.text.find_first_not_of(" \t", pos);
    if (pos == absl::string_view::npos) break;
    size_t end = whole.text.find_first_of(" \t", pos);
    if (end == absl::string_view::npos) end = whole.text.size();
    line->tokens.push_back(whole.Sub(pos, end - pos));
    pos = end;
  }
  line->end = line->tokens.empty()
                  ? whole.Sub(0, 0)
                  : line->tokens.back().Sub(line->tokens.back().text.size());
  return absl::OkStatus();
}

// Walks the tokens of one line.
class LineReader {
 public:
  explicit LineReader(const Line& line) : line_(line) {}

  bool AtEnd() const { return next_ == line_.tokens.size(); }
  const Token& Peek() const { return line_.tokens[next_]; }
  Token Next() { return line_.tokens[next_++]; }

  // True when the line names the result of its operation: `NAME = ...`.
  bool IsNamed() const {
    return line_.tokens.size() >= 2 && line_.tokens[1].text == "=";
  }

  absl::StatusOr<Token> Expect(absl::string_view what) {
    if (AtEnd()) return SyntaxError(line_.end, "end of line; expected ", what);
    return Next();
  }

  absl::Status ExpectEnd() const {
    if (AtEnd()) return absl::OkStatus();
    return SyntaxError(Peek(), "unexpected '", Peek().text,
                       "'; expected end of line");
  }

 private:
  const Line& line_;
  size_t next_ = 0;
};

absl::StatusOr<uint64_t> ParseNumber(const Token& token, uint64_t max,
                                     absl::string_view what) {
  if (token.text.empty() ||
      token.text.find_first_not_of("0123456789") != absl::string_view::npos) {
    return SyntaxError(token, "'", token.text, "' is not a number; expected ",
                       what);
  }
  uint64_t value = 0;
  for (char c : token.text) {
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (value > (max - digit) / 10) {
      return SyntaxError(token, "'", token.text, "' is too large; expected ",
                         what, " of at most ", max);
    }
    value = value * 10 + digit;
  }
  return value;
}

absl::StatusOr<std::string> ParseHandleName(const Token& token) {
  if (!IsIdentifier(token.text)) {
    return SyntaxError(token, "'", token.text,
                       "' is not a handle name; expected letters, digits and "
                       "'_', not starting with a digit");
  }
  if (FindAnchorKeyword(token.text) != nullptr) {
    return SyntaxError(token, "'", token.text,
                       "' is an anchor keyword; expected a handle name other "
                       "than cwd, abs, dev, nt");
  }
  return std::string(token.text);
}

// Components of a path or a tree entry, with their spelling and where each
// piece is, so that callers can reject spellings they do not allow.
struct ScannedComponents {
  std::vector<Token> components;
  SeparatorStyle separator = SeparatorStyle::kSlash;
  bool doubled = false;
  bool trailing = false;
  absl::optional<Token> first_separator;
};

bool IsSeparator(char c) { return c == '/' || c == '\\'; }

// Scans non-empty `text`. `leading_hint` completes the message for a
// leading separator, which means something different per context.
absl::StatusOr<ScannedComponents> ScanComponents(
    const Token& text, absl::string_view leading_hint) {
  ScannedComponents scanned;
  if (IsSeparator(text.text[0])) {
    return SyntaxError(text, "leading '", text.text.substr(0, 1), "'; ",
                       leading_hint);
  }
  size_t pos = 0;
  while (pos < text.text.size()) {
    size_t end = pos;
    while (end < text.text.size() && !IsSeparator(text.text[end])) {
      if (!IsNameChar(text.text[end])) {
        return SyntaxError(text.Sub(end), "character '",
                           text.text.substr(end, 1), "' in a name; expected ",
                           kNameCharsExpected);
      }
      ++end;
    }
    scanned.components.push_back(text.Sub(pos, end - pos));
    if (end == text.text.size()) break;
    // A run of separators, all in the style of the path's first one.
    pos = end;
    const absl::string_view style =
        scanned.first_separator ? scanned.first_separator->text.substr(0, 1)
                                : text.text.substr(pos, 1);
    while (end < text.text.size() && IsSeparator(text.text[end])) {
      if (text.text.substr(end, 1) != style) {
        return SyntaxError(text.Sub(end), "'", text.text.substr(end, 1),
                           "' after '", style,
                           "'; expected one separator style per path");
      }
      ++end;
    }
    const Token run = text.Sub(pos, end - pos);
    if (run.text.size() > 2) {
      return SyntaxError(run.Sub(2), "'", run.text,
                         "'; expected single or doubled separators");
    }
    if (!scanned.first_separator) {
      scanned.first_separator = run;
      scanned.doubled = run.text.size() == 2;
    } else if (run.text.size() != scanned.first_separator->text.size()) {
      return SyntaxError(run, "'", run.text, "' after '",
                         scanned.first_separator->text,
                         "'; expected all separators single or all doubled");
    }
    scanned.trailing = end == text.text.size();
    pos = end;
  }
  if (scanned.first_separator && scanned.first_separator->text[0] == '\\') {
    scanned.separator = SeparatorStyle::kBackslash;
  }
  return scanned;
}

absl::StatusOr<Path> ParsePath(const Token& token) {
  const size_t colon = token.text.find(':');
  if (colon == absl::string_view::npos || colon == 0) {
    return SyntaxError(token, "'", token.text,
                       "' has no anchor; expected ANCHOR:COMPONENTS such as "
                       "cwd:src/a");
  }
  const absl::string_view anchor = token.text.substr(0, colon);
  Path path;
  if (const AnchorKeyword* keyword = FindAnchorKeyword(anchor)) {
    path.anchor = keyword->anchor;
  } else if (IsIdentifier(anchor)) {
    path.anchor = Anchor::kHandle;
    path.handle = std::string(anchor);
  } else {
    return SyntaxError(token, "'", anchor,
                       "' is not an anchor; expected cwd, abs, dev, nt or a "
                       "handle name");
  }
  const Token rest = token.Sub(colon + 1);
  if (rest.text.empty()) {
    return SyntaxError(rest, "nothing after '", token.text,
                       "'; expected a component, such as ", anchor, ":.");
  }
  const absl::string_view hint =
      path.anchor == Anchor::kAbsolute
          ? "absolute paths are written from the sandbox root, e.g. abs:src/a"
          : "expected a component first, e.g. cwd:src/a";
  absl::StatusOr<ScannedComponents> scanned = ScanComponents(rest, hint);
  if (!scanned.ok()) return scanned.status();
  for (const Token& component : scanned->components) {
    path.components.emplace_back(component.text);
  }
  path.separator = scanned->separator;
  path.doubled_separators = scanned->doubled;
  path.trailing_separator = scanned->trailing;
  return path;
}

absl::StatusOr<std::string> ParseTreePath(const Token& token) {
  absl::StatusOr<ScannedComponents> scanned = ScanComponents(
      token, "tree paths are written from the sandbox root, e.g. src/a");
  if (!scanned.ok()) return scanned.status();
  if (scanned->first_separator &&
      (scanned->separator != SeparatorStyle::kSlash || scanned->doubled)) {
    return SyntaxError(*scanned->first_separator, "'",
                       scanned->first_separator->text,
                       "' in a tree path; expected single '/' between names");
  }
  if (scanned->trailing) {
    return SyntaxError(token.Sub(token.text.size() - 1),
                       "trailing '/' in a tree path; expected a name last");
  }
  for (const Token& component : scanned->components) {
    if (component.text == "." || component.text == "..") {
      return SyntaxError(component, "'", component.text,
                         "' in a tree path; expected names only");
    }
  }
  return std::string(token.text);
}

std::string ExpectedNames(absl::Span<const BitName> names) {
  std::vector<absl::string_view> all;
  for (const BitName& name : names) all.push_back(name.name);
  return absl::StrCat("one of ", absl::StrJoin(all, ", "), " or ", kNoBits);
}

absl::StatusOr<uint32_t> ParseBits(const Token& value, Flag flag,
                                   absl::Span<const BitName> names) {
  uint32_t bits = 0;
  size_t pos = 0;
  while (true) {
    size_t end = value.text.find('|', pos);
    if (end == absl::string_view::npos) end = value.text.size();
    const Token part = value.Sub(pos, end - pos);
    if (part.text == kNoBits) {
      if (value.text != kNoBits) {
        return SyntaxError(part, "'", kNoBits, "' in '", value.text,
                           "'; expected ", kNoBits, " alone");
      }
    } else {
      const BitName* found = nullptr;
      for (const BitName& name : names) {
        if (name.name == part.text) found = &name;
      }
      if (found == nullptr) {
        return SyntaxError(part, "unknown ", kFlagNames[flag], " '", part.text,
                           "'; expected ", ExpectedNames(names));
      }
      if (bits & found->bit) {
        return SyntaxError(part, kFlagNames[flag], " '", part.text,
                           "' given twice; expected each name at most once");
      }
      bits |= found->bit;
    }
    if (end == value.text.size()) return bits;
    pos = end + 1;
  }
}

absl::StatusOr<Disposition> ParseDisposition(const Token& value) {
  for (size_t i = 0; i < std::size(kDispositionNames); ++i) {
    if (kDispositionNames[i] == value.text) return static_cast<Disposition>(i);
  }
  return SyntaxError(value, "unknown disp '", value.text, "'; expected one of ",
                     absl::StrJoin(kDispositionNames, ", "));
}

std::string FlagNames(unsigned flags) {
  std::vector<absl::string_view> names;
  for (int flag = 0; flag < kFlagCount; ++flag) {
    if (flags & FlagBit(static_cast<Flag>(flag))) {
      names.push_back(kFlagNames[flag]);
    }
  }
  return absl::StrJoin(names, ", ");
}

// Where parsed flags go, and which of them the line's subject takes.
struct FlagTarget {
  absl::string_view subject;  // "mkdir", "shared handles": for messages
  unsigned allowed = 0;
  absl::Span<const BitName> options_names = kOptionsNames;
  OpenFlags* flags = nullptr;
  uint32_t* spin_ns = nullptr;
};

absl::Status ParseOneFlag(const Token& value, Flag flag,
                          const FlagTarget& target) {
  if (flag == kDispFlag) {
    absl::StatusOr<Disposition> disposition = ParseDisposition(value);
    if (!disposition.ok()) return disposition.status();
    target.flags->disposition = *disposition;
    return absl::OkStatus();
  }
  if (flag == kSpinFlag) {
    absl::StatusOr<uint64_t> spin = ParseNumber(
        value, std::numeric_limits<uint32_t>::max(), "a spin in nanoseconds");
    if (!spin.ok()) return spin.status();
    *target.spin_ns = static_cast<uint32_t>(*spin);
    return absl::OkStatus();
  }
  // The rest are bit sets.
  uint32_t* field = &target.flags->access;
  absl::Span<const BitName> names = kAccessNames;
  if (flag == kShareFlag) {
    field = &target.flags->share;
    names = kShareNames;
  } else if (flag == kOptionsFlag) {
    field = &target.flags->options;
    names = target.options_names;
  } else if (flag == kAttrsFlag) {
    field = &target.flags->attributes;
    names = kAttributeNames;
  }
  absl::StatusOr<uint32_t> bits = ParseBits(value, flag, names);
  if (!bits.ok()) return bits.status();
  *field = *bits;
  return absl::OkStatus();
}

// Parses the rest of the line as flags.
absl::Status ParseFlags(LineReader& reader, const FlagTarget& target) {
  unsigned seen = 0;
  while (!reader.AtEnd()) {
    const Token token = reader.Next();
    const size_t equals = token.text.find('=');
    const absl::string_view name = token.text.substr(0, equals);
    int flag = 0;
    while (flag < kFlagCount && kFlagNames[flag] != name) ++flag;
    if (flag == kFlagCount) {
      if (equals == absl::string_view::npos) {
        return SyntaxError(token, "unexpected '", token.text,
                           "'; expected a flag (", FlagNames(target.allowed),
                           ") or end of line");
      }
      return SyntaxError(token, "unknown flag '", name, "'; expected one of ",
                         FlagNames(target.allowed));
    }
    const unsigned bit = FlagBit(static_cast<Flag>(flag));
    if (!(target.allowed & bit)) {
      return SyntaxError(token, "flag '", name, "' does not apply to ",
                         target.subject, "; expected one of ",
                         FlagNames(target.allowed));
    }
    if (seen & bit) {
      return SyntaxError(token, "flag '", name,
                         "' given twice; expected each flag at most once");
    }
    seen |= bit;
    const Token value = token.Sub(
        equals == absl::string_view::npos ? token.text.size() : equals + 1);
    if (value.text.empty()) {
      return SyntaxError(value, "flag '", name, "' has no value; expected ",
                         name, "=VALUE");
    }
    if (absl::Status status =
            ParseOneFlag(value, static_cast<Flag>(flag), target);
        !status.ok()) {
      return status;
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Path> ExpectPath(LineReader& reader) {
  absl::StatusOr<Token> token = reader.Expect("a path such as cwd:src/a");
  if (!token.ok()) return token.status();
  return ParsePath(*token);
}

TextPosition PositionOf(const Token& token) {
  return TextPosition{token.line, token.column};
}

// Everything after the operation's keyword (and its result name).
absl::Status ParseOpBody(LineReader& reader, Op& op, OpPositions& where) {
  FlagTarget spin_only{OpKindName(op.kind), kSpinOnly, kOptionsNames, &op.flags,
                       &op.spin_ns};
  switch (op.kind) {
    case OpKind::kOpen:
    case OpKind::kMkdir:
    case OpKind::kStat:
    case OpKind::kDelete: {
      if (!reader.AtEnd()) where.path = PositionOf(reader.Peek());
      absl::StatusOr<Path> path = ExpectPath(reader);
      if (!path.ok()) return path.status();
      op.path = *std::move(path);
      FlagTarget target = spin_only;
      if (op.kind == OpKind::kOpen) {
        target.allowed |= kOpenFlagsOnly;
      } else if (op.kind == OpKind::kDelete) {
        target.allowed |= FlagBit(kOptionsFlag);
        target.options_names = kDeleteOptionsNames;
      }
      return ParseFlags(reader, target);
    }
    case OpKind::kRename: {
      if (!reader.AtEnd()) where.path = PositionOf(reader.Peek());
      absl::StatusOr<Path> from = ExpectPath(reader);
      if (!from.ok()) return from.status();
      op.path = *std::move(from);
      absl::StatusOr<Token> arrow = reader.Expect("'->' and the new path");
      if (!arrow.ok()) return arrow.status();
      if (arrow->text != "->") {
        return SyntaxError(*arrow, "'", arrow->text,
                           "'; expected '->' between the two paths");
      }
      if (!reader.AtEnd()) where.to = PositionOf(reader.Peek());
      absl::StatusOr<Path> to = ExpectPath(reader);
      if (!to.ok()) return to.status();
      op.to = *std::move(to);
      return ParseFlags(reader, spin_only);
    }
    case OpKind::kClose: {
      absl::StatusOr<Token> token = reader.Expect("a handle name");
      if (!token.ok()) return token.status();
      absl::StatusOr<std::string> handle = ParseHandleName(*token);
      if (!handle.ok()) return handle.status();
      op.handle = *std::move(handle);
      return ParseFlags(reader, spin_only);
    }
    case OpKind::kBarrier: {
      absl::StatusOr<Token> token = reader.Expect("a barrier id");
      if (!token.ok()) return token.status();
      absl::StatusOr<uint64_t> id = ParseNumber(
          *token, std::numeric_limits<uint32_t>::max(), "a barrier id");
      if (!id.ok()) return id.status();
      op.barrier = static_cast<uint32_t>(*id);
      return reader.ExpectEnd();
    }
  }
  return absl::OkStatus();
}

constexpr absl::string_view kExpectedOps =
    "open, mkdir, stat, delete, rename, close, barrier or NAME = open";

absl::StatusOr<Op> ParseOp(LineReader& reader, OpPositions& where) {
  Op op;
  Token keyword = reader.Next();
  where.op = PositionOf(keyword);
  if (reader.IsNamed()) {
    absl::StatusOr<std::string> result = ParseHandleName(keyword);
    if (!result.ok()) return result.status();
    op.result = *std::move(result);
    reader.Next();  // '='
    absl::StatusOr<Token> open = reader.Expect("'open'");
    if (!open.ok()) return open.status();
    keyword = *open;
    if (keyword.text != OpKindName(OpKind::kOpen)) {
      return SyntaxError(keyword, "'", keyword.text,
                         "' after '='; expected open (only open names a "
                         "handle)");
    }
  }
  const OpKeyword* found = FindOpKeyword(keyword.text);
  if (found == nullptr) {
    if (!reader.AtEnd() && reader.Peek().text == OpKindName(OpKind::kOpen)) {
      return SyntaxError(reader.Peek(), "'open' after '", keyword.text,
                         "'; expected '", keyword.text, " = open'");
    }
    return SyntaxError(keyword, "unknown operation '", keyword.text,
                       "'; expected ", kExpectedOps);
  }
  op.kind = found->kind;
  if (absl::Status status = ParseOpBody(reader, op, where); !status.ok()) {
    return status;
  }
  return op;
}

class Parser {
 public:
  // Where the items of the last parsed text were written.
  ScenarioPositions& positions() { return positions_; }

  absl::StatusOr<Scenario> Parse(absl::string_view text) {
    int number = 0;
    size_t pos = 0;
    Token end_of_input;
    while (true) {
      ++number;
      const size_t newline = text.find('\n', pos);
      absl::string_view raw = text.substr(
          pos, newline == absl::string_view::npos ? newline : newline - pos);
      if (newline != absl::string_view::npos && !raw.empty() &&
          raw.back() == '\r') {
        raw.remove_suffix(1);
      }
      Line line;
      if (absl::Status status = SplitLine(raw, number, &line); !status.ok()) {
        return status;
      }
      if (!line.tokens.empty()) {
        if (absl::Status status = ParseLine(line); !status.ok()) return status;
      }
      if (newline == absl::string_view::npos) {
        end_of_input = Token{raw, number, static_cast<int>(raw.size()) + 1};
        break;
      }
      pos = newline + 1;
    }
    if (!header_seen_) {
      return SyntaxError(end_of_input, "end of input; expected '",
                         kHeaderKeyword, " ", kScenarioFormatVersion, "'");
    }
    return std::move(scenario_);
  }

 private:
  absl::Status ParseLine(const Line& line) {
    LineReader reader(line);
    if (!header_seen_) return ParseHeader(reader);
    const Token& first = reader.Peek();
    if (!reader.IsNamed()) {
      if (first.text == "thread") {
        reader.Next();
        scenario_.threads.emplace_back();
        positions_.ops.emplace_back();
        return reader.ExpectEnd();
      }
      if (first.text == "rounds" || first.text == "dir" ||
          first.text == "file" || first.text == "shared") {
        if (!scenario_.threads.empty()) {
          return SyntaxError(first, "'", first.text,
                             "' after the first thread; expected rounds, "
                             "tree entries and shared handles before the "
                             "first 'thread' line");
        }
        if (first.text == "rounds") return ParseRounds(reader);
        if (first.text == "shared") return ParseShared(reader);
        return ParseTreeEntry(reader);
      }
    }
    if (scenario_.threads.empty()) {
      if (reader.IsNamed() || FindOpKeyword(first.text) != nullptr) {
        return SyntaxError(first,
                           "operation before the first thread; "
                           "expected a 'thread' line before it");
      }
      return SyntaxError(first, "unknown keyword '", first.text,
                         "'; expected rounds, dir, file, shared or thread");
    }
    OpPositions where;
    absl::StatusOr<Op> op = ParseOp(reader, where);
    if (!op.ok()) return op.status();
    scenario_.threads.back().ops.push_back(*std::move(op));
    positions_.ops.back().push_back(where);
    return absl::OkStatus();
  }

  absl::Status ParseHeader(LineReader& reader) {
    const Token keyword = reader.Next();
    if (keyword.text != kHeaderKeyword) {
      return SyntaxError(keyword, "'", keyword.text, "'; expected '",
                         kHeaderKeyword, " ", kScenarioFormatVersion,
                         "' as the first line");
    }
    absl::StatusOr<Token> version_token = reader.Expect("a format version");
    if (!version_token.ok()) return version_token.status();
    absl::StatusOr<uint64_t> version =
        ParseNumber(*version_token, std::numeric_limits<uint64_t>::max(),
                    "a format version");
    if (!version.ok()) return version.status();
    if (*version != kScenarioFormatVersion) {
      return SyntaxError(*version_token, "unsupported format version '",
                         version_token->text, "'; this openrace reads version ",
                         kScenarioFormatVersion);
    }
    header_seen_ = true;
    return reader.ExpectEnd();
  }

  absl::Status ParseRounds(LineReader& reader) {
    const Token keyword = reader.Next();
    if (rounds_line_ != 0) {
      return SyntaxError(keyword, "a second 'rounds' line (the first is line ",
                         rounds_line_, "); expected at most one");
    }
    rounds_line_ = keyword.line;
    absl::StatusOr<Token> token = reader.Expect("a round count");
    if (!token.ok()) return token.status();
    absl::StatusOr<uint64_t> rounds = ParseNumber(
        *token, std::numeric_limits<uint64_t>::max(), "a round count");
    if (!rounds.ok()) return rounds.status();
    if (*rounds == 0) {
      return SyntaxError(*token, "rounds 0; expected at least 1");
    }
    scenario_.rounds = *rounds;
    return reader.ExpectEnd();
  }

  absl::Status ParseTreeEntry(LineReader& reader) {
    const Token keyword = reader.Next();
    TreeEntry entry;
    entry.kind =
        keyword.text == "dir" ? EntryKind::kDirectory : EntryKind::kFile;
    absl::StatusOr<Token> token =
        reader.Expect("a path from the sandbox root such as src/a");
    if (!token.ok()) return token.status();
    absl::StatusOr<std::string> path = ParseTreePath(*token);
    if (!path.ok()) return path.status();
    entry.path = *std::move(path);
    scenario_.tree.push_back(std::move(entry));
    positions_.tree.push_back(PositionOf(*token));
    return reader.ExpectEnd();
  }

  absl::Status ParseShared(LineReader& reader) {
    reader.Next();  // shared
    SharedHandle shared;
    absl::StatusOr<Token> name_token = reader.Expect("a handle name");
    if (!name_token.ok()) return name_token.status();
    absl::StatusOr<std::string> name = ParseHandleName(*name_token);
    if (!name.ok()) return name.status();
    shared.name = *std::move(name);
    absl::StatusOr<Token> equals = reader.Expect("'= open'");
    if (!equals.ok()) return equals.status();
    if (equals->text != "=") {
      return SyntaxError(*equals, "'", equals->text, "'; expected '= open'");
    }
    absl::StatusOr<Token> open = reader.Expect("'open'");
    if (!open.ok()) return open.status();
    if (open->text != OpKindName(OpKind::kOpen)) {
      return SyntaxError(*open, "'", open->text,
                         "'; expected open (a shared handle is an open)");
    }
    const TextPosition path_position =
        reader.AtEnd() ? TextPosition{} : PositionOf(reader.Peek());
    absl::StatusOr<Path> path = ExpectPath(reader);
    if (!path.ok()) return path.status();
    shared.path = *std::move(path);
    const FlagTarget target{"shared handles", kOpenFlagsOnly, kOptionsNames,
                            &shared.flags, nullptr};
    if (absl::Status status = ParseFlags(reader, target); !status.ok()) {
      return status;
    }
    scenario_.shared.push_back(std::move(shared));
    positions_.shared.push_back(path_position);
    return absl::OkStatus();
  }

  Scenario scenario_;
  ScenarioPositions positions_;
  bool header_seen_ = false;
  int rounds_line_ = 0;  // 0 until a `rounds` line is seen
};

}  // namespace

bool IsValidName(absl::string_view name) {
  if (name.empty() || name == "." || name == "..") return false;
  for (char c : name) {
    if (!IsNameChar(c)) return false;
  }
  return true;
}

bool IsValidHandleName(absl::string_view name) {
  return IsIdentifier(name) && FindAnchorKeyword(name) == nullptr;
}

std::string PrintPath(const Path& path) {
  std::string separator =
      path.separator == SeparatorStyle::kBackslash ? "\\" : "/";
  if (path.doubled_separators) separator += separator;
  return absl::StrCat(AnchorText(path), ":",
                      absl::StrJoin(path.components, separator),
                      path.trailing_separator ? separator : "");
}

std::string PrintOp(const Op& op) {
  std::string out;
  if (op.kind == OpKind::kOpen && !op.result.empty()) {
    absl::StrAppend(&out, op.result, " = ");
  }
  absl::StrAppend(&out, OpKindName(op.kind));
  switch (op.kind) {
    case OpKind::kOpen:
      absl::StrAppend(&out, " ", PrintPath(op.path));
      AppendOpenFlags(op.flags, &out);
      break;
    case OpKind::kMkdir:
    case OpKind::kStat:
      absl::StrAppend(&out, " ", PrintPath(op.path));
      break;
    case OpKind::kDelete:
      absl::StrAppend(&out, " ", PrintPath(op.path));
      if (op.flags.options & options::kDirectoryFile) {
        AppendFlag(kOptionsFlag,
                   PrintBits(options::kDirectoryFile, kDeleteOptionsNames),
                   &out);
      }
      break;
    case OpKind::kRename:
      absl::StrAppend(&out, " ", PrintPath(op.path), " -> ", PrintPath(op.to));
      break;
    case OpKind::kClose:
      absl::StrAppend(&out, " ", op.handle);
      break;
    case OpKind::kBarrier:
      absl::StrAppend(&out, " ", op.barrier);
      return out;  // a barrier does not spin
  }
  AppendSpin(op.spin_ns, &out);
  return out;
}

std::string PrintScenario(const Scenario& scenario) {
  std::string out = absl::StrCat(kHeaderKeyword, " ", kScenarioFormatVersion,
                                 "\nrounds ", scenario.rounds, "\n");
  for (const TreeEntry& entry : scenario.tree) {
    absl::StrAppend(&out,
                    entry.kind == EntryKind::kDirectory ? "dir " : "file ",
                    entry.path, "\n");
  }
  for (const SharedHandle& shared : scenario.shared) {
    absl::StrAppend(&out, "shared ", shared.name, " = open ",
                    PrintPath(shared.path));
    AppendOpenFlags(shared.flags, &out);
    out += "\n";
  }
  for (const ThreadProgram& thread : scenario.threads) {
    out += "thread\n";
    for (const Op& op : thread.ops)
      absl::StrAppend(&out, "  ", PrintOp(op), "\n");
  }
  return out;
}

absl::StatusOr<Scenario> ParseScenario(absl::string_view text) {
  return ParseScenario(text, nullptr);
}

absl::StatusOr<Scenario> ParseScenario(absl::string_view text,
                                       ScenarioPositions* positions) {
  Parser parser;
  absl::StatusOr<Scenario> scenario = parser.Parse(text);
  if (scenario.ok() && positions != nullptr) {
    *positions = std::move(parser.positions());
  }
  return scenario;
}

std::vector<std::vector<int>> ScenarioOpLines(absl::string_view text) {
  // The parser's rules, without the checks: a comment runs from '#' to the
  // line's end; tokens are separated by spaces and tabs; `thread` alone
  // (not `thread = open ...`, a named open) starts a thread; after the
  // first one, every other non-blank line is an operation.
  std::vector<std::vector<int>> lines;
  int number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++number;
    line = line.substr(0, line.find('#'));
    const std::vector<absl::string_view> tokens =
        absl::StrSplit(line, absl::ByAnyChar(" \t\r"), absl::SkipEmpty());
    if (tokens.empty()) continue;
    if (tokens[0] == "thread" && (tokens.size() < 2 || tokens[1] != "=")) {
      lines.emplace_back();
    } else if (!lines.empty()) {
      lines.back().push_back(number);
    }
  }
  return lines;
}

std::ostream& operator<<(std::ostream& os, const Scenario& scenario) {
  return os << PrintScenario(scenario);
}

std::ostream& operator<<(std::ostream& os, const Path& path) {
  return os << PrintPath(path);
}

std::ostream& operator<<(std::ostream& os, const Op& op) {
  return os << PrintOp(op);
}

absl::StatusOr<Scenario> ReadScenarioFile(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  ScenarioPositions positions;
  absl::StatusOr<Scenario> scenario = ParseScenario(*text, &positions);
  if (!scenario.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", scenario.status().message()));
  }
  if (absl::Status valid = ValidateScenario(*scenario, &positions);
      !valid.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": invalid scenario: ", valid.message()));
  }
  return scenario;
}

}  // namespace openrace
