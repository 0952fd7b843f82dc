#include "errors.h"

namespace satchel {

// Out of line, so that each class's type information lives once, in the core.
TypeError::~TypeError() = default;
BufferError::~BufferError() = default;
PythonError::~PythonError() = default;
FileError::~FileError() = default;
LinAlgError::~LinAlgError() = default;

}  // namespace satchel
