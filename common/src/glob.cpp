#include "tenet/common/glob.h"

namespace tenet {

bool glob_match(std::string_view p, std::string_view t) {
    // Iterative matcher with backtracking to the last star: linear in practice.
    size_t pi = 0, ti = 0, star_p = std::string_view::npos, star_t = 0;
    bool star_crosses = false;
    while (ti < t.size()) {
        if (pi < p.size() && p[pi] == '*') {
            star_crosses = pi + 1 < p.size() && p[pi + 1] == '*';
            pi += star_crosses ? 2 : 1;
            star_p = pi;
            star_t = ti;
        } else if (pi < p.size() && (p[pi] == '?' ? t[ti] != '/' : p[pi] == t[ti])) {
            ++pi;
            ++ti;
        } else if (star_p != std::string_view::npos && (star_crosses || t[star_t] != '/')) {
            pi = star_p;
            ti = ++star_t;
        } else {
            return false;
        }
    }
    while (pi < p.size() && p[pi] == '*') ++pi;
    return pi == p.size();
}

} // namespace tenet
