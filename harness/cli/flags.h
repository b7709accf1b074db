// flags.h — one subcommand's flags: a table of name, value type, default and
// help, each bound to a field of the command's struct, and the parser that
// fills them from the command line.
//
// The rules, the same for every command:
//   --name=value and --name value; a boolean is --name, --name=false or
//   --no-name (also --noname); dashes and underscores in a name are the same
//   (--control-dir, --control_dir); `--` ends the flags; anything else that
//   does not start with `-` is a positional argument, wherever it stands.
// Every error is one line that names the command and the flag:
//   openrace run: unknown flag --tme; did you mean --time?
//   openrace doctor: unknown flag --rounds (doctor takes --dir, --json)
//   openrace run: bad value '10' for --time: a duration needs a unit: write 10s
// Values are checked as they are read: a number or a duration outside the
// flag's bounds, a negative duration, a duration without a unit, a string
// that is not one of its choices.
//
// Example:
//   uint64_t jobs = 0;
//   absl::Duration time;
//   FlagSet flags("campaign");
//   flags.Uint("jobs", &jobs, "N", "worker processes", 0, 256);
//   flags.Duration("time", &time, "stop after this long").Default("1m");
//   std::vector<std::string> positional;
//   absl::Status parsed = flags.Parse({"--jobs", "4", "--time=10m"}, &positional);

#ifndef OPENRACE_HARNESS_CLI_FLAGS_H_
#define OPENRACE_HARNESS_CLI_FLAGS_H_

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace openrace {

enum class FlagType { kBool, kString, kUint, kInt, kDuration, kSize };

// "bool", "string", "uint", "int", "duration", "size".
absl::string_view FlagTypeName(FlagType type);

struct Flag {
  std::string name;        // with dashes: "control-dir"
  FlagType type = FlagType::kString;
  std::string value_name;  // in the help: --dir DIR
  std::string default_text;
  std::string help;
  bool hidden = false;     // left out of the help (campaign-worker --shard)
  bool set = false;        // given on the command line
  // Parses `text`, checks it and stores it in the bound field.
  std::function<absl::Status(absl::string_view text)> assign;

  // Replaces the default shown in the help (which is the bound field's
  // value when the flag was declared).
  Flag& Default(std::string text) {
    default_text = std::move(text);
    return *this;
  }
  Flag& Hidden() {
    hidden = true;
    return *this;
  }
};

// A duration flag's bounds; `why` follows the message of a value below min.
struct DurationBounds {
  absl::Duration min = absl::ZeroDuration();
  absl::Duration max = absl::InfiniteDuration();
  std::string why;
};

class FlagSet {
 public:
  explicit FlagSet(std::string command) : command_(std::move(command)) {}

  // Each declares a flag bound to `*value` (which holds its default) and
  // returns it, for .Default() and .Hidden(). A reference into the table:
  // use it before declaring the next flag.
  Flag& Bool(absl::string_view name, bool* value, std::string help);
  Flag& String(absl::string_view name, std::string* value,
               std::string value_name, std::string help);
  // A string that must be one of `choices` (or empty, the default's "").
  Flag& Choice(absl::string_view name, std::string* value,
               std::vector<std::string> choices, std::string help);
  Flag& Uint(absl::string_view name, uint64_t* value, std::string value_name,
             std::string help, uint64_t min = 0,
             uint64_t max = std::numeric_limits<uint64_t>::max());
  Flag& Int(absl::string_view name, int* value, std::string value_name,
            std::string help, int min, int max);
  // A duration with a unit ("10s", "1h30m", "250ms"); never negative.
  Flag& Duration(absl::string_view name, absl::Duration* value,
                 std::string help, DurationBounds bounds = {});
  // A byte count: "512M", "2G", "1048576" (ParseByteSize).
  Flag& Size(absl::string_view name, uint64_t* value, std::string help);

  // Fills the bound fields from `args` (the words after the command's
  // name) and appends the positional arguments to `positional`. Stops at
  // the first error, whose message is the one line to print.
  absl::Status Parse(const std::vector<std::string>& args,
                     std::vector<std::string>* positional);

  // Whether --name was given (name with dashes).
  bool IsSet(absl::string_view name) const;

  const std::string& command() const { return command_; }
  const std::vector<Flag>& flags() const { return flags_; }

  // The flags, two lines each ("  --time D (default: 1m)" and the help,
  // indented), in the order declared; hidden ones left out.
  std::string Help() const;

 private:
  Flag& Add(absl::string_view name, FlagType type, std::string value_name,
            std::string default_text, std::string help);
  Flag* Find(absl::string_view name);
  absl::Status Unknown(absl::string_view name) const;
  absl::Status Error(absl::string_view message) const;

  std::string command_;
  std::vector<Flag> flags_;
};

// `text` in lines of at most `width` characters (a longer word stands
// alone), each starting with `indent` and ending with a newline.
std::string Wrap(absl::string_view text, size_t width, absl::string_view indent);

// The edit distance (optimal string alignment: insertions, deletions,
// substitutions and swaps of neighbours each cost 1) between a and b.
int EditDistance(absl::string_view a, absl::string_view b);

// "10s" -> 10 s; "10" -> "a duration needs a unit: write 10s"; the forms of
// absl::ParseDuration otherwise ("1h30m", "1.5s", "0", "inf").
absl::Status ParseDurationText(absl::string_view text, absl::Duration* out);

}  // namespace openrace

#endif  // OPENRACE_HARNESS_CLI_FLAGS_H_
