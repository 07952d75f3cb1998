// Zstandard's C API, from Debian's libzstd-dev: log bodies and span columns are stored in zstd pages.
#include <zstd.h>
