package org.jstackless.internal.pickle;

import java.util.function.IntFunction;

/**
 * Map keys whose {@code hashCode} (and {@code equals}) the JDK computes by recursion over their
 * contents (lists, maps, records, ordinary objects whose class overrides hashCode) must be safe to hash when a map is rebuilt: no
 * cycle (a list that contains itself has no hash code; {@code ArrayList.hashCode} overflows the
 * stack), a bounded depth (a list deepened after it became a key), and a bounded amount of work (a
 * key made of lists that share sublists is small in the pickle but exponential to hash). Checked
 * without recursion over the object table's ids, memoised, so in time linear in the table, both
 * when dumping and before loading creates any map.
 */
final class KeyCheck {
    /** Deepest key structure (the JDK's hashCode recursion uses two stack frames per level). */
    static final int MAX_DEPTH = 1000;
    /** Most hashCode steps one key may cost, and all keys of a pickle together. */
    static final long MAX_WORK_PER_KEY = 1L << 22;
    static final long MAX_WORK = 1L << 26;

    private final IntFunction<int[]> hashChildren;
    private final byte[] state; // 0 unseen, 1 on the stack, 2 done
    private final int[] depth;
    private final long[] work;
    private long total;

    /** Over ids 1..n; {@code hashChildren.apply(id)}: the ids whose hash codes make id's (null: none). */
    KeyCheck(int n, IntFunction<int[]> hashChildren) {
        this.hashChildren = hashChildren;
        this.state = new byte[n + 1];
        this.depth = new int[n + 1];
        this.work = new long[n + 1];
    }

    /** Null if key {@code id} is safe to hash, else why not. */
    String problem(int id) {
        if (id == 0) {
            return null;
        }
        if (state[id] != 2) {
            // Iterative post-order DFS: stack of ids and the next child index to visit.
            int[] stack = new int[16];
            int[] next = new int[16];
            int sp = 0;
            stack[0] = id;
            next[0] = 0;
            state[id] = 1;
            while (sp >= 0) {
                int x = stack[sp];
                int[] kids = hashChildren.apply(x);
                if (kids != null && next[sp] < kids.length) {
                    int k = kids[next[sp]++];
                    if (k == 0 || state[k] == 2) {
                        continue;
                    }
                    if (state[k] == 1) {
                        return "it contains itself (object #" + k + " is reached from its own contents), so it has no "
                                + "hash code";
                    }
                    if (++sp == stack.length) {
                        stack = java.util.Arrays.copyOf(stack, sp * 2);
                        next = java.util.Arrays.copyOf(next, sp * 2);
                    }
                    stack[sp] = k;
                    next[sp] = 0;
                    state[k] = 1;
                    continue;
                }
                int d = 1;
                long w = 1;
                if (kids != null) {
                    for (int k : kids) {
                        if (k != 0) {
                            d = Math.max(d, depth[k] + 1);
                            w = Math.min(Long.MAX_VALUE / 4, w + work[k]);
                        }
                    }
                }
                depth[x] = d;
                work[x] = w;
                state[x] = 2;
                sp--;
            }
        }
        if (depth[id] > MAX_DEPTH) {
            return "it is nested " + depth[id] + " levels deep (more than " + MAX_DEPTH + "): hashing it could overflow "
                    + "the stack";
        }
        if (work[id] > MAX_WORK_PER_KEY || (total += work[id]) > MAX_WORK) {
            return "hashing it takes " + work[id] + " steps (its parts are shared many times over): more than "
                    + MAX_WORK_PER_KEY + " per key or " + MAX_WORK + " for all keys";
        }
        return null;
    }
}
