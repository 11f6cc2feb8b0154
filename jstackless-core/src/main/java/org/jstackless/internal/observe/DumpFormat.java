package org.jstackless.internal.observe;

import java.util.List;
import org.jstackless.observe.ChannelInfo;
import org.jstackless.observe.SchedulerInfo;
import org.jstackless.observe.TaskletDump;
import org.jstackless.observe.TaskletInfo;

/** Writes a {@link TaskletDump} as text (laid out like a thread dump) or as JSON. */
public final class DumpFormat {
    private DumpFormat() {
    }

    public static String text(TaskletDump d) {
        StringBuilder b = new StringBuilder();
        b.append("jstackless tasklet dump ").append(d.time()).append(": ").append(d.schedulers().size())
                .append(" scheduler(s), ").append(d.tasklets().size()).append(" tasklet(s); blocking pool: ")
                .append(d.blockingActive()).append(" running, ").append(d.blockingQueued()).append(" queued\n");
        for (SchedulerInfo s : d.schedulers()) {
            b.append('\n').append("Scheduler \"").append(s.thread()).append("\" #").append(s.threadId())
                    .append(' ').append(s.kind()).append(", ").append(s.tasklets().size()).append(" tasklet(s), ")
                    .append(s.switches()).append(" switches, ").append(s.steals()).append(" steals")
                    .append(s.consistent() ? "" : " (read while its thread ran: may be inconsistent)").append('\n');
            for (TaskletInfo t : s.tasklets()) {
                b.append("  Tasklet ").append(t.id()).append(t.main() ? " main" : "").append(' ').append(t.state())
                        .append(t.soft() ? " soft" : " hard").append(t.atomic() ? " atomic" : "");
                if (!t.detail().isEmpty()) {
                    b.append(": ").append(t.detail());
                }
                b.append('\n');
                for (StackTraceElement e : t.stack()) {
                    b.append("      at ").append(e).append('\n');
                }
            }
        }
        if (!d.channels().isEmpty()) {
            b.append("\nChannels with waiting tasklets\n");
            for (ChannelInfo c : d.channels()) {
                b.append("  ").append(c.channel()).append(" balance ").append(c.balance()).append(", preference ")
                        .append(c.preference()).append(c.closing() ? ", closing" : "").append(", queue ")
                        .append(c.queue()).append('\n');
            }
        }
        return b.toString();
    }

    public static String json(TaskletDump d) {
        StringBuilder b = new StringBuilder(256);
        b.append("{\"time\":");
        str(b, d.time().toString());
        b.append(",\"blockingQueued\":").append(d.blockingQueued()).append(",\"blockingActive\":").append(d.blockingActive());
        b.append(",\"schedulers\":[");
        for (int i = 0; i < d.schedulers().size(); i++) {
            SchedulerInfo s = d.schedulers().get(i);
            b.append(i == 0 ? "" : ",").append("{\"thread\":");
            str(b, s.thread());
            b.append(",\"threadId\":").append(s.threadId()).append(",\"kind\":");
            str(b, s.kind());
            b.append(",\"consistent\":").append(s.consistent()).append(",\"switches\":").append(s.switches())
                    .append(",\"steals\":").append(s.steals()).append(",\"tasklets\":[");
            for (int j = 0; j < s.tasklets().size(); j++) {
                tasklet(b.append(j == 0 ? "" : ","), s.tasklets().get(j));
            }
            b.append("]}");
        }
        b.append("],\"channels\":[");
        for (int i = 0; i < d.channels().size(); i++) {
            ChannelInfo c = d.channels().get(i);
            b.append(i == 0 ? "" : ",").append("{\"channel\":");
            str(b, c.channel());
            b.append(",\"balance\":").append(c.balance()).append(",\"preference\":").append(c.preference())
                    .append(",\"closing\":").append(c.closing()).append(",\"queue\":").append(list(c.queue())).append('}');
        }
        return b.append("]}").toString();
    }

    private static void tasklet(StringBuilder b, TaskletInfo t) {
        b.append("{\"id\":").append(t.id()).append(",\"state\":");
        str(b, t.state().name());
        b.append(",\"main\":").append(t.main()).append(",\"soft\":").append(t.soft()).append(",\"atomic\":")
                .append(t.atomic()).append(",\"detail\":");
        str(b, t.detail());
        b.append(",\"channel\":");
        str(b, t.channel());
        b.append(",\"stack\":[");
        for (int k = 0; k < t.stack().size(); k++) {
            StackTraceElement e = t.stack().get(k);
            b.append(k == 0 ? "" : ",").append("{\"class\":");
            str(b, e.getClassName());
            b.append(",\"method\":");
            str(b, e.getMethodName());
            b.append(",\"file\":");
            str(b, e.getFileName());
            b.append(",\"line\":").append(e.getLineNumber()).append('}');
        }
        b.append("]}");
    }

    private static String list(List<Long> l) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < l.size(); i++) {
            b.append(i == 0 ? "" : ",").append(l.get(i));
        }
        return b.append(']').toString();
    }

    private static void str(StringBuilder b, String s) {
        if (s == null) {
            b.append("null");
            return;
        }
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
