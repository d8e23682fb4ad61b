#!/bin/bash
# Usage: docs/eval/v10/eval.sh CHECKPOINT -- v9 (model/weights) and CHECKPOINT side by side with today's code, and v9
# with the code before this session's checks (d3a18af, worktree /tmp/before), into docs/eval/v10/
set -e
cd /work/main && . .venv/bin/activate
NEW=$(realpath $1); OUT=/work/main/docs/eval/v10; mkdir -p $OUT
export OMP_NUM_THREADS=1
pkill -STOP -f "train run" || true
run() { # name model [before]
  if [ -n "$3" ]; then CLI="python -c 'from lsp_server.cli import main; main()'"; cd /tmp/before; else CLI=diffusion-lsp; cd /work/main; fi
  eval $CLI eval humaneval-infilling --split single-line --limit 200 --decoders search --context-tokens 256 --model $2 --json --samples $OUT/$1.single.samples.jsonl > $OUT/$1.single.json 2>/tmp/ev-$1-s.err &
  eval $CLI eval line-exact-match --limit 50 --decoders search --context-tokens 256 --model $2 --json --samples $OUT/$1.em.samples.jsonl > $OUT/$1.em.json 2>/tmp/ev-$1-e.err &
  cd /work/main
}
start=$(date +%s)
run v9 /work/main/model/weights
run v10 $NEW
run v9-before /work/main/model/weights before
wait
diffusion-lsp eval masked-code --model $NEW --json > $OUT/v10.masked.json 2>/tmp/ev-v10-m.err &
wait
echo "seconds $(( $(date +%s) - start ))"
pkill -CONT -f "train run" || true
