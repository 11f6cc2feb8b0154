#!/usr/bin/env bash
# Counts writes to a tasklet's state, links and flags per file of org.jstackless (main code), at a
# git revision (default: the work tree). Used to show that States is their only writer. The links of
# a channel-wait record (Waiter: channel, after, before, dir, how; a tasklet is its own first record)
# are the channel queue's, written by Channel under its lock, and are not counted.
# Usage: build-tools/tasklet-writes.sh [REV]
set -euo pipefail
cd "$(dirname "$0")/.."
dir=jstackless-core/src/main/java/org/jstackless
rev=${1:-}
fields='where|next|prev|waiter|select|wait|waitingFor|sched|onCpu|atomic|blockTrap|pendingIrq|savedRunFlags|mainAlive|flags|requested'
tasklets='t|me|source|target|victim|prev|next|h|pos|wd|cur|was|main|z|w\.tasklet|tasklet|this|owner|o|s\.main|t\.prev|t\.next'
for f in $(if [ -n "$rev" ]; then git ls-tree --name-only "$rev" "$dir/"; else ls "$dir"/*.java; fi); do
  case "$f" in *.java) ;; *) continue ;; esac
  src=$(if [ -n "$rev" ]; then git show "$rev:$f"; else cat "$f"; fi)
  name=$(basename "$f")
  n=$( { echo "$src" | grep -E "\b($tasklets)\.($fields)\s*(=[^=]|\+\+|--|\|=|&=)" \
           | { if [ "$name" = Channel.java ] || [ "$name" = Select.java ] || [ "$name" = Waiter.java ]; then grep -vE "\b(w|p|n|last|first)\.(next|prev)\s*=" ; else cat; fi; } || true;
         echo "$src" | grep -E "(WHERE|ON_CPU|REQUESTED)\.(set|setRelease|compareAndSet)\(" || true;
         if [ "$name" = Tasklet.java ]; then echo "$src" | grep -E "^\s+($fields)\s*(=[^=]|\+\+|--|\|=|&=)" || true; fi; } | grep -c . || true)
  [ "$n" != 0 ] && echo "$n $name"
done | sort -rn
