// flags.cc — the per-command flag table and its parser (flags.h).

#include "harness/cli/flags.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "harness/campaign/campaign_state.h"

namespace openrace {
namespace {

// Unknown flags are suggested against when they are this close, and the
// command's flags are listed when it has at most this many.
constexpr int kMaxListed = 8;

std::string Dashed(absl::string_view name) {
  std::string out(name);
  std::replace(out.begin(), out.end(), '_', '-');
  return out;
}

bool IsNumber(absl::string_view text) {
  double unused;
  return !text.empty() && absl::SimpleAtod(text, &unused) &&
         !absl::StrContains(text, "inf") && !absl::StrContains(text, "nan");
}

// Parses a whole number into [min, max]; `min` and `max` as int64 or
// uint64 through the template.
template <typename T>
absl::Status ParseBounded(absl::string_view text, T min, T max, T* out) {
  if (absl::StartsWith(text, "-") && min >= T{0}) {
    return absl::InvalidArgumentError("must not be negative");
  }
  T value;
  if (!absl::SimpleAtoi(text, &value)) {
    return absl::InvalidArgumentError("not a whole number");
  }
  if (value < min || value > max) {
    return absl::InvalidArgumentError(
        max == std::numeric_limits<T>::max()
            ? absl::StrCat("must be at least ", min)
            : absl::StrCat("must be ", min, " to ", max));
  }
  *out = value;
  return absl::OkStatus();
}

}  // namespace

absl::string_view FlagTypeName(FlagType type) {
  switch (type) {
    case FlagType::kBool: return "bool";
    case FlagType::kString: return "string";
    case FlagType::kUint: return "uint";
    case FlagType::kInt: return "int";
    case FlagType::kDuration: return "duration";
    case FlagType::kSize: return "size";
  }
  return "?";
}

std::string Wrap(absl::string_view text, size_t width, absl::string_view indent) {
  std::string out;
  std::string line;
  for (absl::string_view word : absl::StrSplit(text, ' ', absl::SkipEmpty())) {
    if (!line.empty() && indent.size() + line.size() + 1 + word.size() > width) {
      absl::StrAppend(&out, indent, line, "\n");
      line.clear();
    }
    absl::StrAppend(&line, line.empty() ? "" : " ", word);
  }
  if (!line.empty()) absl::StrAppend(&out, indent, line, "\n");
  return out;
}

int EditDistance(absl::string_view a, absl::string_view b) {
  // d[i][j]: the distance between a[0, i) and b[0, j).
  std::vector<std::vector<int>> d(a.size() + 1, std::vector<int>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = static_cast<int>(i);
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1,
                          d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

absl::Status ParseDurationText(absl::string_view text, absl::Duration* out) {
  if (IsNumber(text) && text != "0") {
    return absl::InvalidArgumentError(absl::StrCat(
        "a duration needs a unit: write ", text, "s (or ms, m, h)"));
  }
  if (!absl::ParseDuration(text, out)) {
    return absl::InvalidArgumentError(
        "not a duration; write it like 30s, 10m, 1h30m or 250ms");
  }
  return absl::OkStatus();
}

Flag& FlagSet::Add(absl::string_view name, FlagType type,
                   std::string value_name, std::string default_text,
                   std::string help) {
  Flag flag;
  flag.name = Dashed(name);
  flag.type = type;
  flag.value_name = std::move(value_name);
  flag.default_text = std::move(default_text);
  flag.help = std::move(help);
  flags_.push_back(std::move(flag));
  return flags_.back();
}

Flag& FlagSet::Bool(absl::string_view name, bool* value, std::string help) {
  Flag& flag = Add(name, FlagType::kBool, "", *value ? "true" : "false",
                   std::move(help));
  flag.assign = [value](absl::string_view text) {
    const std::string lower = absl::AsciiStrToLower(text);
    if (lower == "true" || lower == "1" || lower == "yes") {
      *value = true;
    } else if (lower == "false" || lower == "0" || lower == "no") {
      *value = false;
    } else {
      return absl::InvalidArgumentError("expected true or false");
    }
    return absl::OkStatus();
  };
  return flag;
}

Flag& FlagSet::String(absl::string_view name, std::string* value,
                      std::string value_name, std::string help) {
  Flag& flag = Add(name, FlagType::kString, std::move(value_name), *value,
                   std::move(help));
  flag.assign = [value](absl::string_view text) {
    *value = std::string(text);
    return absl::OkStatus();
  };
  return flag;
}

Flag& FlagSet::Choice(absl::string_view name, std::string* value,
                      std::vector<std::string> choices, std::string help) {
  Flag& flag = Add(name, FlagType::kString, absl::StrJoin(choices, "|"),
                   *value, std::move(help));
  flag.assign = [value, choices = std::move(choices)](absl::string_view text) {
    if (std::find(choices.begin(), choices.end(), text) == choices.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("expected one of ", absl::StrJoin(choices, ", ")));
    }
    *value = std::string(text);
    return absl::OkStatus();
  };
  return flag;
}

Flag& FlagSet::Uint(absl::string_view name, uint64_t* value,
                    std::string value_name, std::string help, uint64_t min,
                    uint64_t max) {
  Flag& flag = Add(name, FlagType::kUint, std::move(value_name),
                   absl::StrCat(*value), std::move(help));
  flag.assign = [value, min, max](absl::string_view text) {
    return ParseBounded<uint64_t>(text, min, max, value);
  };
  return flag;
}

Flag& FlagSet::Int(absl::string_view name, int* value, std::string value_name,
                   std::string help, int min, int max) {
  Flag& flag = Add(name, FlagType::kInt, std::move(value_name),
                   absl::StrCat(*value), std::move(help));
  flag.assign = [value, min, max](absl::string_view text) {
    return ParseBounded<int>(text, min, max, value);
  };
  return flag;
}

Flag& FlagSet::Duration(absl::string_view name, absl::Duration* value,
                        std::string help, DurationBounds bounds) {
  Flag& flag = Add(name, FlagType::kDuration, "D", absl::FormatDuration(*value),
                   std::move(help));
  flag.assign = [value, bounds = std::move(bounds)](absl::string_view text) {
    absl::Duration parsed;
    if (absl::Status status = ParseDurationText(text, &parsed); !status.ok()) {
      return status;
    }
    if (parsed < absl::ZeroDuration()) {
      return absl::InvalidArgumentError("must not be negative");
    }
    if (parsed < bounds.min) {
      std::string message =
          bounds.min == absl::Nanoseconds(1)
              ? std::string("must be more than 0")
              : absl::StrCat("must be at least ", absl::FormatDuration(bounds.min));
      if (!bounds.why.empty()) absl::StrAppend(&message, " (", bounds.why, ")");
      return absl::InvalidArgumentError(message);
    }
    if (parsed > bounds.max) {
      return absl::InvalidArgumentError(absl::StrCat(
          "must be at most ", absl::FormatDuration(bounds.max)));
    }
    *value = parsed;
    return absl::OkStatus();
  };
  return flag;
}

Flag& FlagSet::Size(absl::string_view name, uint64_t* value, std::string help) {
  Flag& flag = Add(name, FlagType::kSize, "SIZE", absl::StrCat(*value),
                   std::move(help));
  flag.assign = [value](absl::string_view text) {
    absl::StatusOr<uint64_t> parsed = ParseByteSize(text);
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(
          "not a size like 512M, 2G or 1048576 (bytes)");
    }
    *value = *parsed;
    return absl::OkStatus();
  };
  return flag;
}

Flag* FlagSet::Find(absl::string_view name) {
  for (Flag& flag : flags_) {
    if (flag.name == name) return &flag;
  }
  return nullptr;
}

bool FlagSet::IsSet(absl::string_view name) const {
  for (const Flag& flag : flags_) {
    if (flag.name == name) return flag.set;
  }
  return false;
}

absl::Status FlagSet::Error(absl::string_view message) const {
  return absl::InvalidArgumentError(
      absl::StrCat("openrace ", command_, ": ", message));
}

absl::Status FlagSet::Unknown(absl::string_view name) const {
  // The nearest name the command takes (booleans also as no-NAME), if it
  // is close: a third of the name's length, at least 1, at most 3.
  const int limit = std::clamp(static_cast<int>(name.size()) / 3, 1, 3);
  std::string best;
  int best_distance = limit + 1;
  std::vector<std::string> listed;
  for (const Flag& flag : flags_) {
    if (flag.hidden) continue;
    listed.push_back("--" + flag.name);
    std::vector<std::string> spellings = {flag.name};
    if (flag.type == FlagType::kBool) spellings.push_back("no-" + flag.name);
    for (const std::string& spelling : spellings) {
      const int distance = EditDistance(name, spelling);
      if (distance < best_distance) {
        best_distance = distance;
        best = spelling;
      }
    }
  }
  if (!best.empty()) {
    return Error(absl::StrCat("unknown flag --", name, "; did you mean --",
                              best, "?"));
  }
  if (listed.empty()) {
    return Error(absl::StrCat("unknown flag --", name, " (", command_,
                              " takes no flags)"));
  }
  if (listed.size() <= kMaxListed) {
    return Error(absl::StrCat("unknown flag --", name, " (", command_,
                              " takes ", absl::StrJoin(listed, ", "), ")"));
  }
  return Error(absl::StrCat("unknown flag --", name, " (openrace help ",
                            command_, " lists its flags)"));
}

absl::Status FlagSet::Parse(const std::vector<std::string>& args,
                            std::vector<std::string>* positional) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      positional->insert(positional->end(), args.begin() + i + 1, args.end());
      break;
    }
    if (arg.size() < 2 || arg[0] != '-') {
      positional->push_back(arg);
      continue;
    }
    absl::string_view body(arg);
    body.remove_prefix(absl::StartsWith(body, "--") ? 2 : 1);
    const size_t eq = body.find('=');
    const bool has_value = eq != absl::string_view::npos;
    const std::string name = Dashed(body.substr(0, eq));
    absl::string_view value = has_value ? body.substr(eq + 1) : "";

    Flag* flag = Find(name);
    bool negated = false;
    if (flag == nullptr) {
      // --no-minimize, --nominimize.
      for (absl::string_view prefix : {"no-", "no"}) {
        if (!absl::StartsWith(name, prefix)) continue;
        Flag* positive = Find(absl::string_view(name).substr(prefix.size()));
        if (positive != nullptr && positive->type == FlagType::kBool) {
          flag = positive;
          negated = true;
          break;
        }
      }
    }
    if (flag == nullptr) return Unknown(name);
    if (negated) {
      if (has_value) {
        return Error(absl::StrCat("--", name, " takes no value (write --",
                                  flag->name, "=", value, ")"));
      }
      value = "false";
    } else if (!has_value) {
      if (flag->type == FlagType::kBool) {
        value = "true";
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        return Error(absl::StrCat("--", flag->name, " needs a value (--",
                                  flag->name, " ", flag->value_name, ")"));
      }
    }
    if (absl::Status status = flag->assign(value); !status.ok()) {
      return Error(absl::StrCat("bad value '", value, "' for --", flag->name,
                                ": ", status.message()));
    }
    flag->set = true;
  }
  return absl::OkStatus();
}

std::string FlagSet::Help() const {
  std::string out;
  for (const Flag& flag : flags_) {
    if (flag.hidden) continue;
    absl::StrAppend(&out, "  --", flag.name);
    if (flag.type != FlagType::kBool) absl::StrAppend(&out, " ", flag.value_name);
    if (flag.type == FlagType::kBool) {
      absl::StrAppend(&out, flag.default_text == "true"
                                ? absl::StrCat(" (default: true; --no-", flag.name, ")")
                                : std::string(" (default: false)"));
    } else if (!flag.default_text.empty()) {
      absl::StrAppend(&out, " (default: ", flag.default_text, ")");
    }
    absl::StrAppend(&out, "\n", Wrap(flag.help, 78, "      "));
  }
  return out;
}

}  // namespace openrace
