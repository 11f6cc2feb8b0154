package org.jstackless.internal.soft;

import java.util.Arrays;

/**
 * The accepted chain values of method references (see {@link SoftContext#alias}): a set of ints,
 * read without locking by woven entries whose chain value is not 0, written rarely (once per
 * method reference, from class initialisers).
 *
 * <p>Layout: an open-addressing table of non-zero ints (0 marks a free slot), replaced as a whole on
 * every addition (copy on write), so a reader sees either the old or the new complete table.
 */
final class Aliases {
    private static volatile int[] table = new int[16];
    private static int size;

    private Aliases() {
    }

    static boolean accepts(int key) {
        int[] t = table;
        int mask = t.length - 1;
        for (int i = mix(key) & mask;; i = (i + 1) & mask) {
            int v = t[i];
            if (v == key) {
                return true;
            }
            if (v == 0) {
                return false;
            }
        }
    }

    static synchronized void add(int key) {
        if (key == 0 || accepts(key)) {
            return;
        }
        int[] t = table;
        if ((size + 1) * 2 > t.length) {
            int[] n = new int[t.length * 2];
            for (int v : t) {
                if (v != 0) {
                    put(n, v);
                }
            }
            t = n;
        } else {
            t = Arrays.copyOf(t, t.length);
        }
        put(t, key);
        size++;
        table = t;
    }

    private static void put(int[] t, int key) {
        int mask = t.length - 1;
        int i = mix(key) & mask;
        while (t[i] != 0) {
            i = (i + 1) & mask;
        }
        t[i] = key;
    }

    private static int mix(int k) {
        int h = k * 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
