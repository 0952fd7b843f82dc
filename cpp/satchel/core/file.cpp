#include "file.h"

#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <stdexcept>

namespace satchel::file {

std::string read(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) throw FileError{path, errno};
  std::string data;
  char buf[1 << 16];
  std::size_t got;
  while ((got = std::fread(buf, 1, sizeof buf, f)) > 0) data.append(buf, got);
  const bool failed = std::ferror(f);
  const int err = errno;
  std::fclose(f);
  if (failed) throw FileError{path, err};
  return data;
}

void parse_tokens(const std::string& path, const std::string& text, int64_t count,
                  FunctionRef<std::string(const std::string& token, int64_t i)> parse) {
  int64_t found = 0;
  int line = 1;
  std::size_t line_start = 0;
  std::size_t i = 0;
  while (found < count) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) {
      if (text[i] == '\n') {
        ++line;
        line_start = i + 1;
      }
      ++i;
    }
    if (i == text.size()) break;
    const std::size_t begin = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    const std::string error = parse(text.substr(begin, i - begin), found);
    if (!error.empty())
      throw std::invalid_argument(path + ":" + std::to_string(line) + ":" + std::to_string(begin - line_start + 1) +
                                  ": " + error);
    ++found;
  }
  if (found < count)
    throw std::invalid_argument(path + ": expected " + std::to_string(count) + " numbers, found " +
                                std::to_string(found));
}

void write_atomically(const std::string& path, const std::string& data) {
  const std::string tmp = path + ".tmp" + std::to_string(::getpid());
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) throw FileError{path, errno};
  const bool ok = std::fwrite(data.data(), 1, data.size(), f) == data.size();
  int err = errno;
  const bool closed = std::fclose(f) == 0;
  if (!closed && ok) err = errno;
  if (!ok || !closed || std::rename(tmp.c_str(), path.c_str()) != 0) {
    if (ok && closed) err = errno;
    std::remove(tmp.c_str());
    throw FileError{path, err};
  }
}

}  // namespace satchel::file
