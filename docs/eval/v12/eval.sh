#!/bin/bash
# Usage: docs/eval/v12/eval.sh CHECKPOINT -- v11 (then model/weights) and CHECKPOINT side by side with today's code, and
# v11 with the code before that session's stutter guard (6f0298f, worktree /tmp/before), into docs/eval/v12/
exec /work/main/docs/eval/compare_models.sh /work/main/docs/eval/v12 v11 v12 "$1"
