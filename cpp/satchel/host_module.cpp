// satchel._units._host: the host side's process-wide settings (core/host.h),
// behind satchel.set_num_threads, satchel.empty_cache and the like.
#include <nanobind/nanobind.h>

#include <string>

#include "core/blas.h"
#include "core/host.h"

namespace nb = nanobind;

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
}
