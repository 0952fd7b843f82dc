// Files in TH's DiskFile formats, the dtype-independent part: reading a file no
// further than asked, splitting text into whitespace-separated tokens with their
// line and column as it is read, and replacing a file only once its new content
// is completely written.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "errors.h"
#include "export.h"
#include "function_ref.h"

namespace satchel::file {

// std::invalid_argument unless path can name a file: a NUL would end it early.
SATCHEL_CORE void check_path(const std::string& path);

// A file open for reading; FileError if it cannot be opened or read. Reads go
// straight to the descriptor, so a device or a pipe is read only as far as
// asked, and a pipe's bytes are taken as they come.
class SATCHEL_CORE Reader {
 public:
  explicit Reader(const std::string& path);
  ~Reader();
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  const std::string& path() const { return path_; }
  // The size of a regular file (none for a device or a pipe).
  std::optional<std::size_t> regular_size() const;
  // Up to n bytes into out; fewer only at the end of the file.
  std::size_t read(void* out, std::size_t n);
  // What one read gives: at most n bytes, 0 at the end of the file.
  std::size_t read_some(void* out, std::size_t n);

 private:
  std::string path_;
  int fd_;
};

// Calls parse(token, i) for the first `count` whitespace-separated tokens of the
// file, i counting from 0, reading it block by block no further than the last
// of them. A non-empty string parse returns is an error, raised as
// std::invalid_argument "path:line:column: error" (its bytes outside printable
// ASCII escaped); fewer tokens than count is an error too.
SATCHEL_CORE void parse_tokens(Reader& file, int64_t count,
                               FunctionRef<std::string(const std::string& token, int64_t i)> parse);

// Writes data beside path and renames it over path, so that a failure leaves no
// partial file; FileError naming path if any step fails.
SATCHEL_CORE void write_atomically(const std::string& path, const std::string& data);

}  // namespace satchel::file
