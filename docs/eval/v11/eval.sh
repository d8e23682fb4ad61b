#!/bin/bash
# Usage: docs/eval/v11/eval.sh CHECKPOINT -- v10 (then model/weights) and CHECKPOINT side by side with today's code, and
# v10 with the code before that day's checks (e6c91b1, worktree /tmp/before), into docs/eval/v11/
HERE=$(cd "$(dirname "$0")" && pwd)
exec "$HERE/../compare_models.sh" "$HERE" v10 v11 "$1"
