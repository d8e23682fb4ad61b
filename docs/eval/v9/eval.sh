#!/bin/bash
# Usage: docs/eval/v9/eval.sh CHECKPOINT -- v7 (then model/weights) and CHECKPOINT side by side with today's code, and
# v7 with the code before that day's checks (d8314a4, worktree /tmp/before), into docs/eval/v9/
HERE=$(cd "$(dirname "$0")" && pwd)
exec "$HERE/../compare_models.sh" "$HERE" v7 v9 "$1"
