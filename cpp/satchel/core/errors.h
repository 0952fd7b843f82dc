// The core's errors. It has no nanobind, so each unit's module translates these
// into Python exceptions (bind.h's setup_module); std::invalid_argument
// (ValueError), std::out_of_range (IndexError) and std::overflow_error
// (OverflowError) it throws as they are, which nanobind translates itself.
#pragma once

#include <stdexcept>
#include <string>

#include "export.h"

namespace satchel {

// Raised in Python as TypeError.
class SATCHEL_CORE TypeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
  ~TypeError() override;
};

// Raised in Python as BufferError.
class SATCHEL_CORE BufferError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
  ~BufferError() override;
};

// A matrix an operation cannot take (singular for inv and solve, not positive-
// definite for cholesky), naming it: raised in Python as satchel.LinAlgError, a
// ValueError (which it is in C++ too).
class SATCHEL_CORE LinAlgError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
  ~LinAlgError() override;
};

// A Python error is already set (a C API call failed): it is raised as it is.
class SATCHEL_CORE PythonError : public std::exception {
 public:
  ~PythonError() override;
  const char* what() const noexcept override { return "a Python error is set"; }
};

// An operating-system error on a file, raised as OSError naming it.
class SATCHEL_CORE FileError : public std::exception {
 public:
  FileError(std::string path, int error) : path(std::move(path)), error(error) {}
  ~FileError() override;
  const char* what() const noexcept override { return path.c_str(); }
  std::string path;
  int error;
};

}  // namespace satchel
