package owlet.runtime.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import owlet.runtime.graph.ExecutionPlan;
import owlet.runtime.model.OpCost;
import owlet.runtime.model.Model;
import owlet.runtime.model.Operator;
import owlet.runtime.model.Tensor;
import owlet.runtime.model.TensorType;
import owlet.runtime.model.BuiltinOp;
import owlet.runtime.command.Command;
import owlet.runtime.command.Args;
import owlet.runtime.command.Json;

/** {@code owlet inspect}: operators, shapes, cost and arena of a model. */
public final class InspectCommand implements Command {
    @Override
    public String name() {
        return "inspect";
    }

    @Override
    public String summary() {
        return "list a model's operators, shapes, mult-adds, parameters and arena size";
    }

    @Override
    public String usage() {
        return """
                usage: owlet inspect --model M [--json]

                One line per operator: index, type, input shapes -> output shapes, mult-adds and
                parameters; then how the model is quantized (uint8, int8, dynamic-range/hybrid: float32
                activations with int8 weights, or none), totals, the arena size in bytes and the liveness
                lower bound (the most activation bytes that must be live at once). The model is fully validated and prepared,
                so a model that inspects cleanly runs.

                  --model M   .tflite file
                  --json      one JSON document: {"model":...,"ops":[...],"quantization":...,...}
                """;
    }

    @Override
    public int run(String[] argv, PrintStream out, PrintStream err) throws Exception {
        Args args = new Args(argv, Set.of("model"), Set.of("json"));
        if (!args.positional().isEmpty()) {
            throw new Args.UsageException("unexpected argument '" + args.positional().get(0) + "'");
        }
        Model model = Model.load(args.path("model"));
        ExecutionPlan plan = ExecutionPlan.create(model);
        plan.prepareKernels(); // validates every operator
        boolean json = args.flag("json");
        long macs = 0;
        long params = 0;
        StringBuilder ops = new StringBuilder();
        for (Operator op : model.operators()) {
            OpCost cost = OpCost.of(model, op);
            macs += cost.multAdds();
            params += cost.params();
            String ins = shapes(model, op.inputs());
            String outs = shapes(model, op.outputs());
            if (json) {
                ops.append(op.index() == 0 ? "" : ",").append("{\"index\":").append(op.index())
                        .append(",\"op\":").append(Json.string(op.name()))
                        .append(",\"inputs\":").append(Json.string(ins))
                        .append(",\"outputs\":").append(Json.string(outs))
                        .append(",\"mult_adds\":").append(cost.multAdds())
                        .append(",\"params\":").append(cost.params()).append('}');
            } else {
                out.printf("%3d  %-18s %-44s -> %-18s %,13d MACs %,10d params%n", op.index(), op.name(), ins, outs,
                        cost.multAdds(), cost.params());
            }
        }
        Tensor in = model.input(0);
        Tensor outT = model.output(0);
        String quantization = quantization(model);
        if (json) {
            out.println("{\"model\":" + Json.string(model.source()) + ",\"ops\":[" + ops + "],\"operators\":"
                    + model.operators().size() + ",\"quantization\":" + Json.string(quantization)
                    + ",\"mult_adds\":" + macs + ",\"params\":" + params
                    + ",\"arena_bytes\":" + plan.arenaSize() + ",\"arena_lower_bound\":" + plan.lowerBound()
                    + ",\"input\":" + Json.string(describe(in)) + ",\"output\":" + Json.string(describe(outT)) + "}");
        } else {
            out.printf("model     %s%n", model.source());
            out.printf("input     %s%n", describe(in));
            out.printf("output    %s%n", describe(outT));
            out.printf("quantized %s%n", quantization);
            out.printf("operators %d%n", model.operators().size());
            out.printf("mult-adds %,d%n", macs);
            out.printf("params    %,d%n", params);
            out.printf("arena     %,d bytes (liveness lower bound %,d bytes, ratio %.3f)%n", plan.arenaSize(),
                    plan.lowerBound(), plan.lowerBound() == 0 ? 1.0 : (double) plan.arenaSize() / plan.lowerBound());
        }
        return 0;
    }

    /**
     * How the model is quantized, judged by its weighted operators (CONV_2D, DEPTHWISE_CONV_2D,
     * FULLY_CONNECTED) from their input and filter types: "uint8" or "int8" (integer activations and
     * weights), "dynamic-range (hybrid)" (float32 activations, int8 weights), "no (float32)"; a model that
     * mixes them counts each kind.
     */
    static String quantization(Model model) {
        Map<String, Integer> kinds = new LinkedHashMap<>();
        int weighted = 0;
        for (Operator op : model.operators()) {
            if (op.op() != BuiltinOp.CONV_2D && op.op() != BuiltinOp.DEPTHWISE_CONV_2D
                    && op.op() != BuiltinOp.FULLY_CONNECTED) {
                continue;
            }
            TensorType input = model.tensor(op.inputs()[0]).type();
            TensorType filter = model.tensor(op.inputs()[1]).type();
            String kind = input == TensorType.FLOAT32 && filter == TensorType.INT8 ? "hybrid"
                    : input == filter ? input.name().toLowerCase(Locale.ROOT)
                    : input.name().toLowerCase(Locale.ROOT) + " with " + filter.name().toLowerCase(Locale.ROOT)
                            + " weights";
            kinds.merge(kind, 1, Integer::sum);
            weighted++;
        }
        if (kinds.isEmpty()) {
            return "unknown (no convolution or fully connected operators)";
        }
        if (kinds.size() > 1) {
            StringBuilder b = new StringBuilder("mixed: ");
            kinds.forEach((k, n) -> b.append(b.length() > 7 ? ", " : "").append(n).append(' ').append(k));
            return b.append(" (of ").append(weighted).append(" weighted operators)").toString();
        }
        String kind = kinds.keySet().iterator().next();
        return switch (kind) {
            case "hybrid" -> "dynamic-range (hybrid): float32 activations, int8 weights";
            case "uint8", "int8" -> kind + " (full integer)";
            case "float32" -> "no (float32)";
            default -> kind;
        };
    }

    private static String shapes(Model model, int[] tensors) {
        StringBuilder b = new StringBuilder();
        for (int t : tensors) {
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append(t < 0 ? "-" : Arrays.toString(model.tensor(t).shape()).replace(" ", ""));
        }
        return b.toString();
    }

    private static String describe(Tensor t) {
        String q = t.quantization().isPresent() && !t.quantization().isPerChannel()
                ? " scale " + t.quantization().scale() + " zero point " + t.quantization().zeroPoint() : "";
        return t.type() + Arrays.toString(t.shape()).replace(" ", "") + q;
    }
}
