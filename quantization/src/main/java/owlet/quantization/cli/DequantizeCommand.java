package owlet.quantization.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;
import owlet.quantization.ptq.Dequantizer;
import owlet.runtime.command.Args;
import owlet.runtime.command.Command;
import owlet.runtime.model.Model;
import owlet.runtime.model.ModelWriter;

/** {@code owlet dequantize}: a quantized .tflite to a float32 one, a float network to quantize again. */
public final class DequantizeCommand implements Command {
    @Override
    public String name() {
        return "dequantize";
    }

    @Override
    public String summary() {
        return "turn a quantized .tflite into a float32 one by dequantizing its weights";
    }

    @Override
    public String usage() {
        return """
                usage: owlet dequantize --model IN.tflite --out OUT.tflite

                Writes a float32 model with the same layers: each quantized weight becomes
                scale[c] * (q - zero_point[c]) along its quantized dimension (int8 and uint8 filters,
                int32 biases with scale s_in * s_w[c]); 8-bit activations become float32; QUANTIZE and
                DEQUANTIZE operators are dropped, so the graph takes and gives float32. An image model then
                takes pixels normalised as (x - 127.5) / 127.5, as owlet classify feeds a float input.

                  --model IN   the quantized model
                  --out OUT    the float32 model to write
                """;
    }

    @Override
    public int run(String[] argv, PrintStream out, PrintStream err) throws Exception {
        Args args = new Args(argv, Set.of("model", "out"), Set.of());
        if (!args.positional().isEmpty()) {
            throw new Args.UsageException("unexpected argument '" + args.positional().get(0) + "'");
        }
        Path in = args.path("model");
        Path dst = args.outputPath("out", in);
        Model q = Model.load(in);
        Model f = Dequantizer.dequantize(q, dst.getFileName().toString());
        ModelWriter.write(f, dst);
        out.println("wrote " + dst + ": " + f.operators().size() + " float32 operators (" + q.operators().size()
                + " in " + in.getFileName() + ")");
        return 0;
    }
}
