#include "random.h"

#include <array>
#include <cstring>
#include <memory>
#include <random>
#include <stdexcept>

namespace satchel::random {

namespace {

constexpr char kMagic[8] = {'P', 'H', 'I', 'L', 'O', 'X', '1', '0'};
constexpr int kMaxCudaDevices = 64;

void put(char* out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out[i] = char(uint8_t(v >> (8 * i)));
}

uint64_t get(const char* in) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= uint64_t(uint8_t(in[i])) << (8 * i);
  return v;
}

}  // namespace

Generator::Generator(Device device, int index, uint64_t seed) : device_(device), index_(index), seed_(seed) {}

std::string Generator::device_name() const {
  if (device_ == Device::cpu) return "cpu";
  return index_ < 0 ? "cuda" : "cuda:" + std::to_string(index_);
}

Draw Generator::reserve(uint64_t blocks) {
  std::lock_guard<std::mutex> hold(lock_);
  const Draw d{seed_, offset_};
  offset_ += blocks;  // modulo 2^64: a stream of 2^68 bytes wraps around
  return d;
}

void Generator::manual_seed(uint64_t seed) {
  std::lock_guard<std::mutex> hold(lock_);
  seed_ = seed;
  offset_ = 0;
}

uint64_t Generator::seed() {
  std::random_device entropy;
  const uint64_t s = (uint64_t(entropy()) << 32) | entropy();
  manual_seed(s);
  return s;
}

uint64_t Generator::initial_seed() const {
  std::lock_guard<std::mutex> hold(lock_);
  return seed_;
}

uint64_t Generator::offset() const {
  std::lock_guard<std::mutex> hold(lock_);
  return offset_;
}

std::string Generator::get_state() const {
  std::string s(24, '\0');
  std::memcpy(s.data(), kMagic, 8);
  std::lock_guard<std::mutex> hold(lock_);
  put(s.data() + 8, seed_);
  put(s.data() + 16, offset_);
  return s;
}

void Generator::set_state(const std::string& state) {
  if (state.size() != 24 || std::memcmp(state.data(), kMagic, 8) != 0)
    throw std::invalid_argument("set_state: new_state must be 24 bytes from get_state() (a Philox4x32-10 state), got " +
                                std::to_string(state.size()) + " bytes" +
                                (state.size() == 24 ? " without its PHILOX10 tag" : ""));
  std::lock_guard<std::mutex> hold(lock_);
  seed_ = get(state.data() + 8);
  offset_ = get(state.data() + 16);
}

std::pair<Device, int> parse_device(const std::string& name) {
  if (name == "cpu") return {Device::cpu, 0};
  if (name == "cuda") return {Device::cuda, -1};
  if (name.rfind("cuda:", 0) == 0 && name.size() > 5 && name.size() < 9 &&
      name.find_first_not_of("0123456789", 5) == std::string::npos) {
    const int index = std::stoi(name.substr(5));
    if (index < kMaxCudaDevices) return {Device::cuda, index};
  }
  throw std::invalid_argument("Generator: device must be 'cpu', 'cuda' or 'cuda:N' (N < " +
                              std::to_string(kMaxCudaDevices) + "), got '" + name + "'");
}

namespace {

std::mutex defaults_lock;
std::array<std::unique_ptr<Generator>, kMaxCudaDevices> cuda_defaults;
int cuda_created = 0;

}  // namespace

Generator& default_generator(Device device, int index) {
  static Generator cpu(Device::cpu, 0, kDefaultSeed);
  if (device == Device::cpu) return cpu;
  if (index < 0 || index >= kMaxCudaDevices)
    throw std::invalid_argument("default_generator: CUDA device " + std::to_string(index) + " out of range");
  std::lock_guard<std::mutex> hold(defaults_lock);
  std::unique_ptr<Generator>& g = cuda_defaults[index];
  if (!g) g = std::make_unique<Generator>(Device::cuda, index, kDefaultSeed);
  if (index >= cuda_created) cuda_created = index + 1;
  return *g;
}

int default_cuda_generators() {
  std::lock_guard<std::mutex> hold(defaults_lock);
  return cuda_created;
}

}  // namespace satchel::random
