#include "crc32c.h"
#include <string.h>

#if defined(__x86_64__)
#include <nmmintrin.h>

int lumen_crc32c_available(void) { return __builtin_cpu_supports("sse4.2"); }

__attribute__((target("sse4.2")))
uint32_t lumen_crc32c_update(uint32_t crc, const void *bytes, size_t count) {
    const uint8_t *p = bytes;
    uint64_t state = ~crc;
    for (; count >= 8; p += 8, count -= 8) {
        uint64_t word;
        memcpy(&word, p, 8);
        state = _mm_crc32_u64(state, word);
    }
    uint32_t rest = (uint32_t)state;
    for (; count > 0; p++, count--) rest = _mm_crc32_u8(rest, *p);
    return ~rest;
}
#else
int lumen_crc32c_available(void) { return 0; }

uint32_t lumen_crc32c_update(uint32_t crc, const void *bytes, size_t count) {
    (void)bytes;
    (void)count;
    return crc;  // never called: `lumen_crc32c_available` said no
}
#endif
