package org.jstackless.soft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.lang.invoke.MethodHandles;
import java.util.ArrayList;
import java.util.List;
import org.jstackless.Channel;
import org.jstackless.Stackless;
import org.jstackless.Suspendable;
import org.jstackless.Tasklet;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Frameless code that throws while a soft tasklet unwinds. The frames between the tasklet's body and
 * a switch are woven and entered from woven call sites, so the switch is allowed; but a frame that is
 * not woven sits between two of them (the documented blind spot: a never-woven delegate of a
 * suspendable method, here made with ASM at run time so that no build weaves it) and acts on the
 * placeholder value the woven frame above it returned while unwinding: it throws. That once left the
 * strand ended while it was still queued (the scheduler later failed with "strand has ended", or the
 * error was charged to whichever tasklet ran next), and a woven {@code catch} below it ran in the
 * middle of the switch. Now the tasklet ends at once with a clear error naming the frame that threw,
 * raised to its watchdog as any uncaught error is; the other tasklets and the scheduler go on. What a
 * partner arriving afterwards meets is {@link FailedSwitchTest}'s subject.
 */
class UnwindFailureTest {
    /** A suspendable interface whose never-woven implementation delegates to a woven one. */
    public interface Src {
        String get() throws Suspendable;
    }

    private static final String DELEGATE = UnwindFailureTest.class.getPackageName().replace('.', '/')
            + "/UnwovenDelegate";
    private static Class<?> delegateClass;

