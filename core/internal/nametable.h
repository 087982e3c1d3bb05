#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace gradlens {

// Names of enum values for the command line and files: one table per enum, looked up both ways.
template <typename Enum, std::size_t N> using NameTable = std::array<std::pair<Enum, std::string_view>, N>;

template <typename Enum, std::size_t N>
constexpr std::string_view nameOf(const NameTable<Enum, N> &table, Enum value) {
    for (const auto &[entry, name] : table)
        if (entry == value)
            return name;
    return "unknown";
}

template <typename Enum, std::size_t N>
constexpr std::optional<Enum> parseName(const NameTable<Enum, N> &table, std::string_view text) {
    for (const auto &[entry, name] : table)
        if (name == text)
            return entry;
    return std::nullopt;
}

// "a, b, c": every name in table order, for help texts and error messages.
template <typename Enum, std::size_t N> std::string joinNames(const NameTable<Enum, N> &table) {
    std::string joined;
    for (const auto &[entry, name] : table) {
        joined += joined.empty() ? "" : ", ";
        joined += name;
    }
    return joined;
}

} // namespace gradlens
