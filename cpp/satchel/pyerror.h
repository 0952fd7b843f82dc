// Python exceptions whose message is built as a std::string (nanobind's take a
// C string): `throw type_error("add: " + what)`.
#pragma once

#include <nanobind/nanobind.h>

#include <string>

namespace nb = nanobind;

namespace satchel {

inline nb::builtin_exception type_error(const std::string& what) { return nb::type_error(what.c_str()); }
inline nb::builtin_exception value_error(const std::string& what) { return nb::value_error(what.c_str()); }
inline nb::builtin_exception index_error(const std::string& what) { return nb::index_error(what.c_str()); }
inline nb::builtin_exception buffer_error(const std::string& what) { return nb::buffer_error(what.c_str()); }
inline nb::builtin_exception import_error(const std::string& what) { return nb::import_error(what.c_str()); }

}  // namespace satchel
