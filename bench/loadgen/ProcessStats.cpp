#include "ProcessStats.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace rooms::loadgen {

namespace {

// utime + stime of a /proc stat line, in seconds.
std::optional<double> cpuOfStat(const std::string& line) {
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis are fixed.
  const auto close = line.rfind(')');
  if (close == std::string::npos || close + 2 > line.size()) return std::nullopt;
  std::istringstream fields(line.substr(close + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; fields >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) {
      stime = std::stoull(field);
      break;
    }
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

}  // namespace

std::optional<ProcessStats> ProcessStats::read(int pid) {
  const std::string base = "/proc/" + std::to_string(pid);
  ProcessStats s;
  s.valid = true;
  {
    std::ifstream in(base + "/stat");
    std::string line;
    if (!std::getline(in, line)) return std::nullopt;
    const auto cpu = cpuOfStat(line);
    if (!cpu) return std::nullopt;
    s.cpuSeconds = *cpu;
  }
  std::error_code tasksEc;
  for (auto it = std::filesystem::directory_iterator(base + "/task", tasksEc);
       !tasksEc && it != std::filesystem::directory_iterator(); it.increment(tasksEc)) {
    std::ifstream comm(it->path() / "comm");
    std::string name;
    if (!std::getline(comm, name) || name.rfind("rooms-rec", 0) != 0) continue;
    std::ifstream stat(it->path() / "stat");
    std::string line;
    if (std::getline(stat, line)) s.recorderCpuSeconds += cpuOfStat(line).value_or(0);
  }
  {
    std::ifstream in(base + "/status");
    std::string line;
    while (std::getline(in, line)) {
      const auto kb = [&](const char* key) {
        return std::stoull(line.substr(std::string(key).size())) * 1024;
      };
      if (line.rfind("VmRSS:", 0) == 0) s.rssBytes = kb("VmRSS:");
      if (line.rfind("VmHWM:", 0) == 0) s.peakRssBytes = kb("VmHWM:");
    }
  }
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator(base + "/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    ++s.openFds;
  }
  return s;
}

}  // namespace rooms::loadgen
