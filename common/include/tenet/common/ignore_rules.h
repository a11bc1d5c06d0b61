// .gitignore-style ignore files (.gitignore, .tenetignore) for directory scans.
//
// Follows gitignore(5) for what a scan needs: `#` comments and blank lines, `!`
// negation (the last matching pattern wins), a trailing `/` for folders only, a pattern
// with a `/` before its end anchored at its file's folder (otherwise it matches a name at
// any depth), `*`, `?`, `**` (leading `**/`, trailing `/**`, inner `/**/`) and `\`
// escapes. Not supported: character classes (`[a-z]`), read as literal text.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tenet {

class IgnoreRules {
  public:
    // Adds the patterns of one ignore file whose folder is `base`, a path relative to the
    // scan root written with `/` ("" for the root itself). Later files win over earlier
    // ones, as deeper .gitignore files do over shallower ones.
    void add(std::string_view text, const std::string& base);

    // Whether `path` (relative to the scan root, `/`-separated) is ignored.
    bool ignored(std::string_view path, bool is_dir) const;

    bool empty() const { return patterns_.empty(); }

  private:
    struct Pattern {
        std::string base; // folder of the ignore file, "" or "a/b"
        std::string glob; // relative to base when anchored, else matched on the name
        bool negated = false;
        bool dir_only = false;
        bool anchored = false;
    };
    std::vector<Pattern> patterns_;
};

} // namespace tenet
