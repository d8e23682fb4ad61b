#!/bin/bash
# Usage: docs/eval/v11/eval.sh CHECKPOINT -- v10 (then model/weights) and CHECKPOINT side by side with today's code, and
# v10 with the code before that session's checks (e6c91b1, worktree /tmp/before), into docs/eval/v11/
exec /work/main/docs/eval/compare_models.sh /work/main/docs/eval/v11 v10 v11 "$1"
