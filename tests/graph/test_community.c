/* graph/... community kernels: oracle cases, edge cases, bad input. */
#include "graph_test.h"

TestSuite(graph_community, .init = gt_setup, .fini = gt_teardown);
