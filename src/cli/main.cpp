// gogooku3 — the daily ML pipeline for Japanese equities. See README.md for a tour.
#include "cli/command.h"
#include "core/allocator.h"

int main(int argc, char** argv) {
  gogooku3::tune_allocator_for_batch_work();
  return gogooku3::cli::run(argc, argv);
}
