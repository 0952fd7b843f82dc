// How a BLAS (OpenBLAS here, cuBLAS on CUDA) can read a strided matrix: in
// place with a leading dim, maybe as a transpose, or not at all (then the
// caller packs a copy). Not in the units' common header: only the products need it.
#pragma once

#include <cstdint>
#include <optional>

#include "export.h"

namespace satchel::linalg {

// BLAS indices are 32-bit (LP64 OpenBLAS, cuBLAS's int): larger dims and strides are refused.
inline constexpr int64_t kMaxBlasIndex = INT32_MAX;

// A rows x cols matrix with element strides (row, col) read as row-major with
// leading dim ld, or (trans) as the transpose of a row-major matrix.
struct BlasView {
  bool trans;
  int64_t ld;
};

SATCHEL_CORE std::optional<BlasView> blas_view(int64_t rows, int64_t cols, int64_t row, int64_t col);

}  // namespace satchel::linalg
