// Runs one post-processing job on a payload and prints the seconds it
// took, for bench/fsops/run.sh.
//
//   fsops_bench copy|hardlink|extract PAYLOAD LIBRARY_ROOT
//
// copy and hardlink place PAYLOAD in LIBRARY_ROOT with that transfer mode.
// extract also unpacks every archive in the PAYLOAD folder. Its transfer
// is by hardlink, so the archive bytes themselves are not copied. As in
// revaerd, the job keeps its record (.revaer.meta), here in a new folder
// beside LIBRARY_ROOT that is removed at exit.

#include <stdlib.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include <spdlog/spdlog.h>

#include "core/torrent.hpp"
#include "fsops/fsops_job.hpp"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s copy|hardlink|extract PAYLOAD LIBRARY_ROOT\n", argv[0]);
    return 2;
  }
  const std::string mode = argv[1];
  if (mode != "copy" && mode != "hardlink" && mode != "extract") {
    std::fprintf(stderr, "invalid mode '%s': expected copy, hardlink or extract\n", mode.c_str());
    return 2;
  }

  spdlog::set_level(spdlog::level::warn);  // stdout carries only the result
  revaer::FsPolicyView policy;
  policy.library_root = argv[3];
  policy.move_mode = mode == "copy" ? "copy" : "hardlink";
  policy.extract = mode == "extract";
  std::filesystem::path library_root = policy.library_root;
  if (!library_root.has_filename()) {
    library_root = library_root.parent_path();  // a trailing '/'
  }
  std::string meta_template =
      (library_root.parent_path() / ".fsops-bench-meta.XXXXXX").string();
  if (::mkdtemp(meta_template.data()) == nullptr) {
    std::perror("could not create the folder of the job record");
    return 2;
  }
  revaer::FsopsRunOptions options;  // default extraction caps
  options.meta_dir = meta_template;

  const revaer::FsopsJob job{"bench", argv[2]};
  const auto started = std::chrono::steady_clock::now();
  const revaer::FsopsStatus status = revaer::run_fsops_job(
      job, policy, options, [](const auto&, const auto&, const auto&) {});
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - started;
  std::error_code ignored;
  std::filesystem::remove_all(options.meta_dir, ignored);

  if (status.state != "completed") {
    std::fprintf(stderr, "job failed in %s: %s\n", status.step.value_or("?").c_str(),
                 status.error.value_or("").c_str());
    return 3;
  }
  std::printf("%.3f\n", elapsed.count());
  return 0;
}
