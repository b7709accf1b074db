// replay_main.cc — the main of a fuzz target built without libFuzzer (gcc,
// or clang without OPENRACE_LIBFUZZER): feeds each file named on the
// command line, and each regular file in each directory named (sorted by
// name, not recursive), to LLVMFuzzerTestOneInput once. So the normal build
// replays every seed corpus as a CTest test (fuzz.<name>.corpus), and a
// crash artifact reproduces under a debugger without libFuzzer.
//
//   scenario_fuzzer [-flag=value ...] FILE_OR_DIR...
//
// Arguments that start with '-' are libFuzzer flags and are ignored, so a
// command line written for the libFuzzer build still works. Like libFuzzer,
// it calls LLVMFuzzerInitialize first when the target defines one.

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc,
                                                          char*** argv);

namespace {

bool RunFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    fprintf(stderr, "replay: cannot read %s\n", path.c_str());
    return false;
  }
  const std::string bytes((std::istreambuf_iterator<char>(in)),
                          std::istreambuf_iterator<char>());
  fprintf(stderr, "replay: %s (%zu bytes)\n", path.c_str(), bytes.size());
  // A copy the size of the input, so ASan sees reads past its end.
  std::vector<uint8_t> data(bytes.begin(), bytes.end());
  LLVMFuzzerTestOneInput(data.empty() ? nullptr : data.data(), data.size());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (LLVMFuzzerInitialize != nullptr) LLVMFuzzerInitialize(&argc, &argv);
  size_t inputs = 0;
  bool ok = true;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (!arg.empty() && arg[0] == '-') {
      fprintf(stderr, "replay: ignoring flag %s\n", arg.c_str());
      continue;
    }
    std::error_code error;
    if (std::filesystem::is_directory(arg, error)) {
      std::vector<std::filesystem::path> files;
      for (const auto& entry :
           std::filesystem::directory_iterator(arg, error)) {
        if (entry.is_regular_file()) files.push_back(entry.path());
      }
      if (error) {
        fprintf(stderr, "replay: cannot list %s: %s\n", arg.c_str(),
                error.message().c_str());
        ok = false;
      }
      std::sort(files.begin(), files.end());
      for (const auto& file : files) {
        ok &= RunFile(file);
        ++inputs;
      }
    } else {
      ok &= RunFile(arg);
      ++inputs;
    }
  }
  if (inputs == 0) {
    fprintf(stderr, "usage: %s [-flag=value ...] FILE_OR_DIR...\n", argv[0]);
    return 2;
  }
  fprintf(stderr, "replay: %zu inputs, %s\n", inputs,
          ok ? "all ran" : "some could not be read");
  return ok ? 0 : 1;
}
