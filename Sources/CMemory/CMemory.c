// The functions are inline in include/CMemory.h; SwiftPM needs one source file for a C target.
#include "CMemory.h"
