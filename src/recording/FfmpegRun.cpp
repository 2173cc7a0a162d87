#include "recording/FfmpegRun.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

extern char** environ;

namespace rooms::recording {
namespace {

struct Pipe {
  int fds[2] = {-1, -1};
  Pipe() {
    if (pipe2(fds, O_CLOEXEC) != 0) fds[0] = fds[1] = -1;
  }
  ~Pipe() {
    for (int fd : fds) {
      if (fd >= 0) close(fd);
    }
  }
  void closeEnd(int i) {
    if (fds[i] >= 0) close(fds[i]);
    fds[i] = -1;
  }
};

// ffmpeg's progress is key=value lines; out_time_us is where the output is.
void parseProgress(std::string& buffer, const std::function<void(int64_t)>& onProgress) {
  size_t start = 0;
  for (size_t nl; (nl = buffer.find('\n', start)) != std::string::npos; start = nl + 1) {
    const std::string line = buffer.substr(start, nl - start);
    if (line.rfind("out_time_us=", 0) == 0 || line.rfind("out_time_ms=", 0) == 0) {
      try {
        const int64_t us = std::stoll(line.substr(12));
        if (us >= 0 && onProgress) onProgress(us / 1000);
      } catch (const std::exception&) {
        // "N/A" before the first frame.
      }
    }
  }
  buffer.erase(0, start);
}

}  // namespace

FfmpegResult runFfmpeg(const std::string& program, const std::vector<std::string>& args,
                       const std::function<void(int64_t)>& onProgress, const std::atomic<bool>& cancel) {
  Pipe out;
  Pipe err;
  if (out.fds[0] < 0 || err.fds[0] < 0) return {false, std::string("pipe: ") + std::strerror(errno)};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out.fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err.fds[1], 2);
  std::vector<std::string> argv_s;
  argv_s.push_back(program);
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  argv.reserve(argv_s.size() + 1);
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return {false, program + ": " + std::strerror(rc)};
  out.closeEnd(1);
  err.closeEnd(1);

  std::string progress;
  std::string errors;
  std::array<char, 4096> buf{};
  bool outOpen = true;
  bool errOpen = true;
  bool terminated = false;
  int waitedMs = 0;
  while (outOpen || errOpen) {
    std::array<pollfd, 2> fds{pollfd{outOpen ? out.fds[0] : -1, POLLIN, 0},
                              pollfd{errOpen ? err.fds[0] : -1, POLLIN, 0}};
    poll(fds.data(), fds.size(), 200);
    if (cancel.load() && !terminated) {
      kill(pid, SIGTERM);
      terminated = true;
    }
    if (terminated && (waitedMs += 200) > 5000) kill(pid, SIGKILL);
    for (size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const ssize_t n = read(fds[i].fd, buf.data(), buf.size());
      if (n <= 0) {
        (i == 0 ? outOpen : errOpen) = false;
        continue;
      }
      if (i == 0) {
        progress.append(buf.data(), static_cast<size_t>(n));
        parseProgress(progress, onProgress);
      } else {
        errors.append(buf.data(), static_cast<size_t>(n));
        if (errors.size() > 8192) errors.erase(0, errors.size() - 4096);  // the last lines say why
      }
    }
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (terminated) return {false, "cancelled"};
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {true, ""};
  while (!errors.empty() && (errors.back() == '\n' || errors.back() == '\r')) errors.pop_back();
  if (errors.empty()) errors = "ffmpeg exited with status " + std::to_string(WEXITSTATUS(status));
  return {false, errors};
}

}  // namespace rooms::recording
