#include "memorylimit.h"

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <string_view>

#include <unistd.h>

namespace gradlens {

namespace {

constexpr const char *kVariable = "GRADLENS_MAX_MATRIX_BYTES";

// The user's limit: the environment variable when set (a whole number of bytes), else the default.
Status configuredLimit(std::uint64_t &limit) {
    const char *text = std::getenv(kVariable);
    limit = kDefaultMaxMatrixBytes;
    if (text == nullptr || *text == '\0')
        return Status::success();
    const std::string_view view(text);
    const auto [end, error] = std::from_chars(view.data(), view.data() + view.size(), limit);
    if (error != std::errc() || end != view.data() + view.size() || limit == 0)
        return Status::failure(std::string(kVariable) + " must be a whole number of bytes above 0, found \"" +
                               std::string(view.substr(0, 40)) + "\"");
    return Status::success();
}

} // namespace

std::optional<std::uint64_t> availableMemoryBytes() {
    // MemAvailable counts what can be had without swapping, page cache included: what "free" shows.
    std::ifstream meminfo("/proc/meminfo");
    std::string key;
    std::uint64_t kilobytes = 0;
    std::string unit;
    while (meminfo >> key >> kilobytes >> unit)
        if (key == "MemAvailable:")
            return kilobytes * 1024;
    const long pages = sysconf(_SC_PHYS_PAGES), pageSize = sysconf(_SC_PAGESIZE);
    if (pages > 0 && pageSize > 0)
        return std::uint64_t(pages) * std::uint64_t(pageSize);
    return std::nullopt;
}

std::string formatBytes(std::uint64_t bytes) {
    static const char *const units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    if (bytes < 1024)
        return std::to_string(bytes) + " bytes";
    double value = double(bytes);
    int unit = -1;
    while (value >= 1024 && unit < 5) {
        value /= 1024;
        ++unit;
    }
    char text[32];
    std::snprintf(text, sizeof text, value < 10 ? "%.1f %s" : "%.0f %s", value, units[unit]);
    return text;
}

namespace {

// `needs` ("a 32768×32768 matrix needs 8.0 GiB") against the limit and the memory available.
Status checkAgainstLimit(std::uint64_t bytes, const std::string &needs) {
    std::uint64_t limit = 0;
    if (Status configured = configuredLimit(limit); !configured)
        return configured;
    if (bytes > limit)
        return Status::failure(needs + ", more than the " + formatBytes(limit) + " allowed (raise " +
                               kVariable + " to allow more)");
    if (const auto available = availableMemoryBytes(); available && bytes > *available)
        return Status::failure(needs + ", more than the " + formatBytes(*available) +
                               " of memory available on this machine");
    return Status::success();
}

} // namespace

Status checkMatrixSize(std::uint64_t rows, std::uint64_t cols) {
    const std::string shape = std::to_string(rows) + "×" + std::to_string(cols);
    constexpr std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
    const bool overflows = rows != 0 && cols > max / 8 / rows;
    const std::uint64_t bytes = overflows ? max : rows * cols * 8;
    return checkAgainstLimit(bytes, "a " + shape + " matrix needs " +
                                        (overflows ? std::string("more than 16 EiB") : formatBytes(bytes)));
}

Status checkBufferSize(std::uint64_t bytes) {
    return checkAgainstLimit(bytes, "it needs " + formatBytes(bytes));
}

} // namespace gradlens
