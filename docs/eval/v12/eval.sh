#!/bin/bash
# Usage: docs/eval/v12/eval.sh CHECKPOINT -- v11 (then model/weights) and CHECKPOINT side by side with today's code, and
# v11 with the code before that day's stutter guard (6f0298f, worktree /tmp/before), into docs/eval/v12/
HERE=$(cd "$(dirname "$0")" && pwd)
exec "$HERE/../compare_models.sh" "$HERE" v11 v12 "$1"
