#!/bin/bash
# Usage: docs/eval/v10/eval.sh CHECKPOINT -- v9 (then model/weights) and CHECKPOINT side by side with today's code, and
# v9 with the code before that session's checks (d3a18af, worktree /tmp/before), into docs/eval/v10/
exec /work/main/docs/eval/compare_models.sh /work/main/docs/eval/v10 v9 v10 "$1"
