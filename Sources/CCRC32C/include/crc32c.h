// CRC-32C (Castagnoli) by the CPU's own instruction, where it has one: the checksum of every WAL record and block
// page. Swift cannot reach the instruction; `CRC32C.swift` keeps the table version for CPUs without it.
#include <stddef.h>
#include <stdint.h>

// Whether `lumen_crc32c_update` may be called on this CPU.
int lumen_crc32c_available(void);

// Continues `crc` (a previous result, or 0 to start) over `count` bytes.
uint32_t lumen_crc32c_update(uint32_t crc, const void *bytes, size_t count);
