package dev.arrowrpc.bench.charts;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.function.DoubleFunction;

/**
 * A grouped bar chart drawn as SVG: one or more panels sharing a value axis, each panel a row of
 * groups with one bar per series, a legend, reference lines and a caption. Bars start at the
 * scale's base (the bottom of the axis, or a value such as 1x that bars rise above or fall below);
 * every bar carries its value as a label and a {@code <title>} tooltip.
 *
 * @param title the chart's title
 * @param axisTitle what the value axis measures, with its unit
 * @param scale the value axis
 * @param series the bars of each group, in order (legend entries)
 * @param panels the panels, top to bottom
 * @param references horizontal reference lines
 * @param format formats a value for its label
 * @param caption lines of small print below the chart (wrapped to its width)
 */
record BarChart(String title, String axisTitle, Scale scale, List<Series> series, List<Panel> panels,
    List<Reference> references, DoubleFunction<String> format, List<String> caption) {

  /**
   * A legend entry.
   *
   * @param name the legend's text
   * @param colour the bars' fill, e.g. {@code #0072B2}
   */
  record Series(String name, String colour) {}

  /**
   * A group of bars.
   *
   * @param label the group's label under the axis ({@code \n} starts a second line)
   * @param values one value per series; empty where nothing was measured
   */
  record Group(String label, List<OptionalDouble> values) {}

  /**
   * A row of groups.
   *
   * @param title the panel's title, or empty
   * @param groups the groups, left to right
   */
  record Panel(String title, List<Group> groups) {}

  /**
   * A horizontal line across every panel.
   *
   * @param value where
   * @param label its label, at the right end
   * @param dashed whether it is dashed
   */
  record Reference(double value, String label, boolean dashed) {}

  /**
   * A value axis.
   *
   * @param log whether it is logarithmic
   * @param min the bottom of the axis
   * @param max the top of the axis
   * @param base where bars start
   * @param ticks where grid lines go
   * @param tickFormat formats a tick's label
   */
  record Scale(boolean log, double min, double max, double base, List<Double> ticks, DoubleFunction<String> tickFormat) {

    /**
     * A linear axis from 0 to a round number above {@code top}.
     *
     * @param top the largest value
     * @param step the distance between grid lines
     * @param tickFormat formats a tick
     * @return the scale
     */
    static Scale linear(double top, double step, DoubleFunction<String> tickFormat) {
      double max = Math.max(step, Math.ceil(top / step - 1e-9) * step);
      List<Double> ticks = new ArrayList<>();
      for (int i = 0; i * step <= max + 1e-9; i++) {
        ticks.add(i * step);
      }
      return new Scale(false, 0, max, 0, List.copyOf(ticks), tickFormat);
    }

    /**
     * A logarithmic axis whose ends are the 1-2-5 steps just outside {@code low} and {@code high}.
     *
     * @param low the smallest value (or the base, when smaller)
     * @param high the largest value
     * @param base where bars start ({@code NaN}: at the bottom of the axis)
     * @param tickFormat formats a tick
     * @return the scale
     */
    static Scale log(double low, double high, double base, DoubleFunction<String> tickFormat) {
      double min = step(low, false);
      double max = step(high, true);
      if (max <= min) {
        max = step(min * 1.01, true);
      }
      boolean decadesOnly = Math.log10(max / min) > 3;
      if (decadesOnly) {
        // a wide axis is labelled at powers of ten only: end it at one at each end
        min = Math.pow(10, Math.floor(Math.log10(min) + 1e-9));
        max = Math.pow(10, Math.ceil(Math.log10(max) - 1e-9));
      }
      List<Double> ticks = new ArrayList<>();
      for (int exponent = (int) Math.floor(Math.log10(min)) - 1; exponent <= Math.ceil(Math.log10(max)); exponent++) {
        for (int m : decadesOnly ? new int[] {1} : new int[] {1, 2, 5}) {
          double tick = Double.parseDouble(m + "e" + exponent);
          if (tick >= min * (1 - 1e-9) && tick <= max * (1 + 1e-9)) {
            ticks.add(tick);
          }
        }
      }
      return new Scale(true, min, max, Double.isNaN(base) ? min : base, List.copyOf(ticks), tickFormat);
    }

    /** The 1-2-5 step at or below (or at or above) a positive value. */
    private static double step(double value, boolean up) {
      int exponent = (int) Math.floor(Math.log10(value));
      double best = up ? Double.MAX_VALUE : 0;
      for (int e = exponent - 1; e <= exponent + 1; e++) {
        for (int m : new int[] {1, 2, 5}) {
          double candidate = Double.parseDouble(m + "e" + e);
          if (up && candidate >= value * (1 - 1e-9) && candidate < best) {
            best = candidate;
          } else if (!up && candidate <= value * (1 + 1e-9) && candidate > best) {
            best = candidate;
          }
        }
      }
      return best;
    }

    /** Where a value sits, from 0 (the bottom) to 1 (the top). */
    double position(double value) {
      double v = Math.max(min, Math.min(max, value));
      return log ? Math.log(v / min) / Math.log(max / min) : (v - min) / (max - min);
    }
  }

  // ------------------------------------------------------------------ layout

  private static final String FONT = "Helvetica, Arial, sans-serif";
  private static final int LEFT = 84;
  private static final int RIGHT = 110;
  private static final int PLOT_HEIGHT = 270;
  private static final int LABEL_ROOM = 44;
  private static final int GROUP_GAP = 22;
  private static final int PLOT_WIDTH = 880;
  private static final double CHAR = 0.58;

  /**
   * Draws the chart.
   *
   * @return a standalone SVG document
   */
  String svg() {
    int groups = panels.stream().mapToInt(p -> p.groups().size()).max().orElse(1);
    int bar = (int) Math.max(12, Math.min(34, ((double) PLOT_WIDTH / Math.max(1, groups) - GROUP_GAP) / Math.max(1, series.size())));
    // groups share the plot's width; few bars get wider gaps, never wider bars
    int groupWidth = Math.max(bar * series.size() + GROUP_GAP, PLOT_WIDTH / Math.max(1, groups));
    int plotWidth = groupWidth * groups;
    int width = LEFT + plotWidth + RIGHT;

    StringBuilder body = new StringBuilder();
    int y = 30;
    text(body, 16, y, title, 18, "bold", "start", "#111", "title");
    y += 26;
    y = legend(body, y, width);
    for (Panel panel : panels) {
      y += 10;
      if (!panel.title().isEmpty()) {
        text(body, LEFT, y, panel.title(), 14, "bold", "start", "#111", "panel-title");
        y += 8;
      }
      int top = y + LABEL_ROOM;
      int labelLines = panel(body, panel, top, bar, groupWidth, plotWidth);
      y = top + PLOT_HEIGHT + 24 + 14 * labelLines;
    }
    y += 6;
    for (String line : wrap(caption, (int) ((width - 32) / (11 * CHAR)))) {
      text(body, 16, y, line, 11, "normal", "start", "#555", "caption");
      y += 15;
    }
    int height = y + 4;

    StringBuilder svg = new StringBuilder();
    svg.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    svg.append(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
            + "font-family=\"%s\">\n", width, height, width, height, FONT));
    svg.append("<title>").append(escape(title)).append("</title>\n");
    svg.append(String.format(Locale.ROOT, "<rect class=\"background\" x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n",
        width, height));
    svg.append(body).append("</svg>\n");
    return svg.toString();
  }

  private int legend(StringBuilder out, int y, int width) {
    int x = LEFT;
    for (Series s : series) {
      int itemWidth = 18 + (int) (s.name().length() * 12 * CHAR) + 18;
      if (x > LEFT && x + itemWidth > width - 16) {
        x = LEFT;
        y += 20;
      }
      out.append(String.format(Locale.ROOT,
          "<rect class=\"swatch\" x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>\n", x, y - 10, s.colour()));
      text(out, x + 17, y, s.name(), 12, "normal", "start", "#222", "legend");
      x += itemWidth;
    }
    return y + 10;
  }

  /** Draws a panel; returns the most lines a group label took. */
  private int panel(StringBuilder out, Panel panel, int top, int bar, int groupWidth, int plotWidth) {
    int labelLines = 1;
    int bottom = top + PLOT_HEIGHT;
    int right = LEFT + plotWidth;
    for (double tick : scale.ticks()) {
      double ty = yOf(tick, top);
      out.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e3e3e3\"/>\n",
          LEFT, ty, right, ty));
      text(out, LEFT - 6, ty + 4, scale.tickFormat().apply(tick), 11, "normal", "end", "#333", "tick");
    }
    String[] axisLines = axisTitle.split("\n");
    for (int i = 0; i < axisLines.length; i++) {
      double ax = 16 + i * 14;
      double ay = top + PLOT_HEIGHT / 2.0;
      out.append(String.format(Locale.ROOT,
          "<text class=\"axis-title\" x=\"%.1f\" y=\"%.1f\" font-size=\"12\" fill=\"#333\" text-anchor=\"middle\" "
              + "transform=\"rotate(-90 %.1f %.1f)\">%s</text>\n", ax, ay, ax, ay, escape(axisLines[i])));
    }
    // reference lines first: the bars and their labels are drawn over them
    for (Reference ref : references) {
      double ry = yOf(ref.value(), top);
      out.append(String.format(Locale.ROOT,
          "<line class=\"reference\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#222\" stroke-width=\"1.2\"%s/>\n",
          LEFT, ry, right, ry, ref.dashed() ? " stroke-dasharray=\"5 4\"" : ""));
      text(out, right + 6, ry + 4, ref.label(), 11, "normal", "start", "#222", "reference-label");
    }
    double baseY = yOf(scale.base(), top);
    for (int g = 0; g < panel.groups().size(); g++) {
      Group group = panel.groups().get(g);
      int gx = LEFT + g * groupWidth + (groupWidth - bar * series.size()) / 2;
      for (int s = 0; s < series.size(); s++) {
        OptionalDouble value = s < group.values().size() ? group.values().get(s) : OptionalDouble.empty();
        double x = gx + s * bar;
        double cx = x + bar / 2.0;
        if (value.isEmpty()) {
          rotated(out, cx + 4, baseY - 3, "n/a", "start", "#999", "missing");
          continue;
        }
        double v = value.getAsDouble();
        double vy = yOf(v, top);
        double y0 = Math.min(vy, baseY);
        double h = Math.max(1, Math.abs(baseY - vy));
        String what = series.get(s).name() + ", " + group.label().replace('\n', ' ') + ": " + format.apply(v);
        out.append(String.format(Locale.ROOT,
            "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s</title></rect>\n",
            x + 1, y0, bar - 2.0, h, series.get(s).colour(), escape(what)));
        boolean up = v >= scale.base();
        rotated(out, cx + 3.5, up ? y0 - 3 : y0 + h + 3, format.apply(v), up ? "start" : "end", "#222", "value");
      }
      List<String> lines = labelLines(group.label(), (int) ((groupWidth - 4) / (12 * CHAR)));
      labelLines = Math.max(labelLines, lines.size());
      for (int i = 0; i < lines.size(); i++) {
        text(out, gx + series.size() * bar / 2.0, bottom + 17 + i * 14, lines.get(i), 12, "normal", "middle", "#222",
            "group-label");
      }
    }
    out.append(String.format(Locale.ROOT,
        "<path class=\"axis\" d=\"M%d %d V%d H%d\" fill=\"none\" stroke=\"#333\"/>\n", LEFT, top - 6, bottom, right));
    return labelLines;
  }

  private double yOf(double value, int top) {
    return top + PLOT_HEIGHT * (1 - scale.position(value));
  }

  private static void rotated(StringBuilder out, double x, double y, String text, String anchor, String colour, String cls) {
    out.append(String.format(Locale.ROOT,
        "<text class=\"%s\" x=\"%.1f\" y=\"%.1f\" font-size=\"10\" fill=\"%s\" text-anchor=\"%s\" "
            + "stroke=\"#ffffff\" stroke-width=\"4\" paint-order=\"stroke\" "
            + "transform=\"rotate(-90 %.1f %.1f)\">%s</text>\n", cls, x, y, colour, anchor, x, y, escape(text)));
  }

  private static void text(StringBuilder out, double x, double y, String text, int size, String weight, String anchor,
      String colour, String cls) {
    out.append(String.format(Locale.ROOT,
        "<text class=\"%s\" x=\"%.1f\" y=\"%.1f\" font-size=\"%d\"%s fill=\"%s\" text-anchor=\"%s\">%s</text>\n",
        cls, x, y, size, "bold".equals(weight) ? " font-weight=\"bold\"" : "", colour, anchor, escape(text)));
  }

  /** A group's label as lines that fit its width: split at its own line breaks, then before a parenthesis or at a space. */
  static List<String> labelLines(String label, int width) {
    List<String> out = new ArrayList<>();
    for (String line : label.split("\n")) {
      String rest = line;
      while (rest.length() > width) {
        int cut = rest.lastIndexOf('(', width);
        if (cut <= 0) {
          cut = rest.lastIndexOf(' ', width);
        }
        if (cut <= 0) {
          break;
        }
        out.add(rest.substring(0, cut).strip());
        rest = rest.substring(cut).strip();
      }
      out.add(rest);
    }
    return out;
  }

  /** Wraps lines at spaces to at most {@code width} characters. */
  static List<String> wrap(List<String> lines, int width) {
    List<String> out = new ArrayList<>();
    for (String line : lines) {
      StringBuilder current = new StringBuilder();
      for (String word : line.split(" ")) {
        if (current.length() > 0 && current.length() + 1 + word.length() > width) {
          out.add(current.toString());
          current.setLength(0);
        }
        if (current.length() > 0) {
          current.append(' ');
        }
        current.append(word);
      }
      out.add(current.toString());
    }
    return out;
  }

  /** Escapes text for XML. */
  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        default -> {
          if (c >= 0x20 || c == '\t') {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}
