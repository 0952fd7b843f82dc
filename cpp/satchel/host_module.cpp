// satchel._units._host: the host side's process-wide settings (core/host.h),
// behind satchel.set_num_threads, satchel.empty_cache and the like.
#include <nanobind/nanobind.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/tuple.h>

#include <new>
#include <optional>
#include <string>
#include <tuple>

#include "core/blas.h"
#include "core/host.h"
#include "core/random.h"
#include "philox.h"

namespace nb = nanobind;

namespace {

using satchel::random::Generator;

// A seed as PyTorch takes one: any int, kept modulo 2^64 (negative ones too).
uint64_t seed_of(nb::handle seed) {
  if (!PyLong_Check(seed.ptr()) || PyBool_Check(seed.ptr()))
    throw nb::type_error(("manual_seed: seed must be an int, got " +
                          nb::cast<std::string>(nb::str(seed.type().attr("__name__")))).c_str());
  const unsigned long long v = PyLong_AsUnsignedLongLongMask(seed.ptr());
  if (PyErr_Occurred()) throw nb::python_error();
  return uint64_t(v);
}

void new_generator(Generator* g, const std::string& device, std::optional<nb::object> seed) {
  const auto [kind, index] = satchel::random::parse_device(device);
  new (g) Generator(kind, index, seed && !seed->is_none() ? seed_of(*seed) : satchel::random::kDefaultSeed);
}

nb::bytes state_of(const Generator& g) {
  const std::string s = g.get_state();
  return nb::bytes(s.data(), s.size());
}

void set_state_of(Generator& g, nb::handle state) {
  Py_buffer view;
  if (PyObject_GetBuffer(state.ptr(), &view, PyBUF_SIMPLE) != 0) {
    PyErr_Clear();
    throw nb::type_error("set_state: new_state must be bytes from get_state()");
  }
  const std::string s(static_cast<const char*>(view.buf), size_t(view.len));
  PyBuffer_Release(&view);
  g.set_state(s);
}

}  // namespace


NB_MODULE(_host, m) {
  m.def("set_num_threads", [](int n) {
    if (n < 0) throw nb::value_error(("set_num_threads: n must be >= 0 (0: OpenMP's default), got " + std::to_string(n)).c_str());
    satchel::host::set_threads(n);
  }, nb::arg("n"));
  m.def("get_num_threads", &satchel::host::threads);
  // The BLAS's thread count, which follows get_num_threads, and how the BLAS was built.
  m.def("blas_num_threads", &satchel::blas::threads);
  m.def("blas_config", &satchel::blas::config);
  m.def("memory_cached", &satchel::host::cached_bytes);
  m.def("cache_limit", &satchel::host::cache_limit);
  m.def("empty_cache", &satchel::host::empty_cache);

  // satchel.Generator: a Philox4x32-10 stream; the units' random ops take it as `generator`.
  nb::class_<Generator>(m, "Generator")
      .def("__init__", &new_generator, nb::arg("device") = "cpu", nb::arg("seed") = nb::none())
      .def_prop_ro("device", &Generator::device_name)
      .def("manual_seed", [](Generator& g, nb::handle seed) -> Generator& { g.manual_seed(seed_of(seed)); return g; },
           nb::arg("seed"), nb::rv_policy::reference)
      .def("seed", &Generator::seed)
      .def("initial_seed", &Generator::initial_seed)
      .def("get_state", &state_of)
      .def("set_state", [](Generator& g, nb::handle s) -> Generator& { set_state_of(g, s); return g; },
           nb::arg("new_state"), nb::rv_policy::reference)
      .def_prop_ro("offset", &Generator::offset)
      .def("__getstate__", [](const Generator& g) { return std::make_tuple(g.device_name(), state_of(g)); })
      .def("__setstate__", [](Generator& g, const std::tuple<std::string, nb::bytes>& t) {
        new_generator(&g, std::get<0>(t), std::nullopt);
        set_state_of(g, std::get<1>(t));
      })
      .def("__repr__", [](const Generator& g) {
        return "satchel.Generator(device='" + g.device_name() + "', seed=" + std::to_string(g.initial_seed()) + ")";
      });
  m.def("default_generator", [](const std::string& device, int index) -> Generator& {
    return satchel::random::default_generator(satchel::random::parse_device(device).first, index);
  }, nb::arg("device"), nb::arg("index") = 0, nb::rv_policy::reference);
  m.def("default_cuda_generators", &satchel::random::default_cuda_generators);
  // The bare block function, for the known-answer tests of Random123's kat_vectors.
  m.def("philox4x32_10", [](const std::tuple<uint32_t, uint32_t, uint32_t, uint32_t>& c,
                            const std::tuple<uint32_t, uint32_t>& k) {
    const satchel::philox::Block b = satchel::philox::philox4x32_10(
        {{std::get<0>(c), std::get<1>(c), std::get<2>(c), std::get<3>(c)}}, std::get<0>(k), std::get<1>(k));
    return std::make_tuple(b.v[0], b.v[1], b.v[2], b.v[3]);
  }, nb::arg("counter"), nb::arg("key"));
}
