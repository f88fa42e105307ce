// zlib, for reading and writing gzip-compressed models (.bif.gz). apt: zlib1g-dev.
#include <zlib.h>
