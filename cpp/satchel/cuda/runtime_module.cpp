// satchel._units._cuda_runtime: the state every CUDA unit shares (api.h) and
// the Python functions of satchel.cuda. It links the CUDA runtime statically,
// so it imports where there is no driver; is_available() then says False and
// anything needing a device raises CudaError("no CUDA device: ...").
#include <nanobind/nanobind.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include <cuda_runtime_api.h>

#include "api.h"
#include "error.h"

namespace nb = nanobind;

namespace satchel::cuda {
namespace {

// ---- availability ------------------------------------------------------------------

std::string version_text(int v) { return std::to_string(v / 1000) + "." + std::to_string(v % 1000 / 10); }

// Why no device can be used, or null; asked once.
const char* unavailable() {
  static const std::string* why = []() -> const std::string* {
    int count = 0;
    const cudaError_t e = cudaGetDeviceCount(&count);
    if (e == cudaSuccess && count > 0) return nullptr;
    (void)cudaGetLastError();
    int runtime = 0;
    (void)cudaRuntimeGetVersion(&runtime);
    if (e == cudaErrorInsufficientDriver)
      return new std::string("no NVIDIA driver was found, or it is older than CUDA " + version_text(runtime) +
                             " needs (cudaGetDeviceCount: cudaErrorInsufficientDriver)");
    if (e == cudaSuccess || e == cudaErrorNoDevice)
      return new std::string("the NVIDIA driver shows no GPU (cudaGetDeviceCount: cudaErrorNoDevice; "
                             "check CUDA_VISIBLE_DEVICES)");
    return new std::string(error_text("cudaGetDeviceCount", e));
  }();
  return why ? why->c_str() : nullptr;
}

void require_device() {
  if (const char* why = unavailable()) throw Error(std::string("no CUDA device: ") + why);
}

// ---- current device and stream ------------------------------------------------------

struct Current {
  std::mutex mutex;
  int device = 0;
  std::shared_ptr<CUstream_st> stream;  // null: the default (legacy) stream
};

Current& current() {
  static Current* c = new Current();  // never destroyed: tensors may be freed during exit
  return *c;
}

int current_device() {
  std::lock_guard<std::mutex> lock(current().mutex);
  return current().device;
}

cudaStream_t current_stream() {
  std::lock_guard<std::mutex> lock(current().mutex);
  return current().stream.get();
}

// This module's own copy of the CUDA runtime on the current device.
void use_current_device() {
  thread_local int device = -1;
  const int d = current_device();
  if (d != device) {
    check(cudaSetDevice(d), "cudaSetDevice");
    device = d;
  }
}

// ---- caching allocator ---------------------------------------------------------------

// Blocks from cudaMalloc, kept when freed and handed out again for a request of
// the same size class on the same device and stream (so work queued on that
// stream before the free is ordered before any new use). Sizes round up to
// 512 bytes, and above 1 MiB to 128 KiB, so similar sizes share blocks.
class Allocator {
 public:
  static std::size_t size_class(std::size_t nbytes) {
    const std::size_t step = nbytes <= (std::size_t(1) << 20) ? 512 : (std::size_t(128) << 10);
    return nbytes == 0 ? step : (nbytes + step - 1) / step * step;
  }

  void* allocate(std::size_t nbytes, cudaError_t* error) {
    const std::size_t size = size_class(nbytes);
    const Key key{current_device(), current_stream(), size};
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = free_.find(key);
      if (it != free_.end() && !it->second.empty()) {
        void* p = it->second.back();
        it->second.pop_back();
        cached_ -= size;
        live_.emplace(p, key);
        allocated_ += size;
        return p;
      }
    }
    void* p = nullptr;
    cudaError_t e = cudaSetDevice(key.device);
    if (e != cudaSuccess) {
      (void)cudaGetLastError();
      *error = e;
      return nullptr;
    }
    if (size < nbytes) {
      e = cudaErrorMemoryAllocation;
    } else {
      e = cudaMalloc(&p, size);
      if (e == cudaErrorMemoryAllocation) {  // give the cache back to the driver and try again
        (void)cudaGetLastError();
        release_cached(key.device);
        e = cudaMalloc(&p, size);
      }
    }
    if (e != cudaSuccess) {
      (void)cudaGetLastError();
      *error = e;
      return nullptr;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    live_.emplace(p, key);
    allocated_ += size;
    return p;
  }

  void release(void* p) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = live_.find(p);
    if (it == live_.end()) return;
    const Key key = it->second;
    live_.erase(it);
    allocated_ -= key.size;
    free_[key].push_back(p);
    cached_ += key.size;
  }

