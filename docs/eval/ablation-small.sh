#!/usr/bin/env bash
# The 1-CPU-hour ablations at the small size (issue 15): one change per arm against the v2 recipe, equal steps and
# data (2,500 steps x 16 x 256 = 10.2M tokens, about an hour on one thread here), two arms at a time on 2 cores,
# all from scratch on corpus v2 with the same language mix. Each arm is scored on held-out pygls by
# `eval masked-code` and by its own code-only validation (runs/abl2-ARM/state.json). Resumable: a finished arm
# is skipped, an interrupted one resumes from its checkpoint. Needs runs/corpus-v2 (see README, Model v2).
# Tokenizer size compares by bits per byte of the masked text (eval masked-code reports it; CE per token does not
# compare across vocabularies). The table: `diffusion-lsp train ablations runs/abl2-*.eval.json --baseline
# abl2-v2-recipe --out docs/eval/ablations-small.md`.
set -e
cd "$(dirname "$0")/../.."
. .venv/bin/activate
MIX=python=6,c=1,cpp=1,go=1,javascript=1,typescript=1,rust=1,java=1
BASE="--corpus runs/corpus-v2 --languages $MIX --steps 2500 --threads 1 --snapshot-every 100000"
arm() {  # name, extra flags
  [ -f runs/abl2-$1.eval.json ] && return
  diffusion-lsp train run $BASE --out runs/abl2-$1 "${@:2}" > runs/abl2-$1.log 2>&1
  # Written whole or not at all: a finished arm is known by this file.
  diffusion-lsp eval masked-code --model runs/abl2-$1/checkpoint --json > runs/abl2-$1.eval.json.tmp 2>/dev/null
  mv runs/abl2-$1.eval.json.tmp runs/abl2-$1.eval.json
}
arm v2-recipe --uniform-fraction 0.8 --pad-weight 0.1 &
arm shipped-objective --uniform-fraction 0.3 --pad-weight 1.0 &
wait
arm uniform-only --uniform-fraction 1.0 --pad-weight 0.1 &
arm lr-3e-3 --uniform-fraction 0.8 --pad-weight 0.1 --lr 3e-3 &
wait
arm lr-3e-4 --uniform-fraction 0.8 --pad-weight 0.1 --lr 3e-4 &
arm decay-matrices --uniform-fraction 0.8 --pad-weight 0.1 --decay matrices &
wait
arm wide --uniform-fraction 0.8 --pad-weight 0.1 --size small-wide &
arm deep --uniform-fraction 0.8 --pad-weight 0.1 --size small-deep &
wait
arm vocab-4096 --uniform-fraction 0.8 --pad-weight 0.1 --vocab-size 4096 &
arm vocab-16384 --uniform-fraction 0.8 --pad-weight 0.1 --vocab-size 16384 &
wait
echo done > runs/abl2.done
