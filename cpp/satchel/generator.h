// The generator a draw reads: the one passed (a satchel.Generator, bound in the
// host module over core/random.h), else the device's default.
#pragma once

#include <nanobind/nanobind.h>

#include <optional>
#include <string>

#include "core/errors.h"
#include "core/random.h"

namespace satchel {

namespace nb = nanobind;

// index: the current CUDA device (0 for the CPU).
inline random::Generator& generator_for(const char* op, const std::optional<nb::object>& generator, Device device,
                                        int index = 0) {
  if (!generator || generator->is_none()) return random::default_generator(device, index);
  random::Generator* g = nullptr;
  if (!nb::try_cast<random::Generator*>(*generator, g) || !g)
    throw TypeError(std::string(op) + ": generator must be a satchel.Generator, got " +
                    nb::cast<std::string>(nb::str(nb::handle(reinterpret_cast<PyObject*>(Py_TYPE(generator->ptr()))))));
  if (g->device() != device || (device == Device::cuda && g->index() >= 0 && g->index() != index)) {
    const std::string here = device == Device::cpu ? "cpu" : "cuda:" + std::to_string(index);
    throw std::invalid_argument(std::string(op) + ": generator is for " + g->device_name() + ", the tensor is on " +
                                here);
  }
  return *g;
}

}  // namespace satchel