  // cudaFree every cached block (of one device, or of all when device < 0).
  void release_cached(int device) {
    std::lock_guard<std::mutex> lock(mutex_);
    int previous = -1;
    (void)cudaGetDevice(&previous);
    for (auto it = free_.begin(); it != free_.end();) {
      if (device >= 0 && it->first.device != device) {
        ++it;
        continue;
      }
      if (!it->second.empty() && cudaSetDevice(it->first.device) == cudaSuccess) {
        (void)cudaDeviceSynchronize();  // kernels queued before a free may still read the block
        for (void* p : it->second) (void)cudaFree(p);
        cached_ -= it->first.size * it->second.size();
      }
      it = free_.erase(it);
    }
    if (previous >= 0) (void)cudaSetDevice(previous);
    (void)cudaGetLastError();
  }

  std::size_t allocated() {
    std::lock_guard<std::mutex> lock(mutex_);
    return allocated_;
  }

  std::size_t cached() {
    std::lock_guard<std::mutex> lock(mutex_);
    return cached_;
  }

 private:
  struct Key {
    int device;
    cudaStream_t stream;
    std::size_t size;
    bool operator<(const Key& o) const {
      const auto s = reinterpret_cast<std::uintptr_t>(stream), os = reinterpret_cast<std::uintptr_t>(o.stream);
      return std::tie(device, s, size) < std::tie(o.device, os, o.size);
    }
  };

  std::mutex mutex_;
  std::unordered_map<void*, Key> live_;
  std::map<Key, std::vector<void*>> free_;
  std::size_t allocated_ = 0;  // bytes in blocks in use
  std::size_t cached_ = 0;     // bytes in blocks kept for reuse
};

Allocator& allocator() {
  static Allocator* a = new Allocator();  // never destroyed: tensors may be freed during exit
  return *a;
}

void* allocate(std::size_t nbytes, cudaError_t* error) {
  if (unavailable()) {
    *error = cudaErrorNoDevice;
    return nullptr;
  }
  return allocator().allocate(nbytes, error);
}

void release(void* p) { allocator().release(p); }

const RuntimeApi kApi{RuntimeApi::kVersion, &unavailable, &current_device, &current_stream, &allocate, &release};

// ---- Python ----------------------------------------------------------------------------

int device_count() {
  if (unavailable()) return 0;
  int n = 0;
  check(cudaGetDeviceCount(&n), "cudaGetDeviceCount");
  return n;
}

void set_device(int device) {
  require_device();
  const int n = device_count();
  if (device < 0 || device >= n)
    throw std::invalid_argument("set_device: no device " + std::to_string(device) + " (there are " +
                                std::to_string(n) + ")");
  std::shared_ptr<CUstream_st> old;
  {
    std::lock_guard<std::mutex> lock(current().mutex);
    if (current().device == device) return;
    old = std::move(current().stream);
    current().device = device;
    current().stream = nullptr;  // a stream belongs to one device: back to the default stream
  }
  if (old) check(cudaStreamSynchronize(old.get()), "cudaStreamSynchronize");
}

void synchronize() {
  require_device();
  use_current_device();
  check(cudaDeviceSynchronize(), "cudaDeviceSynchronize");
}

// A CUDA stream of the current device; `with stream:` makes it current.
class Stream {
 public:
  Stream() {
    require_device();
    use_current_device();
    device_ = current_device();
    cudaStream_t s = nullptr;
    check(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking), "cudaStreamCreateWithFlags");
    stream_ = std::shared_ptr<CUstream_st>(s, [](cudaStream_t q) { (void)cudaStreamDestroy(q); });
  }
  explicit Stream(std::shared_ptr<CUstream_st> s, int device) : stream_(std::move(s)), device_(device) {}

  std::uintptr_t handle() const { return reinterpret_cast<std::uintptr_t>(stream_.get()); }
  int device() const { return device_; }
  const std::shared_ptr<CUstream_st>& ptr() const { return stream_; }
  void synchronize() const {
    require_device();
    check(cudaStreamSynchronize(stream_.get()), "cudaStreamSynchronize");
  }
  void enter();
  void exit();

 private:
  std::shared_ptr<CUstream_st> stream_;  // null: the default stream
  int device_ = 0;
  std::vector<std::shared_ptr<CUstream_st>> previous_;  // what each `with` replaced
};

// Makes s current (None: the default stream) and gives back the one it replaced.
// Work queued on the replaced stream is waited for first, so memory it freed
// is never reused by the new stream while still in use.
Stream set_stream(const std::optional<Stream>& s) {
  require_device();
  std::shared_ptr<CUstream_st> next = s ? s->ptr() : nullptr;
  std::shared_ptr<CUstream_st> old;
  int device = 0;
  {
    std::lock_guard<std::mutex> lock(current().mutex);
    device = current().device;
    if (s && s->device() != device)
      throw std::invalid_argument("set_stream: the stream belongs to cuda:" + std::to_string(s->device()) +
                                  ", the current device is cuda:" + std::to_string(device));
    old = current().stream;
    current().stream = next;
  }
  use_current_device();
  check(cudaStreamSynchronize(old.get()), "cudaStreamSynchronize");
  return Stream(old, device);
}

void Stream::enter() { previous_.push_back(set_stream(*this).ptr()); }

void Stream::exit() {
  std::shared_ptr<CUstream_st> previous = std::move(previous_.back());
  previous_.pop_back();
  set_stream(Stream(std::move(previous), device_));
}

