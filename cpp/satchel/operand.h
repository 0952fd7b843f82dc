// Operand: an input of a pointwise op, either a tensor or a Python number that
// broadcasts like a 0-d tensor (without allocating one).
#pragma once

#include <optional>
#include <type_traits>
#include <utility>

#include "core/overlap.h"
#include "tensor.h"

namespace satchel {

// A number parameter of a unit's dtype (fill_'s value, full's). Its own type so
// the binding layer can read Python numbers as the dtype does: a bool parameter
// takes 0 and 1 as well as True and False.
template <class T>
struct Scalar {
  T value;
  operator T() const { return value; }  // NOLINT: implicit by design
  template <class U>
  explicit operator U() const {  // compute(value) where compute is not T (half -> float)
    return U(value);
  }
};

// A number argument that may be an int or a float (the spec's `number`): an int
// is kept exact, as a double beyond 2^53 is not (arange(2**60, 2**60 + 3)).
struct Number {
  bool is_int = false;
  int64_t integer = 0;  // when is_int
  double real = 0;      // otherwise
  double as_double() const { return is_int ? double(integer) : real; }
};

template <class TensorT>
class Operand {
 public:
  using tensor_type = TensorT;
  using T = typename TensorT::value_type;

  Operand(const TensorT& t) : kind_(Kind::borrowed), borrowed_(&t) {}  // NOLINT: implicit by design
  Operand(T value) : kind_(Kind::scalar), scalar_(value) {}            // NOLINT: implicit by design

  bool is_scalar() const { return kind_ == Kind::scalar; }
  const Dims& sizes() const { return is_scalar() ? no_dims() : tensor().sizes(); }
  const Dims& strides() const { return is_scalar() ? no_dims() : tensor().strides(); }
  const T* data() const { return is_scalar() ? &scalar_ : tensor().data(); }
  const TensorT& tensor() const { return kind_ == Kind::owned ? *owned_ : *borrowed_; }

  // True when this input's memory meets out's (whichever storages hold them) but
  // it is not laid out exactly as out (elements of another type never are):
  // reading it while writing out could see already-written elements.
  template <class Out>
  bool overlaps_differently(const Out& out) const {
    if (is_scalar()) return false;
    const TensorT& t = tensor();
    using O = typename Out::value_type;
    if (!overlap::span_of(t, sizeof(T)).intersects(overlap::span_of(out, sizeof(O)))) return false;
    if constexpr (std::is_same_v<Out, TensorT>)
      return !(t.data() == out.data() && t.sizes() == out.sizes() && t.strides() == out.strides());
    else
      return true;
  }

  // This input as a fresh contiguous tensor; `copy` makes one from a tensor.
  template <class Copy>
  Operand detached(const Copy& copy) const {
    if (is_scalar()) return *this;
    Operand o(copy(tensor()));
    return o;
  }

 private:
  enum class Kind { borrowed, owned, scalar };
  explicit Operand(TensorT&& t) : kind_(Kind::owned), owned_(std::move(t)) {}

  static const Dims& no_dims() {
    static const Dims none{};
    return none;
  }

  Kind kind_;
  const TensorT* borrowed_ = nullptr;
  std::optional<TensorT> owned_;  // engaged only for a detached copy: no Tensor built per call
  T scalar_{};
};

// The element type of a pointwise op's inputs (Operands of one unit), or Out when
// there are none (fill); map_into writes them to a tensor of element type Out.
template <class Out, class... In>
struct InputElement {
  using type = Out;
};
template <class Out, class First, class... Rest>
struct InputElement<Out, First, Rest...> {
  static_assert((std::is_same_v<typename First::T, typename Rest::T> && ...), "inputs of one element type");
  using type = typename First::T;
};

}  // namespace satchel
