"""Which file holds which part of a unit, so that an edit recompiles little.

A unit is a module file (its tensor class and the calls that bind each shard)
and shards, each holding the functors, functions and bindings of some of its
ops. An op's shard is fixed by a stable rule, a hash of its name modulo the
shard count, so adding or editing an op rewrites one shard per unit that has
it. The count is the least power of two giving at most OPS_PER_SHARD ops a shard on average:
when the spec outgrows it, each shard splits in two. Docstrings are not in the
C++ at all (docs.py, read when a unit is imported), so a doc edit recompiles
nothing.

A device whose kernels are compiled apart (cuda: by nvcc) has the body kinds'
functions of its shards in KERNEL_FILES files kernels<K>.cu (shard s in file
s % KERNEL_FILES), and the copies every unit needs in copies.cu; each
shard<K>.cpp, for the host compiler, declares its own. nvcc has no precompiled
headers: a file costs about 8 s before its first op and 0.75 s an op after
(median 11 s for 16 shards of 69 ops), so a file per shard spent twice the time
the ops need.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from .cpp import Function, Kernel, NamedTuple, OpCode, Operator, TensorUnit, Unit, math_functions, named_tuple_name, \
    runtime_namespace
from .model import Spec

# At most, before shards split. Each shard pays the fixed cost of compiling unit.h
# and the headers its ops name, so the 32 shards of 256 ops split only at 481.
OPS_PER_SHARD = 15
KERNEL_FILES = 4  # at most, per unit of a device whose kernels are compiled apart


def shard_count(spec: Spec) -> int:
    count = 1
    while count * OPS_PER_SHARD < len(spec.ops):
        count *= 2
    return count


def shard_of(op_name: str, count: int) -> int:
    return zlib.crc32(op_name.encode()) % count


@dataclass(frozen=True)
class Shard:
    unit: Unit
    index: int
    ops: tuple[OpCode, ...]

    @property
    def kernels(self) -> tuple[Kernel, ...]:
        return tuple(k for code in self.ops for k in code.kernels)

    @property
    def functions(self) -> tuple[Function, ...]:
        return tuple(f for code in self.ops for f in code.functions)

    @property
    def operators(self) -> tuple[Operator, ...]:
        return tuple(o for code in self.ops for o in code.operators)

    @property
    def math_functions(self) -> tuple[str, ...]:
        return math_functions(self.kernels)

    @property
    def named_tuples(self) -> tuple[NamedTuple, ...]:
        """The tags of its ops' named tuples only, so that a new one rewrites no other shard."""
        names = {named_tuple_name(code.op.sig) for code in self.ops if code.op.sig.is_tuple}
        return tuple(t for t in self.unit.named_tuples if t.name in names)

    @property
    def tensor_units(self) -> tuple[TensorUnit, ...]:
        """The units whose tensor types its ops name, so that a unit's new one rewrites no other shard."""
        names = {d for code in self.ops for d in code.tensor_dtypes}
        return tuple(r for r in self.unit.tensor_units if r.dtype.name in names)

    @property
    def includes(self) -> tuple[str, ...]:
        """The nanobind caster headers its functions' types need beyond satchel/bind.h's."""
        return tuple(sorted({i for f in self.functions for i in f.includes}))

    @property
    def separate(self) -> bool:
        """Whether its kernel functions are compiled apart (kernels<K>.cu)."""
        return self.unit.device.separate_kernels and any(f.in_kernels for f in self.functions)

    @property
    def host_functions(self) -> tuple[Function, ...]:
        """Defined in shard<K>.cpp."""
        return tuple(f for f in self.functions if not (self.unit.device.separate_kernels and f.in_kernels))

    @property
    def kernel_functions(self) -> tuple[Function, ...]:
        """Defined in kernels<K>.cu, declared in shard<K>.cpp."""
        return tuple(f for f in self.functions if self.unit.device.separate_kernels and f.in_kernels)

    @property
    def bind_function(self) -> str:
        return f"bind_shard{self.index}"

    @property
    def kernels_file(self) -> int:
        """K of the kernels<K>.cu holding its kernel functions."""
        return self.index % KERNEL_FILES


@dataclass(frozen=True)
class Source:
    """One C++ file of a unit: its path under generated/, its template, the shard it holds (if any)."""

    path: str
    template: str
    shard: Shard | None


@dataclass(frozen=True)
class UnitFiles:
    """How one unit's C++ is laid out in files."""

    unit: Unit
    shards: tuple[Shard, ...]  # those holding any op of the unit

    @property
    def runtime_header(self) -> str:
        """What the host compiler's files include."""
        device = self.unit.device
        return "satchel/unit.h" if not device.separate_kernels else f"satchel/{device.name}/unit.h"

    @property
    def kernels_header(self) -> str | None:
        """What the files compiled apart include (None: the device compiles its kernels with the bindings)."""
        device = self.unit.device
        return f"satchel/{device.name}/kernels.cuh" if device.separate_kernels else None

    @property
    def setup(self) -> tuple[str, ...]:
        """Statements of the module's init, after its tensor class is bound."""
        if self.unit.device.host_memory:
            return ()
        return (f'{runtime_namespace(self.unit.device)}::bind_unit<Tensor>(m, cls, "{self.unit.dtype.name}");',)

    @property
    def copies(self) -> str | None:
        """The explicit instantiation copies.cu holds, for a device whose kernels are compiled apart."""
        if not self.unit.device.separate_kernels:
            return None
        return f"template struct {runtime_namespace(self.unit.device)}::Copies<{self.unit.dtype.cpp}>;"

    def sources(self) -> tuple[Source, ...]:
        """Its files under generated/, each with the template that writes it."""
        base = f"{self.unit.device.name}/{self.unit.dtype.name}"
        out = [Source(f"{base}/module.cpp", "unit_module.cpp.j2", None)]
        for shard in self.shards:
            out.append(Source(f"{base}/shard{shard.index}.cpp", "unit_shard.cpp.j2", shard))
        for k in range(KERNEL_FILES):
            # The file's shards as one: their functors and kernel functions, in shard order.
            ops = tuple(code for shard in self.shards if shard.kernels_file == k for code in shard.ops
                        if self.unit.device.separate_kernels and any(f.in_kernels for f in code.functions))
            if ops:
                out.append(Source(f"{base}/kernels{k}.cu", "unit_kernels.cu.j2", Shard(self.unit, k, ops)))
        if self.copies:
            out.append(Source(f"{base}/copies.cu", "unit_copies.cu.j2", None))
        return tuple(out)


def unit_files(spec: Spec, unit: Unit) -> UnitFiles:
    count = shard_count(spec)
    shards = []
    for k in range(count):
        ops = tuple(code for code in unit.ops if shard_of(code.op.name, count) == k)
        if ops:
            shards.append(Shard(unit, k, ops))
    return UnitFiles(unit, tuple(shards))
