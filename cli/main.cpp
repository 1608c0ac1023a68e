#include "cli/app.hpp"

int main(int argc, char** argv) { return revaer::client::run_cli(argc, argv); }
