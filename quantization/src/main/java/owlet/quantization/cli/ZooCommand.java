package owlet.quantization.cli;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import owlet.quantization.cost.CostReport;
import owlet.quantization.zoo.Weights;
import owlet.quantization.zoo.Zoo;
import owlet.runtime.command.Args;
import owlet.runtime.command.Command;
import owlet.runtime.command.Json;

/** {@code owlet zoo}: the cost of the MobileNet family, against the papers' tables. */
public final class ZooCommand implements Command {
    /** Table 2 of the MobileNet paper, 1.0 MobileNet-224: type, % of mult-adds, % of parameters, as printed. */
    static final String[][] PAPER_TABLE_2 = {
        {"Conv 1x1", "94.86", "74.59"}, {"Conv dw 3x3", "3.06", "1.06"}, {"Conv 3x3", "1.19", "0.02"},
        {"Fully connected", "0.18", "24.33"},
    };

    @Override
    public String name() {
        return "zoo";
    }

    @Override
    public String summary() {
        return "mult-adds and parameters of the MobileNet family, against the papers' tables";
    }

    @Override
    public String usage() {
        return """
                usage: owlet zoo [--json] [--classes N] [--model NAME]

                Builds each model of the MobileNet papers' tables (V1 at four widths and four
                resolutions, Conv MobileNet, V2, V3 large and small, Dense1- and Dense2-MobileNet) as a
                graph without weights and prints its mult-adds and parameters beside the figures the
                papers print, the per-layer-type shares of MobileNet V1 1.0-224 (paper Table 2), and the
                cost ratio of each separable layer to the full convolution it replaces (1/N + 1/9).
                Counted as the paper counts: mult-adds of convolution, depthwise and fully connected
                layers; parameters are their weights without biases.

                  --json        one JSON object per model: name, family, alpha, resolution, classes,
                                mult_adds, params, params_with_biases, shares (per layer type, percent
                                of mult-adds and of params) and paper (the printed figures, or null)
                  --classes N   classifier outputs (default 1000, as the papers count; TensorFlow's
                                exported models have 1001)
                  --model NAME  instead, one line per layer of that model, then its per-type totals
                """;
    }

    @Override
    public int run(String[] argv, PrintStream out, PrintStream err) throws Exception {
        Args args = new Args(argv, Set.of("classes", "model"), Set.of("json"));
        if (!args.positional().isEmpty()) {
            throw new Args.UsageException("unexpected argument '" + args.positional().get(0) + "'");
        }
        int classes = args.integer("classes", 1000, 1, 100_000);
        boolean json = args.flag("json");
        List<Zoo.Entry> entries = Zoo.entries(classes);
        String only = args.string("model", null);
        if (only != null) {
            Zoo.Entry e = Zoo.find(only, classes);
            if (e == null) {
                List<String> names = new ArrayList<>();
                entries.forEach(x -> names.add(x.name()));
                throw new Args.UsageException("no model '" + only + "' in the zoo; models: " + String.join(", ", names));
            }
            entries = List.of(e);
        }
        List<CostReport> reports = new ArrayList<>();
        for (Zoo.Entry e : entries) {
            reports.add(CostReport.of(e.build(Weights.NONE)));
        }
        if (json) {
            for (int i = 0; i < entries.size(); i++) {
                out.println(json(entries.get(i), reports.get(i)));
            }
        } else if (only != null) {
            printLayers(out, entries.get(0), reports.get(0));
        } else {
            printTables(out, entries, reports, classes);
        }
        return 0;
    }

    static String json(Zoo.Entry e, CostReport r) {
        StringBuilder shares = new StringBuilder();
        for (CostReport.TypeTotal t : r.byType().values()) {
            shares.append(shares.length() == 0 ? "" : ",").append(Json.string(t.type()))
                    .append(":{\"mult_adds\":").append(Json.number(r.multAddShare(t.type())))
                    .append(",\"params\":").append(Json.number(r.weightShare(t.type()))).append('}');
        }
        Zoo.Paper p = e.paper();
        String paper = p == null ? "null" : "{\"mult_adds_millions\":" + Json.number(p.multAddsMillions())
                + ",\"params_millions\":" + Json.number(p.paramsMillions()) + ",\"source\":" + Json.string(p.source()) + "}";
        return "{\"name\":" + Json.string(e.name()) + ",\"family\":" + Json.string(e.family())
                + ",\"alpha\":" + Json.number(e.config().alpha()) + ",\"resolution\":" + e.config().resolution()
                + ",\"classes\":" + e.config().classes() + ",\"mult_adds\":" + r.multAdds() + ",\"params\":" + r.weights()
                + ",\"params_with_biases\":" + r.params() + ",\"shares\":{" + shares + "},\"paper\":" + paper + "}";
    }

