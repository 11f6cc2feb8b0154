package org.jstackless;

/** A case of a blocked {@link Select}: a {@link Waiter} that carries its select, its index and the value it sends. */
final class SelectWaiter extends Waiter {
    final Select<?> select;
    final int index;
    /** What the case sends (null for a receive); set before it is queued. */
    Object value;

    SelectWaiter(Tasklet tasklet, Select<?> select, int index) {
        super(tasklet);
        this.select = select;
        this.index = index;
    }

    @Override
    Object sending() {
        return value;
    }
}
