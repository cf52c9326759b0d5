/* Shared by the libFuzzer targets in tests/fuzz/ (make fuzz): each fuzz_NAME.c defines
 * LLVMFuzzerTestOneInput for one parser and names its seed fixtures on one line
 *   // seeds: GLOB...
 * (globs under tests/fixtures/), which tests/fuzz/run.sh copies into its corpus. A
 * finding becomes a fixture and a unit test. */
#ifndef FLINKTOP_FUZZ_H
#define FLINKTOP_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as a parser takes it: chars, not necessarily NUL-terminated. */
#define FUZZ_BODY ((const char *)data)

#endif
