/* graph/... similarity kernels: oracle cases, edge cases, bad input. */
#include "graph_test.h"

TestSuite(graph_similarity, .init = gt_setup, .fini = gt_teardown);
