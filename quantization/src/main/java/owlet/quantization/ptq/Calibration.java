package owlet.quantization.ptq;

import java.util.Arrays;
import owlet.runtime.api.Interpreter;
import owlet.runtime.model.InvalidModelException;
import owlet.runtime.model.Model;
import owlet.runtime.model.Operator;
import owlet.runtime.model.Tensor;

/**
 * Activation ranges of a float model, collected by running it on calibration inputs and reading every
 * operator's outputs (and the graph inputs) after each step. Feed inputs with {@link #observe}, then read
 * {@link #min} and {@link #max} per tensor index (NaN for a tensor never seen).
 */
public final class Calibration {
    private final Model model;
    private final RangeMethod method;
    private final Interpreter interpreter;
    private final float[] min;
    private final float[] max;
    private final int[] seen;
    private final float[][] scratch;
    private final float[] sample = new float[RangeMethod.SAMPLE];

    public Calibration(Model floatModel, RangeMethod method) throws InvalidModelException {
        this.model = floatModel;
        this.method = method;
        this.interpreter = Interpreter.create(floatModel);
        int n = floatModel.tensors().size();
        this.min = new float[n];
        this.max = new float[n];
        this.seen = new int[n];
        Arrays.fill(min, Float.NaN);
        Arrays.fill(max, Float.NaN);
        this.scratch = new float[n][];
        for (Operator op : floatModel.operators()) {
            for (int t : op.outputs()) {
                scratch[t] = new float[floatModel.tensor(t).elementCount()];
            }
        }
        for (int t : floatModel.inputs()) {
            scratch[t] = new float[floatModel.tensor(t).elementCount()];
        }
    }

    public Model model() {
        return model;
    }

    public RangeMethod method() {
        return method;
    }

    /** Runs the model on one float input and folds every activation's values into its range. */
    public void observe(float[] input) {
        interpreter.setInput(0, input);
        int in = model.inputs()[0];
        interpreter.tensorAsFloat(in, scratch[in]);
        fold(in, scratch[in]);
        interpreter.run(i -> {
            for (int t : model.operators().get(i).outputs()) {
                interpreter.tensorAsFloat(t, scratch[t]);
                fold(t, scratch[t]);
            }
        });
    }

    private void fold(int t, float[] v) {
        float lo;
        float hi;
        if (method == RangeMethod.PERCENTILE) {
            int stride = Math.max(1, (v.length + sample.length - 1) / sample.length);
            int k = 0;
            for (int i = 0; i < v.length; i += stride) {
                sample[k++] = v[i];
            }
            Arrays.sort(sample, 0, k);
            double tail = (100 - RangeMethod.PERCENTILE_VALUE) / 100;
            lo = sample[(int) Math.floor(tail * (k - 1))];
            hi = sample[(int) Math.ceil((1 - tail) * (k - 1))];
        } else {
            lo = Float.POSITIVE_INFINITY;
            hi = Float.NEGATIVE_INFINITY;
            for (float x : v) {
                lo = Math.min(lo, x);
                hi = Math.max(hi, x);
            }
        }
        int n = seen[t]++;
        if (n == 0) {
            min[t] = lo;
            max[t] = hi;
            return;
        }
        switch (method) {
            case MINMAX -> {
                min[t] = Math.min(min[t], lo);
                max[t] = Math.max(max[t], hi);
            }
            case EMA -> {
                min[t] += RangeMethod.EMA_WEIGHT * (lo - min[t]);
                max[t] += RangeMethod.EMA_WEIGHT * (hi - max[t]);
            }
            case PERCENTILE -> {
                min[t] += (lo - min[t]) / (n + 1);
                max[t] += (hi - max[t]) / (n + 1);
            }
        }
    }

    /** Images (or inputs) observed so far. */
    public int count() {
        int in = model.inputs()[0];
        return seen[in];
    }

    public float min(int tensor) {
        return min[tensor];
    }

    public float max(int tensor) {
        return max[tensor];
    }

    /** "tensor #12 'name' [-1.2, 5.9]" for messages. */
    public String describe(int tensor) {
        Tensor t = model.tensor(tensor);
        return t.describe() + " [" + min[tensor] + ", " + max[tensor] + "]";
    }
}
