#!/bin/bash
# Usage: docs/eval/compare_models.sh OUT OLD NEW CHECKPOINT -- the shipped model (model/weights, named OLD) and
# CHECKPOINT (named NEW) side by side with today's code, and the shipped model with the code of the worktree
# /tmp/before (named OLD-before: `git worktree add /tmp/before REV`), one thread each, six processes at once, training
# paused meanwhile; then CHECKPOINT's masked-code CE. JSON and every fill go to OUT.
set -e
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd $ROOT && . .venv/bin/activate
OUT=$(realpath -m $1); OLD=$2; NEW=$3; CHECKPOINT=$(realpath $4); mkdir -p $OUT
export OMP_NUM_THREADS=1
pkill -STOP -f "train run" || true
run() { # name model [before]
  if [ -n "$3" ]; then CLI="python -c 'from lsp_server.cli import main; main()'"; cd /tmp/before; else CLI=diffusion-lsp; cd $ROOT; fi
  eval $CLI eval humaneval-infilling --split single-line --limit 200 --decoders search --context-tokens 256 --model $2 --json --samples $OUT/$1.single.samples.jsonl > $OUT/$1.single.json 2>/tmp/ev-$1-s.err &
  eval $CLI eval line-exact-match --limit 50 --decoders search --context-tokens 256 --model $2 --json --samples $OUT/$1.em.samples.jsonl > $OUT/$1.em.json 2>/tmp/ev-$1-e.err &
  cd $ROOT
}
start=$(date +%s)
run $OLD $ROOT/model/weights
run $NEW $CHECKPOINT
run $OLD-before $ROOT/model/weights before
wait
diffusion-lsp eval masked-code --model $CHECKPOINT --json > $OUT/$NEW.masked.json 2>/tmp/ev-$NEW-m.err &
wait
echo "seconds $(( $(date +%s) - start ))"
pkill -CONT -f "train run" || true
