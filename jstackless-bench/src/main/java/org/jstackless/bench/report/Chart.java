package org.jstackless.bench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A horizontal bar chart on a logarithmic axis, drawn with the JDK alone ({@code java.awt} in
 * headless mode, written by {@code javax.imageio}) so that the report needs no charting dependency
 * and no tool outside the JDK: one bar per row with its value printed at the end, an error whisker
 * when there is one, and the §7 target as a dashed line. The axis is logarithmic because the
 * peers span three to five orders of magnitude (tens of nanoseconds to tens of microseconds).
 */
final class Chart {
    /** One bar. */
    record Bar(String label, double value, double error, Color color) {
    }

    private static final int WIDTH = 1000;
    private static final int ROW = 26;
    private static final int TOP = 58;
    private static final int BOTTOM = 40;
    private static final Color GRID = new Color(0xDDDDDD);
    private static final Color TARGET = new Color(0x2E7D32);

    private Chart() {
    }

    /** Colour of a row by implementation: jstackless in blues, peers in their own hues. */
    static Color color(String method, String mechanism) {
        return switch (method) {
            case "rawContinuation" -> new Color(0x757575);
            case "virtualThreads" -> new Color(0xEF6C00);
            case "platformThreads" -> new Color(0xC62828);
            case "kotlin" -> new Color(0x7B1FA2);
            default -> switch (mechanism == null ? "" : mechanism) {
                case "CONTINUATION" -> new Color(0x1E88E5);
                case "VIRTUAL_THREAD" -> new Color(0x90CAF9);
                default -> new Color(0x0D47A1);
            };
        };
    }

    static void write(Path png, String title, String unit, List<Bar> bars, double target) throws IOException {
        write(png, title, unit + ", log scale, lower is better" + (target > 0 ? "; dashed: DESIGN.md §7 target" : ""),
                bars, target, true);
    }

    /**
     * The general form: {@code subtitle} printed under the title as given, {@code target} a dashed
     * line (0: none), {@code log} a logarithmic axis (else linear from 0, for figures such as
     * requests per second that are compared as ratios).
     */
    static void write(Path png, String title, String subtitle, List<Bar> bars, double target, boolean log)
            throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<Bar> shown = bars.stream().filter(b -> b.value() > 0 && Double.isFinite(b.value())).toList();
        if (shown.isEmpty()) {
            return;
        }
        int height = TOP + ROW * shown.size() + BOTTOM;
        BufferedImage img = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, height);
            Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
            g.setFont(font.deriveFont(Font.BOLD, 15f));
            g.setColor(Color.BLACK);
            g.drawString(title, 12, 22);
            g.setFont(font);
            g.drawString(subtitle, 12, 40);
            FontMetrics fm = g.getFontMetrics();
            int labelWidth = shown.stream().mapToInt(b -> fm.stringWidth(b.label())).max().orElse(0) + 20;
            int x0 = labelWidth;
            int x1 = WIDTH - 90;
            double lo = Double.MAX_VALUE;
            double hi = 0;
            for (Bar b : shown) {
                lo = Math.min(lo, b.value());
                hi = Math.max(hi, b.value() + (Double.isFinite(b.error()) ? b.error() : 0));
            }
            if (target > 0) {
                lo = Math.min(lo, target);
                hi = Math.max(hi, target);
            }
            Axis ax = log ? Axis.log(lo, hi, x0, x1) : Axis.linear(hi, x0, x1);
            int plotBottom = TOP + ROW * shown.size();
            for (double tv : ax.ticks()) {
                int x = ax.x(tv);
                g.setColor(GRID);
                g.drawLine(x, TOP - 6, x, plotBottom);
                g.setColor(Color.DARK_GRAY);
                String t = tick(tv);
                g.drawString(t, x - fm.stringWidth(t) / 2, plotBottom + 16);
            }
            for (int i = 0; i < shown.size(); i++) {
                Bar b = shown.get(i);
                int y = TOP + ROW * i;
                g.setColor(Color.BLACK);
                g.drawString(b.label(), 10, y + ROW / 2 + fm.getAscent() / 2 - 2);
                int x = ax.x(b.value());
                g.setColor(b.color());
                g.fillRect(x0, y + 4, Math.max(1, x - x0), ROW - 8);
                int end = x;
                if (Double.isFinite(b.error()) && b.error() > 0) {
                    int xl = ax.x(Math.max(ax.min(), b.value() - b.error()));
                    int xh = ax.x(b.value() + b.error());
                    g.setColor(Color.BLACK);
                    g.drawLine(xl, y + ROW / 2, xh, y + ROW / 2);
                    g.drawLine(xh, y + 8, xh, y + ROW - 8);
                    end = Math.max(end, xh);
                }
                g.setColor(Color.BLACK);
                g.drawString(Report.fmt(b.value()), end + 4, y + ROW / 2 + fm.getAscent() / 2 - 2);
            }
            if (target > 0) {
                int x = ax.x(target);
                g.setColor(TARGET);
                g.setStroke(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
                g.drawLine(x, TOP - 6, x, plotBottom);
                g.drawString("target " + Report.fmt(target), x + 4, TOP - 8);
            }
        } finally {
            g.dispose();
        }
        if (png.getParent() != null) {
            Files.createDirectories(png.getParent());
        }
        ImageIO.write(img, "png", png.toFile());
    }

    /** Where a value goes across the plot: decades on a log axis, or 0 … a round maximum. */
    private record Axis(boolean log, double lo, double hi, int x0, int x1) {
        static Axis log(double min, double max, int x0, int x1) {
            double dLo = Math.floor(Math.log10(min));
            return new Axis(true, dLo, Math.max(dLo + 1, Math.ceil(Math.log10(max))), x0, x1);
        }

        static Axis linear(double max, int x0, int x1) {
            double step = niceStep(max / 5);
            return new Axis(false, 0, Math.ceil(max / step) * step, x0, x1);
        }

        private static double niceStep(double raw) {
            double p = Math.pow(10, Math.floor(Math.log10(raw)));
            double m = raw / p;
            return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
        }

        double min() {
            return log ? Math.pow(10, lo) : 0;
        }

        int x(double v) {
            double f = log ? (Math.log10(v) - lo) / (hi - lo) : v / hi;
            return x0 + (int) Math.round(f * (x1 - x0));
        }

        List<Double> ticks() {
            List<Double> t = new java.util.ArrayList<>();
            if (log) {
                for (int d = (int) lo; d <= hi; d++) {
                    t.add(Math.pow(10, d));
                }
            } else {
                double step = niceStep(hi / 5);
                for (double v = 0; v <= hi + step / 2; v += step) {
                    t.add(v);
                }
            }
            return t;
        }
    }

    private static String tick(double v) {
        return v >= 1 || v == 0 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%s", v);
    }
}