    /** True when {@code value} rounded to the decimals of the printed figure is that figure. */
    static boolean agrees(double value, double printed) {
        int decimals = Math.max(0, BigDecimal.valueOf(printed).stripTrailingZeros().scale());
        return BigDecimal.valueOf(value).setScale(decimals, RoundingMode.HALF_UP)
                .compareTo(BigDecimal.valueOf(printed).setScale(decimals, RoundingMode.HALF_UP)) == 0;
    }

    /** True when {@code value} cut to the decimals of the printed figure is that figure. */
    static boolean truncatesTo(double value, double printed) {
        int decimals = Math.max(0, BigDecimal.valueOf(printed).stripTrailingZeros().scale());
        return BigDecimal.valueOf(value).setScale(decimals, RoundingMode.DOWN)
                .compareTo(BigDecimal.valueOf(printed).setScale(decimals, RoundingMode.HALF_UP)) == 0;
    }

    private static String mark(double value, double printed) {
        return agrees(value, printed) ? "ok" : truncatesTo(value, printed) ? "trunc" : "*";
    }

    private static String fmt(String f, Object... a) {
        return String.format(Locale.ROOT, f, a);
    }

    private static void printTables(PrintStream out, List<Zoo.Entry> entries, List<CostReport> reports, int classes) {
        out.println(fmt("MobileNet family, %d classes. Mult-adds: convolution, depthwise and fully connected layers,"
                + " one per filter tap per output element.", classes));
        out.println("Params: their weights without biases (the papers' layers have batch norm); +biases adds them.");
        out.println();
        out.println(fmt("%-28s %5s %5s %12s %7s %5s %10s %6s %5s %10s", "model", "alpha", "res", "mult-adds M",
                "paper", "", "params M", "paper", "", "+biases M"));
        for (int i = 0; i < entries.size(); i++) {
            Zoo.Entry e = entries.get(i);
            CostReport r = reports.get(i);
            double m = r.multAdds() / 1e6;
            double w = r.weights() / 1e6;
            Zoo.Paper p = e.paper();
            out.println(fmt("%-28s %5s %5d %12.2f %7s %-5s %10.3f %6s %-5s %10.3f", e.name(), e.config().alphaText(),
                    e.config().resolution(), m, p == null ? "-" : trim(p.multAddsMillions()),
                    p == null ? "" : mark(m, p.multAddsMillions()), w,
                    p == null ? "-" : trim(p.paramsMillions()),
                    p == null ? "" : mark(w, p.paramsMillions()), r.params() / 1e6));
        }
        out.println("ok: rounds to the printed figure; trunc: truncates to it; *: differs, see the notes below.");
        CostReport base = find(entries, reports, "mobilenet_v1_1.0_224");
        CostReport conv = find(entries, reports, "conv_mobilenet_1.0_224");
        if (base != null) {
            printTypes(out, base);
        }
        if (base != null && conv != null) {
            printRatios(out, base, conv);
        }
        out.println();
        out.println("Notes");
        CostReport small = find(entries, reports, "mobilenet_v1_0.25_224");
        CostReport r160 = find(entries, reports, "mobilenet_v1_1.0_160");
        CostReport v2 = find(entries, reports, "mobilenet_v2_1.0_224");
        CostReport v3l = find(entries, reports, "mobilenet_v3_large_1.0_224");
        CostReport v3s = find(entries, reports, "mobilenet_v3_small_1.0_224");
        if (small != null) {
            out.println(fmt("- 0.25 MobileNet-224 has %.3f M weights, printed as 0.5 M (one decimal).",
                    small.weights() / 1e6));
        }
        if (r160 != null) {
            out.println(fmt("- 1.0 MobileNet-160: %.2f M mult-adds rounds to 291; the paper prints 290 (truncated,"
                    + " while its other rows round, e.g. 568.74 -> 569).", r160.multAdds() / 1e6));
        }
        if (conv != null) {
            long fc = conv.byType().get("Fully connected").multAdds();
            out.println(fmt("- Conv MobileNet: %.2f M mult-adds, %.2f M above the printed 4866; without the fully"
                    + " connected layer (%.2f M) it is %.2f M, which rounds to 4866. Its %.2f M weights (printed"
                    + " 29.3 M) do include that layer.", conv.multAdds() / 1e6, conv.multAdds() / 1e6 - 4866,
                    fc / 1e6, (conv.multAdds() - fc) / 1e6, conv.weights() / 1e6));
        }
        if (v2 != null && v3l != null && v3s != null) {
            out.println(fmt("- The V2 and V3 papers appear to truncate: V2 %.2f M mult-adds and %.3f M weights print as 300"
                    + " and 3.4; V3 small %.2f M as 56; V3 large %.3f M weights as 5.4.", v2.multAdds() / 1e6,
                    v2.weights() / 1e6, v3s.multAdds() / 1e6, v3l.weights() / 1e6));
            out.println(fmt("- V3 large: %.2f M mult-adds against the printed 219 M (%.1f %% less). This model counts"
                    + " conv and FC layers only, not the element-wise products of squeeze-and-excite and h-swish.",
                    v3l.multAdds() / 1e6, 100 * (1 - v3l.multAdds() / 219e6)));
        }
        out.println(fmt("- Dense1-/Dense2-MobileNet: growth rate %d. Their structure is this builder's reading of the"
                + " paper's abstract (each stage of equal feature-map size is a dense block); see the Javadoc of"
                + " owlet.quantization.zoo.DenseMobileNet. The paper reports other data sets; nothing to compare.",
                owlet.quantization.zoo.DenseMobileNet.DEFAULT_GROWTH));
    }

