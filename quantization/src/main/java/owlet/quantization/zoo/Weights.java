package owlet.quantization.zoo;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

/**
 * What a builder attaches to its weight tensors: nothing (a graph for the cost model only, which needs
 * no memory for weights), or float32 values drawn from a seeded generator, the same for the same seed.
 * Random filters are He-normal (standard deviation sqrt(2 / fan-in)) so that activations keep their
 * scale through a deep ReLU network; biases are uniform in [-0.1, 0.1).
 */
public final class Weights {
    /** No bytes: weight tensors are shapes only. */
    public static final Weights NONE = new Weights(null);

    private final Random random;

    private Weights(Random random) {
        this.random = random;
    }

    /** Random weights from this seed; one instance serves one model, in the builder's order. */
    public static Weights random(long seed) {
        return new Weights(new Random(seed));
    }

    public boolean attached() {
        return random != null;
    }

    /** {@code count} float32 filter values for a layer whose outputs each sum {@code fanIn} products. */
    byte[] filter(int count, int fanIn) {
        if (random == null) {
            return null;
        }
        double std = Math.sqrt(2.0 / fanIn);
        ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(count, 4)).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            b.putFloat((float) (random.nextGaussian() * std));
        }
        return b.array();
    }

    /** {@code count} float32 bias values. */
    byte[] bias(int count) {
        if (random == null) {
            return null;
        }
        ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(count, 4)).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            b.putFloat((float) ((random.nextDouble() - 0.5) * 0.2));
        }
        return b.array();
    }
}
