#!/usr/bin/env bash
# The 1-CPU-hour ablations at the small size (issue 15): one change per arm, equal steps and data (2,500 steps x
# 16 x 256 = 10.2M tokens, about an hour on one thread here), two arms at a time on 2 cores, all from scratch on
# corpus v2 with the same language mix: the objective arms against the v2 recipe, the rest against their winner
# (uniform masking only). Blocks compiled (`--compile`: faster, the same model). Each arm is scored on held-out pygls by
# `eval masked-code` and by its own code-only validation (runs/abl2-ARM/state.json). Resumable: a finished arm
# is skipped, an interrupted one resumes from its checkpoint. Needs runs/corpus-v2 (see README, Model v2).
# Tokenizer size compares by bits per byte of the masked text (eval masked-code reports it; CE per token does not
# compare across vocabularies). Each arm's fills are scored too (HumanEval single-line pass@1 on 200 problems,
# exact match of 50 held-out pygls lines, length search): runs/abl2-ARM.single.json and .em.json. The table:
# `diffusion-lsp train ablations runs/abl2-*.eval.json --baseline abl2-v2-recipe --out docs/eval/ablations-small.md`.
set -e
cd "$(dirname "$0")/../.."
. .venv/bin/activate
MIX=python=6,c=1,cpp=1,go=1,javascript=1,typescript=1,rust=1,java=1
BASE="--corpus runs/corpus-v2 --languages $MIX --steps 2500 --threads 1 --snapshot-every 100000 --compile"
score() {  # run, output suffix, eval arguments: written whole or not at all, skipped when already written
  [ -f runs/$1.$2.json ] && return
  OMP_NUM_THREADS=1 diffusion-lsp eval "${@:3}" --model runs/$1/checkpoint --json > runs/$1.$2.json.tmp 2>/dev/null
  mv runs/$1.$2.json.tmp runs/$1.$2.json
}
arm() {  # name, extra flags
  if [ ! -f runs/abl2-$1.eval.json ]; then
    diffusion-lsp train run $BASE --out runs/abl2-$1 "${@:2}" > runs/abl2-$1.log 2>&1
  fi
  score abl2-$1 eval masked-code  # a finished arm is known by this file
  score abl2-$1 single humaneval-infilling --split single-line --limit 200 --decoders search
  score abl2-$1 em line-exact-match --limit 50 --decoders search
}
arm v2-recipe --uniform-fraction 0.8 --pad-weight 0.1 &
arm shipped-objective --uniform-fraction 0.3 --pad-weight 1.0 &
wait
arm uniform-only --uniform-fraction 1.0 --pad-weight 0.1 &
wait
# Uniform masking won the objective arms on every measure: the other arms change one thing against it.
WIN="--uniform-fraction 1.0 --pad-weight 0.1"
arm lr-3e-3 $WIN --lr 3e-3 &
arm lr-3e-4 $WIN --lr 3e-4 &
wait
arm decay-matrices $WIN --decay matrices &
arm wide $WIN --size small-wide &
wait
arm deep $WIN --size small-deep &
arm vocab-4096 $WIN --vocab-size 4096 &
wait
arm vocab-16384 $WIN --vocab-size 16384 &
wait
echo done > runs/abl2.done
