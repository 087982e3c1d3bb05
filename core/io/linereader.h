#pragma once

#include <algorithm>
#include <cstddef>
#include <string_view>

namespace gradlens {

// Walks text line by line, counting lines from 1. A line ends at "\n", "\r\n" or a lone "\r" (classic Mac
// files, and what some spreadsheets still write), so every ending gives the same lines and line numbers.
class LineReader {
public:
    explicit LineReader(std::string_view text)
        : m_text(text) {}

    bool next(std::string_view &line) {
        if (m_position >= m_text.size())
            return false;
        const std::size_t end = m_text.find_first_of("\r\n", m_position);
        const std::size_t stop = end == std::string_view::npos ? m_text.size() : end;
        line = m_text.substr(m_position, stop - m_position);
        std::size_t after = stop;
        if (after < m_text.size())
            after += m_text.compare(after, 2, "\r\n") == 0 ? 2 : 1;
        m_position = after;
        ++m_line;
        return true;
    }
    std::size_t lineNumber() const { return m_line; }
    std::size_t remainingBytes() const { return m_text.size() - std::min(m_position, m_text.size()); }

private:
    std::string_view m_text;
    std::size_t m_position = 0;
    std::size_t m_line = 0;
};

} // namespace gradlens
