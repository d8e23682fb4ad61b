#!/bin/bash
# Usage: docs/eval/v14/eval.sh NAME CHECKPOINT [NAME CHECKPOINT ...] -- each model's HumanEval single-line pass@1
# (fixed 200) and held-out line exact match (fixed 200 pygls lines), one thread each, all side by side with today's
# code, training paused meanwhile. JSON and every fill go to docs/eval/v14/NAME.{single,em}[.samples].json[l].
set -e
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
cd $ROOT && . .venv/bin/activate
OUT=$ROOT/docs/eval/v14
export OMP_NUM_THREADS=1
pkill -STOP -f "train run" || true
start=$(date +%s)
while [ $# -ge 2 ]; do
  NAME=$1; MODEL=$(realpath $2); shift 2
  diffusion-lsp eval humaneval-infilling --split single-line --limit 200 --decoders search --context-tokens 256 \
    --model $MODEL --json --samples $OUT/$NAME.single.samples.jsonl > $OUT/$NAME.single.json 2>/tmp/ev-$NAME-s.err &
  diffusion-lsp eval line-exact-match --limit 200 --decoders search --context-tokens 256 \
    --model $MODEL --json --samples $OUT/$NAME.em.samples.jsonl > $OUT/$NAME.em.json 2>/tmp/ev-$NAME-e.err &
done
wait
echo "seconds $(( $(date +%s) - start ))"
pkill -CONT -f "train run" || true
