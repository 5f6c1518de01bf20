// glimpse-raw-worker: reads one camera raw file through LibRaw for GlimpseImage's RawDecoder, which starts
// it with posix_spawn and hands it the file's bytes and the request (Sources/CRaw/shim.h). Not for use by hand.
#include "../CRaw/shim.h"

int main(int argc, char **argv) { return glimpse_raw_worker_main(argc, argv); }
