#!/bin/bash
# Usage: docs/eval/v9/eval.sh CHECKPOINT -- v7 (then model/weights) and CHECKPOINT side by side with today's code, and
# v7 with the code before that session's checks (d8314a4, worktree /tmp/before), into docs/eval/v9/
exec /work/main/docs/eval/compare_models.sh /work/main/docs/eval/v9 v7 v9 "$1"
