// A one-line progress indicator on standard error for long scans: the phase, how many
// inputs have loaded, the file being read and the elapsed time. Drawn only on a terminal
// and never in CI (CI set to anything but "false"/"0"), and only once a scan has run for
// half a second, so short runs and logs never see it. The line is erased before the
// report is printed.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace tenet::cli {

class Progress {
  public:
    // `wanted`: the user did not pass --no-progress. Whether a line is drawn also
    // depends on the terminal and CI, see above.
    explicit Progress(bool wanted);
    ~Progress(); // erases the line

    void phase(const std::string& label); // "loading", "evaluating 42 rules on 9,372 resources"
    void file(const std::string& path);   // one more input being read
    void finish();                        // erase the line now (idempotent)

    static bool enabled_for_this_process();

  private:
    void run();
    void draw();

    bool enabled_ = false;
    std::mutex mu_;
    std::condition_variable cv_;
    bool stop_ = false;
    bool drawn_ = false;
    std::string phase_, current_;
    size_t files_ = 0;
    double start_ = 0;
    std::thread thread_;
};

} // namespace tenet::cli
