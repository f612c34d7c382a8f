#!/usr/bin/env bash
# Quick start, command 1: set up, build, and run real kernels on the bundled sample data.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/scripts/setup.sh"
ck="$build/tools/ckernels/ckernels"
data="$root/examples/data"
step() { printf '\n\033[1m==> %s\033[0m\n$ %s\n' "$1" "$2"; }

step "The kernel catalogue" "ckernels list"
"$ck" list

step "A kernel's parameter table" "ckernels info core/reduce-sum"
"$ck" info core/reduce-sum

step "Daily P&L of a trading book (2,520 days): exact-rounding sum, identical for any thread count" \
     "ckernels run core/reduce-sum --input examples/data/pnl_daily.json"
"$ck" run core/reduce-sum --input "$data/pnl_daily.json" --pretty

step "Gram matrix R^T R of 250 days x 6 asset returns (the core of a covariance estimate)" \
     "ckernels run core/matmul --input examples/data/returns_gram.json"
"$ck" run core/matmul --input "$data/returns_gram.json" --pretty

step "End-of-day positions = opening positions + trades" \
     "ckernels run core/vector-add --input examples/data/positions.json"
"$ck" run core/vector-add --input "$data/positions.json" --pretty

step "A payment network (120 accounts, edge list with amounts): whole-graph summary" \
     "ckernels run graph/full-metrics --edges examples/data/payments.tsv --directed"
"$ck" run graph/full-metrics --edges "$data/payments.tsv" --directed --pretty

step "Fan-in hubs in the payment network (mule-account pattern)" \
     "echo '{\"top_k\": 3, \"min_score\": 0.8}' | ckernels run graph/star-topology --edges examples/data/payments.tsv --directed --input -"
echo '{"top_k": 3, "min_score": 0.8}' | "$ck" run graph/star-topology --edges "$data/payments.tsv" --directed --input -

step "Ring mode: an order-matching engine as a persistent actor, fed one order per line (spec/orderbook.md's worked session: sweeps, FOK kill, post-only reject, self-trade prevention, a stop cascade)" \
     "ckernels actor orderbook/matching --input examples/data/orders.jsonl"
"$ck" actor orderbook/matching --input "$data/orders.jsonl"

step "Bad input is rejected with the field path" "ckernels run core/matmul  (b has the wrong shape)"
echo '{"a": [[1, 2], [3, 4]], "b": [[1, 2, 3]]}' | "$ck" run core/matmul || echo "(exit code $?)"

step "The license in force" "ckernels license show"
"$ck" license show
