// What the core library (libsatchel_core, compiled once) exports to the units
// that link it: everything else in it stays hidden.
#pragma once

#define SATCHEL_CORE __attribute__((visibility("default")))
