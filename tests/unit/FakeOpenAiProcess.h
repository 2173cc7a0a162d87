#pragma once
// Runs tests/integration/helpers/fake-openai.mjs (a real OpenAI-compatible HTTP server in Node) as a child
// process for the tests of the OpenAI client and the LLM engines, and talks to its /_fake control routes.
// The child's stdin is a pipe from us: when the test process dies, the server exits too.
#include <curl/curl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

extern char** environ;

namespace rooms::testing {

class FakeOpenAiProcess {
 public:
  explicit FakeOpenAiProcess(const std::string& mode = "ok") {
    int toChild[2], fromChild[2];
    if (::pipe(toChild) != 0 || ::pipe(fromChild) != 0) throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, toChild[0], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, fromChild[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, toChild[1]);
    posix_spawn_file_actions_addclose(&actions, fromChild[0]);
    const std::string script = std::string(ROOMS_SOURCE_DIR) + "/tests/integration/helpers/fake-openai.mjs";
    std::string node = "node", portFlag = "--port", port = "0", modeFlag = "--mode", modeArg = mode;
    std::string scriptArg = script;
    char* argv[] = {node.data(),     scriptArg.data(), portFlag.data(), port.data(),
                    modeFlag.data(), modeArg.data(),   nullptr};
    const int rc = posix_spawnp(&pid_, "node", &actions, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(toChild[0]);
    ::close(fromChild[1]);
    stdin_ = toChild[1];
    stdout_ = fromChild[0];
    if (rc != 0) {
      pid_ = -1;
      throw std::runtime_error("could not run node (needed for the fake OpenAI server): " +
                               std::to_string(rc));
    }
    url_ = readLine(10000);
    if (url_.rfind("http://", 0) != 0)
      throw std::runtime_error("fake-openai.mjs did not print its URL: " + url_);
  }

  ~FakeOpenAiProcess() {
    if (stdin_ >= 0) ::close(stdin_);
    if (stdout_ >= 0) ::close(stdout_);
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }

  FakeOpenAiProcess(const FakeOpenAiProcess&) = delete;
  FakeOpenAiProcess& operator=(const FakeOpenAiProcess&) = delete;

  const std::string& url() const { return url_; }

  // Any of {mode, chatReply, transcript, summary, delayMs}.
  void configure(const nlohmann::json& settings) { control("POST", "/_fake/config", settings.dump()); }
  nlohmann::json requests() { return nlohmann::json::parse(control("GET", "/_fake/requests", "")); }
  void clearRequests() { control("DELETE", "/_fake/requests", ""); }

 private:
  std::string readLine(int timeoutMs) {
    std::string line;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{stdout_, POLLIN, 0};
      if (::poll(&p, 1, 100) != 1) continue;
      char c;
      if (::read(stdout_, &c, 1) != 1) break;
      if (c == '\n') return line;
      line += c;
    }
    return line;
  }

  std::string control(const char* method, const std::string& path, const std::string& body) {
    struct EasyDeleter {
      void operator()(CURL* c) const noexcept { curl_easy_cleanup(c); }
    };
    std::unique_ptr<CURL, EasyDeleter> curl(curl_easy_init());
    std::string response;
    const std::string target = url_ + path;
    curl_easy_setopt(curl.get(), CURLOPT_URL, target.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, 5000L);
    if (!body.empty()) {
      curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, body.c_str());
    }
    curl_easy_setopt(
        curl.get(), CURLOPT_WRITEFUNCTION, +[](char* d, size_t s, size_t n, void* out) {
          static_cast<std::string*>(out)->append(d, s * n);
          return s * n;
        });
    curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &response);
    const CURLcode rc = curl_easy_perform(curl.get());
    if (rc != CURLE_OK)
      throw std::runtime_error(std::string("fake-openai control: ") + curl_easy_strerror(rc));
    return response;
  }

  pid_t pid_ = -1;
  int stdin_ = -1;
  int stdout_ = -1;
  std::string url_;
};

// A loopback address where nothing listens: the port was free a moment ago.
inline std::string refusedUrl() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
}

}  // namespace rooms::testing
