#!/bin/bash
# Usage: docs/eval/v13/eval.sh CHECKPOINT -- v12 (then model/weights) and CHECKPOINT side by side with today's code, and
# v12 with the code before that day's stutter and useless-branch checks (9e2354f, worktree /tmp/before), into
# docs/eval/v13/
HERE=$(cd "$(dirname "$0")" && pwd)
exec "$HERE/../compare_models.sh" "$HERE" v12 v13 "$1"