    /**
     * {@code final class UnwovenDelegate implements Src { Src inner; String get() { return
     * inner.get().trim(); } }}, defined from bytes the weaver never saw: a woven {@code inner.get()}
     * entered through it still has an intact chain (same name and descriptor), so it may switch; while
     * it unwinds it returns null, and {@code trim()} throws a NullPointerException.
     */
    static synchronized Src unwoven(Src inner) throws ReflectiveOperationException {
        if (delegateClass == null) {
            String src = Type.getInternalName(Src.class);
            ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS);
            cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL | Opcodes.ACC_SUPER, DELEGATE, null,
                    "java/lang/Object", new String[] {src});
            cw.visitSource("UnwovenDelegate.java", null);
            cw.visitField(Opcodes.ACC_PRIVATE | Opcodes.ACC_FINAL, "inner", "L" + src + ";", null, null).visitEnd();
            MethodVisitor c = cw.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "(L" + src + ";)V", null, null);
            c.visitCode();
            c.visitVarInsn(Opcodes.ALOAD, 0);
            c.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
            c.visitVarInsn(Opcodes.ALOAD, 0);
            c.visitVarInsn(Opcodes.ALOAD, 1);
            c.visitFieldInsn(Opcodes.PUTFIELD, DELEGATE, "inner", "L" + src + ";");
            c.visitInsn(Opcodes.RETURN);
            c.visitMaxs(0, 0);
            c.visitEnd();
            MethodVisitor g = cw.visitMethod(Opcodes.ACC_PUBLIC, "get", "()Ljava/lang/String;", null, null);
            g.visitCode();
            Label line = new Label();
            g.visitLabel(line);
            g.visitLineNumber(7, line);
            g.visitVarInsn(Opcodes.ALOAD, 0);
            g.visitFieldInsn(Opcodes.GETFIELD, DELEGATE, "inner", "L" + src + ";");
            g.visitMethodInsn(Opcodes.INVOKEINTERFACE, src, "get", "()Ljava/lang/String;", true);
            g.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/String", "trim", "()Ljava/lang/String;", false);
            g.visitInsn(Opcodes.ARETURN);
            g.visitMaxs(0, 0);
            g.visitEnd();
            cw.visitEnd();
            delegateClass = MethodHandles.lookup().defineClass(cw.toByteArray());
        }
        return (Src) delegateClass.getConstructor(Src.class).newInstance(inner);
    }

    private static void assertClearError(Throwable e) {
        assertThat(e).isInstanceOf(IllegalStateException.class);
        assertThat(e.getMessage())
                .startsWith("a soft tasklet could not switch")
                .contains(DELEGATE.replace('/', '.') + ".get(UnwovenDelegate.java:7)")
                .contains("java.lang.NullPointerException")
                .contains("Fix:");
        assertThat(e.getCause()).isInstanceOf(NullPointerException.class);
    }

    /**
     * The switch is a receive() in the first run of the body (the trampoline's start): the tasklet
     * ends at once with the clear error, which run() raises; the other tasklet has not run yet and
     * is untouched, the channel has no waiter left, and the scheduler keeps working.
     */
    @Test
    void aThrowWhileUnwindingEndsTheTaskletClearlyAndLeavesTheOthers() throws Exception {
        List<String> log = new ArrayList<>();
        Throwable[] raised = new Throwable[1];
        Stackless.runAsMain(() -> {
            Channel<String> ch = new Channel<>();
            Src outer = unwoven(() -> ch.receive());
            Tasklet t = Tasklet.spawn(() -> log.add("t got " + outer.get()));
            Tasklet u = Tasklet.spawn(() -> {
                log.add("u runs");
                Stackless.schedule();
                log.add("u again");
            });
            log.add("soft " + t.isSoft());
            raised[0] = catchThrowable(Stackless::run); // t blocks in receive() and fails to unwind: it ends at once
            log.add("t alive " + t.isAlive() + ", u alive " + u.isAlive() + ", balance " + ch.balance());
            Stackless.run(); // u runs to its end
            log.add("u alive " + u.isAlive());
            Tasklet w = Tasklet.spawn(() -> log.add("w runs"));
            Stackless.run();
            log.add("w alive " + w.isAlive());
        });
        assertThat(log).containsExactly("soft true", "t alive false, u alive true, balance 0", "u runs", "u again",
                "u alive false", "w runs", "w alive false");
        assertClearError(raised[0]);
    }

    /**
     * The failure happens in a re-entered frame (the trampoline's rewind): the body switches once
     * cleanly, then a second switch goes through the unwoven delegate; a woven catch of the
     * NullPointerException below it must not run in the middle of the switch, and the tasklet ends
     * at once with the clear error.
     */
    @Test
    void aThrowWhileUnwindingFromAReenteredFrameIsNotCaughtByWovenCode() throws Exception {
        List<String> log = new ArrayList<>();
        Throwable[] raised = new Throwable[1];
        Stackless.runAsMain(() -> {
            Channel<String> ch = new Channel<>();
            Src outer = unwoven(() -> ch.receive());
            Tasklet t = Tasklet.spawn(() -> {
                Stackless.schedule();
                log.add("t resumed");
                try {
                    log.add("t got " + outer.get());
                } catch (NullPointerException e) {
                    log.add("t caught " + e); // must not run: the tasklet is mid-switch
                    ch.send("from the catch");
                }
            });
            Tasklet u = Tasklet.spawn(() -> log.add("u runs"));
            raised[0] = catchThrowable(Stackless::run);
            log.add("t alive " + t.isAlive() + ", blocked " + t.isBlocked() + ", u alive " + u.isAlive()
                    + ", channel balance " + ch.balance());
        });
        assertThat(log).containsExactly("u runs", "t resumed", "t alive false, blocked false, u alive false, channel balance 0");
        assertClearError(raised[0]);
    }

    /**
     * A preemption, not an explicit switch, starts the unwinding (a tick point inside the woven
     * method under the unwoven delegate): the same clear error ends the tasklet at once, before the
     * other tasklet's turn, which comes in the next run.
     */
    @Test
    void aThrowWhilePreemptedEndsTheTaskletClearly() throws Exception {
        List<String> log = new ArrayList<>();
        Throwable[] raised = new Throwable[1];
        Stackless.runAsMain(() -> {
            Src outer = unwoven(() -> {
                StringBuilder b = new StringBuilder();
                for (int i = 0; i < 200; i++) {
                    b.append((char) ('a' + i % 26));
                }
                return b.toString();
            });
            Tasklet t = Tasklet.spawn(() -> log.add("t got " + outer.get().length()));
            Tasklet u = Tasklet.spawn(() -> log.add("u runs"));
            raised[0] = catchThrowable(() -> {
                for (int i = 0; i < 1000; i++) {
                    Tasklet v = Stackless.run(5); // preempts t inside the lambda under the delegate
                    if (v == null) {
                        return;
                    }
                    v.insert();
                }
            });
            log.add("t alive " + t.isAlive() + ", u alive " + u.isAlive());
            Tasklet w = Tasklet.spawn(() -> log.add("w runs"));
            Stackless.run();
        });
        assertThat(log).containsExactly("t alive false, u alive true", "u runs", "w runs");
        assertClearError(raised[0]);
    }
}
