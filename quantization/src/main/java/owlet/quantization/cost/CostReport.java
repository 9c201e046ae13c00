package owlet.quantization.cost;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import owlet.runtime.model.OpCost;
import owlet.runtime.model.Model;
import owlet.runtime.model.Operator;

/**
 * Mult-adds and parameters of a graph per layer and per layer type, counted as the MobileNet paper
 * counts them ({@link OpCost}, {@link PaperLayers}): only convolutions, depthwise convolutions and fully connected layers
 * cost mult-adds, and "parameters" are their weights without biases (the paper's layers have batch
 * normalization instead of biases; {@link #params()} adds the biases an inference graph carries).
 * Shares by type are of the mult-adds and of the weights.
 */
public final class CostReport {
    /** The paper's Table 2 order; other types follow in the order they first appear. */
    public static final List<String> PAPER_TYPES = List.of("Conv 1x1", "Conv dw 3x3", "Conv 3x3", "Fully connected");

    /** One operator that has a filter: its index and op in the graph, paper type, output shape, and cost. */
    public record Layer(int index, String op, String type, int[] output, long multAdds, long weights, long params) {
        /** The output's last dimension: its channels, for the paper's layers (NHWC, or [batch, units]). */
        public int outChannels() {
            return output[output.length - 1];
        }

        /** The output shape as the tables print it, "[1,112,112,32]". */
        public String outputText() {
            return Arrays.toString(output).replace(" ", "");
        }
    }

    /** Totals of one layer type. */
    public record TypeTotal(String type, int layers, long multAdds, long weights) {
    }

    private final String name;
    private final List<Layer> layers;
    private final Map<String, TypeTotal> byType;
    private final long multAdds;
    private final long weights;
    private final long params;

    private CostReport(String name, List<Layer> layers) {
        this.name = name;
        this.layers = List.copyOf(layers);
        Map<String, TypeTotal> types = new LinkedHashMap<>();
        for (String t : PAPER_TYPES) {
            types.put(t, new TypeTotal(t, 0, 0, 0));
        }
        long m = 0;
        long w = 0;
        long p = 0;
        for (Layer l : layers) {
            TypeTotal t = types.getOrDefault(l.type(), new TypeTotal(l.type(), 0, 0, 0));
            types.put(l.type(), new TypeTotal(l.type(), t.layers() + 1, t.multAdds() + l.multAdds(),
                    t.weights() + l.weights()));
            m += l.multAdds();
            w += l.weights();
            p += l.params();
        }
        types.values().removeIf(t -> t.layers() == 0);
        this.byType = types;
        this.multAdds = m;
        this.weights = w;
        this.params = p;
    }

    /** The cost of every operator of the model that has a filter. */
    public static CostReport of(Model model) {
        List<Layer> layers = new ArrayList<>();
        for (Operator op : model.operators()) {
            String type = PaperLayers.type(model, op);
            if (type == null) {
                continue;
            }
            OpCost cost = OpCost.of(model, op);
            int[] out = model.tensor(op.outputs()[0]).shape().clone();
            layers.add(new Layer(op.index(), op.name(), type, out, cost.multAdds(), PaperLayers.weights(model, op),
                    cost.params()));
        }
        return new CostReport(model.source(), layers);
    }

    public String name() {
        return name;
    }

    public List<Layer> layers() {
        return layers;
    }

    /** Per layer type, in {@link #PAPER_TYPES} order first; types with no layer are left out. */
    public Map<String, TypeTotal> byType() {
        return byType;
    }

    public long multAdds() {
        return multAdds;
    }

    /** Weights without biases: the paper's "parameters". */
    public long weights() {
        return weights;
    }

    /** Weights and biases. */
    public long params() {
        return params;
    }

    /** Percentage of the mult-adds spent in this layer type (0 when absent). */
    public double multAddShare(String type) {
        TypeTotal t = byType.get(type);
        return t == null || multAdds == 0 ? 0 : 100.0 * t.multAdds() / multAdds;
    }

    /** Percentage of the weights held by this layer type (0 when absent). */
    public double weightShare(String type) {
        TypeTotal t = byType.get(type);
        return t == null || weights == 0 ? 0 : 100.0 * t.weights() / weights;
    }
}