    private static CostReport find(List<Zoo.Entry> entries, List<CostReport> reports, String name) {
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).name().equals(name)) {
                return reports.get(i);
            }
        }
        return null;
    }

    private static void printTypes(PrintStream out, CostReport r) {
        out.println();
        out.println("Per layer type, 1.0 MobileNet-224 (paper Table 2)");
        out.println(fmt("%-16s %7s %11s %7s %8s %7s", "type", "layers", "mult-adds %", "paper", "params %", "paper"));
        double sumM = 0;
        double sumP = 0;
        double paperM = 0;
        double paperP = 0;
        for (String[] row : PAPER_TABLE_2) {
            CostReport.TypeTotal t = r.byType().get(row[0]);
            double m = r.multAddShare(row[0]);
            double p = r.weightShare(row[0]);
            sumM += m;
            sumP += p;
            paperM += Double.parseDouble(row[1]);
            paperP += Double.parseDouble(row[2]);
            boolean typo = !agrees(m, Double.parseDouble(row[1]));
            out.println(fmt("%-16s %7d %11.2f %6s%s %8.2f %7s", row[0], t == null ? 0 : t.layers(), m, row[1],
                    typo ? "*" : " ", p, row[2]));
        }
        out.println(fmt("%-16s %7s %11.2f %7.2f %8.2f %7.2f", "sum", "", sumM, paperM, sumP, paperP));
        out.println(fmt("* the paper prints %s %% for Conv 3x3, which cannot be right: its mult-adds column would sum to"
                + " %.2f %%. The count is %.2f %% (the digits swapped), and the column then sums to 100 %% within"
                + " rounding.", PAPER_TABLE_2[2][1], paperM, r.multAddShare("Conv 3x3")));
    }

    private static void printRatios(PrintStream out, CostReport sep, CostReport conv) {
        out.println();
        out.println("Separable layers against full 3x3 convolutions (paper eq. 5: ratio = 1/N + 1/D_K^2, D_K = 3)");
        out.println(fmt("%-6s %5s %14s %14s %9s %9s", "layer", "N", "separable", "full 3x3", "ratio", "1/N+1/9"));
        List<CostReport.Layer> s = sep.layers();
        List<CostReport.Layer> c = conv.layers();
        // Layer 0 is the shared first convolution; then dw, pw pairs against one full convolution each.
        for (int i = 1; 2 * i < s.size() - 1 && i < c.size() - 1; i++) {
            CostReport.Layer dw = s.get(2 * i - 1);
            CostReport.Layer pw = s.get(2 * i);
            CostReport.Layer full = c.get(i);
            long n = pw.outChannels();
            long separable = dw.multAdds() + pw.multAdds();
            out.println(fmt("%-6d %5d %,14d %,14d %9.6f %9.6f", i, n, separable, full.multAdds(),
                    (double) separable / full.multAdds(), 1.0 / n + 1.0 / 9));
        }
    }

    private static void printLayers(PrintStream out, Zoo.Entry e, CostReport r) {
        out.println(fmt("%s (%s, alpha %s, %dx%d, %d classes)", e.name(), e.family(), e.config().alphaText(),
                e.config().resolution(), e.config().resolution(), e.config().classes()));
        out.println(fmt("%4s  %-18s %-16s %-18s %15s %12s %12s", "op", "operator", "type", "output", "mult-adds",
                "weights", "+biases"));
        for (CostReport.Layer l : r.layers()) {
            out.println(fmt("%4d  %-18s %-16s %-18s %,15d %,12d %,12d", l.index(), l.op(), l.type(), l.outputText(),
                    l.multAdds(), l.weights(), l.params()));
        }
        out.println();
        out.println(fmt("%-16s %7s %15s %9s %12s %9s", "type", "layers", "mult-adds", "%", "weights", "%"));
        for (CostReport.TypeTotal t : r.byType().values()) {
            out.println(fmt("%-16s %7d %,15d %9.2f %,12d %9.2f", t.type(), t.layers(), t.multAdds(),
                    r.multAddShare(t.type()), t.weights(), r.weightShare(t.type())));
        }
        out.println(fmt("%-16s %7d %,15d %9.2f %,12d %9.2f", "total", r.layers().size(), r.multAdds(), 100.0,
                r.weights(), 100.0));
        out.println(fmt("params with biases %,d", r.params()));
    }

    private static String trim(double v) {
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
}
