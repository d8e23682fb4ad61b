#!/usr/bin/env bash
# Pilot objective ablation: tiny model, equal steps and data, one thread each.
set -e
. .venv/bin/activate
for arm in "span-pads:0.3:1.0" "span-pads-down:0.3:0.1" "uniform-only:1.0:1.0" "uniform-mostly:0.8:0.1"; do
  IFS=: read name uf pw <<< "$arm"
  diffusion-lsp train run --corpus runs/corpus-stdlib --out runs/abl-$name --size tiny --steps 3000 --threads 1 \
    --uniform-fraction $uf --pad-weight $pw --snapshot-every 100000 > runs/abl-$name.log 2>&1
  diffusion-lsp eval masked-code --model runs/abl-$name/checkpoint --json > runs/abl-$name.eval.json 2>/dev/null
done
echo done > runs/ablation.done
