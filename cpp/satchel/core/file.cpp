#include "file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <stdexcept>
#include <vector>

namespace satchel::file {

namespace {

// Bytes a message cannot carry as they are (control characters, a NUL, bytes
// that may not be UTF-8) as \xNN.
std::string escaped(const std::string& text) {
  std::string out;
  for (const char c : text) {
    const auto b = static_cast<unsigned char>(c);
    if (b >= 0x20 && b < 0x7f) {
      out += c;
    } else {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02x", b);
      out += hex;
    }
  }
  return out;
}

}  // namespace

void check_path(const std::string& path) {
  if (path.find('\0') != std::string::npos)
    throw std::invalid_argument("path '" + escaped(path) + "' contains a NUL character");
}

Reader::Reader(const std::string& path) : path_(path) {
  check_path(path);
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw FileError{path, errno};
  struct stat st;
  if (::fstat(fd_, &st) == 0 && S_ISDIR(st.st_mode)) {  // read() would say so, but only once asked for bytes
    ::close(fd_);
    throw FileError{path, EISDIR};
  }
}

Reader::~Reader() { ::close(fd_); }

std::optional<std::size_t> Reader::regular_size() const {
  struct stat st;
  if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  return std::size_t(st.st_size);
}

std::size_t Reader::read_some(void* out, std::size_t n) {
  for (;;) {
    const ssize_t r = ::read(fd_, out, n);
    if (r >= 0) return std::size_t(r);
    if (errno != EINTR) throw FileError{path_, errno};
  }
}

std::size_t Reader::read(void* out, std::size_t n) {
  std::size_t got = 0;
  while (got < n) {
    const std::size_t r = read_some(static_cast<char*>(out) + got, n - got);
    if (r == 0) break;
    got += r;
  }
  return got;
}

namespace {

// The file's bytes one at a time, read a block at a time: a block is what one
// read() gives, so a pipe is not waited on for more than it has.
class Bytes {
 public:
  explicit Bytes(Reader& file) : file_(file), block_(1 << 16) {}
  int get() {  // the next byte, or -1 at the end of the file
    if (pos_ == len_) {
      len_ = file_.read_some(block_.data(), block_.size());
      pos_ = 0;
      if (len_ == 0) return -1;
    }
    return static_cast<unsigned char>(block_[pos_++]);
  }

 private:
  Reader& file_;
  std::vector<char> block_;
  std::size_t pos_ = 0, len_ = 0;
};

}  // namespace

void parse_tokens(Reader& file, int64_t count, FunctionRef<std::string(const std::string& token, int64_t i)> parse) {
  Bytes bytes(file);
  int c = -1;  // the byte at line:column, -1 at the end
  int64_t line = 1, column = 0;
  const auto advance = [&] {
    if (c == '\n') {
      ++line;
      column = 0;
    }
    ++column;
    c = bytes.get();
  };
  int64_t found = 0;
  std::string token;
  if (count > 0) advance();
  while (found < count && c >= 0) {
    if (std::isspace(c)) {
      advance();
      continue;
    }
    const int64_t begin = column;
    token.clear();
    while (c >= 0 && !std::isspace(c)) {
      token += char(c);
      advance();
    }
    const std::string error = parse(token, found);
    if (!error.empty())
      throw std::invalid_argument(file.path() + ":" + std::to_string(line) + ":" + std::to_string(begin) + ": " +
                                  escaped(error));
    ++found;
  }
  if (found < count)
    throw std::invalid_argument(file.path() + ": expected " + std::to_string(count) + " numbers, found " +
                                std::to_string(found));
}

void write_atomically(const std::string& path, const std::string& data) {
  check_path(path);
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
