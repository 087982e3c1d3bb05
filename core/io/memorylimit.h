#pragma once

#include "status.h"

#include <cstdint>
#include <optional>
#include <string>

namespace gradlens {

// The one limit on a dense matrix built from what a file claims: a 37-byte .mtx header can claim a
// 32768×32768 matrix (8 GiB). A matrix may take at most the smaller of
//   - GRADLENS_MAX_MATRIX_BYTES (environment, a whole number of bytes; default kDefaultMaxMatrixBytes), and
//   - the memory the machine has available now (Linux: MemAvailable in /proc/meminfo; else physical memory).
// Every reader asks before it allocates; the CLI and the window share it through the readers.
constexpr std::uint64_t kDefaultMaxMatrixBytes = std::uint64_t{2} << 30; // 2 GiB: n = 16384

// Available memory in bytes, or nullopt when the system does not say.
std::optional<std::uint64_t> availableMemoryBytes();

// success, or a failure whose message says what the rows×cols matrix of doubles would take and what limits
// it ("a 32768×32768 matrix needs 8 GiB, more than the 2 GiB allowed (GRADLENS_MAX_MATRIX_BYTES ...)").
// The message does not name a file: the reader puts its file and line or byte offset in front.
Status checkMatrixSize(std::uint64_t rows, std::uint64_t cols);
// The same limit on raw bytes a file claims (a zip member's uncompressed size, before it is inflated):
// "it needs 9.0 GiB, more than the 2.0 GiB allowed (...)".
Status checkBufferSize(std::uint64_t bytes);

// "8 GiB", "1.5 MiB", "300 bytes": a size for a message.
std::string formatBytes(std::uint64_t bytes);

} // namespace gradlens
