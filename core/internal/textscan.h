#pragma once

// Small text helpers shared by the text readers (Matrix Market and delimited text).

#include "status.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gradlens::text {

inline std::string lower(std::string_view text) {
    std::string result(text);
    std::transform(result.begin(), result.end(), result.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return result;
}

inline std::string_view trim(std::string_view text) {
    const auto isSpace = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; };
    while (!text.empty() && isSpace(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && isSpace(text.back()))
        text.remove_suffix(1);
    return text;
}

inline std::vector<std::string_view> splitWhitespace(std::string_view line) {
    std::vector<std::string_view> tokens;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i])))
            ++i;
        const std::size_t start = i;
        while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i])))
            ++i;
        if (i > start)
            tokens.push_back(line.substr(start, i - start));
    }
    return tokens;
}

// Text from a file for a message: control bytes escaped ("\x0a") so that the message stays one line, a
// non-breaking space shown as <U+00A0>, and cut after limit bytes.
inline std::string printable(std::string_view text, std::size_t limit = 40) {
    std::string result;
    for (std::size_t i = 0; i < text.size() && i < limit; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (text.compare(i, 2, "\xC2\xA0") == 0) { // a non-breaking space looks like a space: name it
            result += "<U+00A0>";
            ++i;
        } else if (c < 0x20 || c == 0x7f) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\x%02x", c);
            result += escaped;
        } else {
            result += static_cast<char>(c);
        }
    }
    if (text.size() > limit)
        result += "…";
    return result;
}

// Quotes a token for a message, cut short and with control bytes escaped so binary junk stays one line.
inline std::string quoted(std::string_view token) {
    return "\"" + printable(token) + "\"";
}

inline Status errorAt(const std::string &name, std::size_t line, const std::string &message) {
    return Status::failure(name + ":" + std::to_string(line) + ": " + message);
}

inline std::optional<std::uint64_t> parseCount(std::string_view token) {
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), value);
    if (error != std::errc() || end != token.data() + token.size())
        return std::nullopt;
    return value;
}

// A content line: not blank and not a comment starting with one of the comment characters.
inline bool isContent(std::string_view content, std::string_view commentStarts) {
    return !content.empty() && commentStarts.find(content.front()) == std::string_view::npos;
}

} // namespace gradlens::text
