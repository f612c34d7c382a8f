/* graph/... centrality kernels: oracle cases, edge cases, bad input. */
#include "graph_test.h"

TestSuite(graph_centrality, .init = gt_setup, .fini = gt_teardown);
