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
            g.drawString(unit + ", log scale, lower is better" + (target > 0 ? "; dashed: DESIGN.md §7 target" : ""),
                    12, 40);
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
            double dLo = Math.floor(Math.log10(lo));
            double dHi = Math.max(dLo + 1, Math.ceil(Math.log10(hi)));
            int plotBottom = TOP + ROW * shown.size();
            for (int d = (int) dLo; d <= dHi; d++) {
                int x = x(Math.pow(10, d), dLo, dHi, x0, x1);
                g.setColor(GRID);
                g.drawLine(x, TOP - 6, x, plotBottom);
                g.setColor(Color.DARK_GRAY);
                String t = tick(Math.pow(10, d));
                g.drawString(t, x - fm.stringWidth(t) / 2, plotBottom + 16);
            }
            for (int i = 0; i < shown.size(); i++) {
                Bar b = shown.get(i);
                int y = TOP + ROW * i;
                g.setColor(Color.BLACK);
                g.drawString(b.label(), 10, y + ROW / 2 + fm.getAscent() / 2 - 2);
                int x = x(b.value(), dLo, dHi, x0, x1);
                g.setColor(b.color());
                g.fillRect(x0, y + 4, Math.max(1, x - x0), ROW - 8);
                int end = x;
                if (Double.isFinite(b.error()) && b.error() > 0) {
                    int xl = x(Math.max(Math.pow(10, dLo), b.value() - b.error()), dLo, dHi, x0, x1);
                    int xh = x(b.value() + b.error(), dLo, dHi, x0, x1);
                    g.setColor(Color.BLACK);
                    g.drawLine(xl, y + ROW / 2, xh, y + ROW / 2);
                    g.drawLine(xh, y + 8, xh, y + ROW - 8);
                    end = Math.max(end, xh);
                }
                g.setColor(Color.BLACK);
                g.drawString(Report.fmt(b.value()), end + 4, y + ROW / 2 + fm.getAscent() / 2 - 2);
            }
            if (target > 0) {
                int x = x(target, dLo, dHi, x0, x1);
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

    private static int x(double v, double dLo, double dHi, int x0, int x1) {
        return x0 + (int) Math.round((Math.log10(v) - dLo) / (dHi - dLo) * (x1 - x0));
    }

    private static String tick(double v) {
        return v >= 1 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%s", v);
    }
}
