#pragma once

#include <string>
#include <utility>

namespace gradlens {

// Result of an operation that can fail on user input: numerical and input failures are reported, not thrown.
struct Status {
    bool ok = true;
    std::string message; // empty when ok; one line naming what is wrong otherwise

    static Status success() { return {}; }
    static Status failure(std::string text) { return {false, std::move(text)}; }
    explicit operator bool() const { return ok; }
};

} // namespace gradlens
