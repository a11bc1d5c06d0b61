#include "progress.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fmt/format.h>
#include <unistd.h>

namespace tenet::cli {

namespace {

double seconds_now() {
    using namespace std::chrono;
    return duration<double>(steady_clock::now().time_since_epoch()).count();
}

constexpr double kQuietSeconds = 0.5; // nothing is drawn for scans shorter than this
constexpr size_t kWidth = 78;         // keep to one line of an 80-column terminal

// The end of a long path, which is the part that tells files apart.
std::string tail(const std::string& s, size_t room) {
    if (s.size() <= room) return s;
    return "..." + s.substr(s.size() - (room - 3));
}

} // namespace

bool Progress::enabled_for_this_process() {
    if (!isatty(STDERR_FILENO)) return false;
    const char* ci = std::getenv("CI");
    if (ci && *ci && std::strcmp(ci, "false") != 0 && std::strcmp(ci, "0") != 0) return false;
    const char* term = std::getenv("TERM");
    return !(term && std::strcmp(term, "dumb") == 0);
}

Progress::Progress(bool wanted) : enabled_(wanted && enabled_for_this_process()) {
    start_ = seconds_now();
    if (enabled_) thread_ = std::thread([this] { run(); });
}

Progress::~Progress() {
    finish();
}

void Progress::phase(const std::string& label) {
    std::lock_guard<std::mutex> lock(mu_);
    phase_ = label;
    current_.clear();
}

void Progress::file(const std::string& path) {
    std::lock_guard<std::mutex> lock(mu_);
    ++files_;
    current_ = path;
}

void Progress::finish() {
    if (!thread_.joinable()) return;
    {
        std::lock_guard<std::mutex> lock(mu_);
        stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
    if (drawn_) {
        std::fputs("\r\x1b[K", stderr);
        std::fflush(stderr);
    }
}

void Progress::run() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stop_) {
        cv_.wait_for(lock, std::chrono::milliseconds(100));
        if (stop_) break;
        if (seconds_now() - start_ >= kQuietSeconds) draw();
    }
}

// Called with mu_ held.
void Progress::draw() {
    static const char* spinner[] = {"|", "/", "-", "\\"};
    double elapsed = seconds_now() - start_;
    std::string line =
        fmt::format("{} {} ({} input{}, {:.1f}s)", spinner[static_cast<int>(elapsed * 10) % 4],
                    phase_, files_, files_ == 1 ? "" : "s", elapsed);
    if (!current_.empty() && line.size() + 2 < kWidth)
        line += " " + tail(current_, kWidth - line.size() - 1);
    std::fputs(("\r\x1b[K" + line).c_str(), stderr);
    std::fflush(stderr);
    drawn_ = true;
}

} // namespace tenet::cli
