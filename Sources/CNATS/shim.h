// nats.c, the official NATS C client, from Debian's libnats-dev: the cluster's JetStream and Key-Value client.
#include <nats/nats.h>

// `nats_CheckCompatibility` is a macro comparing the headers' version with the library's; Swift imports no
// function-like macros, so it is wrapped here.
static inline bool lumen_nats_check_compatibility(void) { return nats_CheckCompatibility(); }
