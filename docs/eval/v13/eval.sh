#!/bin/bash
# Usage: docs/eval/v13/eval.sh CHECKPOINT -- v12 (then model/weights) and CHECKPOINT side by side with today's code, and
# v12 with the code before that session's stutter and useless-branch checks (9e2354f, worktree /tmp/before), into
# docs/eval/v13/
exec /work/main/docs/eval/compare_models.sh /work/main/docs/eval/v13 v12 v13 "$1"
