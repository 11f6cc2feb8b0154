package org.jstackless;

/** A case of a blocked {@link Select}: a {@link Waiter} that carries its select, its index and the value it sends. */
final class SelectWaiter extends Waiter {
    final Select<?> select;
    final int index;
    /** The records of the same selection (this one included): a select allocates them per blocking selection. */
    final SelectWaiter[] siblings;
    /** What the case sends (null for a receive); set before it is queued. */
    Object value;

    private final Tasklet tasklet;

    SelectWaiter(Tasklet tasklet, Select<?> select, int index, SelectWaiter[] siblings) {
        this.tasklet = tasklet;
        this.select = select;
        this.index = index;
        this.siblings = siblings;
    }

    @Override
    Tasklet tasklet() {
        return tasklet;
    }

    @Override
    Object sending() {
        return value;
    }
}
