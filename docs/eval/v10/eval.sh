#!/bin/bash
# Usage: docs/eval/v10/eval.sh CHECKPOINT -- v9 (then model/weights) and CHECKPOINT side by side with today's code, and
# v9 with the code before that day's checks (d3a18af, worktree /tmp/before), into docs/eval/v10/
HERE=$(cd "$(dirname "$0")" && pwd)
exec "$HERE/../compare_models.sh" "$HERE" v9 v10 "$1"