Stream get_stream() {
  std::lock_guard<std::mutex> lock(current().mutex);
  return Stream(current().stream, current().device);
}

nb::dict device_properties(std::optional<int> which) {
  require_device();
  const int device = which.value_or(current_device());
  const int n = device_count();
  if (device < 0 || device >= n)
    throw std::invalid_argument("device_properties: no device " + std::to_string(device) + " (there are " +
                                std::to_string(n) + ")");
  cudaDeviceProp prop{};
  check(cudaGetDeviceProperties(&prop, device), "cudaGetDeviceProperties");
  auto attribute = [device](cudaDeviceAttr a) {
    int v = 0;
    check(cudaDeviceGetAttribute(&v, a, device), "cudaDeviceGetAttribute");
    return v;
  };
  const int clock_khz = attribute(cudaDevAttrMemoryClockRate);
  const int bus_bits = attribute(cudaDevAttrGlobalMemoryBusWidth);
  nb::dict d;
  d["name"] = std::string(prop.name);
  d["compute_capability"] = nb::make_tuple(prop.major, prop.minor);
  d["multiprocessors"] = prop.multiProcessorCount;
  d["total_memory"] = prop.totalGlobalMem;
  d["memory_clock_khz"] = clock_khz;
  d["memory_bus_width"] = bus_bits;
  // Double data rate: two transfers a clock over the whole bus.
  d["peak_bandwidth"] = 2.0 * double(clock_khz) * 1e3 * double(bus_bits) / 8.0;
  return d;
}

}  // namespace
}  // namespace satchel::cuda

NB_MODULE(_cuda_runtime, m) {
  namespace c = satchel::cuda;
  m.doc() = "The CUDA state satchel's CUDA units share: devices, streams, the caching allocator.";
  nb::exception<c::Error>(m, "CudaError", PyExc_RuntimeError);
  m.attr("CudaError").attr("__doc__") = "An error of the CUDA runtime, or the use of a CUDA unit with no usable device.";
  m.attr("_api") = nb::capsule(&c::kApi, satchel::cuda::kRuntimeCapsule);

  m.def("is_available", [] { return c::unavailable() == nullptr; },
        "Whether a CUDA device can be used (a driver and at least one GPU).");
  m.def("unavailable_reason", []() -> std::optional<std::string> {
    if (const char* why = c::unavailable()) return std::string(why);
    return std::nullopt;
  }, "Why no CUDA device can be used, or None when one can.");
  m.def("device_count", &c::device_count, "The number of CUDA devices (0 without a driver).");
  m.def("current_device", &c::current_device, "The index of the current device.");
  m.def("set_device", &c::set_device, nb::arg("device"),
        "Make device current: tensors are then made and ops run there (the default stream).");
  m.def("synchronize", &c::synchronize, "Wait for all work queued on the current device.");
  m.def("empty_cache", [] { c::allocator().release_cached(-1); },
        "Give the device memory of freed tensors, kept for reuse, back to the driver.");
  m.def("memory_allocated", [] { return c::allocator().allocated(); },
        "Bytes of device memory in blocks held by tensors.");
  m.def("memory_cached", [] { return c::allocator().cached(); },
        "Bytes of device memory in freed blocks kept for reuse (empty_cache() releases them).");
  m.def("device_properties", &c::device_properties, nb::arg("device") = nb::none(),
        "Name, compute capability, multiprocessors, memory size and peak memory bandwidth (bytes/s) of a device.");
  m.def("runtime_version", [] {
    int v = 0;
    (void)cudaRuntimeGetVersion(&v);
    return v;
  }, "The version of the CUDA runtime satchel was built with (e.g. 13000).");

  nb::class_<c::Stream>(m, "Stream", "A CUDA stream of the current device; `with stream:` makes it current.")
      .def(nb::init<>())
      .def_prop_ro("handle", &c::Stream::handle, "The cudaStream_t, as an int (0: the default stream).")
      .def_prop_ro("device", &c::Stream::device, "The index of the stream's device.")
      .def("synchronize", &c::Stream::synchronize, "Wait for all work queued on the stream.")
      .def("__enter__", [](nb::object self) {
        nb::cast<c::Stream&>(self).enter();
        return self;
      })
      .def("__exit__", [](c::Stream& s, const nb::args&) { s.exit(); })
      .def("__eq__", [](const c::Stream& a, const c::Stream& b) { return a.handle() == b.handle(); }, nb::is_operator())
      .def("__hash__", &c::Stream::handle)
      .def("__repr__", [](const c::Stream& s) {
        return "<satchel.cuda.Stream " + std::to_string(s.handle()) + " on cuda:" + std::to_string(s.device()) + ">";
      });
  m.def("current_stream", &c::get_stream, "The current stream (handle 0: the default stream).");
  m.def("set_stream", &c::set_stream, nb::arg("stream"),
        "Make stream current (None: the default stream) and return the one it replaced. Work queued on that one is "
        "waited for first.");
}
