// Random generators: a Philox4x32-10 stream (satchel/philox.h) is a seed and an
// offset counted in 128-bit blocks. A draw reserves the blocks it reads under the
// generator's lock and then reads them from any number of threads or GPU blocks,
// so its values depend only on (seed, offset) and each element's index.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <utility>

#include "../config.h"
#include "export.h"

namespace satchel::random {

// PyTorch's default seed (c10's default_rng_seed_val), so a fresh process draws
// the same numbers every time until someone seeds.
inline constexpr uint64_t kDefaultSeed = 67280421310721ull;

// Where a draw reads its blocks: block b of it is philox::block(seed, offset, b).
struct Draw {
  uint64_t seed;
  uint64_t offset;
};

class SATCHEL_CORE Generator {
 public:
  // index: the CUDA device (-1: whichever is current when it draws); 0 for the CPU.
  Generator(Device device, int index, uint64_t seed);

  Device device() const { return device_; }
  int index() const { return index_; }
  std::string device_name() const;

  Draw reserve(uint64_t blocks);
  void manual_seed(uint64_t seed);
  uint64_t seed();  // a fresh seed from the operating system's entropy, returned
  uint64_t initial_seed() const;
  uint64_t offset() const;

  // 24 bytes: "PHILOX10" + seed + offset, little-endian; set_state checks them.
  std::string get_state() const;
  void set_state(const std::string& state);

 private:
  Device device_;
  int index_;
  mutable std::mutex lock_;
  uint64_t seed_;
  uint64_t offset_ = 0;
};

// "cpu", "cuda", "cuda:N" -> (device, index); std::invalid_argument naming it otherwise.
SATCHEL_CORE std::pair<Device, int> parse_device(const std::string& name);

// The default generator of the CPU, or of CUDA device `index` (created when first asked for).
SATCHEL_CORE Generator& default_generator(Device device, int index = 0);
// Every default generator created so far (CUDA's by device), for manual_seed and fork_rng.
SATCHEL_CORE int default_cuda_generators();

}  // namespace satchel::random
