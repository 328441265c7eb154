// gogooku3 — the daily ML pipeline for Japanese equities. See README.md for a tour.
#include "cli/command.h"

int main(int argc, char** argv) { return gogooku3::cli::run(argc, argv); }
