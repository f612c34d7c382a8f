#!/usr/bin/env bash
# End-to-end tests of the `ckernels` CLI: every registered kernel's example piped through
# `ckernels run`, exit codes, error messages naming fields, files, and licenses.
# Usage: CKERNELS=/path/to/ckernels test_cli.sh
set -u
ck=${CKERNELS:?set CKERNELS to the ckernels binary}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

ok()   { pass=$((pass + 1)); }
bad()  { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
# expect CODE DESCRIPTION -- command...   (stdout/stderr kept in $tmp/out, $tmp/err)
expect() {
    local code=$1 what=$2; shift 3
    "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    if [ "$rc" -eq "$code" ]; then ok; else bad "$what: exit $rc, expected $code; stderr: $(cat "$tmp/err")"; fi
}
has()  { if grep -qF -- "$2" "$1"; then ok; else bad "$3: '$2' not in $(basename "$1"): $(head -c 400 "$1")"; fi; }

# ---- basics
expect 0 "version" -- "$ck" version
has "$tmp/out" "ckernels 0.1.0" "version"
expect 0 "help" -- "$ck" --help
has "$tmp/out" "exit codes" "help"
expect 2 "no command" -- "$ck"
expect 2 "unknown command" -- "$ck" frobnicate
has "$tmp/err" "unknown command 'frobnicate'" "unknown command"

# ---- list / info
expect 0 "list" -- "$ck" list
has "$tmp/out" "core/matmul" "list"
has "$tmp/out" "graph/pagerank" "list"
expect 0 "list --domain core" -- "$ck" list --domain core
has "$tmp/out" "4 kernels" "list core"
expect 0 "list --domain graph" -- "$ck" list --domain graph
has "$tmp/out" "28 kernels" "list graph"
expect 0 "list --domain risk" -- "$ck" list --domain risk
has "$tmp/out" "0 kernels" "list risk"
expect 0 "list --mode ring" -- "$ck" list --mode ring
has "$tmp/out" "7 kernels" "list ring"
expect 0 "list --search" -- "$ck" list --search MATRIX
has "$tmp/out" "1 kernel" "search"
expect 2 "list bad domain" -- "$ck" list --domain nope
has "$tmp/err" "unknown domain 'nope'" "bad domain"
expect 2 "list bad mode" -- "$ck" list --mode stream
expect 0 "list --json" -- "$ck" list --json
has "$tmp/out" '"id": "core/reduce-sum"' "list json"
expect 0 "info" -- "$ck" info core/matmul
has "$tmp/out" "parameters:" "info"
has "$tmp/out" "b.n_rows must equal a.n_cols" "info doc"
expect 0 "info --json" -- "$ck" info core/reduce-sum --json
has "$tmp/out" '"name": "values"' "info json"
has "$tmp/out" '"example_input"' "info json"
expect 2 "info unknown" -- "$ck" info core/nope
has "$tmp/err" "unknown kernel 'core/nope'" "info unknown"
expect 2 "info missing id" -- "$ck" info

# ---- every kernel: example | run
ids=$("$ck" list | awk '/\// {print $1}')
[ -n "$ids" ] && ok || bad "no kernel ids listed"
for id in $ids; do
    "$ck" example "$id" >"$tmp/ex" 2>"$tmp/err" || bad "example $id failed"
    if "$ck" run "$id" <"$tmp/ex" >"$tmp/out" 2>"$tmp/err"; then ok; else bad "run $id on its example: $(cat "$tmp/err")"; fi
    has "$tmp/out" "\"kernel\":\"$id\"" "run $id meta"
done

# ---- actor: one JSON message per line in, every message back as a line (hand-checked values)
printf '%s\n' '{"type": "echo", "text": "hello"}' '' '{"type": "echo", "hex": "00ff"}' >"$tmp/echo.jsonl"
expect 0 "actor echo" -- "$ck" actor core/echo --input "$tmp/echo.jsonl"
if [ "$(cat "$tmp/out")" = '{"type":"echo_reply","text":"hello"}
{"type":"echo_reply","hex":"00ff"}' ]; then ok; else bad "actor echo output: $(cat "$tmp/out")"; fi
for idle in busy_poll spin_then_park blocking; do
    expect 0 "actor echo --idle $idle" -- "$ck" actor core/echo --idle "$idle" --input "$tmp/echo.jsonl"
    has "$tmp/out" '"hex":"00ff"' "actor echo --idle $idle"
done
expect 2 "actor bad idle" -- "$ck" actor core/echo --idle sometimes
expect 2 "actor missing id" -- "$ck" actor
expect 1 "actor batch-only kernel" -- "$ck" actor core/matmul
has "$tmp/err" "has no ring mode" "actor batch-only kernel"
expect 3 "actor bad config" -- "$ck" actor core/echo --config '{"x": 1}'
has "$tmp/err" "config.x: unknown field" "actor bad config"
# A sell of 10 @ 101, then a buy of 4 @ 101: one trade 4 @ 101 (before the buyer's report), 6 left.
printf '%s\n' '{"type":"submit_order","order":{"order_id":1,"symbol_id":1,"side":"sell","price":101,"quantity":10,"trader_id":1}}' \
    '{"type":"submit_order","order":{"order_id":2,"symbol_id":1,"side":"buy","price":101,"quantity":4,"trader_id":2}}' \
    '{"type":"bogus"}' '{"type":"query_l2","symbol_id":1,"depth":5}' >"$tmp/ob.jsonl"
expect 3 "actor orderbook (one bad line)" -- "$ck" actor orderbook/matching --input "$tmp/ob.jsonl"
if [ "$(sed -n 2p "$tmp/out" | grep -c '"type":"trade".*"price":101,"quantity":4')" = 1 ] &&
   [ "$(sed -n 3p "$tmp/out" | grep -c '"type":"order_report","order_id":2,"status":"filled"')" = 1 ] &&
   [ "$(sed -n 4p "$tmp/out" | grep -c '"type":"error","line":3')" = 1 ] &&
   [ "$(sed -n 5p "$tmp/out" | grep -c '"asks":\[{"price":101,"quantity":6,"order_count":1}\]')" = 1 ]; then ok
else bad "actor orderbook output: $(cat "$tmp/out")"; fi
has "$tmp/err" "line 3: type: \"bogus\" is not a request type of orderbook/matching" "actor orderbook bad line"
# spec/graph.md hand values: arcs 0->1, 1->2, 2->0, 0->2 give PageRank [0.387790, 0.214811, 0.397400].
printf '%s\n' '{"type":"add_edge","u":0,"v":2,"w":1}' '{"type":"recompute","tol":1e-12,"max_iter":1000}' \
    '{"type":"query","node":0}' '{"type":"query","node":2}' >"$tmp/pr.jsonl"
expect 0 "actor pagerank" -- "$ck" actor graph/pagerank --input "$tmp/pr.jsonl" \
    --config '{"graph": {"num_nodes": 3, "edges": [[0, 1], [1, 2], [2, 0]], "directed": true}}'
has "$tmp/out" '"score":0.387789' "actor pagerank node 0"  # 0.387790 +- 1e-6
has "$tmp/out" '"score":0.397399' "actor pagerank node 2"  # 0.397400 +- 1e-6

# ---- run: values, files, options
echo '{"values": [1e100, 1.0, -1e100, 0.25]}' >"$tmp/in.json"
expect 0 "run --input" -- "$ck" run core/reduce-sum --input "$tmp/in.json"
has "$tmp/out" '"sum":1.25' "fsum semantics"
expect 0 "run --output" -- "$ck" run core/reduce-sum --input "$tmp/in.json" --output "$tmp/result.json" --threads 1
has "$tmp/result.json" '"count":4' "output file"
has "$tmp/result.json" '"threads":1' "threads in meta"
expect 0 "run --pretty" -- "$ck" run core/reduce-sum -i "$tmp/in.json" --pretty
has "$tmp/out" '  "sum": 1.25' "pretty"
echo '{"a": [[1, 2], [3, 4]], "b": [[5, 6, 7], [8, 9, 10]]}' | "$ck" run core/matmul >"$tmp/out" 2>"$tmp/err"
has "$tmp/out" '"data":[21.0,24.0,27.0,47.0,54.0,61.0]' "matmul by hand"
echo '{"a": [1, 2.5], "b": [0.5, -2.5]}' >"$tmp/va.json"
expect 0 "run --backend cpu" -- "$ck" run core/vector-add --backend cpu --input "$tmp/va.json"
has "$tmp/out" '"c":[1.5,0.0]' "vector add by hand"
has "$tmp/out" '"backend":"cpu"' "cpu backend in meta"

# ---- run: errors (exit 3 invalid input naming the field, 2 usage, 1 other)
echo '{"a": [1], "b": [1, 2]}' >"$tmp/bad.json"
expect 3 "length mismatch" -- "$ck" run core/vector-add --input "$tmp/bad.json"
has "$tmp/err" "b: has 2 values, a has 1" "length mismatch message"
printf '{"values": [1, 2,\n 3,, 4]}' >"$tmp/bad.json"
expect 3 "malformed" -- "$ck" run core/reduce-sum --input "$tmp/bad.json"
has "$tmp/err" "malformed JSON at line 2, column" "malformed message"
echo '{"values": [1], "extra": true}' >"$tmp/bad.json"
expect 3 "unknown field" -- "$ck" run core/reduce-sum --input "$tmp/bad.json"
has "$tmp/err" "extra: unknown field" "unknown field message"
echo '{"a": [[1, 2]], "b": [[1, 2]]}' >"$tmp/bad.json"
expect 3 "matmul shapes" -- "$ck" run core/matmul --input "$tmp/bad.json"
has "$tmp/err" "b.n_rows: is 1, must equal a.n_cols = 2" "matmul shape message"
expect 3 "missing input file" -- "$ck" run core/matmul --input "$tmp/none.json"
has "$tmp/err" "cannot read input" "missing file"
expect 2 "bad threads" -- "$ck" run core/matmul --threads many --input "$tmp/bad.json"
expect 2 "bad backend" -- "$ck" run core/matmul --backend gpu --input "$tmp/bad.json"
expect 2 "bad seed" -- "$ck" run core/matmul --seed -4 --input "$tmp/bad.json"
expect 2 "unknown option" -- "$ck" run core/matmul --frobnicate
expect 2 "run unknown kernel" -- "$ck" run graph/nope --input "$tmp/in.json"
if ! "$ck" version | grep -q "device available"; then
    echo '{"a": [1, 2], "b": [3, 4]}' >"$tmp/va.json"
    expect 1 "forced cuda without a device" -- "$ck" run core/vector-add --backend cuda --input "$tmp/va.json"
    has "$tmp/err" "no_device" "forced cuda message"
    expect 0 "auto falls back to cpu" -- "$ck" run core/vector-add --backend auto --input "$tmp/va.json"
    has "$tmp/out" '"backend":"cpu"' "auto backend"
fi

# ---- graph kernels on edge-list files (--edges)
printf '# the spec hand graph\n0\t1\n1\t2\n2\t0\n0\t2\n' >"$tmp/g.tsv"
expect 0 "run --edges" -- "$ck" run graph/pagerank --edges "$tmp/g.tsv" --directed
has "$tmp/out" '"scores":[0.3877' "pagerank hand value"
echo '{"alpha": 0.85, "tol": 1e-10}' >"$tmp/pr.json"
expect 0 "run --edges --input" -- "$ck" run graph/pagerank --edges "$tmp/g.tsv" --directed --input "$tmp/pr.json"
has "$tmp/out" '"converged":true' "pagerank params from --input"
echo '{"graph": {"num_nodes": 1, "edges": []}}' >"$tmp/both.json"
expect 3 "graph twice" -- "$ck" run graph/pagerank --edges "$tmp/g.tsv" --input "$tmp/both.json"
has "$tmp/err" "graph: given both" "graph twice message"
expect 2 "--edges on a core kernel" -- "$ck" run core/matmul --edges "$tmp/g.tsv"
expect 2 "--directed without --edges" -- "$ck" run graph/pagerank --directed --input "$tmp/pr.json"
printf '0 1\n1 oops\n' >"$tmp/bad.tsv"
expect 3 "bad edge file" -- "$ck" run graph/degree-centrality --edges "$tmp/bad.tsv"
has "$tmp/err" "bad.tsv:2: node is not a non-negative integer" "bad edge file message"
printf '%%%%MatrixMarket matrix coordinate pattern symmetric\n3 3 2\n2 1\n3 2\n' >"$tmp/g.mtx"
expect 0 "matrix market" -- "$ck" run graph/degree-centrality --edges "$tmp/g.mtx"
has "$tmp/out" '"scores":[0.5,1.0,0.5]' "degree on a path from .mtx"

# ---- licenses: a vendor key pair, a license for the graph domain only
expect 0 "keygen" -- "$ck" license keygen --public "$tmp/pk" --secret "$tmp/sk"
cat >"$tmp/graph_only.json" <<'JSON'
{"format": 1, "license_id": "T-1", "licensee": "Test Bank", "edition": "professional",
 "domains": ["graph"], "features": [], "gpu_native": false, "max_kernels": 0, "issued_at": 1700000000}
JSON
expect 0 "sign" -- "$ck" license sign --secret "$tmp/sk" --input "$tmp/graph_only.json" --output "$tmp/graph_only.lic"
expect 0 "verify" -- "$ck" license verify "$tmp/graph_only.lic" --pubkey "$tmp/pk"
expect 4 "verify with the vendor key" -- "$ck" license verify "$tmp/graph_only.lic"
sed 's/Test Bank/Test Bonk/' "$tmp/graph_only.lic" >"$tmp/tampered.lic"
expect 4 "verify tampered" -- "$ck" license verify "$tmp/tampered.lic" --pubkey "$tmp/pk"
expect 0 "show" -- "$ck" license show "$tmp/graph_only.lic" --pubkey "$tmp/pk"
has "$tmp/out" "Test Bank" "show licensee"
expect 0 "list with license" -- "$ck" list --license "$tmp/graph_only.lic" --license-pubkey "$tmp/pk"
if grep -q "^core/reduce-sum .*\[locked\]" "$tmp/out"; then ok; else bad "core kernels not listed as locked"; fi
if grep -q "^graph/pagerank .*\[locked\]" "$tmp/out"; then bad "graph kernels locked by a graph license"; else ok; fi
expect 4 "run locked kernel" -- "$ck" run core/reduce-sum --input "$tmp/in.json" --license "$tmp/graph_only.lic" --license-pubkey "$tmp/pk"
has "$tmp/err" "license" "locked message"
CKERNELS_LICENSE="$tmp/graph_only.lic" CKERNELS_LICENSE_PUBKEY="$tmp/pk" \
    expect 4 "license from the environment" -- "$ck" run core/reduce-sum --input "$tmp/in.json"
expect 4 "tampered license refused" -- "$ck" list --license "$tmp/tampered.lic" --license-pubkey "$tmp/pk"
sed 's/"graph"/"core"/' "$tmp/graph_only.json" >"$tmp/core.json"
"$ck" license sign --secret "$tmp/sk" --input "$tmp/core.json" --output "$tmp/core.lic" 2>/dev/null
expect 0 "run licensed kernel" -- "$ck" run core/reduce-sum --input "$tmp/in.json" --license "$tmp/core.lic" --license-pubkey "$tmp/pk"
has "$tmp/out" '"sum":1.25' "licensed run"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
