// Reports of `tenet test`: text (a line per test, each unmet expectation with expected
// versus actual verdicts and why), JSON (tenet-test/1) and JUnit XML (a testsuite per
// test file, a testcase per test).
#include "report.h"
#include "tenet/common/json.h"
#include "test_runner.h"

#include <cctype>
#include <fmt/color.h>
#include <fmt/format.h>
#include <map>

namespace tenet::cli {

namespace {

const char* status_name(TestResult::Status s) {
    switch (s) {
    case TestResult::Status::Pass:
        return "pass";
    case TestResult::Status::Fail:
        return "fail";
    case TestResult::Status::Error:
        return "error";
    }
    return "";
}

std::string status_word(TestResult::Status s) {
    std::string w = status_name(s);
    for (char& c : w) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return w;
}

std::string plural(size_t n, const char* word) {
    return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

// The lines that explain one unmet expectation (text and JUnit bodies).
std::string unmet_text(const ExpectationResult& u, const std::string& indent) {
    std::string out = fmt::format("{}{}: expected {}; actual: {}\n", indent, u.where.text(),
                                  u.expected, u.actual);
    for (const std::string& line : u.explanation) out += indent + "    " + line + "\n";
    return out;
}

std::string summary_line(const TestSummary& s) {
    return fmt::format("{}: {} passed, {} failed, {}",
                       plural(s.passed + s.failed + s.errors, "test"), s.passed, s.failed,
                       plural(s.errors, "error"));
}

} // namespace

TestSummary summarize(const std::vector<TestResult>& results) {
    TestSummary s;
    for (const TestResult& r : results) {
        switch (r.status) {
        case TestResult::Status::Pass:
            ++s.passed;
            break;
        case TestResult::Status::Fail:
            ++s.failed;
            break;
        case TestResult::Status::Error:
            ++s.errors;
            break;
        }
    }
    return s;
}

std::string render_test_text(const std::vector<TestResult>& results, bool color) {
    std::string out;
    for (const TestResult& r : results) {
        std::string word = status_word(r.status);
        if (color) {
            auto style = r.status == TestResult::Status::Pass
                             ? fmt::fg(fmt::terminal_color::green)
                             : fmt::fg(fmt::terminal_color::red) | fmt::emphasis::bold;
            word = fmt::format(style, "{}", word);
        }
        out += fmt::format("{} {}: {}\n", word, r.where.text(), r.test->name);
        for (const std::string& e : r.errors) out += "    " + e + "\n";
        for (const ExpectationResult& u : r.unmet) out += unmet_text(u, "    ");
    }
    if (results.empty()) out += "no tests found\n";
    out += "\n" + summary_line(summarize(results)) + "\n";
    return out;
}

std::string render_test_json(const std::vector<TestResult>& results) {
    std::string out = "{\n  \"format\": \"tenet-test/1\",\n  \"tests\": [";
    for (size_t i = 0; i < results.size(); ++i) {
        const TestResult& r = results[i];
        out += i ? ",\n    {" : "\n    {";
        out += "\"name\": ";
        json::append_quoted(out, r.test->name);
        out += ", \"package\": ";
        json::append_quoted(out, r.test->package);
        out += ", \"file\": ";
        json::append_quoted(out, r.where.path);
        out += fmt::format(", \"line\": {}, \"status\": \"{}\", \"expectations\": {}", r.where.line,
                           status_name(r.status), r.expectations);
        out += ",\n     \"errors\": [";
        for (size_t k = 0; k < r.errors.size(); ++k) {
            if (k) out += ", ";
            json::append_quoted(out, r.errors[k]);
        }
        out += "],\n     \"unmet\": [";
        for (size_t k = 0; k < r.unmet.size(); ++k) {
            const ExpectationResult& u = r.unmet[k];
            out += k ? ",\n       {" : "\n       {";
            out += fmt::format("\"line\": {}, \"column\": {}, \"expected\": ", u.where.line,
                               u.where.column);
            json::append_quoted(out, u.expected);
            out += ", \"actual\": ";
            json::append_quoted(out, u.actual);
            out += ", \"explanation\": [";
            for (size_t j = 0; j < u.explanation.size(); ++j) {
                if (j) out += ", ";
                json::append_quoted(out, u.explanation[j]);
            }
            out += "]}";
        }
        out += r.unmet.empty() ? "]}" : "\n     ]}";
    }
    TestSummary s = summarize(results);
    out += results.empty() ? "],\n" : "\n  ],\n";
    out += fmt::format("  \"summary\": {{\"tests\": {}, \"passed\": {}, \"failed\": {}, "
                       "\"errors\": {}}}\n}}\n",
                       results.size(), s.passed, s.failed, s.errors);
    return out;
}

std::string render_test_junit(const std::vector<TestResult>& results) {
    // Files in the order their first test ran.
    std::vector<std::string> files;
    std::map<std::string, std::vector<const TestResult*>> by_file;
    for (const TestResult& r : results) {
        auto& list = by_file[r.where.path];
        if (list.empty()) files.push_back(r.where.path);
        list.push_back(&r);
    }
    TestSummary total = summarize(results);
    std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out +=
        fmt::format("<testsuites name=\"tenet test\" tests=\"{}\" failures=\"{}\" errors=\"{}\">\n",
                    results.size(), total.failed, total.errors);
    for (const std::string& file : files) {
        const auto& list = by_file[file];
        size_t failures = 0, errors = 0;
        for (const TestResult* r : list) {
            failures += r->status == TestResult::Status::Fail;
            errors += r->status == TestResult::Status::Error;
        }
        out += fmt::format(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"0\">\n",
            xml_escape(file), list.size(), failures, errors);
        for (const TestResult* r : list) {
            std::string head =
                fmt::format("    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{}\"",
                            xml_escape(r->test->name), xml_escape(r->test->package),
                            xml_escape(file), r->where.line);
            if (r->status == TestResult::Status::Pass) {
                out += head + "/>\n";
                continue;
            }
            out += head + ">\n";
            if (r->status == TestResult::Status::Error) {
                std::string body;
                for (const std::string& e : r->errors) body += e + "\n";
                out += fmt::format("      <error message=\"{}\">{}</error>\n",
                                   xml_escape(r->errors.front()), xml_escape(body));
            } else {
                std::string body;
                for (const ExpectationResult& u : r->unmet) body += unmet_text(u, "");
                const ExpectationResult& first = r->unmet.front();
                out += fmt::format("      <failure message=\"{}\">{}</failure>\n",
                                   xml_escape(fmt::format("expected {}; actual: {}", first.expected,
                                                          first.actual)),
                                   xml_escape(body));
            }
            out += "    </testcase>\n";
        }
        out += "  </testsuite>\n";
    }
    out += "</testsuites>\n";
    return out;
}

} // namespace tenet::cli
