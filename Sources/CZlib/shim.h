// zlib (Debian: zlib1g-dev), for reading .gz corpora and IDX files.
#include <zlib.h>
