package org.jstackless.internal.switching;

import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;

/**
 * Hard switching on the JDK's own one-shot delimited continuations, the mechanism under virtual
 * threads. Loaded only after {@link Switching} checked that {@code jdk.internal.vm} is exported to
 * us, so its direct references never fail to link.
 */
final class ContinuationStrand extends HardStrand {
    static final ContinuationScope SCOPE = new ContinuationScope("jstackless");
    /**
     * The scope of nested strands (generator bodies run on their consumer's stack): their yield
     * returns to the nearest enclosing nested run, while a switch inside them yields {@link #SCOPE},
     * which suspends the consumer's continuation with the nested one mounted inside it.
     */
    static final ContinuationScope NESTED = new ContinuationScope("jstackless-nested");

    private final Cont cont;
    private final ContinuationScope scope;
    private boolean started;

    ContinuationStrand(Object body, StrandEntry entry, ContinuationScope scope) {
        this.scope = scope;
        this.cont = new Cont(scope, () -> Strands.runEntry(body, entry));
    }

    @Override
    public void resume() {
        started = true;
        cont.run();
    }

    @Override
    public Object suspend(Resumption k) {
        Continuation.yield(scope);
        return k.resumed();
    }

    @Override
    public boolean isDone() {
        return cont.isDone();
    }

    @Override
    public boolean canMigrate() {
        return !started;
    }

    /**
     * The user's frames of the yielded continuation, innermost first: the library's switching path
     * above them (channel, scheduler, carrier, yield) and the entry frames below them are left out,
     * as a soft strand shows only the woven frames. Call only while the continuation is not mounted
     * (the tasklet is suspended and the caller is its own thread).
     */
    @Override
    public StackTraceElement[] suspendedStackTrace() {
        if (!started || cont.isDone()) {
            return super.suspendedStackTrace();
        }
        java.util.List<StackWalker.StackFrame> frames;
        try {
            frames = cont.stackWalker(java.util.Set.of(StackWalker.Option.RETAIN_CLASS_REFERENCE))
                    .walk(s -> s.toList());
        } catch (RuntimeException e) {
            return super.suspendedStackTrace(); // mounted meanwhile: not visible
        }
        int from = 0;
        while (from < frames.size() && isRuntime(frames.get(from).getDeclaringClass())) {
            from++;
        }
        int to = frames.size();
        while (to > from && (isRuntime(frames.get(to - 1).getDeclaringClass())
                || frames.get(to - 1).getDeclaringClass().getModule() == Object.class.getModule())) {
            to--;
        }
        StackTraceElement[] r = new StackTraceElement[to - from];
        for (int i = from; i < to; i++) {
            r[i - from] = frames.get(i).toStackTraceElement();
        }
        return r;
    }

    /** A class of this library's own code (same code source as this class) or of the JDK's continuations. */
    private static boolean isRuntime(Class<?> c) {
        if (c.getPackageName().equals("jdk.internal.vm")) {
            return true;
        }
        java.security.ProtectionDomain pd = c.getProtectionDomain();
        java.security.CodeSource cs = pd == null ? null : pd.getCodeSource();
        return cs != null && OWN_CODE != null && OWN_CODE.equals(cs.getLocation());
    }

    private static final java.net.URL OWN_CODE = ownCode();

    private static java.net.URL ownCode() {
        java.security.CodeSource cs = ContinuationStrand.class.getProtectionDomain().getCodeSource();
        return cs == null ? null : cs.getLocation();
    }

    @Override
    public void discard() {
        // An unmounted continuation is plain heap data: dropping the reference drops the frames.
    }

    /** A continuation whose pinned-yield failure says what to do about it. */
    private static final class Cont extends Continuation {
        Cont(ContinuationScope scope, Runnable r) {
            super(scope, r);
        }

        @Override
        protected void onPinned(Continuation.Pinned reason) {
            throw new IllegalStateException("a hard tasklet cannot switch here: its stack is pinned ("
                    + reason + "): it holds a monitor or runs inside a native frame. "
                    + "Leave the synchronized block or native callback before switching.");
        }
    }

    static final class Factory implements StrandFactory {
        private final boolean nested;

        Factory(boolean nested) {
            this.nested = nested;
        }

        @Override
        public Strand create(Object body, StrandEntry entry) {
            return new ContinuationStrand(body, entry, nested ? NESTED : SCOPE);
        }
    }
}
