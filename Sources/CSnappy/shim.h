// Snappy's C API, from Debian's libsnappy-dev: Prometheus remote write and Loki push bodies are snappy-framed.
#include <snappy-c.h>
