#include "engine/cli/app.h"

int main(int argc, char** argv) { return plumb::RunCli(argc, argv); }
