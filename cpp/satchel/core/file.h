// Files in TH's DiskFile formats, the dtype-independent part: reading a whole
// file, splitting text into whitespace-separated tokens with their line and
// column, and replacing a file only once its new content is completely written.
#pragma once

#include <cstdint>
#include <string>

#include "errors.h"
#include "export.h"
#include "function_ref.h"

namespace satchel::file {

// The file's bytes; FileError if it cannot be read.
SATCHEL_CORE std::string read(const std::string& path);

// Calls parse(token, i) for the first `count` whitespace-separated tokens of
// text, i counting from 0; a non-empty string it returns is an error, raised as
// std::invalid_argument "path:line:column: error". Fewer tokens than count is
// an error too.
SATCHEL_CORE void parse_tokens(const std::string& path, const std::string& text, int64_t count,
                               FunctionRef<std::string(const std::string& token, int64_t i)> parse);

// Writes data beside path and renames it over path, so that a failure leaves no
// partial file; FileError naming path if any step fails.
SATCHEL_CORE void write_atomically(const std::string& path, const std::string& data);

}  // namespace satchel::file
